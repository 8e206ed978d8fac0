// `gpuctl doctor --fix`: the API calls of the fixes a person confirmed, one after the other, each
// reported with the server's answer. Nothing here decides what to change: src/fix/plan.ts does.
import type { ApiAction } from '../../fix/plan.js';
import type { LiveOptions } from '../live.js';
import type { ApiResponse } from './client.js';
import { KubeClient, RequestFailure } from './client.js';
import { credentials, loadKubeconfig } from './kubeconfig.js';

export interface ActionResult {
  action: ApiAction;
  ok: boolean;
  /** The answer in words: `200 OK`, `403 Forbidden: nodes "gpu-1" is forbidden: …`, `already gone`. */
  outcome: string;
}

export async function applyActions(options: LiveOptions, actions: ApiAction[], serviceAccountRoot = ''): Promise<ActionResult[]> {
  const loaded = await loadKubeconfig(options, serviceAccountRoot);
  const debug = options.debug ? (line: string) => process.stderr.write(`gpuctl: ${line}\n`) : undefined;
  const client = new KubeClient({ server: loaded.cluster.server, credentials: await credentials(loaded), timeoutMs: options.requestTimeoutMs, debug });
  try {
    const results: ActionResult[] = [];
    for (const action of actions) results.push(await applyOne(client, action));
    return results;
  } finally {
    client.close();
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
