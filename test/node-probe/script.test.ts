// The probe script runs for real here, against a fake host root with files, drop-ins and mirror dirs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localNodeName, probeLocalNode } from '../../src/sources/node-probe/local.js';
import { parseProbeOutput } from '../../src/sources/node-probe/script.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gpuctl-host-'));
  const put = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };
  await put('etc/containerd/config.toml', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n');
  await put('etc/containerd/conf.d/99-nvidia.toml', 'version = 2\n# it\'s nvidia\n');
  await put("etc/containerd/certs.d/docker.io/hosts.toml", 'server = "https://registry-1.docker.io"\n');
  await mkdir(path.join(root, 'var/lib/rancher/k3s/agent/etc/containerd/certs.d/nvcr.io'), { recursive: true });
  await put('proc/driver/nvidia/version', 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.129.03\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('probeLocalNode', () => {
  it('copies files and drop-ins matched by globs, lists mirror dirs, and records every command with its exit code', async () => {
    const host = await probeLocalNode({ hostRoot: root, commandTimeoutS: 5 });
    expect(host.complete).toBe(true);
    expect(host.files.get('/etc/containerd/config.toml')).toBe('version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n');
    expect(host.files.get('/etc/containerd/conf.d/99-nvidia.toml')).toContain("it's nvidia");
    expect(host.files.get('/etc/containerd/certs.d/docker.io/hosts.toml')).toContain('registry-1.docker.io');
    expect(host.files.get('/proc/driver/nvidia/version')).toContain('535.129.03');
    // The certs.d directories and their parents: an empty certs.d still shows the probe looked.
    expect([...host.dirs].sort()).toEqual([
      '/etc/containerd/certs.d',
      '/etc/containerd/certs.d/docker.io',
      '/var/lib/rancher/k3s/agent/etc/containerd',
      '/var/lib/rancher/k3s/agent/etc/containerd/certs.d',
      '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/nvcr.io',
    ]);
    // This machine has no GPU: nvidia-smi is a fact ("not found", exit 127), not a crash.
    const smi = host.commands.get('nvidia-smi')!;
    expect(smi.exitCode).toBe(127);
    expect(smi.stderr).toMatch(/not found/);
    expect(host.commands.get('uname')).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+/) });
  });
});

describe('parseProbeOutput', () => {
  it('marks a stream cut before @@end as incomplete and keeps what came', () => {
    const host = parseProbeOutput("\n@@cmd uname\n6.1.0\n\n@@exit 0\n\n@@stderr\n\n@@file /etc/x\nab");
    expect(host.complete).toBe(false);
    expect(host.commands.get('uname')).toEqual({ stdout: '6.1.0\n', exitCode: 0 });
    expect(host.files.get('/etc/x')).toBe('ab');
  });
});

describe('localNodeName', () => {
  const nodes = [{ metadata: { name: 'gpu-1' } }, { metadata: { name: 'node-x', labels: { 'kubernetes.io/hostname': 'box.lan' } } }];
  it('matches by name, short name and hostname label', () => {
    expect(localNodeName(nodes, 'gpu-1')).toBe('gpu-1');
    expect(localNodeName(nodes, 'gpu-1.cluster.local')).toBe('gpu-1');
    expect(localNodeName(nodes, 'box.lan')).toBe('node-x');
    expect(localNodeName(nodes, 'laptop')).toBeUndefined();
  });
});
