// `npm run sim -- SNAPSHOT [--port N] [--kubeconfig FILE] [--cache-json]`: serve a snapshot as a Kubernetes API
// until Ctrl-C. `npm run sim -- --synthetic 5000x20` serves a synthetic cluster of 5,000 nodes × 20 pods instead.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { startSimulator } from './server.js';
import { syntheticCluster } from './synthetic.js';

const USAGE = 'usage: npm run sim -- SNAPSHOT|--synthetic NODESxPODS_PER_NODE [--port N] [--kubeconfig FILE] [--cache-json] [--probe]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        synthetic: { type: 'string' },
        'cache-json': { type: 'boolean' },
        // Answer gpuctl's node probe (--node-probe pod|daemonset) and exec-check --strace-from-host from the snapshot's nodes/.
        probe: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`sim: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length + (values.synthetic === undefined ? 0 : 1) !== 1) {
    console.error(`sim: expected one snapshot path or --synthetic\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`sim: --port must be a port number, not "${values.port}"`);
    return 2;
  }

  let collection: Collection;
  let source: string;
  if (values.synthetic !== undefined) {
    const shape = /^(\d+)x(\d+)$/.exec(values.synthetic);
    if (!shape) {
      console.error(`sim: --synthetic wants NODESxPODS_PER_NODE, e.g. 5000x20, not "${values.synthetic}"`);
      return 2;
    }
    // Served live, so its times are relative to now, as a live cluster's are.
    collection = syntheticCluster({ nodes: Number(shape[1]), podsPerNode: Number(shape[2]), brokenFraction: 0.02, seed: 1, now: new Date().toISOString() });
    source = collection.origin;
  } else {
    try {
      collection = await loadSnapshot(positionals[0]!);
    } catch (err) {
      console.error(`sim: ${(err as Error).message}`);
      return 2;
    }
    source = positionals[0]!;
    for (const problem of collection.problems) console.error(`sim: skipped ${problem.path}: ${problem.message}`);
  }

  let sim;
  try {
    sim = await startSimulator({ collection, port, cacheJson: values['cache-json'], ...(values.probe ? { probe: {} } : {}) });
  } catch (err) {
    console.error(`sim: cannot listen on port ${port}: ${(err as Error).message}`);
    return 2;
  }
  const ownKubeconfig = values.kubeconfig === undefined;
  const kubeconfig = path.resolve(values.kubeconfig ?? path.join(tmpdir(), `gpuctl-sim-${sim.port}`, 'kubeconfig'));
  await sim.writeKubeconfig(kubeconfig, { context: 'simulator' });

  console.log(`Serving ${collection.objects.length} objects from ${source} at ${sim.url}`);
  console.log(`export KUBECONFIG=${kubeconfig}`);
  console.log('Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  if (ownKubeconfig) await rm(path.dirname(kubeconfig), { recursive: true, force: true });
  return 0;
}

process.exitCode = await main();
