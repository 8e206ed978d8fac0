// `npm run apiserver -- SNAPSHOT...`: a real kube-apiserver + etcd on loopback with the snapshots loaded
// (one after another with --check: load, print what was repaired or refused, unload), for kubectl by hand.
import path from 'node:path';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { startControlPlane, writeKubeconfig } from './control-plane.js';
import { startKubelet } from './kubelet.js';
import { loadCollection } from './load.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0 || (!check && dirs.length > 1)) {
  process.stderr.write('usage: npm run apiserver -- SNAPSHOT | --check SNAPSHOT...\n');
  process.exit(2);
}
const cp = await startControlPlane();
process.stderr.write(`kube-apiserver ready at ${cp.url} in ${cp.startSeconds.toFixed(1)} s\n`);
const kubelet = await startKubelet(cp.certDir);
let failed = false;
for (const dir of dirs) {
  const collection = await loadSnapshot(dir);
  kubelet.serve(collection);
  const loaded = await loadCollection(cp, collection, { kubeletPort: kubelet.port });
  console.log(`${dir}: ${loaded.created.length} objects in ${loaded.seconds.toFixed(1)} s`);
  for (const r of loaded.repairs) console.log(`  repaired ${r}`);
  for (const r of loaded.refused) console.log(`  REFUSED ${r.ref}: ${r.status} ${r.message}`);
  failed ||= loaded.refused.length > 0;
  if (check) {
    await loaded.unload();
    continue;
  }
  const file = writeKubeconfig(cp, path.join(cp.dir, 'kubeconfig'));
  const restricted = writeKubeconfig(cp, path.join(cp.dir, 'kubeconfig-restricted'), 'restricted');
  console.log(`export KUBECONFIG=${file}   # admin; ${restricted}: the restricted user\nCtrl-C stops it.`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}
await kubelet.close();
await cp.stop();
process.exit(failed ? 1 : 0);
