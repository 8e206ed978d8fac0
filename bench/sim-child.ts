// The benchmark's API server: a synthetic cluster served by the simulator in a process of its own, so
// that its CPU time never mixes with the measured client's. Driven by bench/run.ts over the IPC channel:
//   → { nodes, podsPerNode, kubeconfig }   ← { type: 'ready', url, objects, pods, events, brokenPod }
//   → { type: 'take' }                     ← { type: 'requests', requests: RequestSummary } (and forgets them)
import { rm } from 'node:fs/promises';
import { startSimulator } from '../test/simulator/server.js';
import { requestKind } from '../test/scale/counting-proxy.js';
import { syntheticCluster } from '../test/simulator/synthetic.js';
import { readyMessage } from './cluster-ready.js';

export interface ChildStart {
  nodes: number;
  podsPerNode: number;
  brokenFraction: number;
  kubeconfig: string;
}

export interface RequestSummary {
  total: number;
  /** LIST pages (a collection path, no object name). */
  lists: number;
  /** GETs of one object (describe, logs' lookups). */
  gets: number;
  logs: number;
  /** /version, /api, /apis… */
  discovery: number;
  /** Answers other than 2xx (logs of containers that never ran answer 400, like the API server). */
  failed: number;
}

const DISCOVERY = /^\/version$|^\/api(\/v1)?\/?$|^\/apis(\/[^/]+){0,2}\/?$/;

function summarise(requests: { path: string; status: number }[]): RequestSummary {
  const s: RequestSummary = { total: requests.length, lists: 0, gets: 0, logs: 0, discovery: 0, failed: 0 };
  for (const r of requests) {
    if (r.status < 200 || r.status >= 300) s.failed++;
    const kind = requestKind(r.path);
    if (kind === 'list') s.lists++;
    else if (kind === 'log') s.logs++;
    else if (DISCOVERY.test(r.path)) s.discovery++;
    else s.gets++;
  }
  return s;
}

const send = (message: unknown) => process.send!(message);

process.once('message', async (start: ChildStart) => {
  // Served live, so creation and event times are relative to now, as a live cluster's are.
  const cluster = syntheticCluster({ nodes: start.nodes, podsPerNode: start.podsPerNode, brokenFraction: start.brokenFraction, seed: 1, now: new Date().toISOString() });
  // cacheJson: each object is serialised once and its JSON kept, so repeated runs cost the server little.
  const sim = await startSimulator({ collection: cluster, cacheJson: true });
  await sim.writeKubeconfig(start.kubeconfig, { context: 'bench' });
  send(readyMessage(cluster, sim.url));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'take') {
      const taken = sim.requests.splice(0, sim.requests.length);
      send({ type: 'requests', requests: summarise(taken) });
    }
  });
  process.once('disconnect', async () => {
    await sim.close();
    await rm(start.kubeconfig, { force: true });
    process.exit(0);
  });
});
