// `kubectl cluster-info dump --output-directory DIR [--all-namespaces]`: nodes.json at the top,
// NS/{pods,events,daemonsets,deployments,…}.json and NS/POD/logs.txt below.
import { pushAll } from '../../bounded.js';
import type { Collection } from '../../collection/collection.js';
import { logKey } from '../../collection/collection.js';
import type { Phase } from '../pipeline.js';
import { parseObjects } from '../parse-objects.js';
import { FILE_LIMITS, type SnapshotFiles } from '../snapshot-files.js';

export async function isClusterInfoDump(files: SnapshotFiles): Promise<boolean> {
  if (!(await files.fileNames('')).includes('nodes.json')) return false;
  for (const name of await files.dirNames('')) {
    if ((await files.fileNames(name)).includes('pods.json')) return true;
  }
  return false;
}

/** A cluster-info dump's collection, as the one phase of its source (src/sources/pipeline.ts). */
export function clusterInfoDumpPhase(files: SnapshotFiles): Phase {
  return { name: 'cluster-info dump', reads: [], adds: ['objects', 'logs', 'problems'], run: (_before, collection) => readClusterInfoDump(files, collection) };
}

async function readClusterInfoDump(files: SnapshotFiles, collection: Collection): Promise<void> {
  files.reportInto(collection.problems);
  const addFile = async (rel: string) => {
    const buf = await files.read(rel, FILE_LIMITS.objectFileBytes, { what: 'object file' });
    if (buf === undefined) return;
    const result = parseObjects(buf, rel);
    if (result.error) collection.problems.push({ path: rel, message: result.error });
    pushAll(collection.objects, result.objects);
  };
  await addFile('nodes.json');
  for (const ns of await files.dirNames('')) {
    for (const inner of await files.list(ns)) {
      const rel = `${ns}/${inner.name}`;
      if (inner.kind === 'file' && inner.name.endsWith('.json')) await addFile(rel);
      if (inner.kind === 'dir' && (await files.fileNames(rel)).includes('logs.txt')) {
        const logs = await files.readText(`${rel}/logs.txt`, FILE_LIMITS.prefixedLogTailBytes, { tail: true });
        if (logs !== undefined) splitContainerLogs(logs, ns, inner.name, collection);
      }
    }
  }
}

/** kubectl writes "==== START logs for container C of pod NS/POD ====" … "==== END logs …" per container. */
function splitContainerLogs(text: string, namespace: string, pod: string, collection: Collection): void {
  const re = /^==== START logs for container (\S+) of pod \S+ ====\n([\s\S]*?)^==== END logs for container \1 of pod \S+ ====$/gm;
  let found = false;
  for (const m of text.matchAll(re)) {
    found = true;
    collection.logs.set(logKey(namespace, pod, m[1]!), m[2]!);
  }
  if (!found && text.trim()) collection.logs.set(logKey(namespace, pod, 'main'), text);
}
