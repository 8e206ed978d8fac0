// Fetches the container logs log-targets.ts picked: a tail of each, a few at a time. A log that cannot be
// fetched is a problem of the collection, never the end of the run.
import pLimit from 'p-limit';
import type { LogTarget } from '../../facts/log-targets.js';
import type { Collection } from '../../collection/collection.js';
import { logKey } from '../../collection/collection.js';
import type { KubeClient } from './client.js';
import { RequestFailure } from './client.js';

export const LOG_TAIL_LINES = 200;
/** Bounds a log whose 200 lines are huge (a JSON dump on one line). */
export const LOG_LIMIT_BYTES = 512 * 1024;

export function logPath(target: LogTarget): string {
  const query = new URLSearchParams({ container: target.container, tailLines: String(LOG_TAIL_LINES), limitBytes: String(LOG_LIMIT_BYTES) });
  if (target.previous) query.set('previous', 'true');
  const pod = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}`;
  return `${pod}/log?${query}`;
}

export async function fetchLogs(client: KubeClient, targets: LogTarget[], collection: Collection, concurrency: number): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(
    targets.map((target) =>
      limit(async () => {
        const key = logKey(target.namespace, target.pod, target.container, target.previous);
        let cause: string;
        try {
          const res = await client.getText(logPath(target));
          if (res.value !== undefined) {
            collection.logs.set(key, res.value);
            return;
          }
          // 400 "previous terminated container … not found" / "is waiting to start", 404 pod gone since
          // the list: there is no such log, which is no failure (a snapshot would simply lack the file).
          if (res.status === 400 || res.status === 404) return;
          cause = res.message ? `${res.statusLine}: ${res.message}` : res.statusLine;
        } catch (err) {
          if (!(err instanceof RequestFailure)) throw err;
          cause = err.message;
        }
        collection.problems.push({ path: `logs/${key}.log`, message: `log not fetched: ${cause}` });
        (collection.unreadLogs ??= new Map()).set(key, cause);
      }),
    ),
  );
}
