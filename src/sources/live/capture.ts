// The live doctor's look inside running pods of injecting stacks (TensorFusion, HAMi, Bitfusion): their
// process tables and /etc/ld.so.preload, a few pods at a time, so the injection checks judge them exactly
// as `gpuctl exec-check` would. A pod that cannot be read is a problem of the collection, never the end.
import pLimit from 'p-limit';
import { injectedContainers, notRunningReason } from '../../facts/exec-target.js';
import type { Facts } from '../../facts/facts.js';
import { injectingPods } from '../../facts/workload-injection.js';
import type { Collection } from '../../collection/collection.js';
import { captureProcesses } from './container.js';
import type { ExecConnection } from './exec.js';
import { ExecFailure } from './exec.js';

export const DEFAULT_MAX_EXEC_PODS = 20;
export const EXEC_CONCURRENCY = 4;
/** Exec failures that leave a process table unread (the run incomplete); a pod gone or a container not running is a fact. */
const UNREAD_KINDS = new Set(['forbidden', 'unauthorized', 'server', 'cut', 'timeout', 'network']);

export async function captureInjectedProcesses(
  conn: ExecConnection,
  facts: Facts,
  collection: Collection,
  options: { maxPods: number; timeoutMs: number; concurrency?: number; onProgress?: (text: string) => void },
): Promise<void> {
  if (options.maxPods <= 0) return;
  const pods = injectingPods(facts);
  const chosen = pods.slice(0, options.maxPods);
  if (pods.length > chosen.length) {
    collection.meta.execPodsOmitted = pods.length - chosen.length;
    collection.problems.push({
      path: 'pods/',
      message: `process tables of ${pods.length - chosen.length} more pod(s) of injecting stacks not captured (--max-exec-pods ${options.maxPods})`,
    });
  }
  const targets = chosen.flatMap(({ pod, stack }) =>
    injectedContainers(pod, stack)
      .filter((container) => !notRunningReason(pod, container))
      .map((container) => ({ namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, container })),
  );
  if (targets.length === 0) return;
  options.onProgress?.(`reading the processes of ${targets.length} container(s) of injecting stacks…`);
  const limit = pLimit(options.concurrency ?? EXEC_CONCURRENCY);
  // One 403 answers for every pod: the rest are not tried, and one problem says so.
  const refused = { message: '', skipped: 0 };
  const unread = (collection.unreadProcesses ??= new Map());
  const refusedKeys: string[] = [];
  await Promise.all(
    targets.map((target) =>
      limit(async () => {
        const key = `${target.namespace}/${target.pod}/${target.container}`;
        if (refused.message) {
          refused.skipped++;
          refusedKeys.push(key);
          return;
        }
        try {
          const capture = await captureProcesses(conn, target, options.timeoutMs);
          collection.processes.set(key, capture.processes);
          if (capture.preloadFile !== undefined) collection.preloadFiles.set(key, capture.preloadFile);
        } catch (err) {
          if (err instanceof ExecFailure && err.kind === 'forbidden') {
            if (refused.message) refused.skipped++;
            else refused.message = err.message;
            refusedKeys.push(key);
          } else {
            collection.problems.push({ path: `pods/${key}/processes.json`, message: `process table not captured: ${(err as Error).message}` });
            // The API or the connection failed (not a fact of the container, like a missing sh): unread.
            if (err instanceof ExecFailure && UNREAD_KINDS.has(err.kind)) unread.set(key, err.message);
          }
        }
      }),
    ),
  );
  if (refused.message) {
    const more = refused.skipped > 0 ? ` (${refused.skipped} more container(s) not captured)` : '';
    collection.problems.push({ path: 'pods/', message: `process tables not captured: ${refused.message}${more}` });
    for (const key of refusedKeys) unread.set(key, refused.message);
  }
  if (unread.size === 0) delete collection.unreadProcesses;
}
