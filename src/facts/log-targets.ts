// Which container logs the checks need: those of troubled pods of the GPU stack and of GPU workloads.
// Pure: a live source fetches what this picks; fetching every log of a cluster would be slow and useless.
import { isKubeSystemStackPodName, stackNamespaces } from '../stacks/derived.js';
import { podGpuRequest } from './gpu.js';
import type { Facts } from './facts.js';
import { detectPodStack } from './injection.js';
import type { ContainerStatus, Pod } from '../collection/kube.js';
import { isReady, restarts } from './pods.js';

/** Namespaces where the GPU Operator, device plugins, HAMi, TensorFusion and Bitfusion run (src/stacks: namespaces). */
export const GPU_STACK_NAMESPACES = stackNamespaces();

/** Waiting reasons of a container that has not run yet: no log to fetch. */
const NOT_STARTED = new Set(['ContainerCreating', 'PodInitializing']);

export const MAX_LOG_TARGETS = 200;

export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

export interface LogSelection {
  targets: LogTarget[];
  /** Logs wanted beyond the limit, left out. */
  omitted: number;
}

/**
 * `everyContainer` (gpuctl collect): of each pod picked, the log of every container that has run, the GPU
 * container(s) first, not only those in error: a bundle for a person also needs the healthy GPU process's own words.
 */
export function logTargets(facts: Facts, limit = MAX_LOG_TARGETS, everyContainer = false): LogSelection {
  const stackPods: Pod[] = [];
  const workloadPods: Pod[] = [];
  for (const pod of facts.pods) {
    if (!isTroubled(pod)) continue;
    if (isGpuStackPod(pod)) stackPods.push(pod);
    // TensorFusion and Bitfusion workloads ask for no nvidia.com/gpu: their labels and annotations tell them.
    else if (podGpuRequest(pod) > 0 || detectPodStack(pod)) workloadPods.push(pod);
  }
  // The stack's own pods first: their logs name root causes more often than a workload's.
  const wanted = [...sortByName(stackPods), ...sortByName(workloadPods)].flatMap((pod) => containerLogs(pod, everyContainer));
  return { targets: wanted.slice(0, limit), omitted: Math.max(0, wanted.length - limit) };
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
