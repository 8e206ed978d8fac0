import { defineCheck } from '../src/check.js';
import { GPU_RESOURCE, gpuEvidence, gpuNodes, nodeAllocatableGpus, OPERANDS_LABEL } from '../src/facts/gpu.js';
import { podRef } from '../src/facts/pods.js';
import { gpuPodsWaitingOn, pendingGpuPods, someNames } from '../src/facts/scheduling.js';
import { findStack, gpuOperatorNamespace, gpuOperatorPodsOn } from '../src/facts/stacks.js';
import type { Issue } from '../src/model.js';

export default defineCheck({
  name: 'operands-disabled',
  title: `GPU nodes are not opted out of the GPU Operator (${OPERANDS_LABEL}=false)`,
  needs: ['Node', 'Pod', 'node-command:lspci'],
  requires: ['Node'],
  ok: `no GPU node is labelled ${OPERANDS_LABEL}=false`,
  explain: {
    detects: `A GPU node labelled ${OPERANDS_LABEL}=false. Info when the label costs nothing; a warning when the GPU Operator is installed and runs no operand there, or GPU pods wait while the node advertises no GPU.`,
    why: 'The GPU Operator deploys no driver, container toolkit, device plugin, GFD or validator on such a node, so its GPUs never become allocatable and GPU pods stay Pending. The label is easy to forget after maintenance.',
    fix: `Remove the label if the node should run the operands (kubectl label node NODE ${OPERANDS_LABEL}-); keep it if the node was opted out on purpose (another driver stack, a node reserved for something else).`,
  },
  zh: {
    title: 'GPU 节点没有被排除在 GPU Operator 之外（nvidia.com/gpu.deploy.operands=false）',
    ok: '没有 GPU 节点带有 nvidia.com/gpu.deploy.operands=false 标签',
    headline: 'GPU 节点带有 nvidia.com/gpu.deploy.operands=false，GPU Operator 不会在其上部署 operand',
    fixSummary: '如果该节点应运行 GPU Operator 的 operand，删除该标签（若是有意排除则保留）',
    explain: {
      detects:
        'GPU 节点带有 nvidia.com/gpu.deploy.operands=false 标签。该标签没有造成影响时仅作提示；若已安装 GPU Operator 而该节点上没有任何 operand，或 GPU Pod 在等待而节点不上报 GPU，则为警告。',
      why: 'GPU Operator 不会在这样的节点上部署驱动程序、容器工具包、设备插件、GFD 或验证器，其 GPU 永远不会变为可分配，GPU Pod 一直 Pending。维护之后很容易忘记去掉这个标签。',
      fix: '如果节点应运行 operand，删除该标签（kubectl label node NODE nvidia.com/gpu.deploy.operands-）；如果是有意排除（使用其他驱动栈，或节点另作他用），则保留。',
    },
  },
  run(facts) {
    const nodes = gpuNodes(facts);
    if (nodes.length === 0) return { skip: 'no node shows an NVIDIA GPU (see no-gpu-nodes)' };
    const labelled = nodes.filter((n) => n.metadata.labels?.[OPERANDS_LABEL] === 'false');
    if (labelled.length === 0) return [];
    const operator = findStack(facts, 'gpu-operator');
    const namespace = gpuOperatorNamespace(facts);
    const podsUnreadable = facts.unavailable('Pod');
    const pending = podsUnreadable ? [] : pendingGpuPods(facts);

    return labelled.map((node): Issue => {
      const name = node.metadata.name;
      const allocatable = nodeAllocatableGpus(node);
      const waitingHere = podsUnreadable ? [] : gpuPodsWaitingOn(facts, name);
      const operands = podsUnreadable ? [] : gpuOperatorPodsOn(facts, name);
      const evidence = [`label ${OPERANDS_LABEL}=false`, ...gpuEvidence(node, facts).slice(0, 2)];
      evidence.push(`allocatable ${GPU_RESOURCE}: ${node.status?.allocatable?.[GPU_RESOURCE] ?? 'absent'}`);

      // Why the label hurts, each reason a line; none of them → it is a deliberate, harmless opt-out.
      const harms: string[] = [];
      if (operator && allocatable === 0 && operands.length === 0 && !podsUnreadable) {
        harms.push(`no ${operator.name} operand pod runs on this node`);
      }
      if (allocatable === 0 && pending.length > 0) {
        harms.push(`${pending.length} pod(s) wait for ${GPU_RESOURCE} unscheduled: ${someNames(pending.map(podRef))}`);
      }
      if (waitingHere.length > 0) {
        harms.push(`${waitingHere.length} pod(s) on this node wait for a GPU: ${someNames(waitingHere.map(podRef))}`);
      }
      if (operator) evidence.push(`${operator.name} installed: ${operator.evidence[0]}`);
      else evidence.push('no GPU Operator found: the label has no effect until one is installed');
      if (operands.length > 0) evidence.push(`operand pods still on the node: ${someNames(operands.map(podRef))}`);
      if (podsUnreadable) evidence.push(`pods could not be listed (${podsUnreadable}): judged from the node alone`);
      evidence.push(...harms);

      const severity = harms.length > 0 ? 'warning' : 'info';
      return {
        severity,
        subject: { kind: 'Node', name },
        message:
          severity === 'warning'
            ? `Node ${name} is labelled ${OPERANDS_LABEL}=false: the GPU Operator deploys no driver, toolkit or device plugin there, so its GPUs cannot be used`
            : `Node ${name} is labelled ${OPERANDS_LABEL}=false: the GPU Operator keeps its operands off this node`,
        evidence,
        fix: {
          summary: 'Remove the label if the node should run the GPU Operator operands (keep it if it was opted out on purpose)',
          commands: [
            `kubectl label node ${name} ${OPERANDS_LABEL}-`,
            `kubectl get pods -n ${namespace} -o wide --field-selector spec.nodeName=${name}`,
          ],
        },
      };
    });
  },
});
