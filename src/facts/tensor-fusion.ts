// TensorFusion's objects as its operator writes them (tensor-fusion.ai/v1, internal/constants), and the
// derivations its checks share: which pods are controllers, workers and clients, what a GPUNode and its
// GPUs say about discovery, the GPU model table, the worker template of the TensorFusionCluster.
import { parse as parseYaml } from 'yaml';
import type { Facts } from './facts.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import { lastLines } from './pods.js';
import { parseQuantity } from './quantity.js';
import { GPU_INFO_CONFIGMAP, TENSOR_FUSION_NAMESPACE, TF_LABEL_PREFIX } from '../stacks/tensor-fusion.js';

export { GPU_INFO_CONFIGMAP, TENSOR_FUSION_NAMESPACE, TF_LABEL_PREFIX };
/** client | worker | hypervisor | node-discovery | operator */
export const COMPONENT_LABEL = `${TF_LABEL_PREFIX}component`;
/** On client and worker pods: the TensorFusionWorkload they belong to. */
export const WORKLOAD_LABEL = `${TF_LABEL_PREFIX}workload`;
/** On GPU objects: the GPUNode (= node name) that owns them. */
export const GPU_OWNER_LABEL = `${TF_LABEL_PREFIX}managed-by`;
export const GPU_POOL_LABEL = `${TF_LABEL_PREFIX}gpupool`;
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** The operator's pods, as the troubleshooting page selects them. */
export const CONTROLLER_LABEL = { key: 'app.kubernetes.io/component', value: 'controller' };
export const GPU_INFO_KEY = 'gpu-info.yaml';
export const NODE_DISCOVERY_PREFIX = 'node-discovery-';
/** What node discovery logs (at info level) for a model missing from the table, then exits 1. */
export const UNKNOWN_MODEL_TEXT = 'Unknown GPU model';
/** The worker template inside a TensorFusionCluster, for messages and fixes. */
export const WORKER_TEMPLATE_PATH = 'spec.gpuPools[].specTemplate.componentConfig.worker.podTemplate.template.spec.containers[].env';

const label = (o: KubeObject, key: string) => o.metadata.labels?.[key];
export const ref = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

// ---- pods ------------------------------------------------------------------------------------------

export function isTensorFusionPod(pod: Pod): boolean {
  if (pod.metadata.namespace === TENSOR_FUSION_NAMESPACE) return true;
  return Object.keys(pod.metadata.labels ?? {}).some((k) => k.startsWith(TF_LABEL_PREFIX));
}

export function controllerPods(facts: Facts): Pod[] {
  return facts.pods.filter((p) => p.metadata.namespace === TENSOR_FUSION_NAMESPACE && label(p, CONTROLLER_LABEL.key) === CONTROLLER_LABEL.value);
}

export function isWorker(pod: Pod): boolean {
  return label(pod, COMPONENT_LABEL) === 'worker';
}

export function workerPods(facts: Facts): Pod[] {
  return facts.pods.filter(isWorker);
}

export function workloadOf(pod: Pod): string | undefined {
  return label(pod, WORKLOAD_LABEL);
}

/** Workers of one TensorFusionWorkload. */
export function workersOf(facts: Facts, namespace: string, workload: string): Pod[] {
  return workerPods(facts).filter((p) => p.metadata.namespace === namespace && workloadOf(p) === workload);
}

export function findWorkload(facts: Facts, namespace: string, name: string): KubeObject | undefined {
  return facts.all('TensorFusionWorkload').find((w) => w.metadata.namespace === namespace && w.metadata.name === name);
}

// ---- logs ------------------------------------------------------------------------------------------

/**
 * Error lines as the operator and workers log them: klog (`E0311 06:04:39…`), zap console (`\tERROR\t`),
 * JSON and logfmt levels, Go panics and fatal exits.
 */
const ERROR_LINE = [
  /^[EF]\d{4} \d\d:\d\d:\d\d/,
  /\t(ERROR|DPANIC|PANIC|FATAL)\t/,
  /"level":\s*"(error|dpanic|panic|fatal)"/i,
  /\blevel=(error|fatal|panic)\b/i,
  /^panic: /,
  /^fatal error: /,
  /^Error: /,
];

export function errorLines(text: string | undefined, limit: number): string[] {
  if (!text) return [];
  return lastLines(text.split('\n').filter((line) => ERROR_LINE.some((p) => p.test(line.trim()))).join('\n'), limit);
}

/** The logs of a container, the previous run's first (it is the one that crashed). */
export function containerLogs(facts: Facts, pod: Pod, container: string): { text: string; previous: boolean }[] {
  const ns = pod.metadata.namespace ?? '';
  const out: { text: string; previous: boolean }[] = [];
  const previous = facts.log(ns, pod.metadata.name, container, true);
  if (previous !== undefined) out.push({ text: previous, previous: true });
  const current = facts.log(ns, pod.metadata.name, container);
  if (current !== undefined) out.push({ text: current, previous: false });
  return out;
}

// ---- the TensorFusionCluster's worker template -------------------------------------------------------

export interface PoolWorkerTemplate {
  cluster: string;
  pool: string;
  /** Env of the worker containers; undefined when the pool has no worker podTemplate. */
  env?: Record<string, string>;
}

/** Worker env of each pool of each TensorFusionCluster. */
export function workerTemplates(facts: Facts): PoolWorkerTemplate[] {
  return facts.all('TensorFusionCluster').flatMap((cluster) =>
    ((cluster.spec?.gpuPools ?? []) as { name?: string; specTemplate?: any }[]).map((pool) => {
      const containers = pool.specTemplate?.componentConfig?.worker?.podTemplate?.template?.spec?.containers as
        | { env?: { name: string; value?: string }[] }[]
        | undefined;
      const env = containers ? Object.fromEntries(containers.flatMap((c) => (c.env ?? []).map((e) => [e.name, e.value ?? '']))) : undefined;
      return { cluster: cluster.metadata.name, pool: pool.name ?? '(unnamed)', ...(env ? { env } : {}) };
    }),
  );
}

/** "TF_ENABLE_LOG is not set in the worker template of pool shared (TensorFusionCluster x)", one per pool. */
export function workerEnvLines(facts: Facts, variable: string): string[] {
  return workerTemplates(facts).map(({ cluster, pool, env }) => {
    const where = `the worker template of pool ${pool} (TensorFusionCluster ${cluster})`;
    if (!env) return `${where} has no podTemplate`;
    return env[variable] === undefined ? `${variable} is not set in ${where}` : `${variable}=${env[variable]} in ${where}`;
  });
}

export function clusterNames(facts: Facts): string[] {
  return facts.all('TensorFusionCluster').map((c) => c.metadata.name);
}

// ---- GPUs, GPUNodes, the GPU model table, node discovery ---------------------------------------------

/** The node a GPU object sits on: its nodeSelector's hostname, else its owning GPUNode. */
export function nodeOfGpu(gpu: KubeObject): string | undefined {
  return gpu.status?.nodeSelector?.[HOSTNAME_LABEL] ?? label(gpu, GPU_OWNER_LABEL);
}

export function gpusOn(facts: Facts, node: string): KubeObject[] {
  return facts.all('GPU').filter((g) => nodeOfGpu(g) === node);
}

export interface GpuResources {
  tflops?: number;
  vram?: number;
  /** As written, for messages. */
  text: string;
}

export function resourcesOf(value: { tflops?: unknown; vram?: unknown } | undefined): GpuResources {
  const tflops = parseQuantity(value?.tflops);
  const vram = parseQuantity(value?.vram);
  return { tflops, vram, text: `${value?.tflops ?? '?'} TFlops, ${value?.vram ?? '?'} VRAM` };
}

export interface GpuModelEntry {
  model?: string;
  fullModelName?: string;
  vendor?: string;
}

/** The GPU model table of the ConfigMap, or why it cannot be read. */
export function gpuInfoTable(configMap: KubeObject): { entries: GpuModelEntry[] } | { error: string } {
  const text = (configMap.data as Record<string, string> | undefined)?.[GPU_INFO_KEY];
  if (text === undefined) return { error: `no ${GPU_INFO_KEY} key` };
  try {
    const parsed = parseYaml(text) as unknown;
    if (!Array.isArray(parsed)) return { error: `${GPU_INFO_KEY} is not a list of GPU models` };
    return { entries: parsed.filter((e): e is GpuModelEntry => !!e && typeof e === 'object') };
  } catch (err) {
    return { error: `${GPU_INFO_KEY} does not parse: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function gpuInfoConfigMap(facts: Facts): KubeObject | undefined {
  return facts.all('ConfigMap').find((c) => c.metadata.namespace === TENSOR_FUSION_NAMESPACE && c.metadata.name === GPU_INFO_CONFIGMAP);
}

/** Model names compared as GFD writes them too: case, spaces, dashes and underscores aside. */
export function normalizeModel(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

/**
 * Node discovery matches nvidia-smi's name exactly against fullModelName (a " Laptop GPU" suffix
 * dropped); a GFD label (dashes for spaces) is compared loosely.
 */
export function tableHasModel(entries: GpuModelEntry[], model: string, exact: boolean): boolean {
  const name = model.replace(/ Laptop GPU$/, '');
  if (exact) return entries.some((e) => e.fullModelName === name);
  const wanted = normalizeModel(name);
  return entries.some((e) => e.fullModelName && [normalizeModel(e.fullModelName), normalizeModel(e.fullModelName.replace(/\s*\(.*?\)\s*/g, ' '))].includes(wanted));
}

export interface NodeGpuModel {
  model: string;
  source: string;
  /** nvidia-smi's own name (node discovery's log, the nvidia-smi probe): compared exactly. */
  exact: boolean;
}

/** The GPU models a node reports, best source first: the discovery log, nvidia-smi, GFD's label. */
export function nodeGpuModels(facts: Facts, node: string): NodeGpuModel[] {
  const found: NodeGpuModel[] = [];
  for (const job of discoveryJobsFor(facts, node)) {
    for (const pod of jobPods(facts, job)) {
      for (const c of pod.spec?.containers ?? []) {
        for (const { text, previous } of containerLogs(facts, pod, c.name)) {
          const model = unknownModelIn(text);
          if (model) found.push({ model, source: `log of ${ref(pod)}${previous ? ' (previous run)' : ''}`, exact: true });
        }
      }
    }
  }
  const query = facts.hostCommand(node, 'nvidia-smi-query');
  if (query && query.exitCode === 0) {
    for (const line of query.stdout.split('\n')) {
      const name = line.split(',')[1]?.trim();
      if (name) found.push({ model: name, source: 'nvidia-smi on the node', exact: true });
    }
  }
  const product = facts.node(node)?.metadata.labels?.['nvidia.com/gpu.product'];
  if (product) found.push({ model: product.replace(/-SHARED$/, ''), source: 'label nvidia.com/gpu.product', exact: false });
  const seen = new Set<string>();
  return found.filter((m) => !seen.has(normalizeModel(m.model)) && !!seen.add(normalizeModel(m.model)));
}

/** The device name of node discovery's "Unknown GPU model" line (zap JSON fields or key=value). */
export function unknownModelIn(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.includes(UNKNOWN_MODEL_TEXT));
  if (!line) return undefined;
  return /"deviceName":\s*"([^"]+)"/.exec(line)?.[1] ?? /deviceName="([^"]+)"/.exec(line)?.[1] ?? /deviceName\s+(\S.*?)\s+uuid\b/.exec(line)?.[1];
}

export function isDiscoveryJob(job: KubeObject): boolean {
  return job.metadata.namespace === TENSOR_FUSION_NAMESPACE && (job.metadata.name.startsWith(NODE_DISCOVERY_PREFIX) || label(job, COMPONENT_LABEL) === 'node-discovery');
}

/** The node a NodeDiscovery job runs for: its pod template's node, else its name. */
export function nodeOfJob(job: KubeObject): string {
  const spec = job.spec?.template?.spec;
  return spec?.nodeName ?? spec?.nodeSelector?.[HOSTNAME_LABEL] ?? job.metadata.name.slice(NODE_DISCOVERY_PREFIX.length);
}

export function discoveryJobsFor(facts: Facts, node: string): KubeObject[] {
  return facts.all('Job').filter((j) => isDiscoveryJob(j) && nodeOfJob(j) === node);
}

export type JobState = 'failed' | 'succeeded' | 'running';

export function jobState(job: KubeObject): JobState {
  const conditions = (job.status?.conditions ?? []) as { type: string; status: string }[];
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'failed';
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True') || (job.status?.succeeded ?? 0) > 0) return 'succeeded';
  return (job.status?.failed ?? 0) > 0 && !(job.status?.active > 0) ? 'failed' : 'running';
}

export function jobFailureText(job: KubeObject): string {
  const failed = ((job.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[]).find((c) => c.type === 'Failed' && c.status === 'True');
  const pods = `${job.status?.failed ?? 0} failed pod(s)`;
  return failed ? `${failed.reason ?? 'Failed'}: ${failed.message ?? ''} (${pods})`.replace(':  (', ' (') : pods;
}

export function jobPods(facts: Facts, job: KubeObject): Pod[] {
  return facts.pods.filter(
    (p) =>
      p.metadata.namespace === job.metadata.namespace &&
      (p.metadata.labels?.['job-name'] === job.metadata.name ||
        p.metadata.labels?.['batch.kubernetes.io/job-name'] === job.metadata.name ||
        p.metadata.ownerReferences?.some((o) => o.kind === 'Job' && o.name === job.metadata.name)),
  );
}
