// Who holds the GPUs of a node and who waits for one: pods bound there that ask for GPUs (the finished
// ones flagged), pods the kubelet refused at admission, validators that need a free GPU, and pods the
// scheduler left Pending with "Insufficient nvidia.com/gpu".
import { WORDINGS, matchWordings } from '../data/wordings/index.js';
import type { Facts } from './facts.js';
import { GPU_RESOURCE, podGpuRequest } from './gpu.js';
import type { ContainerStatus, Pod } from '../collection/kube.js';
import { operandOf } from './operands.js';
import { countSuffix, firstUnfinishedInit } from './pod-evidence.js';
import { isTerminal, podRef } from './pods.js';
import { failedSchedulingEvents, isUnscheduled, matchesNodeSelector } from './scheduling.js';

/** The kubelet's device manager refuses a pod at admission with this reason (pod phase Failed). */
export const UNEXPECTED_ADMISSION = 'UnexpectedAdmissionError';

const INSUFFICIENT_GPU = /Insufficient nvidia\.com\/gpu/;
/** HAMi's extender: `no available node, 2 nodes do not meet`, `1 2/2 CardInsufficientMemory`. */
const HAMI_INSUFFICIENT = WORDINGS.filter((w) => w.finding === 'insufficient-gpu' && w.component.startsWith('HAMi'));

export function isUnexpectedAdmission(pod: Pod): boolean {
  return pod.status?.reason === UNEXPECTED_ADMISSION;
}

/** "Requested: 1, Available: 0" of the kubelet's admission message. */
export function parseAdmissionMessage(message: string | undefined): { resource: string; requested: number; available: number } | undefined {
  const m = message?.match(/unavailable for (\S+?)\.? Requested: (\d+), Available: (\d+)/);
  return m ? { resource: m[1]!, requested: Number(m[2]), available: Number(m[3]) } : undefined;
}

export interface SchedulingFailure {
  message: string;
  /** Where the message came from, for evidence. */
  source: string;
}

/** Why the scheduler left a GPU pod Pending with "Insufficient nvidia.com/gpu": its condition, else its latest event. */
export function insufficientGpu(pod: Pod, facts: Facts): SchedulingFailure | undefined {
  if (!isUnscheduled(pod)) return undefined;
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (condition?.message && INSUFFICIENT_GPU.test(condition.message)) {
    return { message: condition.message, source: `PodScheduled condition (${condition.reason ?? 'Unschedulable'})` };
  }
  const event = failedSchedulingEvents(facts, pod)
    .reverse()
    .find((ev) => INSUFFICIENT_GPU.test(ev.message ?? ''));
  if (event) return { message: event.message!, source: `event FailedScheduling${countSuffix(event)}` };
  // HAMi's scheduler extender words it its own way, on FailedScheduling or its own FilteringFailed event.
  const hami = facts
    .eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)
    .reverse()
    .find((ev) => matchWordings(ev.message ?? '', HAMI_INSUFFICIENT).length > 0);
  if (hami) return { message: hami.message!, source: `event ${hami.reason ?? 'without reason'}${countSuffix(hami)}` };
  return undefined;
}

export interface GpuWaiter {
  pod: Pod;
  /** Why it counts as waiting, quoted. */
  why: string;
}

/** Validators whose last step needs a free GPU on the node. */
const GPU_VALIDATORS = new Set(['device-plugin-validator', 'cuda-validator']);
const GPU_VALIDATION_STEPS = new Set(['plugin-validation', 'cuda-validation']);

function validatorWaiting(pod: Pod): string | undefined {
  const spec = operandOf(pod);
  if (!spec?.validator || pod.status?.phase === 'Succeeded' || isUnexpectedAdmission(pod)) return undefined;
  if (GPU_VALIDATORS.has(spec.component)) return `${spec.title} not completed (${pod.status?.phase ?? 'Unknown'})`;
  const step = firstUnfinishedInit(pod);
  if (spec.component === 'operator-validator' && step && GPU_VALIDATION_STEPS.has(step.name)) {
    return `operator validator stuck in ${step.name}`;
  }
  return undefined;
}

/**
 * Pods that wait for a GPU that a pod on this node holds: refused at admission on the node, a validator
 * that needs a GPU there, or Pending with "Insufficient nvidia.com/gpu" and free to land on the node.
 */
export function podsWaitingForGpu(facts: Facts, nodeName: string): GpuWaiter[] {
  const waiters: GpuWaiter[] = [];
  for (const pod of facts.podsOn(nodeName)) {
    if (isUnexpectedAdmission(pod)) {
      waiters.push({ pod, why: `${UNEXPECTED_ADMISSION}: ${pod.status?.message ?? ''}`.trim() });
      continue;
    }
    const validator = validatorWaiting(pod);
    if (validator) waiters.push({ pod, why: validator });
  }
  const node = facts.node(nodeName);
  for (const { pod, failure } of unscheduledForWantOfGpu(facts)) {
    if (!node || matchesNodeSelector(pod, node)) waiters.push({ pod, why: `Pending: ${failure.message}` });
  }
  return waiters;
}

const unscheduledGpuCache = new WeakMap<Facts, { pod: Pod; failure: SchedulingFailure }[]>();

/** Unscheduled GPU pods the scheduler turned down with "Insufficient nvidia.com/gpu". */
export function unscheduledForWantOfGpu(facts: Facts): { pod: Pod; failure: SchedulingFailure }[] {
  let found = unscheduledGpuCache.get(facts);
  if (!found) {
    found = [];
    for (const pod of facts.pods) {
      if (pod.spec?.nodeName || podGpuRequest(pod) === 0) continue;
      const failure = insufficientGpu(pod, facts);
      if (failure) found.push({ pod, failure });
    }
    unscheduledGpuCache.set(facts, found);
  }
  return found;
}

// ---- pods that hold GPUs

export interface GpuHolder {
  pod: Pod;
  gpus: number;
  /** Terminal, or every container that asks for a GPU has exited while the pod lives on. */
  finished: boolean;
  /** A GPU container in CrashLoopBackOff: the pod keeps its GPU although nothing runs on it. */
  crashLooping: boolean;
}

function containerStatus(pod: Pod, name: string): ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((s) => s.name === name);
}

function gpuContainersOf(pod: Pod) {
  return (pod.spec?.containers ?? []).filter((c) => [c.resources?.limits?.[GPU_RESOURCE], c.resources?.requests?.[GPU_RESOURCE]].some((q) => q && q !== '0'));
}

/**
 * A pod whose work is over but that still sits on the node with its GPU: phase Succeeded/Failed, or
 * (kubectl's "NotReady") every GPU container terminated while a sidecar keeps the pod Running.
 */
export function isFinishedGpuPod(pod: Pod): boolean {
  if (!pod.spec?.nodeName || podGpuRequest(pod) === 0 || isUnexpectedAdmission(pod)) return false;
  if (isTerminal(pod)) return true;
  const gpuContainers = gpuContainersOf(pod);
  return gpuContainers.length > 0 && gpuContainers.every((c) => !!containerStatus(pod, c.name)?.state?.terminated);
}

/** GPU containers waiting in CrashLoopBackOff: allocated devices stay with the pod between restarts. */
export function isCrashLoopingGpuPod(pod: Pod): boolean {
  if (!pod.spec?.nodeName || podGpuRequest(pod) === 0 || isTerminal(pod)) return false;
  return gpuContainersOf(pod).some((c) => containerStatus(pod, c.name)?.state?.waiting?.reason === 'CrashLoopBackOff');
}

const holdersCache = new WeakMap<Facts, Map<string, GpuHolder[]>>();

/** Pods bound to the node that ask for GPUs, the finished ones flagged. Admission-refused pods hold nothing. */
export function gpuHolders(facts: Facts, nodeName: string): GpuHolder[] {
  // Several checks ask this of every GPU node: once per node and Facts (the lists are read-only).
  let byNode = holdersCache.get(facts);
  if (!byNode) holdersCache.set(facts, (byNode = new Map()));
  let holders = byNode.get(nodeName);
  if (!holders) {
    holders = [];
    for (const pod of facts.podsOn(nodeName)) {
      const gpus = podGpuRequest(pod);
      if (gpus > 0 && !isUnexpectedAdmission(pod)) holders.push({ pod, gpus, finished: isFinishedGpuPod(pod), crashLooping: isCrashLoopingGpuPod(pod) });
    }
    byNode.set(nodeName, holders);
  }
  return holders;
}

export function describeHolder(holder: GpuHolder): string {
  const phase = holder.pod.status?.phase ?? 'Unknown';
  return `${podRef(holder.pod)} (${holder.gpus} GPU, ${phase}${holder.finished ? ', finished' : holder.crashLooping ? ', CrashLoopBackOff' : ''})`;
}
