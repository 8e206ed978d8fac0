// --node-probe daemonset: one short-lived DaemonSet whose pods land on the GPU nodes (Kubernetes does the
// fan-out, so thousands of nodes cost one create and one LIST per poll), the probe script run through exec
// in each pod as it starts, then the DaemonSet deleted with its pods. Same cleanup guarantees as pod mode.
import pLimit from 'p-limit';
import type { KubeObject, Pod } from '../../collection/kube.js';
import type { Collection } from '../../collection/collection.js';
import { RequestFailure } from '../live/client.js';
import { DAEMONSET_PROBE_PERMISSIONS } from './access.js';
import { probeDaemonSet, runSelector } from './pod-spec.js';
import type { ProbeApi, RemoteProbeOptions } from './remote.js';
import {
  daemonSetPath,
  daemonSetsPath,
  podProgress,
  podsPath,
  pollDelay,
  recordFailure,
  recordPullFailure,
  responseCause,
  runProbeScript,
  sleep,
  startRun,
  nodeGone,
  nodeGoneReason,
  whyNotStarted,
} from './remote.js';

/** The node a DaemonSet pod is for: bound (spec.nodeName) or, before binding, the controller's matchFields term. */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = (pod.spec as { affinity?: any } | undefined)?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const term of terms ?? []) {
    for (const field of term.matchFields ?? []) {
      if (field.key === 'metadata.name' && field.operator === 'In' && field.values?.length === 1) return field.values[0];
    }
  }
  return undefined;
}

export async function probeNodesWithDaemonSet(api: ProbeApi, nodes: string[], collection: Collection, options: RemoteProbeOptions): Promise<void> {
  const { namespace } = options;
  const run = await startRun(api, 'daemonset', DAEMONSET_PROBE_PERMISSIONS, nodes, collection, options);
  const manifest = probeDaemonSet(namespace, nodes, { runId: run.runId, image: options.image });
  const name = manifest.metadata.name;
  // Tracked before the POST: a Ctrl-C while it is in flight still deletes the DaemonSet (a 404 if it never came).
  run.cleanup.track(daemonSetPath(namespace, name), `daemonset ${namespace}/${name}`);
  const failAll = (reason: string) => {
    for (const node of nodes) recordFailure(run.results.get(node)!, node, reason);
  };
  try {
    let created;
    try {
      created = await api.post<KubeObject>(daemonSetsPath(namespace), manifest);
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
      return failAll(`creating the probe DaemonSet ${namespace}/${name} failed: ${err.message}`);
    }
    if (!created.value) return failAll(`the API server refused the probe DaemonSet ${namespace}/${name}: ${responseCause(created)}`);
    await followPods(api, nodes, run.results, { ...options, runId: run.runId }, run.progress);
  } finally {
    await run.finish();
  }
}

/** One LIST of the run's pods per poll; each pod's script runs as soon as it is Running, a few at a time. */
async function followPods(api: ProbeApi, nodes: string[], results: Map<string, Collection>, options: RemoteProbeOptions & { runId: string }, progress: (text: string) => void): Promise<void> {
  const { namespace } = options;
  const waiting = new Set(nodes);
  const limit = pLimit(options.concurrency);
  const execs: Promise<void>[] = [];
  const lastSeen = new Map<string, Pod>();
  const deadline = Date.now() + options.timeoutMs;
  let polls = 0;
  const listPath = `${podsPath(namespace)}?labelSelector=${encodeURIComponent(runSelector(options.runId))}`;
  while (waiting.size > 0) {
    let pods: Pod[] | undefined;
    try {
      const res = await api.getJson<{ items?: Pod[] }>(listPath);
      pods = res.value?.items;
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
    }
    for (const pod of pods ?? []) {
      const node = daemonPodNode(pod);
      if (!node || !waiting.has(node)) continue;
      lastSeen.set(node, pod);
      const state = podProgress(pod);
      if (state.state === 'running') {
        waiting.delete(node);
        execs.push(limit(() => runProbeScript(api, results.get(node)!, namespace, pod.metadata.name, node, options)));
      } else if (state.state === 'pull-failed') {
        waiting.delete(node);
        await recordPullFailure(api, results.get(node)!, pod, node, state, options.image);
      }
      // A DaemonSet pod that ends is replaced by the controller: keep waiting for its successor.
    }
    progress(`probe DaemonSet: ${nodes.length - waiting.size}/${nodes.length} pods started…`);
    if (waiting.size === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(pollDelay(polls++, options.pollMs), Math.max(deadline - Date.now(), 0)));
  }
  for (const node of waiting) {
    if (await nodeGone(api, node)) {
      recordFailure(results.get(node)!, node, nodeGoneReason(node));
      continue;
    }
    const pod = lastSeen.get(node);
    const state = pod && podProgress(pod);
    recordFailure(
      results.get(node)!,
      node,
      pod && state?.state === 'pending'
        ? await whyNotStarted(api, pod, state.detail, options.timeoutMs)
        : `the probe DaemonSet ran no pod on node ${node} within ${Math.round(options.timeoutMs / 1000)}s (--probe-timeout)${state?.state === 'ended' ? `: ${state.detail}` : ''}; it was removed`,
    );
  }
  await Promise.all(execs);
}
