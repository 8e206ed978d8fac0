import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpuctlError } from '../../src/errors.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-snap-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(rel: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), content);
}

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });

describe('snapshot shapes', () => {
  it('reads a single object, a List, a typed *List without item kinds, and multi-document YAML', async () => {
    await put('cluster/one.json', JSON.stringify(node('a')));
    await put('cluster/list.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [node('b'), node('c')] }));
    await put('cluster/pods.json', JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'x' } }] }));
    await put('cluster/sub/dir/more.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: e\n---\n');
    const c = await loadSnapshot(dir);
    expect(c.problems).toEqual([]);
    expect(c.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Node/a', 'Node/b', 'Node/c', 'Node/d', 'Node/e', 'Pod/p']);
  });

  it('reads logs, node files, dirs, command outputs with exit codes, process tables and meta', async () => {
    await put('logs/gpu-operator/validator/plugin-validation.log', 'line 1\nline 2\n');
    await put('logs/gpu-operator/validator/plugin-validation.previous.log', 'old\n');
    await put('nodes/gpu-1/files/etc/containerd/config.toml', 'version = 2\n');
    await put('nodes/gpu-1/dirs.txt', '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io/\n\n');
    await put('nodes/gpu-1/commands/nvidia-smi.txt', '');
    await put('nodes/gpu-1/commands/nvidia-smi.exit', '9\n');
    await put('nodes/gpu-1/commands/nvidia-smi.stderr', 'Failed to initialize NVML: Driver/library version mismatch\n');
    await put('pods/ns/p/c/processes.json', JSON.stringify([{ pid: 1, ppid: 0, cmdline: ['sh'], environ: {} }]));
    await put('meta.json', JSON.stringify({ context: 'lab', unavailable: { Pod: 'forbidden' } }));
    const c = await loadSnapshot(dir);
    expect(c.logs.get('gpu-operator/validator/plugin-validation')).toBe('line 1\nline 2\n');
    expect(c.logs.get('gpu-operator/validator/plugin-validation.previous')).toBe('old\n');
    const host = c.nodes.get('gpu-1')!;
    expect(host.files.get('/etc/containerd/config.toml')).toBe('version = 2\n');
    expect([...host.dirs]).toEqual(['/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io']);
    expect(host.commands.get('nvidia-smi')).toEqual({ stdout: '', exitCode: 9, stderr: 'Failed to initialize NVML: Driver/library version mismatch\n' });
    expect(c.processes.get('ns/p/c')).toHaveLength(1);
    expect(c.meta.context).toBe('lab');
    expect(c.unavailable.get('Pod')).toBe('forbidden');
  });

  it('reads a .tar.gz of a snapshot directory, with or without a top folder', async () => {
    await put('snap/cluster/nodes.json', JSON.stringify(node('a')));
    const archive = path.join(dir, 'snap.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', dir, 'snap']);
    expect((await loadSnapshot(archive)).objects).toHaveLength(1);
    const flat = path.join(dir, 'flat.tgz');
    execFileSync('tar', ['czf', flat, '-C', path.join(dir, 'snap'), 'cluster']);
    expect((await loadSnapshot(flat)).objects).toHaveLength(1);
  });
});

describe('bad snapshot input', () => {
  it('turns malformed JSON, malformed YAML, non-objects and binary garbage into problems, keeping good files', async () => {
    await put('cluster/good.json', JSON.stringify(node('a')));
    await put('cluster/bad.json', '{"kind": "Node", "metadata": {');
    await put('cluster/bad.yaml', 'kind: Node\nmetadata:\n  name: [unclosed\n');
    await put('cluster/scalar.yaml', 'just a string\n');
    await put('cluster/garbage.json', randomBytes(64 * 1024));
    const c = await loadSnapshot(dir);
    expect(c.objects.map((o) => o.metadata.name)).toEqual(['a']);
    const byPath = Object.fromEntries(c.problems.map((p) => [p.path, p.message]));
    expect(byPath['cluster/bad.json']).toMatch(/^invalid JSON/);
    expect(byPath['cluster/bad.yaml']).toMatch(/^invalid YAML at line \d/);
    expect(byPath['cluster/scalar.yaml']).toMatch(/expected a Kubernetes object/);
    expect(byPath['cluster/garbage.json']).toBe('binary data, not JSON or YAML');
  });

  it('copes with a 200 MB file: JSON that is not JSON, and YAML over the YAML limit', async () => {
    const big = path.join(dir, 'cluster/huge.json');
    await put('cluster/huge.json', '');
    const handle = await open(big, 'w');
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 200; i++) await handle.write(chunk);
    await handle.close();
    await put('cluster/huge.yaml', '');
    await truncate(path.join(dir, 'cluster/huge.yaml'), 0);
    const yh = await open(path.join(dir, 'cluster/huge.yaml'), 'w');
    const ychunk = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 40; i++) await yh.write(ychunk);
    await yh.close();
    const c = await loadSnapshot(dir);
    const byPath = Object.fromEntries(c.problems.map((p) => [p.path, p.message]));
    expect(byPath['cluster/huge.json']).toMatch(/^invalid JSON/);
    expect(byPath['cluster/huge.yaml']).toMatch(/over the 32 MB YAML limit; save it with -o json/);
  });

  it('rejects a missing path, an empty directory, a plain file and a truncated archive with GpuctlError', async () => {
    await expect(loadSnapshot(path.join(dir, 'nope'))).rejects.toThrow(new GpuctlError(`snapshot not found: ${path.join(dir, 'nope')}`));
    await mkdir(path.join(dir, 'empty'));
    await expect(loadSnapshot(path.join(dir, 'empty'))).rejects.toThrow(/has none of cluster\/, nodes\/, logs\/, pods\/, and is no GPU Operator must-gather/);
    await put('notes.txt', 'hello');
    await expect(loadSnapshot(path.join(dir, 'notes.txt'))).rejects.toThrow(/must be a directory or a \.tar\.gz/);
    await put('snap/cluster/nodes.json', JSON.stringify({ kind: 'List', items: Array.from({ length: 2000 }, (_, i) => node(`n${i}`)) }));
    const archive = path.join(dir, 'snap.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', dir, 'snap']);
    const { size } = await import('node:fs').then((fs) => fs.statSync(archive));
    await truncate(archive, Math.floor(size / 2));
    await expect(loadSnapshot(archive)).rejects.toThrow(/truncated or not a tar\.gz/);
    await put('garbage.tar.gz', randomBytes(4096));
    await expect(loadSnapshot(path.join(dir, 'garbage.tar.gz'))).rejects.toThrow(/truncated or not a tar\.gz/);
  });
});
