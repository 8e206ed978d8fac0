import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GpuctlError } from '../../src/errors.js';
import { credentials, loadKubeconfig, SERVICE_ACCOUNT_DIR } from '../../src/sources/live/kubeconfig.js';
import { kubeconfigYaml, writeKubeconfig } from './fake-api.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-kubeconfig-'));
  // Nothing from the machine running the tests may leak in.
  vi.stubEnv('KUBECONFIG', '');
  vi.stubEnv('HOME', dir);
  vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
});
afterEach(() => vi.unstubAllEnvs());

const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function errorOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GpuctlError);
  return (err as GpuctlError).message;
}

describe('loadKubeconfig', () => {
  it('loads --kubeconfig and uses its current context', async () => {
    const k = writeKubeconfig(path.join(dir, 'k'), { server: 'https://10.0.0.1:6443', token: 'abc', context: 'prod' });
    const loaded = await loadKubeconfig({ kubeconfig: k });
    expect(loaded).toMatchObject({ context: 'prod', source: `kubeconfig ${k}`, cluster: { server: 'https://10.0.0.1:6443' } });
    expect((await credentials(loaded)).headers).toMatchObject({ Authorization: 'Bearer abc' });
  });

  it('switches to --context', async () => {
    const k = writeKubeconfig(path.join(dir, 'k'), { server: 'https://10.0.0.1:6443', context: 'prod', otherContexts: ['staging'] });
    const loaded = await loadKubeconfig({ kubeconfig: k, context: 'staging' });
    expect(loaded).toMatchObject({ context: 'staging', cluster: { server: 'https://elsewhere.invalid:6443' } });
  });

  it('names the available contexts when --context is unknown', async () => {
    const k = writeKubeconfig(path.join(dir, 'k'), { server: 'https://10.0.0.1:6443', context: 'prod', otherContexts: ['staging'] });
    expect(await errorOf(loadKubeconfig({ kubeconfig: k, context: 'nope' }))).toBe(
      `context "nope" not found in kubeconfig ${k} (available: prod, staging)`,
    );
  });

  it('says when the kubeconfig file does not exist', async () => {
    expect(await errorOf(loadKubeconfig({ kubeconfig: path.join(dir, 'missing') }))).toBe(`kubeconfig not found: ${dir}/missing`);
  });

  it('says when the kubeconfig is not YAML', async () => {
    const k = file('bad', 'clusters:\n- name: x\n  cluster: {server: [\n');
    expect(await errorOf(loadKubeconfig({ kubeconfig: k }))).toMatch(new RegExp(`^kubeconfig ${k} is not valid YAML: .+`));
  });

  it('says when the kubeconfig is empty', async () => {
    expect(await errorOf(loadKubeconfig({ kubeconfig: file('empty', '') }))).toMatch(/is not a kubeconfig/);
  });

  it('names an invalid entry', async () => {
    const k = file('k', 'clusters:\n- name: x\n  cluster: {}\n');
    expect(await errorOf(loadKubeconfig({ kubeconfig: k }))).toBe(`kubeconfig ${k} is invalid: clusters[0].cluster.server is missing`);
  });

  it('asks for --context when there is no current context', async () => {
    const k = writeKubeconfig(path.join(dir, 'k'), { server: 'https://10.0.0.1:6443', context: 'prod', currentContext: null });
    expect(await errorOf(loadKubeconfig({ kubeconfig: k }))).toBe(`kubeconfig ${k} sets no current-context; pick one with --context (available: prod)`);
  });

  it('says when there are no clusters', async () => {
    const k = file('k', 'apiVersion: v1\nkind: Config\ncontexts: []\ncurrent-context: ""\n');
    expect(await errorOf(loadKubeconfig({ kubeconfig: k }))).toBe(`kubeconfig ${k} defines no clusters`);
  });

  it('merges the KUBECONFIG files: first file wins, missing ones are skipped, contexts come from any', async () => {
    const first = file('first', 'apiVersion: v1\nkind: Config\ncurrent-context: sim\n');
    const second = writeKubeconfig(path.join(dir, 'second'), { server: 'https://10.0.0.2:6443', token: 'two', context: 'sim' });
    const third = file('third', kubeconfigYaml({ server: 'https://shadowed.invalid', context: 'sim', currentContext: 'other' }));
    vi.stubEnv('KUBECONFIG', [first, path.join(dir, 'missing'), second, third].join(path.delimiter));
    const loaded = await loadKubeconfig({});
    expect(loaded).toMatchObject({ context: 'sim', cluster: { server: 'https://10.0.0.2:6443' } });
    expect(loaded.source).toBe(`KUBECONFIG ${[first, second, third].join(path.delimiter)}`);
    expect((await credentials(loaded)).headers).toMatchObject({ Authorization: 'Bearer two' });
  });

  it('reads ~/.kube/config when nothing else is given', async () => {
    mkdirSync(path.join(dir, '.kube'));
    writeKubeconfig(path.join(dir, '.kube', 'config'), { server: 'https://10.0.0.3:6443', context: 'home' });
    expect(await loadKubeconfig({})).toMatchObject({ context: 'home', source: `kubeconfig ${dir}/.kube/config` });
  });

  it('uses the service account of the pod (in-cluster config)', async () => {
    const root = path.join(dir, 'root');
    mkdirSync(root + SERVICE_ACCOUNT_DIR, { recursive: true });
    writeFileSync(`${root}${SERVICE_ACCOUNT_DIR}/token`, 'sa-token');
    writeFileSync(`${root}${SERVICE_ACCOUNT_DIR}/ca.crt`, 'not really a cert');
    writeFileSync(`${root}${SERVICE_ACCOUNT_DIR}/namespace`, 'gpuctl');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const loaded = await loadKubeconfig({}, root);
    expect(loaded).toMatchObject({ context: 'inClusterContext', source: 'in-cluster service account', cluster: { server: 'https://10.96.0.1:443' } });
    const opts = await credentials(loaded);
    expect(opts.headers).toMatchObject({ Authorization: 'Bearer sa-token' });
    expect(String(opts.ca)).toBe('not really a cert');
  });

  it('fails with one line when there is no kubeconfig at all', async () => {
    expect(await errorOf(loadKubeconfig({}, path.join(dir, 'no-root')))).toMatch(/^no kubeconfig \(no --kubeconfig, KUBECONFIG unset/);
  });

  it('gives an http:// server (kubectl proxy) its credentials', async () => {
    const k = writeKubeconfig(path.join(dir, 'k'), { server: 'http://127.0.0.1:8001', token: 'abc' });
    expect((await credentials(await loadKubeconfig({ kubeconfig: k }))).headers).toMatchObject({ Authorization: 'Bearer abc' });
  });
});
