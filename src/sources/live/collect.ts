// `gpuctl doctor` on a live cluster: kubeconfig → GET /version → one paginated LIST per resource type,
// a few at a time → the container logs the checks need (and, with HAMi/Kantaloupe, the Prometheus queries
// and `helm version`).
import pLimit from 'p-limit';
import { GpuctlError } from '../../errors.js';
import { Facts } from '../../facts/facts.js';
import { logTargets } from '../../facts/log-targets.js';
import { hasStack } from '../../facts/stacks.js';
import { runLocalCommands } from '../local-commands.js';
import type { Collection } from '../collection.js';
import { emptyCollection } from '../collection.js';
import type { LiveOptions } from '../live.js';
import { RESOURCE_TYPES } from '../resources.js';
import { captureInjectedProcesses, DEFAULT_MAX_EXEC_PODS } from './capture.js';
import type { KubeClient } from './client.js';
import { RequestFailure } from './client.js';
import { connectLive } from './connect.js';
import type { LoadedKubeconfig } from './kubeconfig.js';
import { listAll } from './list.js';
import { fetchLogs } from './logs.js';
import { queryKantaloupeMetrics } from './prometheus.js';

/** Lists in flight at once: enough to overlap latency, few enough not to trip API priority and fairness. */
export const LIST_CONCURRENCY = 6;
export const LOG_CONCURRENCY = 8;
/** Limit of a Prometheus query when --request-timeout is 0 (none): a slow Prometheus must not hang the doctor. */
const PROMETHEUS_TIMEOUT_MS = 30_000;

export async function collectLive(options: LiveOptions, serviceAccountRoot = ''): Promise<Collection> {
  const session = await connectLive(options, serviceAccountRoot);
  const { loaded, server, client } = session;
  const progress = options.onProgress ?? (() => {});
  try {
    progress(`connecting to ${server}`);
    const collection = emptyCollection(`context ${loaded.context} (${server})`);
    collection.live = true;
    collection.meta = {
      context: loaded.context,
      serverVersion: await serverVersion(client, loaded),
      capturedAt: new Date().toISOString(),
    };

    const limit = pLimit(LIST_CONCURRENCY);
    const types = options.kinds ? RESOURCE_TYPES.filter((type) => options.kinds!.has(type.kind)) : RESOURCE_TYPES;
    const outcomes = await Promise.all(
      types.map((type) =>
        limit(() =>
          listAll(client, type, options.chunkSize, (n) => progress(`listing ${type.plural} (${n.toLocaleString('en-US')})…`), options.keepUnread),
        ),
      ),
    );
    // Collected in table order, whatever order the lists finished in.
    types.forEach((type, i) => {
      const outcome = outcomes[i]!;
      if ('objects' in outcome) for (const obj of outcome.objects) collection.objects.push(obj);
      else if ('notInstalled' in outcome) collection.notInstalled.add(type.kind);
      else collection.unavailable.set(type.kind, outcome.unavailable);
    });

    const facts = new Facts(collection);
    // collect (keepUnread) writes a bundle for a person: every container of the pods picked, GPU container first.
    const { targets, omitted } = logTargets(facts, undefined, options.keepUnread);
    if (targets.length > 0) progress(`fetching ${targets.length} container logs…`);
    // Kantaloupe's prerequisites: the GPU metrics in Prometheus, and the local helm. Only where HAMi or
    // Kantaloupe runs (or --prometheus-url asks), so other clusters see no extra request or process.
    const kantaloupe = hasStack(facts, 'hami') || hasStack(facts, 'kantaloupe');
    const [, prometheus, localCommands] = await Promise.all([
      fetchLogs(client, targets, collection, LOG_CONCURRENCY),
      kantaloupe || options.prometheusUrl
        ? queryKantaloupeMetrics(client, facts, { url: options.prometheusUrl, timeoutMs: options.requestTimeoutMs || PROMETHEUS_TIMEOUT_MS })
        : undefined,
      kantaloupe ? runLocalCommands() : undefined,
    ]);
    if (prometheus) collection.prometheus = prometheus;
    if (localCommands) collection.localCommands = localCommands;
    if (omitted > 0) collection.meta.logsOmitted = omitted;

    // The injection checks judge process tables: read them from the running pods of injecting stacks.
    await captureInjectedProcesses(session.exec, collection, {
      maxPods: options.maxExecPods ?? DEFAULT_MAX_EXEC_PODS,
      timeoutMs: options.requestTimeoutMs,
      onProgress: progress,
    });
    return collection;
  } finally {
    session.close();
  }
}

/** The first request: proves the server answers and the credentials work, or ends the run with why not. */
async function serverVersion(client: KubeClient, loaded: LoadedKubeconfig): Promise<string | undefined> {
  const server = loaded.cluster.server;
  let res;
  try {
    res = await client.getJson<{ gitVersion?: string }>('/version');
  } catch (err) {
    if (!(err instanceof RequestFailure)) throw err;
    const tries = err.attempts > 1 ? ` (after ${err.attempts} attempts)` : '';
    throw new GpuctlError(`cannot reach the API server ${server}: ${err.message}${tries}`);
  }
  if (res.value) return res.value.gitVersion;
  if (res.status === 401) {
    throw new GpuctlError(`the API server rejected the credentials of context ${loaded.context} (401 Unauthorized)`);
  }
  // Some clusters hide /version from a user who may still list: the lists will tell.
  if (res.status === 403) return undefined;
  const tries = res.attempts > 1 ? ` after ${res.attempts} attempts` : '';
  if (res.status >= 500) throw new GpuctlError(`the API server ${server} answered ${res.statusLine}${tries}`);
  throw new GpuctlError(`${server} does not answer like a Kubernetes API server: GET /version gave ${res.statusLine}`);
}
