// --node-probe pod: for each GPU node, a short-lived privileged pod pinned to it, the probe script run
// through exec, the pod deleted — a few nodes at a time, and nothing left behind whatever happens.
import pLimit from 'p-limit';
import type { Pod } from '../../collection/kube.js';
import type { Collection } from '../../collection/collection.js';
import { RequestFailure } from '../live/client.js';
import { POD_PROBE_PERMISSIONS } from './access.js';
import type { ProbeCleanup } from './cleanup.js';
import { probePod } from './pod-spec.js';
import type { ProbeApi, RemoteProbeOptions } from './remote.js';
import {
  nodeGone,
  nodeGoneReason,
  podPath,
  podProgress,
  podsPath,
  pollDelay,
  recordFailure,
  recordPullFailure,
  responseCause,
  runProbeScript,
  sleep,
  startRun,
  whyGone,
  whyNotStarted,
} from './remote.js';

export async function probeNodesWithPods(api: ProbeApi, nodes: string[], collection: Collection, options: RemoteProbeOptions): Promise<void> {
  const run = await startRun(api, 'pod', POD_PROBE_PERMISSIONS, nodes, collection, options);
  const limit = pLimit(options.concurrency);
  let done = 0;
  try {
    await Promise.all(
      nodes.map((node) =>
        limit(async () => {
          run.progress(`probing node ${node} through a pod (${done}/${nodes.length} done)…`);
          await probeOneNode(api, node, run.results.get(node)!, run.cleanup, { ...options, runId: run.runId });
          done++;
        }),
      ),
    );
  } finally {
    await run.finish();
  }
}

/** What runs in the probe pod once it runs: the node probe script, unless another job is given. */
export type ProbePodJob = (podName: string) => Promise<void>;

/** Creates the node's probe pod, waits for it, runs the job in it and deletes it; failures are recorded in `collection`. */
export async function probeOneNode(
  api: ProbeApi,
  node: string,
  collection: Collection,
  cleanup: ProbeCleanup,
  options: RemoteProbeOptions & { runId: string },
  job?: ProbePodJob,
): Promise<void> {
  const { namespace, image } = options;
  const manifest = probePod(namespace, node, { runId: options.runId, image });
  const name = manifest.metadata.name;
  const path = podPath(namespace, name);
  // Tracked before the POST: a Ctrl-C while it is in flight still deletes the pod (a 404 if it never came).
  cleanup.track(path, `pod ${namespace}/${name}`);
  try {
    let created;
    try {
      created = await api.post<Pod>(podsPath(namespace), manifest);
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
      return recordFailure(collection, node, `creating the probe pod ${namespace}/${name} failed: ${err.message}`);
    }
    if (!created.value) {
      // Pod Security Admission's "violates PodSecurity "baseline:latest": privileged …" lands here.
      const hint = /PodSecurity/.test(created.message) ? ` (use --probe-namespace with a namespace whose pod-security.kubernetes.io/enforce is privileged, e.g. kube-system)` : '';
      return recordFailure(collection, node, `the API server refused the probe pod ${namespace}/${name}: ${responseCause(created)}${hint}`);
    }
    const started = await waitUntilRunning(api, created.value, node, collection, options);
    if (started) await (job ? job(name) : runProbeScript(api, collection, namespace, name, node, options));
  } finally {
    await cleanup.delete(path);
  }
}

/** Polls the pod until it runs (true), or records why it will not (false). */
async function waitUntilRunning(api: ProbeApi, pod: Pod, node: string, collection: Collection, options: RemoteProbeOptions): Promise<boolean> {
  const namespace = pod.metadata.namespace ?? options.namespace;
  const name = pod.metadata.name;
  const deadline = Date.now() + options.timeoutMs;
  let polls = 0;
  let current = pod;
  for (;;) {
    const state = podProgress(current);
    if (state.state === 'running') return true;
    if (state.state === 'pull-failed') {
      await recordPullFailure(api, collection, current, node, state, options.image);
      return false;
    }
    if (state.state === 'ended') {
      recordFailure(collection, node, `the probe pod ${namespace}/${name} ended before it ran: ${state.detail}`);
      return false;
    }
    if (Date.now() >= deadline) {
      const gone = await nodeGone(api, node);
      recordFailure(collection, node, gone ? nodeGoneReason(node) : await whyNotStarted(api, current, state.detail, options.timeoutMs));
      return false;
    }
    await sleep(Math.min(pollDelay(polls++, options.pollMs), Math.max(deadline - Date.now(), 0)));
    let res;
    try {
      res = await api.getJson<Pod>(podPath(namespace, name));
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
      continue; // a lost poll; the deadline still bounds the wait
    }
    if (res.status === 404) {
      recordFailure(collection, node, await whyGone(api, namespace, name, node));
      return false;
    }
    if (res.value) current = res.value;
  }
}
