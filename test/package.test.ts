// What `npm pack` ships: the bundle runs from the tarball alone, with no node_modules.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json';
import { ROOT } from './helpers/cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'gpuctl-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT }).toString())[0];
  const files: string[] = packed.files.map((f: { path: string }) => f.path);

  it('ships the runnable parts only', () => {
    expect(files).toContain('bin/gpuctl');
    expect(files).toContain('bin/kubectl-gpuctl');
    expect(files).toContain('bin/kubectl_complete-gpuctl');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('CHANGELOG.md');
    expect(files.filter((f) => /^(src|test|checks|bench|scripts|node_modules)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('declares engines and has no runtime dependencies (the bundle carries them)', () => {
    expect(pkg.engines.node).toBe('>=20.5.0');
    expect((pkg as { dependencies?: object }).dependencies).toBeUndefined();
  });

  it('runs from the unpacked tarball: --version matches package.json, doctor reads a bundled example', () => {
    execFileSync('tar', ['xzf', path.join(work, packed.filename), '-C', work]);
    const bin = path.join(work, 'package/bin/gpuctl');
    expect(readdirSync(path.join(work, 'package'))).not.toContain('node_modules');
    expect(execFileSync(bin, ['--version']).toString().trim()).toBe(pkg.version);
    const out = execFileSync(bin, ['doctor', '--snapshot', path.join(ROOT, 'test/fixtures/minimal'), '-o', 'json'], { cwd: work }).toString();
    expect(JSON.parse(out).summary.checks).toBeGreaterThan(0);
  });

  it('the krew manifest script fills version and the tarball sha256', () => {
    const out = path.join(work, 'krew.yaml');
    execFileSync('node', ['scripts/krew-manifest.mjs', path.join(work, packed.filename), 'https://example.invalid/x.tgz', out], { cwd: ROOT });
    const manifest = execFileSync('cat', [out]).toString();
    expect(manifest).toContain(`version: v${pkg.version}`);
    const sha = createHash('sha256').update(readFileSync(path.join(work, packed.filename))).digest('hex');
    expect(manifest).toContain(sha);
    expect(manifest).toContain('bin: bin/kubectl-gpuctl');
  });
});
