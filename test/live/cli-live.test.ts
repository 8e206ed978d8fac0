// `gpuctl doctor` with a kubeconfig it cannot use or a server it cannot reach: one line, exit 2, no stack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import type { FakeApi } from './fake-api.js';
import { startFakeApi, writeKubeconfig } from './fake-api.js';

let dir: string;
let api: FakeApi | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-cli-live-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Runs with a clean environment: no KUBECONFIG or ~/.kube/config of the machine running the tests. */
const run = (args: string[], env: Record<string, string> = {}) => gpuctl(args, { HOME: dir, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', ...env });

function expectOneLineError(r: CliResult, message: string | RegExp): void {
  expect(r.exitCode).toBe(2);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^gpuctl: error: /);
  const text = r.stderr.slice('gpuctl: error: '.length);
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
  expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  expect(r.stdout).toBe('');
}

describe('gpuctl doctor on a live cluster: kubeconfig', () => {
  it('fails with one line when the kubeconfig does not exist', async () => {
    expectOneLineError(await run(['doctor', '--kubeconfig', path.join(dir, 'nope')]), `kubeconfig not found: ${dir}/nope`);
  });

  it('fails with one line when the kubeconfig is malformed', async () => {
    const k = path.join(dir, 'config');
    writeFileSync(k, 'apiVersion: v1\nclusters:\n  - name: a\n   cluster: x\n');
    expectOneLineError(await run(['doctor', '--kubeconfig', k]), new RegExp(`^kubeconfig ${k} is not valid YAML: `));
  });

  it('fails with one line naming the available contexts when --context is unknown', async () => {
    const k = writeKubeconfig(path.join(dir, 'config'), { server: 'https://10.0.0.1:6443', context: 'lab', otherContexts: ['prod'] });
    expectOneLineError(await run(['doctor', '--kubeconfig', k, '--context', 'staging']), `context "staging" not found in kubeconfig ${k} (available: lab, prod)`);
  });

  it('fails with one line when there is no kubeconfig at all', async () => {
    expectOneLineError(await run(['doctor']), /^no kubeconfig /);
  });

  it('merges the files of KUBECONFIG and uses the context defined in the second', async () => {
    api = await startFakeApi({ token: 'second-token' });
    const first = path.join(dir, 'first');
    writeFileSync(first, 'apiVersion: v1\nkind: Config\ncurrent-context: sim\n');
    const second = writeKubeconfig(path.join(dir, 'second'), { server: api.url, token: 'second-token', context: 'sim' });
    const r = await run(['doctor', '-o', 'json'], { KUBECONFIG: `${first}:${second}` });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).summary.origin).toBe(`context sim (${api.url})`);
  });
});

describe('gpuctl doctor on a live cluster: the API server', () => {
  it('fails with one line when the connection is refused', async () => {
    api = await startFakeApi();
    const url = api.url;
    await api.close();
    api = undefined;
    const k = writeKubeconfig(path.join(dir, 'config'), { server: url });
    expectOneLineError(await run(['doctor', '--kubeconfig', k]), `cannot reach the API server ${url}: connection refused`);
  });

  it('fails with one line when the host name does not resolve', async () => {
    const k = writeKubeconfig(path.join(dir, 'config'), { server: 'https://nonexistent.invalid:6443' });
    expectOneLineError(
      await run(['doctor', '--kubeconfig', k]),
      'cannot reach the API server https://nonexistent.invalid:6443: no such host nonexistent.invalid (DNS lookup failed)',
    );
  });
  // Timeouts, 401, 403, 404, 429, 500, cut bodies and paging: test/live/simulator.test.ts, against the simulator.
});
