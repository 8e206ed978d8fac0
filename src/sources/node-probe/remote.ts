// What --node-probe pod and --node-probe daemonset share: the API they use, the permission check, the
// removal of leftovers, reading a probe pod's progress, running the script through exec, and recording
// a node that could not be probed (a problem of the collection, and the reason node checks give).
import { pushAll } from '../../bounded.js';
import { GpuctlError } from '../../errors.js';
import type { Event, KubeObject, Pod } from '../../collection/kube.js';
import { PULL_WAITING_REASONS } from '../../facts/pulls.js';
import type { Collection } from '../../collection/collection.js';
import { emptyCollection } from '../../collection/collection.js';
import type { ApiResponse } from '../live/client.js';
import { RequestFailure } from '../live/client.js';
import type { Permission } from './access.js';
import { checkAccess, permissionText } from './access.js';
import { DELETE_LIMIT_MS, ProbeCleanup } from './cleanup.js';
import type { ExecResult, ExecTarget } from '../live/exec.js';
import { ExecFailure } from '../live/exec.js';
import { ANY_PROBE_SELECTOR, newRunId, PROBE_CONTAINER, PROBE_LIFETIME_S } from './pod-spec.js';
import { parseProbeOutput, probeScript } from './script.js';
import type { ProbeSelection } from '../../collection/probe-commands.js';

export interface ProbeApi {
  getJson<T>(path: string): Promise<ApiResponse<T>>;
  post<T>(path: string, body: unknown): Promise<ApiResponse<T>>;
  delete<T>(path: string): Promise<ApiResponse<T>>;
  /** Runs an argv in a container (live/exec.ts over the context's credentials). */
  exec(target: ExecTarget, command: string[], timeoutMs: number): Promise<ExecResult>;
}

export interface RemoteProbeOptions {
  namespace: string;
  image: string;
  /** How long a probe pod may take to start (--probe-timeout). */
  timeoutMs: number;
  /** Nodes probed (pod mode) or exec'd into (daemonset mode) at once (--node-concurrency). */
  concurrency: number;
  /** How long the script may run in one pod. */
  execTimeoutMs?: number;
  /** Limit of each command of the script, in seconds. */
  commandTimeoutS?: number;
  /** What the script runs and copies (the doctor: what its checks declare); absent, everything. */
  selection?: ProbeSelection;
  /** Longest wait between two polls of a starting pod. */
  pollMs?: number;
  progress?: (text: string) => void;
  /** A line for the user on stderr (leftovers removed, an image that does not pull, cleanup failures). */
  notice?: (line: string) => void;
  /** Who asks, in messages (default `--node-probe MODE`), and what to do without the permissions. */
  purpose?: { label: string; instead: string };
}

export const DEFAULT_EXEC_TIMEOUT_MS = 180_000;
/** Polls start quick (a pod on a warm node runs in about a second) and slow down to this. */
export const DEFAULT_POLL_MS = 2000;
const FIRST_POLL_MS = 250;

/** The wait before poll number `n` (0-based): 250 ms, growing by half each time, up to the cap. */
export function pollDelay(n: number, capMs = DEFAULT_POLL_MS): number {
  return Math.min(FIRST_POLL_MS * 1.5 ** n, capMs);
}

const enc = encodeURIComponent;
export const podsPath = (ns: string) => `/api/v1/namespaces/${enc(ns)}/pods`;
export const podPath = (ns: string, name: string) => `${podsPath(ns)}/${enc(name)}`;
export const daemonSetsPath = (ns: string) => `/apis/apps/v1/namespaces/${enc(ns)}/daemonsets`;
export const daemonSetPath = (ns: string, name: string) => `${daemonSetsPath(ns)}/${enc(name)}`;

export function responseCause(res: ApiResponse<unknown>): string {
  return res.message ? `${res.statusLine}: ${res.message}` : res.statusLine;
}

/** Refuses to start (exit 2) when a permission is missing, naming each; goes on when it cannot be told. */
export async function requireAccess(
  api: ProbeApi,
  label: string,
  namespace: string,
  permissions: Permission[],
  notice: (line: string) => void,
  instead = 'run with --node-probe none',
): Promise<void> {
  const access = await checkAccess(api, namespace, permissions);
  if (access.unknown) {
    notice(`${label}: cannot check permissions (${access.unknown}); trying anyway`);
    return;
  }
  if (access.missing.length === 0) return;
  const list = access.missing.map((m) => permissionText(m.permission)).join(', ');
  const resources = [...new Set(permissions.map((p) => `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`))].join(',');
  const verbs = [...new Set(permissions.map((p) => p.verb))].join(',');
  throw new GpuctlError(
    `${label} needs permissions this user lacks in namespace ${namespace}: ${list}`,
    2,
    `grant them (kubectl create role gpuctl-probe -n ${namespace} --verb=${verbs} --resource=${resources}; ` +
      `kubectl create rolebinding gpuctl-probe -n ${namespace} --role=gpuctl-probe --user=YOU), ` +
      `pick a namespace where you have them with --probe-namespace, or ${instead}`,
  );
}

interface Listed<T> {
  items?: T[];
}

/**
 * Removes probe objects of earlier runs, found by label: those older than a probe's lifetime (their run
 * is over) and pods that already ended. Younger live ones may belong to a run in progress elsewhere.
 */
export async function removeLeftovers(api: ProbeApi, namespace: string, now: number, notice: (line: string) => void): Promise<void> {
  const query = `?labelSelector=${enc(ANY_PROBE_SELECTOR)}`;
  const [pods, daemonSets] = await Promise.all([
    api.getJson<Listed<Pod>>(podsPath(namespace) + query),
    api.getJson<Listed<KubeObject>>(daemonSetsPath(namespace) + query).catch(() => undefined),
  ]);
  const expired = (o: KubeObject) => now - Date.parse(o.metadata.creationTimestamp ?? '') > PROBE_LIFETIME_S * 1000;
  const ownedByDaemonSet = (p: Pod) => p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet');
  const stale: { path: string; what: string }[] = [];
  for (const ds of daemonSets?.value?.items ?? []) {
    if (expired(ds)) stale.push({ path: daemonSetPath(namespace, ds.metadata.name), what: `daemonset ${namespace}/${ds.metadata.name}` });
  }
  for (const pod of pods.value?.items ?? []) {
    if (ownedByDaemonSet(pod) || pod.metadata.deletionTimestamp) continue;
    const ended = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (ended || expired(pod)) stale.push({ path: podPath(namespace, pod.metadata.name), what: `pod ${namespace}/${pod.metadata.name}` });
  }
  if (stale.length === 0) return;
  // The same deletes as the run's own: retried, confirmed by a GET; what stays is named with its cause.
  const cleanup = new ProbeCleanup(api, namespace, () => {});
  for (const { path, what } of stale) cleanup.track(path, what);
  const { deleted, left } = await cleanup.deleteAll(DELETE_LIMIT_MS);
  for (const what of left) notice(`could not remove the leftover ${what}`);
  if (deleted.length) notice(`removed ${deleted.length} probe object(s) left over from an earlier run: ${deleted.join(', ')}`);
}

export type PodProgress =
  | { state: 'running' }
  | { state: 'pending'; detail: string }
  | { state: 'pull-failed'; reason: string; message?: string }
  | { state: 'ended'; detail: string };

/** Where a probe pod stands: running, still starting (and why), or never going to run. */
export function podProgress(pod: Pod): PodProgress {
  const status = pod.status ?? {};
  const container = status.containerStatuses?.find((c) => c.name === PROBE_CONTAINER) ?? status.containerStatuses?.[0];
  const waiting = container?.state?.waiting;
  if (waiting?.reason && PULL_WAITING_REASONS.includes(waiting.reason)) {
    return { state: 'pull-failed', reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) };
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    const why = [status.reason, status.message, container?.state?.terminated?.reason].filter(Boolean).join(': ');
    return { state: 'ended', detail: `phase ${status.phase}${why ? ` (${why})` : ''}` };
  }
  if (status.phase === 'Running' && container?.state?.running) return { state: 'running' };
  const parts = [`phase ${status.phase ?? 'Pending'}`];
  const unscheduled = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) parts.push(`not scheduled: ${[unscheduled.reason, unscheduled.message].filter(Boolean).join(': ')}`);
  if (waiting?.reason) parts.push(`container waiting: ${[waiting.reason, waiting.message].filter(Boolean).join(': ')}`);
  else if (!status.containerStatuses?.length && !unscheduled) parts.push('no container started (the node has not picked the pod up)');
  return { state: 'pending', detail: parts.join(', ') };
}

/** Warning events about a pod, newest last: the kubelet's pull errors, FailedMount, FailedCreatePodSandBox. */
export async function podEvents(api: ProbeApi, namespace: string, pod: string): Promise<Event[]> {
  const selector = `involvedObject.kind=Pod,involvedObject.name=${pod}`;
  try {
    const res = await api.getJson<Listed<Event>>(`/api/v1/namespaces/${enc(namespace)}/events?fieldSelector=${enc(selector)}`);
    return (res.value?.items ?? []).filter((e) => e.type !== 'Normal').map((e) => ({ ...e, kind: 'Event', apiVersion: 'v1' }));
  } catch (err) {
    if (err instanceof RequestFailure) return [];
    throw err;
  }
}

/**
 * One collection per node for the probes to fill as they finish, in any order; merged into the run's
 * collection in node order afterwards, so the report reads the same whatever finished first.
 */
export function perNode(nodes: string[]): Map<string, Collection> {
  return new Map(nodes.map((node) => [node, emptyCollection(`node ${node}`)]));
}

export interface ProbeRun {
  runId: string;
  /** Each node's results, filled in any order. */
  results: Map<string, Collection>;
  cleanup: ProbeCleanup;
  notice: (line: string) => void;
  progress: (text: string) => void;
  /** Files the results in node order, deletes whatever is still tracked, removes the signal handlers. */
  finish(): Promise<void>;
}

/**
 * The start both modes share: permissions checked (exit 2 when missing), leftovers of earlier runs
 * removed, a run id, and the cleanup armed for the interrupts (src/interrupt.ts) before anything is created.
 */
export async function startRun(api: ProbeApi, mode: 'pod' | 'daemonset', permissions: Permission[], nodes: string[], collection: Collection, options: RemoteProbeOptions): Promise<ProbeRun> {
  const notice = options.notice ?? (() => {});
  const { namespace } = options;
  await requireAccess(api, options.purpose?.label ?? `--node-probe ${mode}`, namespace, permissions, notice, options.purpose?.instead);
  await removeLeftovers(api, namespace, Date.now(), notice);
  const runId = newRunId();
  collection.meta.nodeProbe = { mode, namespace, image: options.image, runId };
  const cleanup = new ProbeCleanup(api, namespace, notice);
  const removeHandlers = cleanup.onSignals();
  const results = perNode(nodes);
  return {
    runId,
    results,
    cleanup,
    notice,
    progress: options.progress ?? (() => {}),
    async finish() {
      mergeInOrder(collection, results);
      await cleanup.finish();
      removeHandlers();
    },
  };
}

export function mergeInOrder(target: Collection, results: Map<string, Collection>): void {
  for (const result of results.values()) {
    pushAll(target.objects, result.objects);
    for (const [node, host] of result.nodes) target.nodes.set(node, host);
    pushAll(target.problems, result.problems);
    for (const [node, reason] of Object.entries(result.meta.nodeProbeFailures ?? {})) (target.meta.nodeProbeFailures ??= {})[node] = reason;
    for (const node of result.meta.nodesGone ?? []) (target.meta.nodesGone ??= []).push(node);
  }
}

/** Why a node could not be probed: a problem of the collection and the reason node checks skip it. */
export function recordFailure(collection: Collection, node: string, reason: string): void {
  (collection.meta.nodeProbeFailures ??= {})[node] = reason;
  if (reason === nodeGoneReason(node)) (collection.meta.nodesGone ??= []).push(node);
  collection.problems.push({ path: `nodes/${node}`, message: `node facts not read: ${reason}` });
}

/** A pod that cannot pull the probe image is a registry fact about its node: the pod and its events join the facts. */
export async function recordPullFailure(
  api: ProbeApi,
  collection: Collection,
  pod: Pod,
  node: string,
  progress: { reason: string; message?: string },
  image: string,
): Promise<void> {
  const namespace = pod.metadata.namespace!;
  const events = await podEvents(api, namespace, pod.metadata.name);
  collection.objects.push({ ...pod, apiVersion: 'v1', kind: 'Pod' }, ...events);
  // The kubelet's Failed event carries the registry's error; the back-off status message only repeats the image.
  const cause = events.filter((e) => e.reason === 'Failed' && e.message?.startsWith('Failed to pull')).at(-1)?.message ?? progress.message;
  recordFailure(
    collection,
    node,
    `the probe pod ${namespace}/${pod.metadata.name} cannot pull its image ${image} (${progress.reason}${cause ? `: ${cause}` : ''}); ` +
      `see image-pull-failing; pass --probe-image with an image the node can pull (any image with sh, e.g. your registry's copy of busybox)`,
  );
}

/** Whether the node was deleted (404): a node that vanishes mid-run is reported, never a crash. */
export async function nodeGone(api: ProbeApi, node: string): Promise<boolean> {
  try {
    return (await api.getJson(`/api/v1/nodes/${enc(node)}`)).status === 404;
  } catch (err) {
    if (!(err instanceof RequestFailure)) throw err;
    return false;
  }
}

export const nodeGoneReason = (node: string) => `node ${node} was deleted while gpuctl probed it (its probe pod went with it)`;

/** Why a pod went missing: the node it was pinned to was deleted, or someone deleted the pod. */
export async function whyGone(api: ProbeApi, namespace: string, podName: string, node: string): Promise<string> {
  if (await nodeGone(api, node)) return nodeGoneReason(node);
  return `the probe pod ${namespace}/${podName} was deleted before the probe finished (evicted, or removed by someone else)`;
}

/** Why a pod that did not start in time did not: its state and the newest warning event about it. */
export async function whyNotStarted(api: ProbeApi, pod: Pod, detail: string, timeoutMs: number): Promise<string> {
  const namespace = pod.metadata.namespace!;
  const events = await podEvents(api, namespace, pod.metadata.name);
  const last = events.at(-1);
  const event = last ? `; last event ${last.reason}: ${last.message}` : '';
  return `the probe pod ${namespace}/${pod.metadata.name} did not start within ${Math.round(timeoutMs / 1000)}s (--probe-timeout): ${detail}${event}; it was removed`;
}

/** Runs the probe script in a running probe pod and files the node's facts; failures become problems. */
export async function runProbeScript(api: ProbeApi, collection: Collection, namespace: string, podName: string, node: string, options: RemoteProbeOptions): Promise<void> {
  const script = probeScript({ hostRoot: '/host', chroot: true, commandTimeoutS: options.commandTimeoutS ?? 10, selection: options.selection });
  let result: ExecResult;
  try {
    result = await api.exec({ namespace, pod: podName, container: PROBE_CONTAINER }, ['sh', '-c', script], options.execTimeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS);
  } catch (err) {
    if (!(err instanceof ExecFailure)) throw err;
    recordFailure(collection, node, err.kind === 'not-found' ? await whyGone(api, namespace, podName, node) : err.message);
    return;
  }
  const { complete, ...facts } = parseProbeOutput(result.stdout.toString('utf8'));
  collection.nodes.set(node, facts);
  if (!complete) {
    const why = result.message ?? (result.truncated ? 'its output went over the limit' : undefined);
    collection.problems.push({ path: `nodes/${node}`, message: `the node probe stopped before it finished${why ? ` (${why})` : ''}; node facts are partial` });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
