// How fast the simulator serves a big cluster: `npx tsx test/simulator/measure.ts [--nodes 5000]
// [--pods-per-node 20] [--limit 500] [--rounds 3] [--cache-json]`.
// The simulator runs in a child process so that its CPU time is its own; the client only reads the
// bytes (and the continue token), then, in a last round, parses every page as a real client would.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';
import { syntheticCluster } from './synthetic.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    'pods-per-node': { type: 'string', default: '20' },
    limit: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    'cache-json': { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const podsPerNode = Number(values['pods-per-node']);

/** Child: generate, serve, and answer "cpu" on stdin with its CPU time in ms. */
async function serve(): Promise<void> {
  const t0 = performance.now();
  const cluster = syntheticCluster({ nodes, podsPerNode, brokenFraction: 0.02, seed: 1 });
  const t1 = performance.now();
  const sim = await startSimulator({ collection: cluster, cacheJson: values['cache-json'] });
  const t2 = performance.now();
  console.log(JSON.stringify({ url: sim.url, generateMs: Math.round(t1 - t0), indexMs: Math.round(t2 - t1) }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'cpu') {
      const { user, system } = process.cpuUsage();
      console.log(JSON.stringify({ cpuMs: Math.round((user + system) / 1000), rssMb: Math.round(process.memoryUsage().rss / 1048576) }));
    }
  }
  await sim.close();
}

async function measure(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', ...process.argv.slice(2)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string);
  const ready = await next();
  const cpu = async () => {
    child.stdin!.write('cpu\n');
    return next() as Promise<{ cpuMs: number; rssMb: number }>;
  };
  console.log(`${nodes} nodes × ${podsPerNode} pods: generated in ${ready.generateMs} ms, indexed in ${ready.indexMs} ms${values['cache-json'] ? ' (cacheJson)' : ''}`);

  const rounds = Number(values.rounds);
  for (let round = 0; round <= rounds; round++) {
    const parse = round === rounds;
    const before = await cpu();
    const clientBefore = process.cpuUsage();
    const started = performance.now();
    let token: string | undefined;
    let pages = 0;
    let bytes = 0;
    let pods = 0;
    do {
      const res = await fetch(`${ready.url}/api/v1/pods?limit=${values.limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      const text = await res.text();
      bytes += text.length;
      pages++;
      if (parse) {
        const body = JSON.parse(text) as { items: unknown[]; metadata: { continue?: string } };
        pods += body.items.length;
        token = body.metadata.continue;
      } else {
        // The list metadata comes first: the token is in the first few hundred bytes.
        token = /"continue":"([^"]+)"/.exec(text.slice(0, 1024))?.[1];
      }
    } while (token);
    const wallMs = Math.round(performance.now() - started);
    const client = process.cpuUsage(clientBefore);
    const after = await cpu();
    console.log(
      `${parse ? 'fetch+parse' : 'fetch only '} round ${round}: ${pages} pages, ${Math.round(bytes / 1e6)} MB${parse ? `, ${pods} pods` : ''} in ${wallMs} ms wall; CPU: simulator ${after.cpuMs - before.cpuMs} ms, client ${Math.round((client.user + client.system) / 1000)} ms; simulator RSS ${after.rssMb} MB`,
    );
  }
  child.stdin!.end();
  await new Promise((resolve) => child.once('exit', resolve));
}

await (values.serve ? serve() : measure());
