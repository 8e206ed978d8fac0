import { describe, expect, it } from 'vitest';
import driverImageUnavailable from '../../checks/driver-image-unavailable.js';
import { isSkip } from '../../src/check.js';
import type { Event, KubeObject, Pod } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import { factsOf, gpuNode, pod } from '../helpers/facts.js';

const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator' } };

function driverPod(image: string, node = 'gpu-1', waiting = true): Pod {
  const p = pod('gpu-operator', 'nvidia-driver-daemonset-abcde', {
    spec: { nodeName: node, containers: [{ name: 'nvidia-driver-ctr', image }] },
    labels: { app: 'nvidia-driver-daemonset', 'app.kubernetes.io/part-of': 'nvidia-gpu' },
    status: {
      phase: 'Pending',
      containerStatuses: [{ name: 'nvidia-driver-ctr', image, ready: false, restartCount: 0, state: waiting ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } } : { running: {} } }],
    },
  });
  p.metadata.ownerReferences = [{ kind: 'DaemonSet', name: 'nvidia-driver-daemonset', controller: true }];
  return p;
}

function pullEvent(image: string, message: string): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e1', namespace: 'gpu-operator' },
    involvedObject: { kind: 'Pod', name: 'nvidia-driver-daemonset-abcde', namespace: 'gpu-operator' },
    reason: 'Failed',
    type: 'Warning',
    message: `Failed to pull image "${image}": ${message}`,
    lastTimestamp: '2024-05-01T10:00:00Z',
  };
}

const osNode = (id: string, version: string) =>
  gpuNode('gpu-1', 1, { 'feature.node.kubernetes.io/system-os_release.ID': id, 'feature.node.kubernetes.io/system-os_release.VERSION_ID': version, 'feature.node.kubernetes.io/kernel-version.full': '6.8.0-1008-aws' });

function run(objects: KubeObject[], logs: Record<string, string> = {}): Issue[] {
  const r = driverImageUnavailable.run(factsOf([ns, ...objects], { logs: new Map(Object.entries(logs)) }));
  if (isSkip(r)) throw new Error(r.skip);
  return r;
}

describe('driver-image-unavailable', () => {
  it('a tag for an unsupported OS: says no image is published for it, and that a mirror cannot help', () => {
    const image = 'nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12';
    const [issue, ...rest] = run([osNode('buildroot', '2021.02.12'), driverPod(image), pullEvent(image, `rpc error: code = NotFound desc = failed to resolve reference "${image}": ${image}: not found`)]);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'DaemonSet', name: 'nvidia-driver-daemonset', namespace: 'gpu-operator' } });
    expect(issue!.message).toBe(`The GPU Operator's driver image ${image} does not exist: NVIDIA publishes no driver image for buildroot2021.02.12 (gpu-1)`);
    expect(issue!.evidence).toContain('node gpu-1: feature.node.kubernetes.io/system-os_release.ID=buildroot, feature.node.kubernetes.io/system-os_release.VERSION_ID=2021.02.12 → tag suffix -buildroot2021.02.12');
    expect(issue!.fix!.summary).toContain('a registry mirror cannot help');
    expect(issue!.fix!.commands.at(-1)).toContain('--set driver.enabled=false');
  });

  it('a supported OS without that driver version (CRI-O\'s "manifest unknown" wording)', () => {
    const image = 'nvcr.io/nvidia/driver:550.54.15-ubuntu24.04';
    const [issue] = run([osNode('ubuntu', '24.04'), driverPod(image), pullEvent(image, 'rpc error: code = Unknown desc = reading manifest 550.54.15-ubuntu24.04 in nvcr.io/nvidia/driver: manifest unknown: manifest unknown')]);
    expect(issue!.message).toContain('this driver version is not published for ubuntu24.04');
  });

  it('the driver container finds no packages for the kernel', () => {
    const image = 'nvcr.io/nvidia/driver:550.54.15-ubuntu22.04';
    const [issue] = run([osNode('ubuntu', '22.04'), driverPod(image, 'gpu-1', false)], {
      'gpu-operator/nvidia-driver-daemonset-abcde/nvidia-driver-ctr': 'Installing NVIDIA driver kernel modules...\nResolving Linux kernel version...\nCould not resolve Linux kernel version\n',
    });
    expect(issue!.message).toBe("The GPU Operator's driver container gpu-operator/nvidia-driver-daemonset-abcde finds no driver packages for kernel 6.8.0-1008-aws (ubuntu 22.04) on node gpu-1");
  });

  it('stays quiet for pulls that fail for other reasons, and for other pods whose tag does not exist', () => {
    const image = 'nvcr.io/nvidia/driver:550.54.15-ubuntu22.04';
    expect(run([osNode('ubuntu', '22.04'), driverPod(image), pullEvent(image, 'dial tcp 10.0.0.1:443: i/o timeout')])).toEqual([]);
    const app = pod('ml', 'app', { spec: { nodeName: 'gpu-1', containers: [{ name: 'main', image: 'repo/app:nope' }] }, status: { phase: 'Pending', containerStatuses: [{ name: 'main', image: 'repo/app:nope', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: code = NotFound desc = not found' } } }] } });
    expect(run([osNode('ubuntu', '22.04'), app])).toEqual([]);
  });
});
