// The simulator's exec answers the probe script with a stream it formats from a snapshot's node facts.
// That stream must be the real script's, byte for byte: run the real script on a fake host and compare.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeHost } from '../../src/collection/collection.js';
import { parseProbeOutput, probeScript } from '../../src/sources/node-probe/script.js';
import { probeStreamOf } from '../simulator/node-stream.js';

const FILES: Record<string, string> = {
  '/etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
  '/etc/containerd/conf.d/99-nvidia.toml': 'version = 2\n',
  '/etc/containerd/conf.d/10-base.toml': 'no newline at the end',
  '/etc/containerd/certs.d/docker.io/hosts.toml': 'server = "https://registry-1.docker.io"\n',
  '/etc/containerd/certs.d/nvcr.io/hosts.toml': 'server = "https://nvcr.io"\n',
  '/proc/driver/nvidia/version': 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.129.03\n',
  // Not read by the script: must not be on the stream either.
  '/etc/hostname': 'gpu-1\n',
  '/etc/containerd/conf.d/.hidden.toml': 'hidden\n',
};
const EMPTY_DIRS = ['/var/lib/rancher/k3s/agent/etc/containerd/certs.d/quay.io'];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gpuctl-stream-'));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  for (const dir of EMPTY_DIRS) await mkdir(path.join(root, dir), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the simulator formats the probe stream like the real script', () => {
  it('gives the same bytes as the script run on a host with the same files, directories and command outputs', () => {
    const script = probeScript({ hostRoot: root, chroot: false, commandTimeoutS: 5 });
    const real = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    // The commands' outputs are whatever this machine printed; files and dirs are the snapshot's.
    const parsed = parseProbeOutput(real);
    const host: NodeHost = { commands: parsed.commands, files: new Map(Object.entries(FILES)), dirs: new Set(EMPTY_DIRS) };
    expect(probeStreamOf(host)).toBe(real);
    expect(parsed.files.has('/etc/hostname')).toBe(false);
    expect([...parsed.dirs]).toContain('/var/lib/rancher/k3s/agent/etc/containerd/certs.d/quay.io');
  });

  it('leaves out commands the snapshot lacks, and still ends the stream', () => {
    const host: NodeHost = {
      commands: new Map([['lsmod', { stdout: 'nvidia 1 0\n', exitCode: 0 }], ['nvidia-smi', { stdout: '', exitCode: 9, stderr: 'NVIDIA-SMI has failed\n' }]]),
      files: new Map(),
      dirs: new Set(),
    };
    const stream = probeStreamOf(host);
    expect(stream).toBe('\n@@cmd nvidia-smi\n\n@@exit 9\n\n@@stderr\nNVIDIA-SMI has failed\n\n@@cmd lsmod\nnvidia 1 0\n\n@@exit 0\n\n@@stderr\n\n@@end\n');
    const back = parseProbeOutput(stream);
    expect(back.complete).toBe(true);
    expect(back.commands).toEqual(host.commands);
  });
});
