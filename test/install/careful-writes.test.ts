// gpuctl install writes carefully (issue 13, problem 8): containerd's own verdict before any edit, a refusal
// for a config path that is a directory or a daemon.json that is not an object, the restart marker only after
// nvidia-ctk succeeded, and its own files through temp file + fsync + rename.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../src/install/actions.js';
import { freshUbuntuGpuNode, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await makeSandbox();
});
afterEach(() => sb.cleanup());

describe('install refuses what it cannot safely edit', () => {
  it('config.toml is a directory: blocked, nothing changed', async () => {
    await freshUbuntuGpuNode(sb);
    await rm(path.join(sb.root, 'etc/containerd/config.toml'));
    await mkdir(path.join(sb.root, 'etc/containerd/config.toml'));
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: containerd-config-invalid');
    expect(r.stdout).toContain('/etc/containerd/config.toml does not parse (a directory, not a file)');
    expect(await sb.mutating()).toEqual([]);
  });

  it('daemon.json that is not an object ([]): blocked', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.clearState('units/containerd');
    await sb.stateFile('units/docker', 'active\n');
    await sb.put('etc/docker/daemon.json', '[]\n');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: docker-config-invalid');
    expect(r.stdout).toContain('daemon.json is not a JSON object');
    expect(await sb.read('etc/docker/daemon.json')).toBe('[]\n');
    expect(await sb.mutating()).toEqual([]);
  });

  it('valid TOML that containerd rejects (version = "two"): containerd config dump says so before any edit', async () => {
    await freshUbuntuGpuNode(sb, { containerdConfig: 'version = "two"\n' });
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: containerd-config-invalid');
    expect(r.stdout).toMatch(/containerd refuses it: /);
    expect(await sb.read('etc/containerd/config.toml')).toBe('version = "two"\n');
    expect(await sb.mutating()).toEqual([]);
  });

  it('a failed nvidia-ctk leaves no restart pending', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.failOn('nvidia-ctk', 'runtime configure', 1, 'level=error msg="unable to flush config"');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.stdout).toContain('step runtime-config failed');
    expect(await sb.read('var/lib/gpuctl/restart-pending/containerd')).toBeUndefined();
  });
});

describe('writeAtomically', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-atomic-'));
    try {
      const file = path.join(dir, 'blacklist-nouveau.conf');
      await writeFile(file, 'old\n');
      await writeAtomically(file, 'blacklist nouveau\noptions nouveau modeset=0\n');
      expect(await readFile(file, 'utf8')).toBe('blacklist nouveau\noptions nouveau modeset=0\n');
      expect(await readdir(dir)).toEqual(['blacklist-nouveau.conf']);
      await expect(writeAtomically(path.join(dir, 'missing', 'x'), 'y')).rejects.toThrow();
      expect(await readdir(dir)).toEqual(['blacklist-nouveau.conf']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
