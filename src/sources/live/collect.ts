// `gpuctl doctor` on a live cluster: kubeconfig → GET /version → one paginated LIST per resource type,
// a few at a time → the container logs the checks need (and, with HAMi/Kantaloupe, the Prometheus queries
// and `helm version`) → the process tables of injecting stacks' pods: the phases of src/sources/pipeline.ts.
import pLimit from 'p-limit';
import { GpuctlError } from '../../errors.js';
import { logTargets } from '../../facts/log-targets.js';
import { hasStack } from '../../facts/stacks.js';
import type { StackCollected } from '../../stacks/define.js';
import { stacksCollecting } from '../../stacks/derived.js';
import { runLocalCommands } from '../local-commands.js';
import type { Collection } from '../../collection/collection.js';
import { emptyCollection } from '../../collection/collection.js';
import type { LiveOptions } from '../live.js';
import { RESOURCE_TYPES } from '../../collection/resources.js';
import type { Phase } from '../pipeline.js';
import { runPhases } from '../pipeline.js';
import { captureInjectedProcesses, DEFAULT_MAX_EXEC_PODS } from './capture.js';
import type { KubeClient } from './client.js';
import { RequestFailure } from './client.js';
import type { LiveSession } from './connect.js';
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

/**
 * A live run's collection: connect, then its phases in order (src/sources/pipeline.ts) — the lists, then the
 * logs, metrics and process tables of what they found, then `more` (the node probes, commands/gather.ts).
 */
export async function collectLive(options: LiveOptions, serviceAccountRoot = '', more: Phase[] = []): Promise<Collection> {
  const session = await connectLive(options, serviceAccountRoot);
  try {
    const collection = emptyCollection(`context ${session.loaded.context} (${session.server})`);
    collection.live = true;
    return await runPhases(collection, [...livePhases(session, options), ...more]);
  } finally {
    session.close();
  }
}

/** The phases of a live run over one session, before the node probes. */
export function livePhases(session: LiveSession, options: LiveOptions): Phase[] {
  return [listPhase(session, options), logsPhase(session, options), processPhase(session, options)];
}

/**
 * (1) One paginated LIST per resource type, a few at a time: `options.resourceTypes`, else every type gpuctl
 * reads. The version first: it proves the server answers and the credentials work.
 */
export function listPhase(session: LiveSession, options: LiveOptions): Phase {
  const { loaded, server, client } = session;
  const progress = options.onProgress ?? (() => {});
  const types = options.resourceTypes ?? RESOURCE_TYPES;
  return {
    name: 'lists',
    reads: [],
    adds: ['meta', 'objects', 'notInstalled', 'unavailable'],
    async run(_before, collection) {
      progress(`connecting to ${server}`);
      collection.meta = {
        context: loaded.context,
        serverVersion: await serverVersion(client, loaded),
        capturedAt: new Date().toISOString(),
      };
      const limit = pLimit(LIST_CONCURRENCY);
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
    },
  };
}

/**
 * (2) What the lists found, read further: the container logs the checks read, and, where a stack that
 * `collects` them runs (HAMi, Kantaloupe; or --prometheus-url asks), the Prometheus queries and the local
 * `helm version`, so other clusters see no extra request or process.
 */
export function logsPhase(session: LiveSession, options: LiveOptions): Phase {
  const progress = options.onProgress ?? (() => {});
  return {
    name: 'logs',
    reads: ['pods and their containers (log targets)', 'detected stacks', 'Prometheus objects and services'],
    adds: ['logs', 'unreadLogs', 'problems', 'prometheus', 'localCommands', 'meta'],
    async run(facts, collection) {
      // collect (keepUnread) writes a bundle for a person: every container of the pods picked, GPU container first.
      const { targets, omitted } = logTargets(facts, { scopes: options.logScopes, everyContainer: options.keepUnread });
      if (targets.length > 0) progress(`fetching ${targets.length} container logs…`);
      // The stacks that ask for them (`collects:` in src/stacks/<id>.ts) decide whether Prometheus and the local commands are read.
      const wanted = (input: StackCollected) => stacksCollecting(input).some((id) => hasStack(facts, id));
      const [, prometheus, localCommands] = await Promise.all([
        fetchLogs(session.client, targets, collection, LOG_CONCURRENCY),
        wanted('prometheus') || options.prometheusUrl
          ? queryKantaloupeMetrics(session.client, facts, { url: options.prometheusUrl, timeoutMs: options.requestTimeoutMs || PROMETHEUS_TIMEOUT_MS })
          : undefined,
        wanted('local-commands') ? runLocalCommands() : undefined,
      ]);
      if (prometheus) collection.prometheus = prometheus;
      if (localCommands) collection.localCommands = localCommands;
      if (omitted > 0) collection.meta.logsOmitted = omitted;
    },
  };
}

/** (2, then) The injection checks judge process tables: read them from the running pods of injecting stacks. */
export function processPhase(session: LiveSession, options: LiveOptions): Phase {
  return {
    name: 'process tables',
    reads: ['running pods of injecting stacks'],
    adds: ['processes', 'preloadFiles', 'unreadProcesses', 'problems', 'meta'],
    run: (facts, collection) =>
      captureInjectedProcesses(session.exec, facts, collection, {
        maxPods: options.maxExecPods ?? DEFAULT_MAX_EXEC_PODS,
        timeoutMs: options.requestTimeoutMs,
        onProgress: options.onProgress,
      }),
  };
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
