// Run by memory.test.ts in a process of its own (`node --expose-gc --import tsx`): collects a live cluster
// as the doctor does, builds the facts, collects garbage, then looks through a heap snapshot for list
// bodies (the raw JSON of a page) still held, and through the objects for fields that should be gone.
// Prints one JSON line. `--hold-page` keeps one page's raw text on purpose: the control that shows the
// search finds such a string when there is one.
import v8 from 'node:v8';
import { Facts } from '../../src/facts/facts.js';
import { KubeClient } from '../../src/sources/live/client.js';
import { collectLive } from '../../src/sources/live.js';

const [kubeconfig, server] = process.argv.slice(2);
const holdPage = process.argv.includes('--hold-page');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !kubeconfig || !server) throw new Error('usage: node --expose-gc --import tsx heap-probe.ts KUBECONFIG SERVER [--hold-page]');

const collection = await collectLive({ kubeconfig, requestTimeoutMs: 60_000, chunkSize: 500 });
const facts = new Facts(collection);
let held: string | undefined;
if (holdPage) {
  // Through gpuctl's own client, the way a list page arrives.
  const client = new KubeClient({ server, credentials: {}, timeoutMs: 60_000 });
  held = (await client.getText('/api/v1/pods?limit=500')).value;
  client.close();
}
gc();
gc();
const heapUsed = process.memoryUsage().heapUsed;

/** Strings in the heap that are (the start of) a list body: `{"kind":"PodList",…,"items":[…`. */
async function listBodiesInHeap(): Promise<{ count: number; biggest: number }> {
  let text = '';
  for await (const chunk of v8.getHeapSnapshot()) text += chunk;
  const snapshot = JSON.parse(text) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const stringTypes = new Set(['string', 'concatenated string', 'sliced string'].map((t) => types.indexOf(t)));
  let count = 0;
  let biggest = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    if (!stringTypes.has(snapshot.nodes[i + typeAt]!)) continue;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!] ?? '';
    if (/^\{"kind":"\w+List"/.test(name) && name.includes('"items":[')) {
      count++;
      biggest = Math.max(biggest, snapshot.nodes[i + sizeAt]!);
    }
  }
  return { count, biggest };
}

const bodies = await listBodiesInHeap();
const pods = facts.pods;
console.log(
  JSON.stringify({
    pods: pods.length,
    heapUsed,
    listBodies: bodies.count,
    biggestListBody: bodies.biggest,
    withManagedFields: pods.filter((p) => 'managedFields' in p.metadata).length,
    withVolumes: pods.filter((p) => (p.spec as { volumes?: unknown } | undefined)?.volumes !== undefined).length,
    held: held?.length ?? 0,
  }),
);
