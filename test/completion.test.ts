import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kubeconfigContexts } from '../src/commands/completion.js';
import { gpuctl, ROOT } from './helpers/cli.js';

describe('shell completion', () => {
  it('completes subcommands, flags, flag values and comma lists of check names', async () => {
    expect((await gpuctl(['__complete', 'd'])).stdout.split('\n')).toContain('doctor');
    expect((await gpuctl(['__complete', 'doctor', '--fail'])).stdout.trim()).toBe('--fail-on');
    expect((await gpuctl(['__complete', 'doctor', '--fail-on', ''])).stdout.trim().split('\n')).toEqual(['error', 'warning']);
    expect((await gpuctl(['__complete', 'doctor', '--skip', 'operator,no-gpu'])).stdout.trim()).toBe('operator,no-gpu-nodes');
    expect((await gpuctl(['__complete', 'explain', 'gpu-node'])).stdout.trim()).toBe('gpu-node-unlabeled');
  });

  it('works in a real bash through the generated script', () => {
    const out = execFileSync('bash', ['-c', 'source <(gpuctl completion bash); COMP_WORDS=(gpuctl doctor -o j); COMP_CWORD=3; _gpuctl; printf "%s\\n" "${COMPREPLY[@]}"'], {
      env: { ...process.env, PATH: `${path.join(ROOT, 'bin')}:${process.env.PATH}` },
    }).toString();
    expect(out.trim().split('\n')).toEqual(['json', 'junit']);
  });

  it('reads contexts from every KUBECONFIG file and ignores broken ones', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-kc-'));
    try {
      writeFileSync(path.join(dir, 'a'), 'contexts:\n- name: prod\n- name: lab\n');
      writeFileSync(path.join(dir, 'b'), ': not yaml [');
      writeFileSync(path.join(dir, 'c'), 'contexts:\n- name: edge\n');
      expect(kubeconfigContexts({ KUBECONFIG: ['a', 'b', 'c', 'missing'].map((f) => path.join(dir, f)).join(':') })).toEqual(['prod', 'lab', 'edge']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints zsh and fish scripts that call back into gpuctl', async () => {
    expect((await gpuctl(['completion', 'zsh'])).stdout).toContain('compdef _gpuctl gpuctl kubectl-gpuctl');
    expect((await gpuctl(['completion', 'fish'])).stdout).toContain("complete -c gpuctl -f -a '(__gpuctl_complete)'");
    expect((await gpuctl(['completion', 'tcsh'])).exitCode).toBe(2);
  });
});

describe('kubectl plugin', () => {
  it('real kubectl finds kubectl-gpuctl on PATH and runs it', () => {
    const out = execFileSync('kubectl', ['gpuctl', 'doctor', '--snapshot', 'test/fixtures/minimal', '-o', 'json'], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${path.join(ROOT, 'bin')}:${process.env.PATH}` },
    }).toString();
    expect(JSON.parse(out).summary.checks).toBeGreaterThan(1);
    const help = execFileSync('kubectl', ['gpuctl', '--help'], { env: { ...process.env, PATH: `${path.join(ROOT, 'bin')}:${process.env.PATH}` } }).toString();
    expect(help).toMatch(/^Usage: kubectl gpuctl/);
  });
});

describe('completion from the cluster', () => {
  it('completes namespaces after -n and pods for exec-check, from the cluster; nothing when it is unreachable', async () => {
    const { startSimulator } = await import('./simulator/server.js');
    const { emptyCollection } = await import('../src/collection/collection.js');
    const { pod } = await import('./helpers/facts.js');
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const sim = await startSimulator({
      collection: { ...emptyCollection('t'), objects: [ns('default'), ns('ml'), pod('default', 'web-1'), pod('ml', 'trainer-0'), pod('ml', 'trainer-1')] },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-comp-'));
    try {
      const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'config'));
      const env = { KUBECONFIG: kubeconfig, HOME: dir };
      expect((await gpuctl(['__complete', 'doctor', '-n', ''], env)).stdout.trim().split('\n')).toEqual(['default', 'ml']);
      expect((await gpuctl(['__complete', 'exec-check', '-n', 'ml', 'tr'], env)).stdout.trim().split('\n')).toEqual(['trainer-0', 'trainer-1']);
      expect((await gpuctl(['__complete', 'exec-check', ''], env)).stdout.trim()).toBe('web-1');
      expect((await gpuctl(['__complete', 'exec-check', 'web-1', ''], env)).stdout.trim()).toBe('');
      writeFileSync(path.join(dir, 'gone'), stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'x', clusters: [{ name: 'x', cluster: { server: 'http://127.0.0.1:9' } }], users: [{ name: 'u', user: {} }], contexts: [{ name: 'x', context: { cluster: 'x', user: 'u' } }] }));
      const gone = await gpuctl(['__complete', 'doctor', '-n', ''], { KUBECONFIG: path.join(dir, 'gone'), HOME: dir });
      expect(gone).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
