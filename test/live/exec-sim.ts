// One API simulator per test, serving test/fixtures/exec (a TensorFusion pod with everything injected, one
// whose bash entrypoint dropped LD_PRELOAD, a HAMi pod, a Bitfusion pod, a pending and a distroless one).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { Behaviours, Fault, RequestRecord, Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';
import type { ProbeClusterOptions } from '../simulator/probe-cluster.js';

export const EXEC_FIXTURE = 'test/fixtures/exec';

export interface StartOptions {
  faults?: Fault[];
  containers?: Behaviours;
  /** Serve this instead of the fixture. */
  collection?: Collection;
  /** The kubeconfig context's namespace. */
  namespace?: string;
  /** Serve probe pods (exec-check --strace-from-host): pods created and deleted, access reviews, the host trace. */
  probe?: ProbeClusterOptions;
}

export interface Started {
  sim: Simulator;
  /** A fresh directory, for HOME and outputs. */
  dir: string;
  /** Context `lab` pointing at the simulator. */
  kubeconfig: string;
}

export function useExecSimulator() {
  let snapshot: Collection | undefined;
  let current: Simulator | undefined;
  beforeAll(async () => {
    snapshot = await loadSnapshot(EXEC_FIXTURE);
  });
  const stop = async () => {
    await current?.close();
    current = undefined;
  };
  afterEach(stop);
  return {
    get snapshot(): Collection {
      return snapshot!;
    },
    get sim(): Simulator {
      return current!;
    },
    async start(options: StartOptions = {}): Promise<Started> {
      current = await startSimulator({ collection: options.collection ?? snapshot!, faults: options.faults, containers: options.containers, ...(options.probe ? { probe: options.probe } : {}) });
      const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-exec-'));
      const kubeconfig = await current.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: 'lab', namespace: options.namespace });
      return { sim: current, dir, kubeconfig };
    },
    stop,
    execRequests(): RequestRecord[] {
      return current!.requests.filter((r) => r.path.endsWith('/exec'));
    },
  };
}
