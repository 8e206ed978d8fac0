// `kubectl cluster-info dump --output-directory DIR [--all-namespaces]`: nodes.json at the top,
// NS/{pods,events,daemonsets,deployments,…}.json and NS/POD/logs.txt below.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Collection } from '../collection.js';
import { emptyCollection, logKey } from '../collection.js';
import { parseObjects } from '../parse-objects.js';

export async function isClusterInfoDump(root: string): Promise<boolean> {
  const names = await readdir(root).catch(() => [] as string[]);
  if (!names.includes('nodes.json')) return false;
  for (const name of names) {
    if (await readdir(path.join(root, name)).then((inner) => inner.includes('pods.json'), () => false)) return true;
  }
  return false;
}

export async function loadClusterInfoDump(root: string, label: string): Promise<Collection> {
  const collection = emptyCollection(`cluster-info dump ${label}`);
  const addFile = async (file: string) => {
    const result = parseObjects(await readFile(file), file);
    if (result.error) collection.problems.push({ path: path.relative(root, file), message: result.error });
    collection.objects.push(...result.objects);
  };
  await addFile(path.join(root, 'nodes.json'));
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const nsDir = path.join(root, entry.name);
    for (const inner of await readdir(nsDir, { withFileTypes: true })) {
      const full = path.join(nsDir, inner.name);
      if (inner.isFile() && inner.name.endsWith('.json')) await addFile(full);
      if (inner.isDirectory()) {
        const logs = await readFile(path.join(full, 'logs.txt'), 'utf8').catch(() => undefined);
        if (logs !== undefined) splitContainerLogs(logs, entry.name, inner.name, collection);
      }
    }
  }
  return collection;
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
