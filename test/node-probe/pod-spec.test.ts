// The probe pod's manifest, its name for any node, and how a probe pod's status is read.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/facts/kube.js';
import { permissionText, POD_PROBE_PERMISSIONS } from '../../src/sources/node-probe/access.js';
import { daemonPodNode } from '../../src/sources/node-probe/daemonset.js';
import { probeDaemonSet, probePod, probePodName } from '../../src/sources/node-probe/pod-spec.js';
import { podProgress, pollDelay } from '../../src/sources/node-probe/remote.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

describe('probePodName', () => {
  it('is gpuctl-probe-RUN-NODE for ordinary node names', () => {
    expect(probePodName('1a2b3c4d', 'gpu-1')).toBe('gpuctl-probe-1a2b3c4d-gpu-1');
  });

  it('stays a valid 63-character name, distinct per node, for long FQDN node names', () => {
    const a = probePodName('1a2b3c4d', 'ip-10-0-12-34.cn-north-1.compute.internal.example-long-suffix.local');
    const b = probePodName('1a2b3c4d', 'ip-10-0-12-35.cn-north-1.compute.internal.example-long-suffix.local');
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_SUBDOMAIN);
    }
    expect(a).not.toBe(b);
    expect(probePodName('1a2b3c4d', 'GPU_Node')).toMatch(DNS_LABEL);
  });
});

describe('probe manifests', () => {
  it('pins the pod to its node and bounds its life even if gpuctl dies', () => {
    const pod = probePod('kube-system', 'gpu-1', { runId: 'abcd1234', image: 'busybox:1.36' });
    expect(pod.spec).toMatchObject({ nodeName: 'gpu-1', activeDeadlineSeconds: 900, terminationGracePeriodSeconds: 0, automountServiceAccountToken: false });
    expect(pod.spec!.containers![0]!.command).toEqual(['sh', '-c', 'sleep 900']);
    expect(pod.metadata.annotations).toEqual({ 'gpuctl.io/node': 'gpu-1' });
  });

  it('gives the DaemonSet a selector that matches its template, and no field a DaemonSet rejects', () => {
    const ds = probeDaemonSet('kube-system', ['gpu-1'], { runId: 'abcd1234', image: 'busybox:1.36' });
    for (const [k, v] of Object.entries(ds.spec.selector.matchLabels)) expect(ds.spec.template.metadata.labels[k as keyof typeof ds.spec.template.metadata.labels]).toBe(v);
    expect(ds.spec.template.spec.restartPolicy).toBe('Always');
    expect('activeDeadlineSeconds' in ds.spec.template.spec).toBe(false);
    expect('nodeName' in ds.spec.template.spec).toBe(false);
  });
});

describe('daemonPodNode', () => {
  it('reads the bound node, or before binding the controller’s matchFields term', () => {
    expect(daemonPodNode({ kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'gpu-1' } })).toBe('gpu-1');
    const unbound = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gpu-2'] }] }] } } } },
    } as unknown as Pod;
    expect(daemonPodNode(unbound)).toBe('gpu-2');
    expect(daemonPodNode({ kind: 'Pod', metadata: { name: 'p' }, spec: {} })).toBeUndefined();
  });
});

describe('podProgress', () => {
  const pod = (status: Pod['status']): Pod => ({ kind: 'Pod', metadata: { name: 'p' }, status });

  it('is running only when the probe container runs', () => {
    expect(podProgress(pod({ phase: 'Running', containerStatuses: [{ name: 'probe', state: { running: {} } }] }))).toEqual({ state: 'running' });
    expect(podProgress(pod({ phase: 'Running', containerStatuses: [{ name: 'probe', state: { terminated: { exitCode: 0 } } }] })).state).toBe('pending');
  });

  it('says why a pod waits: not scheduled, a container waiting, or no kubelet has picked it up', () => {
    expect(podProgress(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }))).toEqual({
      state: 'pending',
      detail: 'phase Pending, not scheduled: Unschedulable: 0/3 nodes are available',
    });
    expect(podProgress(pod({ phase: 'Pending', containerStatuses: [{ name: 'probe', state: { waiting: { reason: 'ContainerCreating' } } }] }))).toEqual({
      state: 'pending',
      detail: 'phase Pending, container waiting: ContainerCreating',
    });
    expect(podProgress(pod({ phase: 'Pending' }))).toEqual({ state: 'pending', detail: 'phase Pending, no container started (the node has not picked the pod up)' });
  });

  it('tells an image that does not pull and a pod that ended', () => {
    expect(podProgress(pod({ phase: 'Pending', containerStatuses: [{ name: 'probe', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } }] }))).toEqual({
      state: 'pull-failed',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "x"',
    });
    expect(podProgress(pod({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' }))).toEqual({
      state: 'ended',
      detail: 'phase Failed (DeadlineExceeded: Pod was active on the node longer than the specified deadline)',
    });
  });
});

describe('permissions and polling', () => {
  it('spells permissions as kubectl auth can-i does', () => {
    expect(POD_PROBE_PERMISSIONS.map(permissionText)).toEqual(['create pods', 'get pods', 'list pods', 'delete pods', 'create pods/exec']);
    expect(permissionText({ verb: 'delete', resource: 'daemonsets', group: 'apps' })).toBe('delete daemonsets.apps');
  });

  it('polls quickly at first, then backs off to the cap', () => {
    expect([0, 1, 2, 3, 10].map((n) => pollDelay(n))).toEqual([250, 375, 562.5, 843.75, 2000]);
    expect(pollDelay(10, 500)).toBe(500);
  });
});
