// `gpuctl doctor --fix`: the API calls of the fixes a person confirmed, one after the other, each
// reported with the server's answer. Nothing here decides what to change: src/fix/plan.ts does.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pod } from '../../collection/kube.js';
import type { ApiAction } from '../../fix/plan.js';
import { savedManifest } from '../../fix/plan.js';
import { logKey } from '../../collection/collection.js';
import { logPath } from './logs.js';
import type { LiveOptions } from '../live.js';
import type { ApiResponse } from './client.js';
import { KubeClient, RequestFailure } from './client.js';
import { credentials, loadKubeconfig } from './kubeconfig.js';

export interface ActionResult {
  action: ApiAction;
  ok: boolean;
  /** The answer in words: `200 OK`, `403 Forbidden: nodes "gpu-1" is forbidden: …`, `already gone`. */
  outcome: string;
  /** What was saved before a delete: the manifest's path and the logs', under the backup folder. */
  saved?: string[];
}

/**
 * `backupDir`: where deletes save what they destroy (created on the first save). Absent: deletes that
 * need a save are not made.
 */
export async function applyActions(options: LiveOptions, actions: ApiAction[], serviceAccountRoot = '', backupDir?: string): Promise<ActionResult[]> {
  const loaded = await loadKubeconfig(options, serviceAccountRoot);
  const debug = options.debug ? (line: string) => process.stderr.write(`gpuctl: ${line}\n`) : undefined;
  const client = new KubeClient({ server: loaded.cluster.server, credentials: await credentials(loaded), timeoutMs: options.requestTimeoutMs, debug });
  try {
    const results: ActionResult[] = [];
    for (const action of actions) {
      const saved = action.save ? await saveBeforeDelete(client, action, backupDir) : undefined;
      if (saved && 'failed' in saved) results.push({ action, ok: false, outcome: saved.failed });
      else results.push({ ...(await applyOne(client, action)), ...(saved ? { saved: saved.files } : {}) });
    }
    return results;
  } finally {
    client.close();
  }
}

/**
 * The manifest of the object a delete destroys and, for a pod, the current and previous log of every
 * container, written in the snapshot layout under `backupDir`. Any failure to read or write one (other
 * than a log that does not exist) stops the delete: what it would destroy must be kept first.
 */
async function saveBeforeDelete(client: KubeClient, action: ApiAction, backupDir: string | undefined): Promise<{ files: string[] } | { failed: string }> {
  const { kind, namespace, name } = action.save!;
  const what = `${kind.toLowerCase()} ${namespace}/${name}`;
  if (!backupDir) return { failed: `not deleted: no folder to save ${what} in first` };
  const files: string[] = [];
  const write = async (relative: string, text: string) => {
    const file = path.join(backupDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text, { flag: 'wx' });
    files.push(file);
  };
  try {
    let res: ApiResponse<Record<string, unknown>>;
    try {
      res = await client.getJson<Record<string, unknown>>(action.path.split('?')[0]!);
    } catch (err) {
      if (err instanceof RequestFailure) return { failed: `not deleted: its manifest could not be read to save it first: ${err.message}` };
      throw err;
    }
    // Already gone: the delete will say so, and there is nothing left to save.
    if (res.status === 404) return { files };
    if (!res.value) return { failed: `not deleted: its manifest could not be read to save it first: ${res.statusLine}${res.message ? `: ${res.message}` : ''}` };
    await write(savedManifest(kind, namespace, name), JSON.stringify(res.value, null, 2) + '\n');
    if (kind !== 'Pod') return { files };
    const spec = (res.value as unknown as Pod).spec;
    const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
    for (const container of containers) {
      for (const previous of [false, true]) {
        // The whole log, not the doctor's tail: a huge one is cut by limitBytes, as kubectl logs --limit-bytes would.
        const target = { namespace, pod: name, container, previous };
        let log;
        try {
          log = await client.getText(logPath(target).replace(/tailLines=\d+&/, ''));
        } catch (err) {
          if (err instanceof RequestFailure) return { failed: `not deleted: the log of container ${container} could not be saved first: ${err.message}` };
          throw err;
        }
        if (log.value !== undefined) await write(`logs/${logKey(namespace, name, container, previous)}.log`, log.value);
        // 400: no previous run, or never started; 404: gone since. No such log is no failure.
        else if (log.status !== 400 && log.status !== 404) {
          return { failed: `not deleted: the log of container ${container}${previous ? ' (previous run)' : ''} could not be saved first: ${log.statusLine}${log.message ? `: ${log.message}` : ''}` };
        }
      }
    }
    return { files };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code) return { failed: `not deleted: cannot save ${what} in ${backupDir}: ${e.code} ${e.message}` };
    throw err;
  }
}

async function applyOne(client: KubeClient, action: ApiAction): Promise<ActionResult> {
  let res: ApiResponse<unknown>;
  try {
    if (action.method === 'PATCH') res = await client.patchMerge(action.path, action.body);
    else if (action.method === 'POST') res = await client.post(action.path, action.body);
    else res = await client.delete(action.path);
  } catch (err) {
    if (err instanceof RequestFailure) return { action, ok: false, outcome: err.message };
    throw err;
  }
  if (res.status >= 200 && res.status < 300) return { action, ok: true, outcome: res.statusLine };
  // The state the fix wanted is already there: someone (or something) was quicker.
  if (action.method === 'DELETE' && res.status === 404) return { action, ok: true, outcome: 'already gone (404)' };
  if (action.method === 'POST' && res.status === 409) return { action, ok: true, outcome: 'already exists (409)' };
  return { action, ok: false, outcome: `${res.statusLine}${res.message ? `: ${res.message}` : ''}` };
}
