// What the real-API-server test files share: the control plane of the run (test/apiserver/global-setup.ts),
// a kubelet stand-in per file, and loading one snapshot at a time into the server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { writeKubeconfig, type ControlPlaneInfo, type User } from './control-plane.js';
import { startKubelet, type KubeletStandIn } from './kubelet.js';
import { loadCollection, type Loaded } from './load.js';

export function controlPlane(): ControlPlaneInfo {
  return inject('controlPlane');
}

export interface LoadedExample extends Loaded {
  collection: Collection;
  /** A kubeconfig for `user`, in a fresh HOME folder. */
  kubeconfig(user?: User): { file: string; home: string };
}

/** Loads `dir` (a snapshot) into the run's API server; its logs are served by `kubelet`. */
export async function loadExample(dir: string, kubelet: KubeletStandIn): Promise<LoadedExample> {
  const cp = controlPlane();
  const collection = await loadSnapshot(dir);
  kubelet.serve(collection);
  kubelet.requests.length = 0;
  const loaded = await loadCollection(cp, collection, { kubeletPort: kubelet.port });
  return {
    ...loaded,
    collection,
    kubeconfig(user = 'admin') {
      const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-real-'));
      return { file: writeKubeconfig(cp, path.join(home, 'kubeconfig'), user), home };
    },
    unload: async () => {
      kubelet.serve(undefined);
      await loaded.unload();
    },
  };
}

export async function kubeletFor(): Promise<KubeletStandIn> {
  return startKubelet(controlPlane().certDir);
}
