// `gpuctl collect` against the simulator: the bundle gives the same findings as the live run, and keeps no secrets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';
import { gpuctl } from '../helpers/cli.js';
import { gpuNode, pod } from '../helpers/facts.js';

const PLANTED = 'ghp_plantedToken0123456789abcdefDONOTLEAK';
const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-collect-'));
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(collection: Collection): Promise<string[]> {
  sim = await startSimulator({ collection });
  const kubeconfig = await sim.writeKubeconfig(path.join(dir, `kubeconfig-${Date.now()}`), { context: 'lab' });
  return ['--kubeconfig', kubeconfig];
}

describe('gpuctl collect', () => {
  it('writes a tar.gz whose doctor findings equal the live doctor findings, without the planted token', async () => {
    const collection = await loadSnapshot('test/fixtures/sim');
    collection.objects.push(
      pod('ml', 'trainer', { spec: { containers: [{ name: 'main', image: 'pytorch/pytorch', env: [{ name: 'GITHUB_TOKEN', value: PLANTED }] }] } }),
    );
    const conn = await serve(collection);
    const bundle = path.join(dir, 'bundle.tar.gz');
    const r = await gpuctl(['collect', '-f', bundle, '--node-probe', 'none', ...conn], { HOME: dir, KUBECONFIG: '' });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^gpuctl: wrote .*bundle\.tar\.gz: \d+ objects, \d+ logs, 0 nodes probed\n?$/);
    const unpacked = path.join(dir, 'unpacked');
    execFileSync('sh', ['-c', `mkdir -p ${unpacked} && tar xzf ${bundle} -C ${unpacked}`]);
    expect(execFileSync('sh', ['-c', `grep -r -l '${PLANTED}' ${unpacked} || true`]).toString()).toBe('');

    const live = JSON.parse((await gpuctl(['doctor', '-o', 'json', '--node-probe', 'none', ...conn], { HOME: dir, KUBECONFIG: '' })).stdout);
    const offline = JSON.parse((await gpuctl(['doctor', '--snapshot', bundle, '-o', 'json'])).stdout);
    expect(offline.findings).toEqual(live.findings);
    expect(offline.skipped).toEqual(live.skipped);
  });

  it('--node-probe local probes this machine when it is a node of the cluster, and refuses when it is not', async () => {
    const conn = await serve({ ...(await loadSnapshot('test/fixtures/sim')), objects: [gpuNode(hostname())] });
    const out = path.join(dir, 'probed');
    const r = await gpuctl(['collect', '-f', out, '--node-probe', 'local', ...conn], { HOME: dir, KUBECONFIG: '' });
    expect(r.stderr).toContain('1 node probed');
    const back = await loadSnapshot(out);
    expect(back.nodes.get(hostname())!.commands.get('uname')).toMatchObject({ exitCode: 0 });
    await sim!.close();
    const other = await serve({ ...(await loadSnapshot('test/fixtures/sim')), objects: [gpuNode('somewhere-else')] });
    const refused = await gpuctl(['doctor', '--node-probe', 'local', ...other], { HOME: dir, KUBECONFIG: '' });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('is not a node of the cluster');
  });

  it('rejects --node-probe with --snapshot', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/minimal', '--node-probe', 'local']);
    expect(r.exitCode).toBe(2);
  });
});
