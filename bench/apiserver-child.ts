// The benchmark's other API server: the same synthetic cluster loaded into a real kube-apiserver + etcd
// (test/apiserver), with the kubelet stand-in for pods/log, in a process of its own. Same IPC protocol as
// bench/sim-child.ts; the requests of a run are counted from kube-apiserver's own
// apiserver_request_total metric (differences between two `take`s), not from a request log.
import { rm } from 'node:fs/promises';
import { apiRequest, startControlPlane, writeKubeconfig } from '../test/apiserver/control-plane.js';
import { startKubelet } from '../test/apiserver/kubelet.js';
import { loadCollection } from '../test/apiserver/load.js';
import { syntheticCluster } from '../test/simulator/synthetic.js';
import { readyMessage } from './cluster-ready.js';
import type { ChildStart, RequestSummary } from './sim-child.js';

const send = (message: unknown) => process.send!(message);

interface Counter {
  verb: string;
  resource: string;
  subresource: string;
  code: string;
  value: number;
}

function parseCounters(text: string): Counter[] {
  const out: Counter[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    out.push({ verb: labels.verb ?? '', resource: labels.resource ?? '', subresource: labels.subresource ?? '', code: labels.code ?? '', value: Number(line.slice(line.lastIndexOf(' ') + 1)) });
  }
  return out;
}

process.once('message', async (start: ChildStart) => {
  const cluster = syntheticCluster({ nodes: start.nodes, podsPerNode: start.podsPerNode, brokenFraction: start.brokenFraction, seed: 1, now: new Date().toISOString() });
  const cp = await startControlPlane({ extraArgs: ['--max-requests-inflight=800', '--max-mutating-requests-inflight=400'] });
  const kubelet = await startKubelet(cp.certDir);
  kubelet.serve(cluster);
  const loaded = await loadCollection(cp, cluster, { kubeletPort: kubelet.port, concurrency: 32 });
  process.stderr.write(`  kube-apiserver: started in ${cp.startSeconds.toFixed(1)} s, loaded ${loaded.created.length} objects in ${loaded.seconds.toFixed(0)} s` + (loaded.refused.length ? `, ${loaded.refused.length} refused (first: ${loaded.refused[0]!.ref}: ${loaded.refused[0]!.message})` : '') + '\n');
  writeKubeconfig(cp, start.kubeconfig, 'admin', 'bench');
  let before = new Map<string, number>();
  const snapshot = async () => {
    const counters = parseCounters((await apiRequest(cp, { path: '/metrics', accept: 'text/plain' })).text);
    // Series that differ in other labels (group, scope, version) add up under one key.
    const sums = new Map<string, number>();
    for (const c of counters) {
      const key = `${c.verb} ${c.resource} ${c.subresource} ${c.code}`;
      sums.set(key, (sums.get(key) ?? 0) + c.value);
    }
    return sums;
  };
  before = await snapshot();
  send({ ...readyMessage(cluster, cp.url), certDir: cp.certDir, loadSeconds: loaded.seconds, refused: loaded.refused.length });
  process.on('message', async (message: { type: string }) => {
    if (message.type !== 'take') return;
    const now = await snapshot();
    const s: RequestSummary = { total: 0, lists: 0, gets: 0, logs: 0, discovery: 0, failed: 0 };
    for (const [key, value] of now) {
      const n = value - (before.get(key) ?? 0);
      if (n <= 0) continue;
      const [verb, resource, subresource, code] = key.split(' ') as [string, string, string, string];
      s.total += n;
      if (!code.startsWith('2')) s.failed += n;
      if (verb === 'LIST') s.lists += n;
      else if (subresource === 'log') s.logs += n;
      else if (!resource) s.discovery += n;
      else s.gets += n;
    }
    before = await snapshot();
    send({ type: 'requests', requests: s });
  });
  process.once('disconnect', async () => {
    await kubelet.close();
    await cp.stop();
    await rm(start.kubeconfig, { force: true });
    process.exit(0);
  });
});
