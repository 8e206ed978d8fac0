// The cluster phase's reads and its verification through the real kubectl against the Kubernetes API simulator,
// serving the demo snapshot (a passthrough GPU held by a finished pod): install changes nothing, waits, and
// the doctor's operator checks name the root cause.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { ROOT } from '../helpers/cli.js';
import { clusterWithOperatorRelease, makeSandbox, REAL_KUBECTL, type Sandbox } from '../helpers/sandbox.js';
import { skipWithout } from '../helpers/tools.js';
import { startSimulator, type Simulator } from '../simulator/server.js';

let sb: Sandbox;
let sim: Simulator;
beforeEach(async () => {
  sb = await makeSandbox();
  sim = await startSimulator({ collection: await loadSnapshot(path.join(ROOT, 'examples/passthrough-gpu-held')) });
});
afterEach(async () => {
  await sim.close();
  await sb.cleanup();
});

describe.skipIf(!REAL_KUBECTL && skipWithout('kubectl'))('gpuctl install --cluster against the API simulator (real kubectl)', { timeout: 90_000 }, () => {
  it('finds everything installed, waits for the operands, and reports what the doctor finds', async () => {
    // helm's side: the release gpuctl installed earlier, with the values this run derives.
    const kubeconfig = await clusterWithOperatorRelease(sb, (file) => sim.writeKubeconfig(file, { context: 'simulator' }));

    const r = await sb.run(['install', '--cluster', '--kubeconfig', kubeconfig, '--host-driver', 'yes', '--host-toolkit', 'yes', '--wait-timeout', '1s']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(await sb.mutating()).toEqual([]);
    expect(sim.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(r.stdout).toContain('RuntimeClass nvidia exists (handler nvidia)');
    expect(r.stdout).toContain('nothing to do: all 4 steps are already satisfied');
    // The wait read the operator's pods from the API and named the one that is not ready.
    expect(sim.requests.some((q) => q.path === '/api/v1/namespaces/gpu-operator/pods')).toBe(true);
    expect(r.stdout).toMatch(/✗ gpu-operator: \d+\/\d+ pods ready; waiting for [^\n]*nvidia-device-plugin-validator-m9f2p \(UnexpectedAdmissionError\)/);
    // The doctor's operator checks ran over what kubectl listed and found the root cause.
    expect(r.stdout).toContain('[GPU502 validator-failed]');
    expect(r.stdout).toMatch(/\[GPU50\d gpu-held-by-finished-pod\]/);
    expect(r.stdout).toContain('the verification found problems');
  });
});
