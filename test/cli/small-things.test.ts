// Small things of issue 17: TLS/HTTP mismatch, the no-kubeconfig hints, no ✓ for what a run did not look at,
// Markdown that folds the passes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { startSimulator } from '../simulator/server.js';
import { gpuctl } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-small-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clean = { HOME: dir, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };

describe('errors in the words an operator needs', () => {
  it('a plain-HTTP server behind an https:// URL: says so instead of OpenSSL\'s "wrong version number"', async () => {
    const server = http.createServer((_q, r) => r.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const kubeconfig = path.join(dir, 'tls-mismatch');
      writeFileSync(kubeconfig, stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'lab',
        clusters: [{ name: 'lab', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'u' } }],
      }));
      const r = await gpuctl(['doctor', '--kubeconfig', kubeconfig, '--node-probe', 'none', '--request-timeout', '3s'], clean);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain("the server answered plain HTTP to a TLS client: check the server URL's scheme");
      expect(r.stderr).not.toContain('wrong version number');
    } finally {
      server.close();
    }
  });
  it('no kubeconfig: the doctor offers --snapshot, exec-check and collect (which have none) do not', async () => {
    const doctor = await gpuctl(['doctor'], clean);
    expect(doctor.stderr).toMatch(/^gpuctl: error: no kubeconfig \(.*\): pass --kubeconfig FILE, set KUBECONFIG, or analyse a snapshot with --snapshot DIR/);
    for (const args of [['exec-check', 'trainer-0'], ['collect', '-f', path.join(dir, 'b.tar.gz'), '--node-probe', 'none']]) {
      const r = await gpuctl(args, clean);
      expect(r.exitCode, args[0]).toBe(2);
      expect(r.stderr).toMatch(/^gpuctl: error: no kubeconfig \(.*\): pass --kubeconfig FILE or set KUBECONFIG$/);
      expect(r.stderr).not.toContain('--snapshot');
    }
  });
});

describe('no ✓ for what the run did not look at', () => {
  it('a live run does not claim "every file of the input was read"; JSON keeps the ok finding', async () => {
    const sim = await startSimulator({ collection: await loadSnapshot('test/fixtures/sim') });
    try {
      const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'sim'), { context: 'lab' });
      const text = await gpuctl(['doctor', '--kubeconfig', kubeconfig, '--node-probe', 'none', '-o', 'wide'], clean);
      expect(text.stdout).toContain('gpuctl doctor — context lab');
      expect(text.stdout).not.toContain('every file of the input was read');
      const json = JSON.parse((await gpuctl(['doctor', '--kubeconfig', kubeconfig, '--node-probe', 'none', '-o', 'json'], clean)).stdout);
      expect(json.findings.find((f: { name: string }) => f.name === 'snapshot-file-unreadable')).toMatchObject({ severity: 'ok' });
    } finally {
      await sim.close();
    }
    // A snapshot was read from files: there the line says something.
    expect((await gpuctl(['doctor', '--demo', '-o', 'wide'])).stdout).toContain('✓ every file of the input was read');
  });
  it('checks of stacks the cluster does not run pass without a ✓ line, and their categories disappear', async () => {
    const r = await gpuctl(['doctor', '--demo', '-o', 'wide'], { COLUMNS: '400' });
    expect(r.stdout).toContain('not detected: NVIDIA device plugin (standalone), HAMi, Kantaloupe (prerequisites), TensorFusion, VMware Bitfusion');
    expect(r.stdout).not.toMatch(/or TensorFusion is not installed|or Bitfusion is not in use/);
    expect(r.stdout).not.toMatch(/^(tensor-fusion|bitfusion)\n/m);
    const json = JSON.parse((await gpuctl(['doctor', '--demo', '-o', 'json'])).stdout);
    // Issue 11: checks of an absent stack are not applicable (declared by `stacks:`), never an ok finding.
    expect(json.findings.filter((f: { name: string }) => /^(tf-|bitfusion-)/.test(f.name))).toHaveLength(0);
    expect(json.notApplicable.filter((s: { name: string }) => /^(tf-|bitfusion-)/.test(s.name))).toHaveLength(11);
  });
  it('where the stack runs, its passes show', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'examples/bitfusion', '-o', 'wide'], { COLUMNS: '400' });
    expect(r.stdout).toMatch(/^bitfusion\n-+\n/m);
  });
});

describe('markdown', () => {
  it('lists problems and skipped checks in the table and folds the passes into <details>', async () => {
    const md = (await gpuctl(['doctor', '--demo', '-o', 'markdown'])).stdout;
    const [table, rest] = md.split('<details><summary>✓ ');
    expect(table).toContain('| ✗ | `validator-failed` |');
    expect(table).not.toContain('| ✓ |');
    expect(rest).toMatch(/^\d+ passed<\/summary>\n\n\| \| check \| subject \| message \|\n\|---\|---\|---\|---\|\n\| ✓ \| `snapshot-file-unreadable` \|/);
    const listed = rest!.split('</details>')[0]!.match(/^\| ✓ \|/gm)!.length;
    expect(rest).toMatch(new RegExp(`^${listed} passed<`));
    expect(listed).toBeGreaterThan(20);
    expect(rest).not.toContain('tf-operator-restarting');
  });
});

describe('README', () => {
  it('says that the demo exits 1 and how long the suite takes', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toContain('so it exits with status 1');
    expect(readme).toMatch(/whole run takes about \d+ minutes/);
    expect((await gpuctl(['doctor', '--demo'])).exitCode).toBe(1);
  });
});
