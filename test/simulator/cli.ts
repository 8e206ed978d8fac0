// `npm run sim -- SNAPSHOT [--port N] [--kubeconfig FILE]`: serve a snapshot as a Kubernetes API until Ctrl-C.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { startSimulator } from './server.js';

const USAGE = 'usage: npm run sim -- SNAPSHOT [--port N] [--kubeconfig FILE]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { port: { type: 'string' }, kubeconfig: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  if (positionals.length !== 1) {
    console.error(`sim: expected one snapshot path\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`sim: --port must be a port number, not "${values.port}"`);
    return 2;
  }

  let collection;
  try {
    collection = await loadSnapshot(positionals[0]!);
  } catch (err) {
    console.error(`sim: ${(err as Error).message}`);
    return 2;
  }
  for (const problem of collection.problems) console.error(`sim: skipped ${problem.path}: ${problem.message}`);

  const sim = await startSimulator({ collection, port });
  const ownKubeconfig = values.kubeconfig === undefined;
  const kubeconfig = path.resolve(values.kubeconfig ?? path.join(tmpdir(), `gpuctl-sim-${sim.port}`, 'kubeconfig'));
  await sim.writeKubeconfig(kubeconfig, { context: 'simulator' });

  console.log(`Serving ${collection.objects.length} objects from ${positionals[0]} at ${sim.url}`);
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
