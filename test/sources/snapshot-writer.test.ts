import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyCollection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { writeSnapshot } from '../../src/sources/snapshot-writer.js';
import { host, pod } from '../helpers/facts.js';

const PLANTED = 'sk-planted-3f9a7c1d-do-not-leak';

function collectionWithSecrets() {
  const c = emptyCollection('test');
  c.objects.push(
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bitfusion-secret', namespace: 'kube-system' }, data: { tokens: Buffer.from(PLANTED).toString('base64') } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': PLANTED } }, data: { API_TOKEN: PLANTED, gpus: 'a100' } },
    pod('ml', 'trainer', {
      spec: {
        containers: [
          {
            name: 'main',
            image: 'pytorch',
            env: [{ name: 'HF_TOKEN', value: PLANTED }, { name: 'LD_PRELOAD', value: '/tensor-fusion/libcuda.so' }],
            args: ['--api-key', PLANTED, `--password=${PLANTED}`, '--epochs', '3'],
          },
        ],
      },
    }),
  );
  c.nodes.set('gpu-1', host({ '/etc/rancher/k3s/registries.yaml': `configs:\n  "registry.local:5000":\n    auth:\n      username: bot\n      password: ${PLANTED}\n` }));
  c.processes.set('ml/trainer/main', [{ pid: 1, ppid: 0, cmdline: ['python3'], environ: { WANDB_API_KEY: PLANTED, PATH: '/tensor-fusion:/usr/bin' } }]);
  c.logs.set('ml/trainer/main', 'epoch 1\n');
  c.unavailable.set('Event', 'forbidden');
  c.meta = { context: 'lab' };
  return c;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeSnapshot', () => {
  it('round-trips through loadSnapshot and never writes a planted credential', async () => {
    const target = path.join(dir, 'bundle.tar.gz');
    await writeSnapshot(collectionWithSecrets(), target);
    const all = execFileSync('sh', ['-c', `mkdir -p ${dir}/x && tar xzf ${target} -C ${dir}/x && grep -r -- '${PLANTED}' ${dir}/x || true`]).toString();
    expect(all).toBe('');
    const back = await loadSnapshot(target);
    expect(back.problems).toEqual([]);
    expect(back.objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Pod', 'Secret']);
    const trainer = back.objects.find((o) => o.kind === 'Pod')!;
    expect(trainer.spec.containers[0].env[1]).toEqual({ name: 'LD_PRELOAD', value: '/tensor-fusion/libcuda.so' });
    expect(trainer.spec.containers[0].args).toEqual(['--api-key', '<redacted by gpuctl>', '--password=<redacted by gpuctl>', '--epochs', '3']);
    expect(back.objects.find((o) => o.kind === 'Secret')).toMatchObject({ data: { tokens: '<redacted by gpuctl>' } });
    expect(back.nodes.get('gpu-1')!.files.get('/etc/rancher/k3s/registries.yaml')).toContain('username: bot');
    expect(back.processes.get('ml/trainer/main')![0]!.environ.PATH).toBe('/tensor-fusion:/usr/bin');
    expect(back.logs.get('ml/trainer/main')).toBe('epoch 1\n');
    expect(back.unavailable.get('Event')).toBe('forbidden');
    expect(back.meta.context).toBe('lab');
  });
});
