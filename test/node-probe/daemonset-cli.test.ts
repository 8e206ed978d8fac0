// `--node-probe daemonset` end to end: one short-lived DaemonSet (the simulator's controller makes a pod
// per GPU node), one LIST per poll, exec into each pod, the DaemonSet deleted with its pods — always.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { gpuctl } from '../helpers/cli.js';
import { DRIVER, nodeFindings, problemsAbout, report, simulators, type Served, until } from './helpers.js';

const serve = simulators();
let served: Served;

describe('gpuctl doctor --node-probe daemonset', () => {
  it('gives the node findings of the snapshot itself, with one DaemonSet and one LIST per poll', async () => {
    const offline = await gpuctl(['doctor', '--snapshot', DRIVER, '-o', 'json']);
    served = await serve(DRIVER);
    const live = await served.run(['doctor', '-o', 'json', '--node-probe', 'daemonset']);
    expect(live.stderr).toBe('');
    expect(live.exitCode).toBe(offline.exitCode);
    expect(nodeFindings(live.stdout)).toEqual(nodeFindings(offline.stdout));
    expect(served.requests('POST', /\/daemonsets$/)).toHaveLength(1);
    expect(served.requests('DELETE', /\/daemonsets\/gpuctl-probe-[0-9a-f]{8}$/).map((r) => r.status)).toEqual([200]);
    expect(served.requests('POST', /\/pods$/)).toEqual([]);
    // Pods are followed with a label-selected LIST, never one GET per pod.
    expect(served.requests('GET', /\/namespaces\/kube-system\/pods\/[^/]+$/)).toEqual([]);
    expect(served.sim.probe!.execs.map((e) => e.node).sort()).toEqual(['gpu-1', 'gpu-2']);
    expect(served.leftovers()).toEqual([]);
  });

  it('creates a DaemonSet the API server accepts, pinned to exactly the GPU nodes', async () => {
    const collection = await loadSnapshot(DRIVER);
    collection.objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'cpu-1', labels: {} }, status: {} });
    served = await serve(collection, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const child = served.spawn(['doctor', '-o', 'json', '--node-probe', 'daemonset', '--probe-timeout', '30s']);
    await until(() => served.leftovers().length === 3);
    const ds = served.leftovers().find((o) => o.kind === 'DaemonSet')!;
    child.kill('SIGINT');
    await child;
    expect(ds.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      hostPID: true,
      tolerations: [{ operator: 'Exists' }],
      containers: [{ securityContext: { privileged: true }, volumeMounts: [{ mountPath: '/host', readOnly: true }] }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gpu-1', 'gpu-2'] }] }] } } },
    });
    expect(ds.spec.template.spec.activeDeadlineSeconds).toBeUndefined();
  });

  it('names the missing permissions (exit 2) before creating anything', async () => {
    served = await serve(DRIVER, { denied: ['create daemonsets.apps', 'list pods'] });
    const r = await served.run(['doctor', '--node-probe', 'daemonset']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--node-probe daemonset needs permissions this user lacks in namespace kube-system: create daemonsets.apps, list pods');
    expect(served.requests('POST', /\/daemonsets$/)).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const)('on %s while its pods are Pending, deletes the DaemonSet (and with it the pods) and exits %d', async (signal, code) => {
    served = await serve(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const child = served.spawn(['doctor', '--node-probe', 'daemonset', '--probe-timeout', '60s']);
    await until(() => served.leftovers().length === 3);
    child.kill(signal);
    const r = await child;
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(/^gpuctl: interrupted by [^;\n]+; deleted daemonset kube-system\/gpuctl-probe-[0-9a-f]{8}$/);
    expect(served.leftovers()).toEqual([]);
  });

  it('reports a node whose pod never starts and one that vanishes, probes the rest, and deletes the DaemonSet', async () => {
    const collection = await loadSnapshot(DRIVER);
    collection.objects.push(gpuNode('gpu-3'));
    served = await serve(collection, { stuckNodes: ['gpu-2'], vanishingNodes: ['gpu-3'] });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'daemonset', '--probe-timeout', '1s']);
    // gpu-2 was not read (incomplete, exit 2); gpu-3 is gone, which is no unread input.
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^gpuctl: incomplete: could not read node gpu-2 \([^\n]+$/);
    expect(r.stderr).not.toMatch(/gpu-3/);
    expect(problemsAbout(r.stdout, 'gpu-2')).toEqual([
      expect.stringMatching(/^node facts not read: the probe pod kube-system\/gpuctl-probe-[0-9a-f]{8}-\w+ did not start within 1s \(--probe-timeout\): phase Pending, no container started/),
    ]);
    expect(problemsAbout(r.stdout, 'gpu-3')).toEqual(['node facts not read: node gpu-3 was deleted while gpuctl probed it (its probe pod went with it)']);
    expect(served.sim.probe!.execs.map((e) => e.node)).toEqual(['gpu-1']);
    expect(served.leftovers()).toEqual([]);
  });

  it('turns a probe image that does not pull into a registry finding', async () => {
    served = await serve(DRIVER, { unpullableImages: ['busybox:1.36'] });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'daemonset']);
    const pull = report(r.stdout).findings.find((f) => f.name === 'image-pull-failing')!;
    expect(pull.subject).toEqual({ kind: 'Image', name: 'docker.io/library/busybox:1.36' });
    expect(pull.severity).toBe('error');
    expect(problemsAbout(r.stdout, 'gpu-2')[0]).toContain('pass --probe-image');
    expect(served.leftovers()).toEqual([]);
  });

  it('removes a DaemonSet left over from an earlier run', async () => {
    const collection = await loadSnapshot(DRIVER);
    const old: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'gpuctl-probe-0badc0de',
        namespace: 'kube-system',
        creationTimestamp: new Date(Date.now() - 86_400_000).toISOString(),
        labels: { 'app.kubernetes.io/managed-by': 'gpuctl', 'gpuctl.io/probe': '0badc0de' },
      },
      spec: {},
    };
    collection.objects.push(old);
    served = await serve(collection);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'daemonset']);
    expect(r.stderr).toBe('gpuctl: removed 1 probe object(s) left over from an earlier run: daemonset kube-system/gpuctl-probe-0badc0de');
    expect(served.leftovers()).toEqual([]);
  });
});

function gpuNode(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'nvidia.com/gpu.present': 'true' } },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

