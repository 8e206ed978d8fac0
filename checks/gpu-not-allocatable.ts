import { defineCheck } from '../src/check.js';
import type { Pod } from '../src/facts/kube.js';
import type { Facts } from '../src/facts/facts.js';
import { GPU_RESOURCE, gpuEvidence, gpuNodes, nodeAllocatableGpus, nodeCapacityGpus, OPERANDS_LABEL } from '../src/facts/gpu.js';
import type { Node } from '../src/facts/kube.js';
import { ownWords } from '../src/facts/said.js';
import { displayStatus, isReady, podRef, restarts } from '../src/facts/pods.js';
import { unmatchedLabels } from '../src/facts/scheduling.js';
import { detectStacks, findStack, gpuOperatorNamespace, STACK_NAMES } from '../src/facts/stacks.js';
import { devicePluginPodsOn, hamiNodeSelector, nvidiaGpuExpectedBecause } from '../src/facts/device-plugins.js';
import type { Fix, Issue } from '../src/model.js';
import { stacksAllocatingGpusThemselves } from '../src/stacks/derived.js';
import { eitherOf } from '../src/model.js';

/** The GPU Operator's per-operand switch for the device plugin (like the operands label, for one operand). */
const DEVICE_PLUGIN_DEPLOY_LABEL = 'nvidia.com/gpu.deploy.device-plugin';
const INSTALL_DEVICE_PLUGIN =
  'helm upgrade --install --create-namespace --namespace nvidia-device-plugin --repo https://nvidia.github.io/k8s-device-plugin/ nvdp nvidia-device-plugin';

/** With the MIG "mixed" strategy a node advertises nvidia.com/mig-<profile> instead of nvidia.com/gpu. */
function migResources(node: Node): string[] {
  return Object.entries(node.status?.allocatable ?? {})
    .filter(([k, v]) => k.startsWith('nvidia.com/mig-') && Number.parseInt(v, 10) > 0)
    .map(([k, v]) => `${k}: ${v}`);
}

/** Labels and selectors on the node that keep a device plugin off it, each with the command undoing it. */
function keptOff(facts: Facts, node: Node): { why: string; command: string }[] {
  const labels = node.metadata.labels ?? {};
  const name = node.metadata.name;
  const found: { why: string; command: string }[] = [];
  if (findStack(facts, 'gpu-operator')) {
    for (const key of [OPERANDS_LABEL, DEVICE_PLUGIN_DEPLOY_LABEL]) {
      if (labels[key] === 'false') {
        found.push({ why: `label ${key}=false keeps the GPU Operator's device plugin off this node`, command: `kubectl label node ${name} ${key}-` });
      }
    }
  }
  if (findStack(facts, 'hami')) {
    const { selector, source } = hamiNodeSelector(facts);
    const missing = unmatchedLabels(labels, selector);
    if (missing.length > 0) {
      const pairs = missing.map(([k, v]) => `${k}=${v}`).join(' ');
      found.push({ why: `HAMi's device plugin runs only on nodes labelled ${pairs} (${source}); this node is not`, command: `kubectl label nodes ${name} ${pairs}` });
    }
  }
  return found;
}

export default defineCheck({
  name: 'gpu-not-allocatable',
  title: `GPU nodes advertise allocatable ${GPU_RESOURCE}`,
  needs: ['Node', 'Pod', 'Event', 'DaemonSet', 'ClusterPolicy', 'logs:stack', 'node-command:lspci'],
  requires: ['Node'],
  ok: `every GPU node advertises allocatable ${GPU_RESOURCE}`,
  explain: {
    detects: `A node with an NVIDIA GPU whose allocatable ${GPU_RESOURCE} is absent or 0: with capacity present, the device plugin registered the GPUs but marked them unhealthy; with neither, no device plugin registered on the node. Fewer allocatable than capacity is a warning. Nodes that advertise MIG resources instead are fine, and where only TensorFusion or Bitfusion hand out GPUs it is only a note.`,
    why: `The scheduler places pods that request ${GPU_RESOURCE} only on nodes that advertise it; without it they stay Pending with "Insufficient ${GPU_RESOURCE}" however many cards the node has.`,
    fix: 'Read the device plugin pod on the node (its logs say why it registered nothing or marked GPUs unhealthy); remove labels that keep the plugin off the node; install a device plugin where none runs.',
  },
  zh: {
    title: 'GPU 节点上报可分配的 nvidia.com/gpu',
    ok: '每个 GPU 节点都上报了可分配的 nvidia.com/gpu',
    headline: '有 NVIDIA GPU 的节点没有上报（足够的）可分配 nvidia.com/gpu',
    fixSummary: '查看该节点上设备插件 Pod 的日志，找出它为何没有注册 GPU 或将 GPU 标记为不健康；没有设备插件时安装一个',
    explain: {
      detects:
        '有 NVIDIA GPU 的节点，其可分配（allocatable）的 nvidia.com/gpu 缺失或为 0：有容量（capacity）时，说明设备插件注册了 GPU 但将其标记为不健康；两者都没有时，说明没有设备插件在该节点上注册。可分配数少于容量时为警告。改为上报 MIG 资源的节点属正常；只由 TensorFusion 或 Bitfusion 分配 GPU 时仅作提示。',
      why: '调度器只会把请求 nvidia.com/gpu 的 Pod 调度到上报了该资源的节点；没有它，无论节点有多少张卡，Pod 都会以 "Insufficient nvidia.com/gpu" 一直 Pending。',
      fix: '查看该节点上的设备插件 Pod（其日志会说明为何没有注册 GPU 或为何将其标记为不健康）；去掉让插件无法调度到该节点的标签；在没有设备插件的地方安装一个。',
    },
  },
  run(facts) {
    const nodes = gpuNodes(facts);
    if (nodes.length === 0) return { skip: 'no node shows an NVIDIA GPU (see no-gpu-nodes)' };
    const podsUnreadable = facts.unavailable('Pod');
    const expected = nvidiaGpuExpectedBecause(facts);
    // Stacks that hand out GPUs without nvidia.com/gpu (their modules declare `allocatesGpusItself`).
    const ownAllocation = stacksAllocatingGpusThemselves().map((id) => findStack(facts, id)).filter((s) => !!s);
    const issues: Issue[] = [];

    for (const node of nodes) {
      const name = node.metadata.name;
      const capacity = nodeCapacityGpus(node);
      const allocatable = nodeAllocatableGpus(node);
      if (allocatable > 0 && allocatable >= capacity) continue;
      if (allocatable === 0 && migResources(node).length > 0) continue;

      const evidence = [
        `capacity ${GPU_RESOURCE}: ${node.status?.capacity?.[GPU_RESOURCE] ?? 'absent'}, allocatable: ${node.status?.allocatable?.[GPU_RESOURCE] ?? 'absent'}`,
      ];
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready && ready.status !== 'True') evidence.push(`node condition Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}: the kubelet's report may be stale`);

      const plugins = podsUnreadable ? [] : devicePluginPodsOn(facts, name);
      for (const { pod, stack } of plugins) {
        evidence.push(
          `device plugin pod ${podRef(pod)} (${STACK_NAMES[stack]}) on this node: ${displayStatus(pod)}, ${isReady(pod) ? 'ready' : 'not ready'}, ${restarts(pod)} restart(s)`,
        );
      }
      // What the plugin itself said (its logs, previous logs, container states, events), in the components' words.
      const said = ownWords(facts, plugins.map(({ pod }) => pod)).slice(0, 3).map((w) => ({ ...w, finding: eitherOf(w.findings) }));
      evidence.push(...said.map((w) => `${w.source}: ${w.line} (${w.finding === 'gpu-not-allocatable' ? 'the plugin found no GPU' : `see ${w.finding}`})`));
      if (podsUnreadable) evidence.push(`pods could not be listed (${podsUnreadable}): the device plugin pod is unknown`);
      else if (plugins.length === 0) evidence.push('no NVIDIA device plugin pod runs on this node');
      const logCommands = plugins.map(({ pod }) => `kubectl logs -n ${pod.metadata.namespace} ${pod.metadata.name} --all-containers --tail=50`);

      if (capacity > 0) {
        // Registered, then marked unhealthy: kubelet keeps capacity and lowers allocatable.
        const unhealthy = capacity - allocatable;
        issues.push({
          severity: allocatable === 0 ? 'error' : 'warning',
          subject: { kind: 'Node', name },
          message:
            allocatable === 0
              ? `Node ${name} has ${capacity} GPU(s) registered but none allocatable: the device plugin marked them unhealthy`
              : `Node ${name} has ${unhealthy} of ${capacity} GPU(s) not allocatable: the device plugin marked them unhealthy`,
          evidence,
          fix: {
            summary: 'Read the device plugin log for the unhealthy devices (XID errors, NVML failures), check the GPUs on the host, then restart the plugin',
            commands: [
              ...logCommands,
              'nvidia-smi -q | grep -i -E "xid|retired|remapp|pending"   # on the node',
              'dmesg | grep -i xid   # on the node',
              ...plugins.map(({ pod }) => `kubectl delete pod -n ${pod.metadata.namespace} ${pod.metadata.name}`),
            ],
          },
        });
        continue;
      }

      // Nothing registered on this node.
      evidence.unshift(...gpuEvidence(node, facts).slice(0, 2));
      const blockers = keptOff(facts, node);
      evidence.push(...blockers.map((b) => b.why));
      if (!expected) {
        const severity = ownAllocation.length > 0 ? 'info' : 'warning';
        evidence.push(
          ownAllocation.length > 0
            ? `${ownAllocation.map((s) => s.name).join(' and ')} allocate GPUs without ${GPU_RESOURCE} and no pod requests it`
            : `no device plugin is deployed and no pod requests ${GPU_RESOURCE}`,
        );
        issues.push({
          severity,
          subject: { kind: 'Node', name },
          message:
            severity === 'info'
              ? `Node ${name} advertises no ${GPU_RESOURCE}: native GPU scheduling is unavailable (${ownAllocation.map((s) => s.name).join(', ')} does not need it)`
              : `Node ${name} has an NVIDIA GPU but no device plugin registered it: Kubernetes cannot schedule it`,
          evidence,
          fix: {
            summary: `Install the NVIDIA device plugin if pods should request ${GPU_RESOURCE}`,
            commands: [INSTALL_DEVICE_PLUGIN],
          },
        });
        continue;
      }
      evidence.push(`${GPU_RESOURCE} is expected because ${expected}`);
      issues.push({
        severity: 'error',
        subject: { kind: 'Node', name },
        message: `Node ${name} has an NVIDIA GPU but advertises no ${GPU_RESOURCE}: no device plugin registered it`,
        evidence,
        fix: noRegistrationFix(facts, name, blockers, plugins.map(({ pod }) => pod), logCommands, said[0]?.finding),
      });
    }
    return issues;
  },
});

function noRegistrationFix(facts: Facts, node: string, blockers: { command: string }[], plugins: Pod[], logCommands: string[], cause?: string): Fix {
  if (blockers.length > 0) {
    return { summary: 'Let the device plugin onto the node', commands: blockers.map((b) => b.command) };
  }
  if (plugins.length > 0 && cause && cause !== 'gpu-not-allocatable') {
    return {
      summary: `The device plugin registered nothing; its own words point at ${cause} (see that finding's fix)`,
      commands: [...logCommands, ...plugins.map((p) => `kubectl describe pod -n ${p.metadata.namespace} ${p.metadata.name}`)],
    };
  }
  // A plugin pod that never started its container cannot have registered: why it does not start is the question.
  const notStarted = plugins.filter((p) => !p.status?.containerStatuses?.some((c) => c.state?.running));
  if (notStarted.length > 0) {
    return {
      summary: `The device plugin pod has not started (${notStarted.map(displayStatus).join(', ')}): its events and init containers say why (runtime, driver, toolkit)`,
      commands: notStarted.map((p) => `kubectl describe pod -n ${p.metadata.namespace} ${p.metadata.name}`),
    };
  }
  if (plugins.length > 0) {
    return { summary: 'The device plugin runs but registered nothing: its log says why (driver not found, NVML error, runtime)', commands: logCommands };
  }
  const stacks = detectStacks(facts).map((s) => s.id);
  if (stacks.includes('gpu-operator')) {
    const ns = gpuOperatorNamespace(facts);
    return {
      summary: "Find out why the GPU Operator's device plugin is not on the node (its DaemonSet's nodeSelector, the operands before it)",
      commands: [`kubectl get ds -n ${ns} -o wide`, `kubectl get pods -n ${ns} -o wide --field-selector spec.nodeName=${node}`],
    };
  }
  if (stacks.includes('nvidia-device-plugin') || stacks.includes('hami')) {
    return {
      summary: "Find out why the device plugin DaemonSet has no pod on the node (nodeSelector, taints, the runtime)",
      commands: ['kubectl get ds -A -o wide | grep -i device-plugin', `kubectl describe node ${node}`],
    };
  }
  return { summary: 'Install the NVIDIA device plugin', commands: [INSTALL_DEVICE_PLUGIN] };
}
