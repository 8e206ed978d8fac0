// Plugin mode (issue 17): real kubectl completes `kubectl gpuctl …` through bin/kubectl_complete-gpuctl, and
// every command gpuctl suggests reads `kubectl gpuctl …` when kubectl ran it.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { asInvoked } from '../../src/invocation.js';
import { ROOT } from '../helpers/cli.js';

const PATH_WITH_BIN = `${path.join(ROOT, 'bin')}:${process.env.PATH}`;

/** `kubectl __complete gpuctl WORDS…`: what kubectl's bash, zsh and fish scripts call on TAB. */
function kubectlComplete(words: string[], binOnPath = true): string[] {
  const r = spawnSync('kubectl', ['__complete', 'gpuctl', ...words], {
    cwd: ROOT,
    env: { ...process.env, PATH: binOnPath ? PATH_WITH_BIN : process.env.PATH!.split(':').filter((d) => d !== path.join(ROOT, 'bin')).join(':') },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

function kubectlGpuctl(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('kubectl', ['gpuctl', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', PATH: PATH_WITH_BIN }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kubectl_complete-gpuctl', () => {
  it('is an executable the package installs on PATH and ships', () => {
    expect(pkg.bin['kubectl_complete-gpuctl']).toBe('bin/kubectl_complete-gpuctl');
    expect(pkg.files).toContain('bin/');
    expect(execFileSync('sh', ['-c', 'test -x bin/kubectl_complete-gpuctl && echo ok'], { cwd: ROOT }).toString().trim()).toBe('ok');
  });
  it('real kubectl finds it on PATH: subcommands, flags, flag values, --flag=value, then the directive', () => {
    expect(kubectlComplete(['d'])).toEqual(['doctor', ':4']);
    expect(kubectlComplete(['doctor', '--fail'])).toEqual(['--fail-on', ':4']);
    expect(kubectlComplete(['doctor', '--fail-on', ''])).toEqual(['error', 'warning', ':4']);
    expect(kubectlComplete(['doctor', '-o=j'])).toEqual(['-o=json', '-o=junit', ':4']);
    expect(kubectlComplete(['explain', 'validator-f'])).toEqual(['validator-failed', ':4']);
  });
  it('leaves a file name to the shell (directive 0) where a flag takes a path', () => {
    expect(kubectlComplete(['doctor', '--snapshot', ''])).toEqual([':0']);
    expect(kubectlComplete(['collect', '-f', ''])).toEqual([':0']);
  });
  it('without it on PATH kubectl completes nothing for the plugin', () => {
    expect(kubectlComplete(['d'], false)).toEqual([':0']);
  });
});

describe('commands as the user invoked gpuctl', () => {
  const bare = /(?<![\w./=-])(?<!kubectl )gpuctl (?:doctor|checks|explain|exec-check|install|collect)\b/;
  it('kubectl gpuctl doctor suggests kubectl gpuctl commands in text and JSON, never bare gpuctl ones', () => {
    const summary = kubectlGpuctl(['doctor', '--demo']);
    expect(summary.stdout.replace(/\s+/g, ' ')).toContain('kubectl gpuctl doctor --demo -o wide');
    expect(summary.stdout).not.toMatch(bare);
    const text = kubectlGpuctl(['doctor', '--demo', '-o', 'wide']);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^kubectl gpuctl doctor — snapshot /);
    expect(text.stdout).toContain('$ kubectl gpuctl doctor --checks operator');
    expect(text.stdout).not.toMatch(bare);
    const json = JSON.parse(kubectlGpuctl(['doctor', '--demo', '-o', 'json']).stdout);
    const commands: string[] = json.findings.flatMap((f: { fix?: { commands: string[] } }) => f.fix?.commands ?? []);
    expect(commands).toContain('kubectl gpuctl doctor --checks operator');
    expect(commands.filter((c) => bare.test(c))).toEqual([]);
  });
  it('hints of usage errors too', () => {
    const r = kubectlGpuctl(['doctor', '--demo', '--checks', 'zzzz']);
    expect([r.status, r.stderr]).toEqual([2, 'gpuctl: error: unknown check "zzzz"\n  hint: list the names, ids and categories with `kubectl gpuctl checks`\n']);
    const e = kubectlGpuctl(['explain', 'validator-faild']);
    expect(e.stderr).toContain('did you mean validator-failed?');
  });
  it('rewrites gpuctl before a subcommand only, and only in plugin mode', () => {
    const names = ['doctor', 'checks', 'exec-check'];
    const plugin = { GPUCTL_KUBECTL_PLUGIN: '1' };
    expect(asInvoked('run `gpuctl checks`; $ gpuctl doctor --checks operator', names, plugin)).toBe('run `kubectl gpuctl checks`; $ kubectl gpuctl doctor --checks operator');
    for (const same of [
      'kubectl gpuctl doctor',
      'kubectl-gpuctl doctor',
      '/tmp/gpuctl-x doctor',
      'helm upgrade --labels installed-by=gpuctl --set a=b',
      'gpuctl doctors',
      'gpuctl: error: x',
      'gpuctl exec-checks',
    ]) {
      expect(asInvoked(same, names, plugin)).toBe(same);
    }
    expect(asInvoked('gpuctl doctor', names, {})).toBe('gpuctl doctor');
  });
});

describe('a reader that goes away', () => {
  it('gpuctl doctor --demo | head -1 prints no EPIPE trace', () => {
    const r = spawnSync('sh', ['-c', 'bin/gpuctl doctor --demo | head -1; bin/gpuctl --help | head -1'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toMatch(/^gpuctl doctor — snapshot .*\nUsage: gpuctl/);
    expect(r.stderr).toBe('');
  });
});
