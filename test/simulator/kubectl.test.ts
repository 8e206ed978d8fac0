// Real kubectl is the oracle: what it reads from the simulator must be the snapshot, exactly.
import { execa, execaSync } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { startSimulator, type Simulator } from './server.js';
import { skipWithout } from '../helpers/tools.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/sim');
const hasKubectl = (() => {
  try {
    execaSync('kubectl', ['version', '--client'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
let sim: Simulator;
let snapshot: Collection;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-sim-kubectl-'));
  snapshot = await loadSnapshot(FIXTURE);
  expect(snapshot.problems).toEqual([]);
  sim = await startSimulator({ collection: snapshot });
  kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'));
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => sim.setFaults([]));

async function kubectl(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  // A fresh discovery cache per call: every call exercises discovery, as on a first run.
  const cache = await mkdtemp(path.join(dir, 'cache-'));
  const r = await execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...args], { reject: false, timeout: 30_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function kubectlJson(...args: string[]): Promise<{ items: KubeObject[] } & KubeObject> {
  const r = await kubectl(...args, '-o', 'json');
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout);
}

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (objects: KubeObject[]) => new Map(objects.map((o) => [keyOf(o), o]));
const snapshotOf = (...kinds: string[]) => snapshot.objects.filter((o) => kinds.includes(o.kind));
const names = (list: { items: KubeObject[] }) => list.items.map((o) => o.metadata.name).sort();

describe.skipIf(!hasKubectl && skipWithout('kubectl'))('kubectl against the simulator', () => {
  it('get nodes,pods -A -o json returns exactly the snapshot objects', async () => {
    const list = await kubectlJson('get', 'nodes,pods', '-A');
    const expected = snapshotOf('Node', 'Pod');
    expect(list.items).toHaveLength(expected.length);
    const got = byKey(list.items);
    expect([...got.keys()].sort()).toEqual([...byKey(expected).keys()].sort());
    for (const obj of expected) expect(got.get(keyOf(obj))).toStrictEqual(obj);
  });

  it('get of every other served kind returns the snapshot objects', async () => {
    const list = await kubectlJson('get', 'namespaces,daemonsets,deployments,events,runtimeclasses,clusterpolicies,customresourcedefinitions', '-A');
    const expected = snapshotOf('Namespace', 'DaemonSet', 'Deployment', 'Event', 'RuntimeClass', 'ClusterPolicy', 'CustomResourceDefinition');
    expect(list.items).toHaveLength(expected.length);
    const got = byKey(list.items);
    for (const obj of expected) expect(got.get(keyOf(obj))).toStrictEqual(obj);
  });

  it('get pods -n NS NAME -o yaml prints the snapshot object', async () => {
    const r = await kubectl('get', 'pods', '-n', 'gpu-operator', 'nvidia-operator-validator-q8r4t', '-o', 'yaml');
    expect(r.exitCode).toBe(0);
    const expected = snapshot.objects.find((o) => o.metadata.name === 'nvidia-operator-validator-q8r4t');
    expect(parseYaml(r.stdout)).toStrictEqual(expected);
  });

  it('reports an unknown pod as the API server words it', async () => {
    const r = await kubectl('get', 'pods', '-n', 'ml', 'no-such-pod');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "no-such-pod" not found');
  });

  it('prints the server-side Table kubectl asks for (default output)', async () => {
    const r = await kubectl('get', 'pods', '-n', 'ml');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(r.stdout).toMatch(/^train-0\s+\d+\/\d+\s+\S+\s+\d+/m);
    const wide = await kubectl('get', 'pods', '-n', 'ml', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const table = sim.requests.filter((q) => q.path === '/api/v1/namespaces/ml/pods');
    expect(table.at(-1)).toMatchObject({ method: 'GET', status: 200, query: { limit: '500' } });
  });

  describe('label selectors', () => {
    const cases: [string, string[]][] = [
      ['app=nvidia-device-plugin-daemonset', ['nvidia-device-plugin-daemonset-7xk2p']],
      ['app==cuda-vectoradd', ['cuda-vectoradd']],
      ['team!=nlp', ['coredns-7db6d8ff4d-h2k9x', 'cuda-vectoradd', 'gpu-operator-6b8c9d7f5-x2x7q', 'kube-proxy-8xj2l', 'nvidia-container-toolkit-daemonset-m4wzs', 'nvidia-device-plugin-daemonset-7xk2p', 'nvidia-operator-validator-q8r4t', 'train-0']],
      ['team in (nlp,vision)', ['infer-7c9d8b6f5-z9x8c', 'notebook-5d4c8b7f9-q2w3e', 'train-0']],
      ['team notin (nlp),tier', ['train-0']],
      ['tier', ['infer-7c9d8b6f5-z9x8c', 'notebook-5d4c8b7f9-q2w3e', 'train-0']],
      ['!tier,k8s-app', ['coredns-7db6d8ff4d-h2k9x', 'kube-proxy-8xj2l']],
      ['team=nlp,tier=serving', ['infer-7c9d8b6f5-z9x8c']],
      ['app.kubernetes.io/managed-by=gpu-operator,app in (nvidia-operator-validator, nvidia-container-toolkit-daemonset)', ['nvidia-container-toolkit-daemonset-m4wzs', 'nvidia-operator-validator-q8r4t']],
    ];
    it.each(cases)('-l %s', async (selector, expected) => {
      const list = await kubectlJson('get', 'pods', '-A', '-l', selector);
      expect(names(list)).toEqual(expected);
      expect(sim.requests.at(-1)).toMatchObject({ path: '/api/v1/pods', query: { labelSelector: selector } });
    });

    it('selects nodes by NFD and GFD labels', async () => {
      expect(names(await kubectlJson('get', 'nodes', '-l', 'feature.node.kubernetes.io/pci-10de.present=true'))).toEqual(['gpu-1', 'gpu-2']);
      expect(names(await kubectlJson('get', 'nodes', '-l', 'nvidia.com/gpu.deploy.operands=false'))).toEqual(['gpu-2']);
      expect(names(await kubectlJson('get', 'nodes', '-l', 'node-role.kubernetes.io/control-plane'))).toEqual(['cpu-1']);
    });
  });

  describe('field selectors', () => {
    const cases: [string, string[], string[]][] = [
      ['pods', ['spec.nodeName=gpu-2'], ['infer-7c9d8b6f5-z9x8c', 'notebook-5d4c8b7f9-q2w3e']],
      ['pods', ['spec.nodeName='], ['train-0']],
      ['pods', ['status.phase!=Running'], ['cuda-vectoradd', 'infer-7c9d8b6f5-z9x8c', 'nvidia-operator-validator-q8r4t', 'train-0']],
      ['pods', ['status.phase==Succeeded'], ['cuda-vectoradd']],
      ['pods', ['metadata.namespace=kube-system'], ['coredns-7db6d8ff4d-h2k9x', 'kube-proxy-8xj2l']],
      ['pods', ['metadata.name=train-0'], ['train-0']],
      ['events', ['type=Warning,reason=BackOff'], ['infer-7c9d8b6f5-z9x8c.17f8a1b2c3d4e803', 'nvidia-operator-validator-q8r4t.17f8a1b2c3d4e701']],
      ['events', ['involvedObject.name=cuda-vectoradd,type!=Warning'], ['cuda-vectoradd.17f8a1b2c3d4e904', 'cuda-vectoradd.17f8a1b2c3d4e905']],
    ];
    it.each(cases)('get %s --field-selector %s', async (resource, [selector], expected) => {
      const list = await kubectlJson('get', resource, '-A', '--field-selector', selector!);
      expect(names(list)).toEqual(expected);
    });
  });

  it('pages through --chunk-size 2 with continue tokens and gets every pod once', async () => {
    const before = sim.requests.length;
    const list = await kubectlJson('get', 'pods', '-A', '--chunk-size', '2');
    const expected = snapshotOf('Pod');
    expect(list.items.map(keyOf).sort()).toEqual(expected.map(keyOf).sort());
    const pages = sim.requests.slice(before).filter((q) => q.path === '/api/v1/pods');
    expect(pages).toHaveLength(Math.ceil(expected.length / 2));
    expect(pages.every((q) => q.query.limit === '2')).toBe(true);
    expect(pages.slice(1).every((q) => !!q.query.continue)).toBe(true);
  });

  it('serves a CRD kind from its snapshot objects, and short names from CRD objects', async () => {
    const r = await kubectl('get', 'clusterpolicies');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^cluster-policy\s/m);
    const json = await kubectlJson('get', 'clusterpolicy', 'cluster-policy');
    expect(json).toStrictEqual(snapshotOf('ClusterPolicy')[0]);
    // nvidiadrivers.nvidia.com exists only as a CustomResourceDefinition object: served, empty.
    const drivers = await kubectl('get', 'nvd');
    expect(drivers).toMatchObject({ exitCode: 0, stdout: '' });
    expect(drivers.stderr).toMatch(/^No resources found/);
  });

  it('answers a CRD that is not installed the way kubectl reports it', async () => {
    const r = await kubectl('get', 'tensorfusionclusters');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: the server doesn\'t have a resource type "tensorfusionclusters"');
  });

  describe('logs', () => {
    const log = (rel: string) => readFile(path.join(FIXTURE, 'logs', rel), 'utf8');
    it('prints a container log, the previous one, a tail and a byte limit', async () => {
      const file = 'gpu-operator/nvidia-device-plugin-daemonset-7xk2p/nvidia-device-plugin';
      const current = await kubectl('logs', '-n', 'gpu-operator', 'nvidia-device-plugin-daemonset-7xk2p');
      expect(current.exitCode).toBe(0);
      expect(current.stdout + '\n').toBe(await log(`${file}.log`));
      const previous = await kubectl('logs', '-n', 'gpu-operator', 'nvidia-device-plugin-daemonset-7xk2p', '--previous', '--tail', '2');
      expect(previous.stdout + '\n').toBe((await log(`${file}.previous.log`)).split('\n').slice(-3).join('\n'));
      const limited = await kubectl('logs', '-n', 'gpu-operator', 'nvidia-device-plugin-daemonset-7xk2p', '--limit-bytes', '30');
      expect(limited.stdout).toBe((await log(`${file}.log`)).slice(0, 30));
      expect(sim.requests.at(-1)).toMatchObject({
        path: '/api/v1/namespaces/gpu-operator/pods/nvidia-device-plugin-daemonset-7xk2p/log',
        query: { container: 'nvidia-device-plugin', limitBytes: '30' },
        status: 200,
      });
    });

    it('reads one container of a multi-container pod, and an init container', async () => {
      const r = await kubectl('logs', '-n', 'ml', 'notebook-5d4c8b7f9-q2w3e', '-c', 'git-sync');
      expect(r.stdout + '\n').toBe(await log('ml/notebook-5d4c8b7f9-q2w3e/git-sync.log'));
      const init = await kubectl('logs', '-n', 'gpu-operator', 'nvidia-operator-validator-q8r4t', '-c', 'plugin-validation');
      expect(init.stdout).toContain('GPU resources are not discovered by the node');
    });

    it('words a missing previous log and an unknown container as the API server does', async () => {
      const previous = await kubectl('logs', '-n', 'ml', 'notebook-5d4c8b7f9-q2w3e', '-c', 'jupyter', '--previous');
      expect(previous.exitCode).toBe(1);
      expect(previous.stderr).toBe('Error from server (BadRequest): previous terminated container "jupyter" in pod "notebook-5d4c8b7f9-q2w3e" not found');
      const waiting = await kubectl('logs', '-n', 'ml', 'infer-7c9d8b6f5-z9x8c');
      expect(waiting.stderr).toBe('Error from server (BadRequest): container "server" in pod "infer-7c9d8b6f5-z9x8c" is waiting to start: ImagePullBackOff');
    });
  });

  it('reports a 403 fault with the API server\'s Forbidden text', async () => {
    sim.setFaults([{ path: '^/api/v1/pods$', status: 403, user: 'system:serviceaccount:default:x' }]);
    const r = await kubectl('get', 'pods', '-A');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:x" cannot list resource "pods" in API group "" at the cluster scope',
    );
  });

  it('lists the served resource types in api-resources', async () => {
    const r = await kubectl('api-resources', '--no-headers');
    expect(r.exitCode).toBe(0);
    const rows = r.stdout.split('\n').map((line) => line.split(/\s+/));
    expect(rows.find((row) => row[0] === 'pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(rows.find((row) => row[0] === 'clusterpolicies')).toEqual(['clusterpolicies', 'nvidia.com/v1', 'false', 'ClusterPolicy']);
    expect(rows.find((row) => row[0] === 'nvidiadrivers')).toEqual(['nvidiadrivers', 'nvd,nvdriver,nvdrivers', 'nvidia.com/v1alpha1', 'false', 'NVIDIADriver']);
    expect(rows.find((row) => row[0] === 'tensorfusionclusters')).toBeUndefined();
  });
});

describe.skipIf(!hasKubectl && skipWithout('kubectl'))('npm run sim', () => {
  it('serves a snapshot, prints the URL and KUBECONFIG, and stops on Ctrl-C', async () => {
    const file = path.join(dir, 'cli-kubeconfig');
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const child = execa(tsx, [path.join(import.meta.dirname, 'cli.ts'), FIXTURE, '--kubeconfig', file], { reject: false });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C')) resolve();
      });
      child.once('exit', () => reject(new Error(`sim exited early: ${out}`)));
    });
    expect(out).toMatch(/at http:\/\/127\.0\.0\.1:\d+\n/);
    expect(out).toContain(`export KUBECONFIG=${file}\n`);
    const cache = await mkdtemp(path.join(dir, 'cache-'));
    const r = await execa('kubectl', ['--kubeconfig', file, '--cache-dir', cache, 'get', 'nodes', '-o', 'name'], { reject: false });
    expect(r.stdout).toBe('node/cpu-1\nnode/gpu-1\nnode/gpu-2');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
  });
});
