import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import { DEPLOY_LABEL_PREFIX, gpuNodes } from '../src/facts/gpu.js';
import type { KubeObject, Node, Taint, Toleration } from '../src/facts/kube.js';
import { daemonSetHasPodOn, operandOfDaemonSet } from '../src/facts/operands.js';
import type { PlacementSpec } from '../src/facts/scheduling.js';
import { formatTaint, formatToleration, isNodeConditionTaint, nodeMatchesPlacement, sameTaint, someNames, tolerationFor, untoleratedTaints } from '../src/facts/scheduling.js';
import type { Fix, Issue } from '../src/model.js';

const MAX_NODES = 5;

function jsonArg(value: unknown): string {
  return `'${JSON.stringify(value)}'`;
}

function fixFor(facts: Facts, ds: KubeObject, title: string, existing: Toleration[], taints: Taint[]): Fix {
  const wanted = taints.map(tolerationFor);
  const yaml = wanted.map(formatToleration).join(', ');
  const ns = ds.metadata.namespace ?? 'default';
  const policyOwner = ds.metadata.ownerReferences?.find((o) => o.kind === 'ClusterPolicy');
  if (policyOwner) {
    // The operator rewrites its DaemonSets from the ClusterPolicy: the list there replaces the defaults.
    const policy = facts.all<KubeObject>('ClusterPolicy').find((p) => p.metadata.name === policyOwner.name);
    const current = ((policy?.spec?.daemonsets as { tolerations?: Toleration[] } | undefined)?.tolerations ?? existing) as Toleration[];
    return {
      summary: `Add ${yaml} to the ClusterPolicy's daemonsets.tolerations (chart value daemonsets.tolerations), which the GPU Operator applies to every operand DaemonSet`,
      commands: [`kubectl patch clusterpolicy ${policyOwner.name} --type=merge -p ${jsonArg({ spec: { daemonsets: { tolerations: [...current, ...wanted] } } })}`],
    };
  }
  const helm = ds.metadata.labels?.['app.kubernetes.io/managed-by'] === 'Helm';
  return {
    summary: `Add ${yaml} to the tolerations of the ${title} DaemonSet ${ns}/${ds.metadata.name}${helm ? ' (and to its chart\'s tolerations value, or the next helm upgrade removes it)' : ''}`,
    commands: [`kubectl -n ${ns} patch daemonset ${ds.metadata.name} --type=json -p ${jsonArg([{ op: 'add', path: '/spec/template/spec/tolerations', value: [...existing, ...wanted] }])}`],
  };
}

export default defineCheck({
  name: 'operand-taint-untolerated',
  title: 'GPU stack DaemonSets tolerate the taints of the GPU nodes they must run on',
  needs: ['Node', 'Pod', 'DaemonSet', 'ClusterPolicy', 'node-command:lspci'],
  requires: ['Node', 'DaemonSet', 'Pod'],
  ok: 'every GPU stack DaemonSet tolerates the taints of the GPU nodes it selects',
  explain: {
    detects:
      'A DaemonSet of the GPU stack (device plugin, NFD worker, GFD, DCGM exporter, driver, toolkit, validators, HAMi\'s device plugin) whose pod template selects a GPU node (nodeSelector and required node affinity) but does not tolerate one of that node\'s NoSchedule/NoExecute taints, and has no pod there. Tolerations are matched as Kubernetes does; the node-condition taints the DaemonSet controller tolerates by itself are left out.',
    why: 'The DaemonSet controller simply places no pod on a node whose taint the template does not tolerate: DESIRED stays 0 there and no event says why. Without the device plugin the node never advertises nvidia.com/gpu, without the driver or toolkit nothing else starts, and GPU pods stay Pending with "Insufficient nvidia.com/gpu".',
    fix: 'Add the tolerations to the DaemonSet\'s pod template: for the GPU Operator in the ClusterPolicy\'s daemonsets.tolerations (chart value daemonsets.tolerations), for a Helm chart in its tolerations value, otherwise with kubectl patch.',
  },
  zh: {
    title: 'GPU 组件的 DaemonSet 能容忍其需要运行的 GPU 节点的污点',
    ok: '每个 GPU 组件 DaemonSet 都能容忍其所选 GPU 节点的污点',
    headline: 'GPU 组件的 DaemonSet 不容忍 GPU 节点的污点，没有在该节点上运行 Pod',
    fixSummary: '在 DaemonSet 的 Pod 模板中添加容忍：GPU Operator 在 ClusterPolicy 的 daemonsets.tolerations 中设置',
    explain: {
      detects:
        'GPU 组件的 DaemonSet（设备插件、NFD worker、GFD、DCGM exporter、驱动、toolkit、验证器、HAMi 设备插件）的 Pod 模板选中了某个 GPU 节点（nodeSelector 与必需的节点亲和性），却不容忍该节点的某个 NoSchedule/NoExecute 污点，因而在那里没有 Pod。容忍按 Kubernetes 的规则匹配；DaemonSet 控制器自动容忍的节点状态污点不计入。',
      why: 'DaemonSet 控制器不会把 Pod 放到其模板不容忍污点的节点上：该节点的 DESIRED 为 0，也没有任何事件说明原因。没有设备插件，节点永远不会上报 nvidia.com/gpu；没有驱动或 toolkit，其他组件都无法启动，GPU Pod 以 "Insufficient nvidia.com/gpu" 一直 Pending。',
      fix: '在 DaemonSet 的 Pod 模板中添加容忍：GPU Operator 在 ClusterPolicy 的 daemonsets.tolerations 中设置（chart 参数 daemonsets.tolerations），Helm chart 设置其 tolerations 参数，其他情况用 kubectl patch。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    const gpu = gpuNodes(facts);
    if (gpu.length === 0) return issues;
    for (const ds of facts.all<KubeObject>('DaemonSet')) {
      const operand = operandOfDaemonSet(ds);
      if (!operand) continue;
      const template = ds.spec?.template?.spec as PlacementSpec | undefined;
      const tolerations = template?.tolerations ?? [];
      // The GPU Operator sets its nvidia.com/gpu.deploy.* labels on GPU nodes itself: a taint blocks its
      // operands whether or not the label is there yet (that is operand-deploy-label-missing's).
      const selector = Object.fromEntries(Object.entries(template?.nodeSelector ?? {}).filter(([k]) => !k.startsWith(DEPLOY_LABEL_PREFIX)));
      const spec: PlacementSpec = { ...template, nodeSelector: selector };
      const blocked: { node: Node; taints: Taint[] }[] = [];
      for (const node of gpu) {
        // A node the template does not select otherwise is not this DaemonSet's to run on.
        if (!nodeMatchesPlacement(spec, node)) continue;
        // The DaemonSet controller tolerates not-ready, unreachable, pressure and unschedulable taints itself.
        const taints = untoleratedTaints(tolerations, node.spec?.taints).filter((t) => !isNodeConditionTaint(t));
        if (taints.length === 0 || daemonSetHasPodOn(facts, ds, node.metadata.name)) continue;
        blocked.push({ node, taints });
      }
      if (blocked.length === 0) continue;
      const taints: Taint[] = [];
      for (const t of blocked.flatMap((b) => b.taints)) if (!taints.some((o) => sameTaint(o, t))) taints.push(t);
      const ref = `${ds.metadata.namespace}/${ds.metadata.name}`;
      const status = ds.status as { desiredNumberScheduled?: number; numberReady?: number } | undefined;
      const nodes = blocked.map((b) => b.node.metadata.name);
      issues.push({
        severity: 'error',
        subject: { kind: 'DaemonSet', name: ds.metadata.name, namespace: ds.metadata.namespace },
        message: `DaemonSet ${ref} (${operand.title}) does not tolerate the taint ${taints.map(formatTaint).join(', ')}, so it runs no pod on GPU node${nodes.length === 1 ? '' : 's'} ${someNames(nodes)}`,
        evidence: [
          `tolerations of the pod template: ${tolerations.length ? tolerations.map(formatToleration).join(', ') : 'none'}`,
          ...blocked.slice(0, MAX_NODES).map((b) => `node ${b.node.metadata.name}: taint ${b.taints.map(formatTaint).join(', ')} not tolerated; no pod of ${ref} there`),
          ...(blocked.length > MAX_NODES ? [`… and ${blocked.length - MAX_NODES} more GPU nodes`] : []),
          ...(status?.desiredNumberScheduled !== undefined ? [`status: desiredNumberScheduled ${status.desiredNumberScheduled}, numberReady ${status.numberReady ?? 0} (the DaemonSet controller records no event for nodes it skips)`] : []),
        ],
        fix: fixFor(facts, ds, operand.title, tolerations, taints),
        scope: { nodes },
      });
    }
    return issues;
  },
});
