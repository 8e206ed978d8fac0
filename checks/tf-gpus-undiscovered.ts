import { defineCheck } from '../src/check.js';
import { cannotList } from '../src/facts/availability.js';
import type { Facts } from '../src/facts/facts.js';
import { GPU_PRESENT_LABEL, GPU_RESOURCE } from '../src/facts/gpu.js';
import type { KubeObject } from '../src/facts/kube.js';
import { parseQuantity } from '../src/facts/quantity.js';
import type { GpuModelEntry } from '../src/facts/tensor-fusion.js';
import {
  containerLogs,
  discoveryJobsFor,
  GPU_INFO_CONFIGMAP,
  GPU_INFO_KEY,
  gpuInfoConfigMap,
  gpuInfoTable,
  gpusOn,
  isDiscoveryJob,
  jobFailureText,
  jobPods,
  jobState,
  NODE_DISCOVERY_PREFIX,
  nodeGpuModels,
  nodeOfJob,
  ref,
  tableHasModel,
  TENSOR_FUSION_NAMESPACE,
  UNKNOWN_MODEL_TEXT,
} from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';

const count = (value: unknown) => {
  const n = parseQuantity(value);
  return n === undefined ? 0 : Math.floor(n);
};

/** How many GPUs the node itself shows: device plugin capacity, GFD's count, nvidia-smi's lines. */
function gpusSeenOnNode(facts: Facts, node: string): { count: number; source: string } | undefined {
  const n = facts.node(node);
  const seen: { count: number; source: string }[] = [];
  const capacity = count(n?.status?.capacity?.[GPU_RESOURCE]);
  if (capacity) seen.push({ count: capacity, source: `capacity ${GPU_RESOURCE}` });
  const gfd = count(n?.metadata.labels?.['nvidia.com/gpu.count']);
  if (gfd) seen.push({ count: gfd, source: 'label nvidia.com/gpu.count' });
  const smi = facts.hostCommand(node, 'nvidia-smi-query');
  const lines = smi?.exitCode === 0 ? smi.stdout.split('\n').filter((l) => l.trim()).length : 0;
  if (lines) seen.push({ count: lines, source: 'nvidia-smi on the node' });
  return seen.sort((a, b) => b.count - a.count)[0];
}

interface Table {
  entries?: GpuModelEntry[];
  /** Why the table could not be consulted. */
  problem?: string;
}

function modelTable(facts: Facts): Table {
  const cannot = cannotList(facts, ['ConfigMap']);
  if (cannot) return { problem: cannot };
  const cm = gpuInfoConfigMap(facts);
  if (!cm) return { problem: `ConfigMap ${TENSOR_FUSION_NAMESPACE}/${GPU_INFO_CONFIGMAP} is not in the facts` };
  const table = gpuInfoTable(cm);
  return 'error' in table ? { problem: `ConfigMap ${TENSOR_FUSION_NAMESPACE}/${GPU_INFO_CONFIGMAP}: ${table.error}` } : { entries: table.entries };
}

function issueFor(facts: Facts, node: string, gpuNode: KubeObject | undefined, table: Table, tfClusterNames: string[]): Issue | undefined {
  const symptoms: string[] = [];
  if (gpuNode) {
    const tflops = parseQuantity(gpuNode.status?.totalTFlops);
    if (!tflops) symptoms.push(`GPUNode ${node}: total TFlops ${gpuNode.status?.totalTFlops ?? '(unset)'}, ${gpuNode.status?.totalGPUs ?? 0} GPUs, phase ${gpuNode.status?.phase ?? '(unset)'}`);
  } else if (facts.node(node)?.metadata.labels?.[GPU_PRESENT_LABEL] === 'true' && tfClusterNames.length > 0) {
    symptoms.push(`node ${node} is labelled ${GPU_PRESENT_LABEL}=true but has no GPUNode`);
  }
  const gpus = gpusOn(facts, node);
  const expected = Math.max(gpusSeenOnNode(facts, node)?.count ?? 0, count(gpuNode?.status?.totalGPUs));
  if (gpus.length < expected) {
    const seen = gpusSeenOnNode(facts, node);
    symptoms.push(`${gpus.length} of ${expected} GPUs listed by \`kubectl get gpu\`${seen && seen.count === expected ? ` (${seen.source}: ${seen.count})` : ''}`);
  }
  for (const gpu of gpus) {
    if (!parseQuantity(gpu.status?.capacity?.tflops)) symptoms.push(`GPU ${gpu.metadata.name} (${gpu.status?.gpuModel ?? 'unknown model'}): total TFlops ${gpu.status?.capacity?.tflops ?? '(unset)'}`);
  }
  const jobs = discoveryJobsFor(facts, node);
  const failedJobs = jobs.filter((j) => jobState(j) === 'failed');
  for (const job of failedJobs) symptoms.push(`NodeDiscovery job ${ref(job)} failed: ${jobFailureText(job)}`);
  if (symptoms.length === 0) return undefined;

  const evidence = [...symptoms];
  for (const job of failedJobs) {
    for (const pod of jobPods(facts, job).slice(-1)) {
      for (const c of pod.spec?.containers ?? []) {
        for (const { text, previous } of containerLogs(facts, pod, c.name)) {
          const line = text.split('\n').find((l) => l.includes(UNKNOWN_MODEL_TEXT)) ?? text.trim().split('\n').pop();
          if (line) evidence.push(`log ${ref(pod)}${previous ? ' (previous run)' : ''}: ${line.trim().slice(0, 400)}`);
        }
      }
    }
  }
  const missingModels: string[] = [];
  const models = nodeGpuModels(facts, node);
  if (table.entries) {
    for (const m of models) {
      const known = tableHasModel(table.entries, m.model, m.exact);
      evidence.push(`GPU model "${m.model}" (${m.source}) is ${known ? '' : 'not '}in ${GPU_INFO_CONFIGMAP} (${table.entries.length} models)`);
      if (!known) missingModels.push(m.model);
    }
    if (models.length === 0) evidence.push(`the node's GPU model is not in the facts: compare \`nvidia-smi --query-gpu=name --format=csv\` with ${GPU_INFO_CONFIGMAP}`);
  } else if (table.problem) {
    evidence.push(table.problem);
  }

  const jobNames = jobs.length ? jobs.map((j) => j.metadata.name) : [`${NODE_DISCOVERY_PREFIX}${node}`];
  const commands = [
    ...(missingModels.length || !table.entries ? [`kubectl edit configmap -n ${TENSOR_FUSION_NAMESPACE} ${GPU_INFO_CONFIGMAP}`] : []),
    ...missingModels.map((m) => `#   ${GPU_INFO_KEY}: add - model: ${slug(m)}, fullModelName: "${m}", vendor: NVIDIA, costPerHour: …, fp16TFlops: … (from the card's spec sheet)`),
    `kubectl get jobs -n ${TENSOR_FUSION_NAMESPACE}`,
    ...jobNames.map((j) => `kubectl delete job -n ${TENSOR_FUSION_NAMESPACE} ${j}`),
    `kubectl get gpunode ${node}`,
    'kubectl get gpu',
  ];
  const cause = missingModels.length
    ? `: ${GPU_INFO_CONFIGMAP} lacks its GPU model ${missingModels.map((m) => `"${m}"`).join(', ')}`
    : failedJobs.length
      ? ': its NodeDiscovery job failed'
      : '';
  return {
    severity: 'error',
    subject: gpuNode ? { kind: 'GPUNode', name: node } : { kind: 'Node', name: node },
    message: `TensorFusion has not discovered the GPUs of node ${node}${cause}`,
    evidence,
    fix: {
      summary: `${missingModels.length ? `Add the model to ${GPU_INFO_CONFIGMAP} exactly as nvidia-smi names it, then d` : 'D'}elete the NodeDiscovery job: it runs again and refreshes the GPUs and total TFlops`,
      commands,
    },
  };
}

/** A model key in the table's style ("NVIDIA GeForce RTX 4090 D" → RTX4090D). */
function slug(model: string): string {
  return model.replace(/^NVIDIA\s+/, '').replace(/^(GeForce|Tesla)\s+/, '').replace(/[^A-Za-z0-9]+/g, '') || model;
}

export default defineCheck({
  name: 'tf-gpus-undiscovered',
  title: 'TensorFusion has discovered every GPU',
  needs: ['Node', 'Pod', 'TensorFusionCluster', 'GPUNode', 'GPU', 'Job', 'ConfigMap', 'logs:stack', 'node-command:nvidia-smi-query'],
  requires: ['Node'],
  ok: 'TensorFusion lists every GPU of its nodes with their TFlops',
  stacks: ['tensor-fusion'],
  explain: {
    detects: `Nodes whose GPUNode shows total TFlops 0, whose GPUs are missing from \`kubectl get gpu\` (fewer than the node shows), or whose NodeDiscovery job in ${TENSOR_FUSION_NAMESPACE} failed; then whether ConfigMap ${GPU_INFO_CONFIGMAP} lists the node's GPU model (from the discovery log, nvidia-smi or GFD's label).`,
    why: 'Node discovery looks each GPU up by its nvidia-smi name in the model table to learn its TFlops, and exits on an unknown model: the GPU is never listed, total TFlops stays 0, and workloads fail with "Failed to schedule GPU".',
    fix: `Add the GPU model to ${GPU_INFO_CONFIGMAP} (fullModelName exactly as nvidia-smi prints it), then delete the NodeDiscovery job so it runs again and refreshes the total.`,
  },
  zh: {
    title: 'TensorFusion 已发现所有 GPU',
    ok: 'TensorFusion 列出了其节点的每块 GPU 及其 TFlops',
    headline: 'TensorFusion 没有发现节点上的 GPU',
    fixSummary: '如有需要，把 GPU 型号按 nvidia-smi 显示的名称加入型号表 ConfigMap，然后删除 NodeDiscovery Job 让它重新运行',
    explain: {
      detects:
        'GPUNode 显示总 TFlops 为 0、GPU 没有出现在 `kubectl get gpu` 中（少于节点上的数量），或 tensor-fusion-sys 中的 NodeDiscovery Job 失败的节点；然后检查 ConfigMap tensor-fusion-sys-public-gpu-info 是否列出了该节点的 GPU 型号（来自发现日志、nvidia-smi 或 GFD 标签）。',
      why: '节点发现会按 nvidia-smi 显示的名称在型号表中查找每块 GPU 的 TFlops，遇到未知型号就会退出：该 GPU 永远不会被列出，总 TFlops 保持为 0，工作负载以 "Failed to schedule GPU" 失败。',
      fix: '把 GPU 型号加入 tensor-fusion-sys-public-gpu-info（fullModelName 必须与 nvidia-smi 显示的完全一致），然后删除 NodeDiscovery Job，让它重新运行并刷新总量。',
    },
  },
  run(facts) {
    const cannot = cannotList(facts, ['GPUNode', 'GPU', 'Job']);
    if (cannot) return { skip: cannot };
    const gpuNodes = new Map(facts.all('GPUNode').map((n) => [n.metadata.name, n]));
    const tfClusters = facts.all('TensorFusionCluster').map((c) => c.metadata.name);
    if (gpuNodes.size === 0 && tfClusters.length === 0 && !facts.all('Job').some(isDiscoveryJob)) {
      return { skip: 'no TensorFusionCluster, GPUNode or NodeDiscovery job in the facts' };
    }
    const nodes = new Set([...gpuNodes.keys(), ...facts.all('Job').filter(isDiscoveryJob).map(nodeOfJob)]);
    if (tfClusters.length) for (const n of facts.nodes) if (n.metadata.labels?.[GPU_PRESENT_LABEL] === 'true') nodes.add(n.metadata.name);
    const table = modelTable(facts);
    return [...nodes].sort().flatMap((node) => issueFor(facts, node, gpuNodes.get(node), table, tfClusters) ?? []);
  },
});
