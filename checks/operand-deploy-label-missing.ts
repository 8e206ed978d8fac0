import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import { DEPLOY_LABEL_PREFIX, GPU_PRESENT_LABEL, OPERANDS_LABEL, gpuNodes } from '../src/facts/gpu.js';
import type { KubeObject, Node } from '../src/facts/kube.js';
import { daemonSetHasPodOn, operandOfDaemonSet } from '../src/facts/operands.js';
import { gpuOperatorNamespace } from '../src/facts/stacks.js';
import type { Issue, Severity } from '../src/model.js';

/** Without these a GPU node never offers a usable GPU; the others (GFD, DCGM, MIG manager…) only add to it. */
const ESSENTIAL = new Set(['driver', 'toolkit', 'device-plugin']);
/** vm-passthrough and vm-vgpu nodes get the sandbox operands' labels instead of the container ones. */
const WORKLOAD_CONFIG_LABEL = 'nvidia.com/gpu.workload.config';
/**
 * Labels the operator leaves off, or sets to another value, on purpose (controllers/state_manager.go):
 * the MIG manager only goes to MIG-capable GPUs; the driver label reads "pre-installed" where the node
 * already has a host driver.
 */
function intended(label: string, value: string | undefined, nodeLabels: Record<string, string>): boolean {
  if (label === `${DEPLOY_LABEL_PREFIX}mig-manager`) return nodeLabels['nvidia.com/mig.capable'] !== 'true';
  if (label === `${DEPLOY_LABEL_PREFIX}driver`) return value === 'pre-installed';
  return false;
}

interface Gap {
  ds: KubeObject;
  title: string;
  component: string;
  label: string;
  value: string | undefined;
}

function gapsOn(facts: Facts, node: Node, daemonSets: { ds: KubeObject; title: string; component: string; label: string }[]): Gap[] {
  const labels = node.metadata.labels ?? {};
  const gaps: Gap[] = [];
  for (const d of daemonSets) {
    const value = labels[d.label];
    if (value === 'true' || intended(d.label, value, labels) || daemonSetHasPodOn(facts, d.ds, node.metadata.name)) continue;
    gaps.push({ ...d, value });
  }
  return gaps;
}

function describeValue(value: string | undefined): string {
  return value === undefined ? 'absent' : value === '' ? 'empty' : `"${value}"`;
}

export default defineCheck({
  name: 'operand-deploy-label-missing',
  title: 'GPU nodes carry the nvidia.com/gpu.deploy.<operand> labels the GPU Operator\'s DaemonSets select',
  needs: ['Node', 'Pod', 'DaemonSet', 'node-command:lspci'],
  stacks: ['gpu-operator'],
  ok: 'every GPU node carries nvidia.com/gpu.deploy.<operand>=true for each GPU Operator DaemonSet that selects it',
  explain: {
    detects:
      'A GPU node (nvidia.com/gpu.present=true) on which a GPU Operator DaemonSet runs no pod because the per-operand label its nodeSelector asks for (nvidia.com/gpu.deploy.driver, .container-toolkit, .device-plugin, …) is absent, empty or not "true". A node opted out as a whole (nvidia.com/gpu.deploy.operands=false) is operands-disabled\'s; a vm-passthrough or vm-vgpu node gets other operands on purpose.',
    why: 'The operator selects each operand\'s nodes by these labels. It sets them itself when it reconciles a GPU node, so a missing one means it has not (its controller is down, or the label was removed or set to false by hand): that operand never lands there, and without the driver, toolkit or device plugin the node offers no GPU.',
    fix: 'Set the label back to true (kubectl label node NODE nvidia.com/gpu.deploy.OPERAND=true --overwrite), or let the operator do it: check that its controller pod runs and read its log. Keep a false set on purpose.',
  },
  zh: {
    title: 'GPU 节点带有 GPU Operator 各 DaemonSet 所选择的 nvidia.com/gpu.deploy.<组件> 标签',
    ok: '每个 GPU 节点都带有选择它的 GPU Operator DaemonSet 所需的 nvidia.com/gpu.deploy.<组件>=true 标签',
    headline: 'GPU 节点缺少 nvidia.com/gpu.deploy.<组件> 标签，对应组件不会部署到该节点',
    fixSummary: '把节点上的 nvidia.com/gpu.deploy.<组件> 标签设回 true，或检查 Operator 控制器为何没有设置',
    explain: {
      detects:
        'GPU 节点（nvidia.com/gpu.present=true）上某个 GPU Operator DaemonSet 没有 Pod，因为其 nodeSelector 要求的组件标签（nvidia.com/gpu.deploy.driver、.container-toolkit、.device-plugin 等）不存在、为空或不是 "true"。整体退出（nvidia.com/gpu.deploy.operands=false）属于 operands-disabled；vm-passthrough 和 vm-vgpu 节点本就部署其他组件。',
      why: 'Operator 通过这些标签选择每个组件的节点，并在协调 GPU 节点时自行设置它们。标签缺失说明 Operator 没有协调该节点（控制器异常，或标签被手动删除、设为 false）：该组件永远不会部署到这里，缺少驱动、toolkit 或设备插件时节点无法提供 GPU。',
      fix: '把标签设回 true（kubectl label node NODE nvidia.com/gpu.deploy.组件=true --overwrite），或让 Operator 来设置：检查其控制器 Pod 是否运行并查看日志。有意设置的 false 保留即可。',
    },
  },
  run(facts) {
    const daemonSets = facts
      .all<KubeObject>('DaemonSet')
      .map((ds) => {
        const operand = operandOfDaemonSet(ds);
        const selector = (ds.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>;
        const label = Object.keys(selector).find((k) => k.startsWith(DEPLOY_LABEL_PREFIX) && selector[k] === 'true');
        return operand?.provider === 'gpu-operator' && label ? { ds, title: operand.title, component: operand.component, label } : undefined;
      })
      .filter((d): d is NonNullable<typeof d> => !!d);
    if (daemonSets.length === 0) return [];
    const namespace = gpuOperatorNamespace(facts);
    const issues: Issue[] = [];
    for (const node of gpuNodes(facts)) {
      const labels = node.metadata.labels ?? {};
      // Nodes the operator does not (yet) count as GPU nodes, or that are opted out whole, are other checks'.
      if (labels[GPU_PRESENT_LABEL] !== 'true' || labels[OPERANDS_LABEL] === 'false') continue;
      if (/^vm-/.test(labels[WORKLOAD_CONFIG_LABEL] ?? '')) continue;
      const gaps = gapsOn(facts, node, daemonSets);
      if (gaps.length === 0) continue;
      const name = node.metadata.name;
      const essential = gaps.filter((g) => ESSENTIAL.has(g.component));
      const unset = gaps.filter((g) => g.value === undefined || g.value === '');
      // An absent label is the operator not reconciling; a false one may be an opt-out on purpose.
      const severity: Severity = essential.some((g) => g.value === undefined || g.value === '') ? 'error' : essential.length > 0 || unset.length > 0 ? 'warning' : 'info';
      issues.push({
        severity,
        subject: { kind: 'Node', name },
        message: `Node ${name}: ${gaps.map((g) => g.title).join(', ')} never land${gaps.length === 1 ? 's' : ''} there: ${gaps.map((g) => `${g.label} is ${describeValue(g.value)}`).join(', ')}`,
        evidence: [
          `label ${GPU_PRESENT_LABEL}=true`,
          ...gaps.map((g) => `DaemonSet ${g.ds.metadata.namespace}/${g.ds.metadata.name} selects ${g.label}=true; on ${name} it is ${describeValue(g.value)}, and no pod of it runs there`),
        ],
        fix: {
          summary:
            unset.length > 0
              ? `Label node ${name} for ${gaps.map((g) => g.title).join(', ')} (the operator sets these labels itself when it reconciles a GPU node: if they are absent, check its controller's log)`
              : `Set the labels back to true on node ${name} unless the operands were turned off there on purpose`,
          commands: [`kubectl label node ${name} ${gaps.map((g) => `${g.label}=true`).join(' ')} --overwrite`, `kubectl logs -n ${namespace} deploy/gpu-operator --tail=50`],
        },
      });
    }
    return issues;
  },
});
