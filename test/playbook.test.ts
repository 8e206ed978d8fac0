import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/model.js';
import { PLAYBOOKS } from '../src/playbook/steps.js';
import { walkPlaybook } from '../src/playbook/walk.js';
import { renderPlaybooks } from '../src/report/playbook.js';
import { gpuctl, ROOT } from './helpers/cli.js';

const catalogue = [...readFileSync(path.join(ROOT, 'docs/checks/README.md'), 'utf8').matchAll(/^\| GPU\d{3} \| ([a-z0-9-]+) \|/gm)].map((m) => m[1]!);

const finding = (name: string, severity: Finding['severity'] = 'error', commands: string[] = []): Finding => ({
  id: 'GPU000', name, severity, category: 'operator', subject: { kind: 'Node', name: 'gpu-1' }, message: name, evidence: [], docs: '', ...(commands.length ? { fix: { summary: 's', commands } } : {}),
});

describe('playbook data', () => {
  it('names only catalogue findings, and every catalogue finding except the snapshot one sits in a step', () => {
    const named = new Set(PLAYBOOKS.flatMap((p) => p.steps.flatMap((s) => s.findings)));
    expect([...named].filter((n) => !catalogue.includes(n))).toEqual([]);
    expect(catalogue.filter((n) => !named.has(n) && n !== 'snapshot-file-unreadable')).toEqual([]);
  });
  it('docs/playbook/README.md is generated from the data', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/playbook/README.md'), 'utf8');
    expect(doc).toContain(renderPlaybooks(PLAYBOOKS, 'markdown', false));
  });
});

describe('walkPlaybook', () => {
  it('orders steps by layer: driver before runtime before validator, and ignores ok/info findings', () => {
    const taken = walkPlaybook([
      finding('validator-failed'),
      finding('nvidia-runtime-missing', 'error', ['sudo nvidia-ctk runtime configure --runtime=containerd']),
      finding('driver-not-loaded'),
      finding('gpu-node-unlabeled', 'info'),
    ]);
    expect(taken.map((t) => t.step.layer)).toEqual(['driver', 'runtime', 'operator']);
    expect(taken[1]!.commands).toEqual(['sudo nvidia-ctk runtime configure --runtime=containerd']);
  });
  it('puts each finding in one step only', () => {
    const taken = walkPlaybook([finding('gpu-node-unlabeled', 'warning')]);
    expect(taken).toHaveLength(1);
  });
});

describe('gpuctl playbook', () => {
  it('prints one playbook, and rejects an unknown one', async () => {
    const r = await gpuctl(['playbook', '--stack', 'tensor-fusion']);
    expect(r.stdout).toMatch(/^TensorFusion troubleshooting\n/);
    expect(r.stdout).toContain('kubectl logs -n tensor-fusion-sys -l app.kubernetes.io/component=controller');
    expect((await gpuctl(['playbook', '--stack', 'nope'])).exitCode).toBe(2);
  });
  it('ends the doctor report with the steps the findings took', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/minimal', '-o', 'wide']);
    expect(r.stdout).toMatch(/\nPlaybook\n--------\n/);
    expect(r.stdout).toContain('kubectl label node gpu-1 nvidia.com/gpu.present=true --overwrite');
    const json = JSON.parse((await gpuctl(['doctor', '--snapshot', 'test/fixtures/minimal', '-o', 'json'])).stdout);
    expect(json.playbook[0]).toMatchObject({ layer: 'nodes', findings: [{ name: 'gpu-node-unlabeled' }] });
  });
});
