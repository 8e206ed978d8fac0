// `gpuctl install` reads the containerd config it is about to change through the doctor's reader
// (src/facts/runtime/containerd-config.ts): on every host tree of test/fixtures/containerd/ the two agree
// on whether the config can be read and whether it has the nvidia runtime, imports and all.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readContainerdConfig } from '../../src/facts/runtime/containerd-config.js';
import { inspectContainerdConfig, inspectDockerConfig } from '../../src/install/runtime-targets.js';
import { host } from '../helpers/facts.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/containerd');
const NVIDIA = /nvidia-container-runtime/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const cases = readdirSync(FIXTURES).filter((n) => statSync(path.join(FIXTURES, n)).isDirectory());
const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gpuctl-install-reader-'));
  temp.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('install reads containerd configs as the doctor does', () => {
  it('covers the fixtures', () => expect(cases.length).toBeGreaterThan(30));

  it.each(cases)('%s', async (name) => {
    const root = path.join(FIXTURES, name, 'root');
    const main = (JSON.parse(readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8')) as { main: string }).main;
    const files = Object.fromEntries(walk(root).map((f) => ['/' + path.relative(root, f), readFileSync(f, 'utf8')]));
    const doctor = readContainerdConfig(host(files), {}, { flavor: 'containerd', mainFile: main })!;
    const state = await inspectContainerdConfig(root, main);
    const unreadable = doctor.problems.find((p) => p.fatal && (p.kind === 'parse' || p.kind === 'duplicate-table'));
    expect(state.exists).toBe(true);
    expect(state.parseError).toEqual(unreadable ? { path: unreadable.file, message: unreadable.message } : undefined);
    if (!unreadable) {
      const nvidia = doctor.runtimes.find((r) => NVIDIA.test(r.binary ?? ''));
      expect(state.nvidia !== undefined).toBe(!!nvidia);
      if (nvidia) expect(state.nvidia).toContain(` in ${nvidia.definedIn}`);
    }
  });

  it('follows a relative import glob and names the drop-in that defines the runtime', async () => {
    const root = tree({
      '/etc/containerd/config.toml': 'version = 2\nimports = ["conf.d/*.toml"]\n',
      '/etc/containerd/conf.d/99-nvidia.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]\n  runtime_type = "io.containerd.runc.v2"\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]\n  BinaryName = "/usr/bin/nvidia-container-runtime"\n',
    });
    // containerd 1.x globs a relative pattern against / (its working directory): conf.d/*.toml matches nothing there.
    expect(await inspectContainerdConfig(root, '/etc/containerd/config.toml')).toEqual({ exists: true });
    const absolute = tree({
      '/etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
      '/etc/containerd/conf.d/99-nvidia.toml': readFileSync(path.join(root, 'etc/containerd/conf.d/99-nvidia.toml'), 'utf8'),
    });
    expect(await inspectContainerdConfig(absolute, '/etc/containerd/config.toml')).toEqual({
      exists: true,
      nvidia: '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia] in /etc/containerd/conf.d/99-nvidia.toml (imported by /etc/containerd/config.toml)',
    });
  });

  it('a drop-in that does not parse stops it, with the drop-in named', async () => {
    const root = tree({ '/etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n', '/etc/containerd/conf.d/10-bad.toml': '[plugins\n' });
    const state = await inspectContainerdConfig(root, '/etc/containerd/config.toml');
    expect(state.parseError?.path).toBe('/etc/containerd/conf.d/10-bad.toml');
  });

  it('reads daemon.json as the doctor does', async () => {
    const root = tree({ '/etc/docker/daemon.json': '{"runtimes":{"nvidia":{"path":"/usr/bin/nvidia-container-runtime","runtimeArgs":[]}}}' });
    expect(await inspectDockerConfig(root, '/etc/docker/daemon.json')).toEqual({ exists: true, nvidia: '"runtimes"."nvidia" in /etc/docker/daemon.json' });
    const broken = tree({ '/etc/docker/daemon.json': '{"runtimes": ' });
    expect((await inspectDockerConfig(broken, '/etc/docker/daemon.json')).parseError?.path).toBe('/etc/docker/daemon.json');
  });
});
