// Which container logs the live collection fetches: those of the pods in the log scopes the checks declare
// (`logs:stack`, `logs:workloads`; src/facts/inputs.ts), troubled ones first, healthy ones bounded apart.
// Pure: a live source fetches what this picks; fetching every log of a cluster would be slow and useless.
import { isKubeSystemStackPodName, stackNamespaces } from '../stacks/derived.js';
import { gpuEvidence, nodeAllocatableGpus, podGpuRequest } from './gpu.js';
import type { Facts } from './facts.js';
import { isGatewayControllerPod } from './gateway-controllers.js';
import { detectPodStack } from './injection.js';
import type { ContainerStatus, Pod } from '../collection/kube.js';
import { workloadName } from '../stacks/match.js';
import type { LogScope } from './inputs.js';
import { LOG_SCOPE_NAMES } from './inputs.js';
import { isReady, restarts } from './pods.js';

/** Namespaces where the GPU Operator, device plugins, HAMi, TensorFusion and Bitfusion run (src/stacks: namespaces). */
export const GPU_STACK_NAMESPACES = stackNamespaces();

/** Waiting reasons of a container that has not run yet: no log to fetch. */
const NOT_STARTED = new Set(['ContainerCreating', 'PodInitializing']);

/** Logs of troubled pods' containers in error (and their previous runs) fetched at most. */
export const MAX_LOG_TARGETS = 200;
/**
 * Logs of healthy containers fetched at most, on top: first those of the pods on suspect nodes (a GPU node with
 * no allocatable GPU, not Ready, or running a troubled pod of the scopes), then one pod of each operand and
 * workload, then a second of each — so a large cluster yields the suspect nodes' words and a sample of every
 * component, not 5,000 device plugins.
 */
export const MAX_HEALTHY_LOG_TARGETS = 100;
/** Pods of one operand DaemonSet, Deployment or workload whose healthy logs are sampled, off the suspect nodes. */
export const HEALTHY_SAMPLES_PER_WORKLOAD = 2;

export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

export interface LogSelection {
  targets: LogTarget[];
  /** Logs of troubled pods' containers in error wanted beyond the limit, left out. */
  omitted: number;
  /** Other logs of the scopes' pods left out of the sample (healthyLimit). */
  unsampled: number;
}

export interface LogTargetOptions {
  /** Whose logs: the scopes the checks declare (`logs:SCOPE` needs, logScopesOf); absent, every scope. */
  scopes?: readonly LogScope[];
  /** At most this many logs of troubled pods' containers in error (MAX_LOG_TARGETS). */
  limit?: number;
  /** At most this many other logs of the scopes' pods (MAX_HEALTHY_LOG_TARGETS). */
  healthyLimit?: number;
  /**
   * `gpuctl collect`: of each troubled pod, the log of every container that has run, the GPU container(s)
   * first, not only those in error: a bundle for a person also needs the healthy GPU process's own words.
   */
  everyContainer?: boolean;
}

/** The log scope a pod's logs belong to (src/facts/inputs.ts, LOG_SCOPES); undefined: no check reads them, none is fetched. */
export function logScopeOf(pod: Pod): LogScope | undefined {
  if (isGpuStackPod(pod)) return 'stack';
  // TensorFusion and Bitfusion workloads ask for no nvidia.com/gpu: their labels and annotations tell them; a pod
  // given every GPU through NVIDIA_VISIBLE_DEVICES (detectPodStack) or the NVIDIA runtime class uses them too.
  if (podGpuRequest(pod) > 0 || detectPodStack(pod) || /nvidia/i.test(pod.spec?.runtimeClassName ?? '')) return 'workloads';
  if (isGatewayControllerPod(pod)) return 'gateway';
  return undefined;
}

/** Scopes whose healthy pods' logs are sampled too: not the gateway controllers (istiod runs on many clusters). */
function sampledHealthy(scope: LogScope): boolean {
  return scope !== 'gateway';
}

/**
 * The container logs the live collection fetches for the scopes the checks declare: first the containers in
 * error of troubled pods (the stack's own pods first: their logs name root causes more often than a
 * workload's) and the previous runs of restarted ones, then — bounded apart — every other container of those
 * scopes' pods that has run: a Ready device plugin that found no GPU, the operator controller on why it
 * deploys no driver, a Running notebook that fell back to the CPU say it only in their logs.
 */
export function logTargets(facts: Facts, options: LogTargetOptions = {}): LogSelection {
  const { scopes = LOG_SCOPE_NAMES, limit = MAX_LOG_TARGETS, healthyLimit = MAX_HEALTHY_LOG_TARGETS, everyContainer = false } = options;
  const pods: Record<LogScope, Pod[]> = { stack: [], workloads: [], gateway: [] };
  for (const pod of facts.pods) {
    const scope = logScopeOf(pod);
    if (scope && scopes.includes(scope)) pods[scope].push(pod);
  }
  const inScope = [...sortByName(pods.stack), ...sortByName(pods.workloads), ...sortByName(pods.gateway)];
  const troubledPods = inScope.filter(isTroubled);
  const troubled = troubledPods.flatMap((pod) => containerLogs(pod, everyContainer));
  // A troubled container's log left out by the limit is counted as omitted once, not fetched as a healthy one.
  const wanted = new Set(troubled.map(targetKey));
  const suspect = suspectNodes(facts, troubledPods);
  const onSuspect = (pod: Pod) => suspect.has(pod.spec?.nodeName ?? '');
  const healthyScope = inScope.filter((p) => sampledHealthy(logScopeOf(p)!));
  const sampled = [...rounds(healthyScope.filter(onSuspect)), ...rounds(healthyScope.filter((p) => !onSuspect(p)), HEALTHY_SAMPLES_PER_WORKLOAD)];
  const rest = sampled.flatMap((pod) => containerLogs(pod, true)).filter((t) => !wanted.has(targetKey(t)));
  const targets = [...troubled.slice(0, limit), ...rest.slice(0, healthyLimit)];
  return { targets, omitted: Math.max(0, troubled.length - limit), unsampled: Math.max(0, rest.length - healthyLimit) };
}

function targetKey(t: LogTarget): string {
  return `${t.namespace}/${t.pod}/${t.container}${t.previous ? '.previous' : ''}`;
}

/**
 * Nodes whose healthy pods' logs come first, told from the lists alone: GPU nodes without an allocatable GPU or
 * not Ready (a Ready device plugin there says why: no NVML, no devices), and nodes running a troubled pod.
 */
function suspectNodes(facts: Facts, troubled: readonly Pod[]): Set<string> {
  const suspect = new Set<string>();
  for (const pod of troubled) if (pod.spec?.nodeName) suspect.add(pod.spec.nodeName);
  for (const node of facts.nodes) {
    if (gpuEvidence(node).length === 0) continue;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (nodeAllocatableGpus(node) === 0 || !ready) suspect.add(node.metadata.name);
  }
  return suspect;
}

/**
 * The pods in rounds: the first pod of each workload (operand DaemonSet, Deployment, Job…), then the second of
 * each…, at most `perWorkload` of each.
 */
function rounds(pods: Pod[], perWorkload = Infinity): Pod[] {
  const groups = new Map<string, Pod[]>();
  for (const pod of pods) {
    // The owner and the name without its random suffix: the validator DaemonSet's pods are three kinds of pod.
    const key = `${pod.metadata.namespace ?? ''}/${workloadName(pod)}/${pod.metadata.name.replace(/-[a-z0-9]{5}$/, '')}`;
    const group = groups.get(key);
    if (group) group.push(pod);
    else groups.set(key, [pod]);
  }
  const out: Pod[] = [];
  const lists = [...groups.values()];
  const most = Math.min(perWorkload, lists.reduce((n, l) => Math.max(n, l.length), 0));
  for (let round = 0; round < most; round++) for (const list of lists) if (round < list.length) out.push(list[round]!);
  return out;
}

export function isGpuStackPod(pod: Pod): boolean {
  const ns = pod.metadata.namespace ?? '';
  if (GPU_STACK_NAMESPACES.includes(ns)) return true;
  if (ns !== 'kube-system') return false;
  const labelValues = Object.values(pod.metadata.labels ?? {});
  // kube-system pods of a stack installed by hand (device plugin, HAMi, Bitfusion), by name or label value.
  return [pod.metadata.name, ...labelValues].some(isKubeSystemStackPodName);
}

function isTroubled(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed') return true;
  if (phase !== 'Succeeded' && phase !== 'Pending' && !isReady(pod)) return true;
  return restarts(pod) > 0 || containerStatuses(pod).some(({ status, init }) => hasError(status, init));
}

function containerStatuses(pod: Pod): { status: ContainerStatus; init: boolean }[] {
  return [
    ...(pod.status?.initContainerStatuses ?? []).map((status) => ({ status, init: true })),
    ...(pod.status?.containerStatuses ?? []).map((status) => ({ status, init: false })),
  ];
}

function hasError(s: ContainerStatus, init: boolean): boolean {
  const terminated = s.state?.terminated;
  if (terminated) return terminated.exitCode !== 0;
  const waiting = s.state?.waiting;
  if (waiting) return !!waiting.reason && !NOT_STARTED.has(waiting.reason);
  // A running init container holds the pod in Init:N; a running app container that is not ready is stuck.
  return !!s.state?.running && (init || s.ready === false);
}

/** The logs of a troubled pod worth reading: containers in error, and the previous run of restarted ones. */
function containerLogs(pod: Pod, everyContainer = false): LogTarget[] {
  const base = { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name };
  const targets: LogTarget[] = [];
  const statuses = containerStatuses(pod);
  // The containers that ask for a GPU first: theirs is the log a person opens first.
  if (everyContainer) statuses.sort((a, b) => Number(asksForGpu(pod, b.status.name)) - Number(asksForGpu(pod, a.status.name)));
  for (const { status, init } of statuses) {
    const restarted = (status.restartCount ?? 0) > 0;
    if (!everyContainer && !restarted && !hasError(status, init)) continue;
    // The kubelet serves the latest run's log, also while the container waits in CrashLoopBackOff.
    const hasRun = !!(status.state?.running || status.state?.terminated || status.lastState?.terminated);
    if (hasRun) targets.push({ ...base, container: status.name, previous: false });
    if (restarted) targets.push({ ...base, container: status.name, previous: true });
  }
  return targets;
}

/** The container requests or limits a GPU resource (nvidia.com/gpu, a HAMi or Bitfusion one). */
function asksForGpu(pod: Pod, container: string): boolean {
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === container);
  const resources = spec?.resources as { limits?: Record<string, unknown>; requests?: Record<string, unknown> } | undefined;
  return Object.keys({ ...resources?.limits, ...resources?.requests }).some((k) => /gpu/i.test(k));
}

function sortByName(pods: Pod[]): Pod[] {
  const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
  return [...pods].sort((a, b) => key(a).localeCompare(key(b)));
}
