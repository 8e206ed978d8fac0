import { describe, expect, it } from 'vitest';
import toolkitConfigUnsupported from '../../checks/toolkit-config-unsupported.js';
import { isSkip } from '../../src/check.js';
import { toolkitVersionOfImage } from '../../src/data/toolkit-support.js';
import type { Event, KubeObject, Node } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, gpuNode, host, pod } from '../helpers/facts.js';

const ETC = '/etc/containerd/config.toml';
const DROP_IN = '/etc/containerd/conf.d/99-nvidia.toml';
const NVIDIA_V3 = `version = 3
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]
  BinaryName = "/usr/local/nvidia/toolkit/nvidia-container-runtime"
`;

const on = (n: Node, v: string): Node => ({ ...n, status: { ...n.status, nodeInfo: { containerRuntimeVersion: v, kubeletVersion: 'v1.31.2' } } });

function toolkit(image: string) {
  return pod('gpu-operator', 'nvidia-container-toolkit-daemonset-x', {
    spec: { nodeName: 'gpu-1', containers: [{ name: 'nvidia-container-toolkit-ctr', image }] },
    labels: { app: 'nvidia-container-toolkit-daemonset' },
  });
}

function run(objects: KubeObject[], hosts: Record<string, NodeHost>, logs: Record<string, string> = {}): Issue[] {
  const r = toolkitConfigUnsupported.run(factsOf(objects, { nodes: new Map(Object.entries(hosts)), logs: new Map(Object.entries(logs)) }));
  if (isSkip(r)) throw new Error(r.skip);
  return r;
}

describe('toolkit-config-unsupported', () => {
  it('a toolkit before 1.17.4 on a version 3 config, from its log and from the facts alone', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://2.1.5');
    const hosts = { 'gpu-1': host({ [ETC]: 'version = 3\n' }) };
    const log = 'time="2026-01-21T12:32:09Z" level=fatal msg="Error: unable to load config: unsupported config version: 3"\n';
    const [issue] = run([node, toolkit('nvcr.io/nvidia/k8s/container-toolkit:v1.14.6-centos7')], hosts, { 'gpu-operator/nvidia-container-toolkit-daemonset-x/nvidia-container-toolkit-ctr': log });
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe("Node gpu-1: the NVIDIA Container Toolkit 1.14.6 cannot edit containerd's config version 3 (supported from toolkit 1.17.4), so the nvidia runtime is never added");
    expect(issue!.evidence![0]).toBe(`log of gpu-operator/nvidia-container-toolkit-daemonset-x container nvidia-container-toolkit-ctr: ${log.trim()}`);
    expect(run([node, toolkit('nvcr.io/nvidia/k8s/container-toolkit:v1.16.2-ubuntu20.04')], hosts)).toHaveLength(1);
    expect(run([node, toolkit('nvcr.io/nvidia/k8s/container-toolkit:v1.17.4-ubuntu20.04')], hosts)).toEqual([]);
    expect(run([on(gpuNode('gpu-1'), 'containerd://1.7.20'), toolkit('nvcr.io/nvidia/k8s/container-toolkit:v1.14.6-centos7')], { 'gpu-1': host({ [ETC]: 'version = 2\n' }) })).toEqual([]);
  });

  it('a drop-in of a higher version than the root config, which containerd refuses (config dump exit code and stderr)', () => {
    const files = { [ETC]: `imports = ["/etc/containerd/conf.d/*.toml"]\nversion = 2\n`, [DROP_IN]: NVIDIA_V3.replace('version = 3', 'version = 4') };
    const dump = { stdout: '', exitCode: 1, stderr: 'containerd: drop-in config version 4 higher than root config version 2\n' };
    const [issue] = run([on(gpuNode('gpu-1'), 'containerd://2.3.0')], { 'gpu-1': host(files, { 'containerd-config-dump': dump }) });
    expect(issue!.message).toBe(`Node gpu-1: the toolkit's drop-in ${DROP_IN} declares a newer config version than ${ETC}, and containerd refuses to load it`);
    expect(issue!.evidence).toContain('`containerd config dump` on gpu-1 (exit 1): containerd: drop-in config version 4 higher than root config version 2');
  });

  it('a toolkit drop-in that the root config does not import', () => {
    const [issue] = run([on(gpuNode('gpu-1'), 'containerd://2.0.4')], { 'gpu-1': host({ [ETC]: 'version = 3\n', [DROP_IN]: NVIDIA_V3 }) });
    expect(issue!.message).toBe(`Node gpu-1: the toolkit wrote its nvidia runtime to ${DROP_IN}, where ${ETC}'s imports do not look`);
  });

  it('libnvidia-container too old for cgroup v2, or pointed at another distribution\'s ldconfig, from a pod event', () => {
    const ev = (message: string): Event => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ml' }, involvedObject: { kind: 'Pod', name: 'app', namespace: 'ml' }, reason: 'Failed', type: 'Warning', message });
    const app = pod('ml', 'app', { spec: { nodeName: 'gpu-1', containers: [{ name: 'main', image: 'cuda' }] } });
    const cgroup = run([gpuNode('gpu-1'), app, ev('Error: failed to create containerd task: OCI runtime create failed: nvidia-container-cli: container error: cgroup subsystem devices not found: unknown')], {});
    expect(cgroup[0]!.message).toBe('Node gpu-1: the NVIDIA Container Toolkit is too old for this cgroup v2 host (cgroup v2 support from 1.8.0)');
    const ld = run([gpuNode('gpu-1'), app, ev('nvidia-container-cli: ldcache error: open failed: /sbin/ldconfig.real: no such file or directory: unknown')], {});
    expect(ld[0]!.message).toBe("Node gpu-1: the toolkit's config names ldconfig /sbin/ldconfig.real, which this host does not have");
  });

  it('stays quiet on a healthy containerd 2 node with an imported drop-in and a current toolkit', () => {
    const files = { [ETC]: `imports = ["/etc/containerd/conf.d/*.toml"]\nversion = 3\n`, [DROP_IN]: NVIDIA_V3 };
    expect(run([on(gpuNode('gpu-1'), 'containerd://2.0.4'), toolkit('nvcr.io/nvidia/k8s/container-toolkit:v1.18.1')], { 'gpu-1': host(files) })).toEqual([]);
  });

  it('reads the toolkit version from image tags', () => {
    expect(toolkitVersionOfImage('nvcr.io/nvidia/k8s/container-toolkit:v1.14.6-centos7')).toBe('1.14.6');
    expect(toolkitVersionOfImage('registry:5000/nvidia/container-toolkit:1.17.4')).toBe('1.17.4');
    expect(toolkitVersionOfImage('nvcr.io/nvidia/k8s/container-toolkit@sha256:abc')).toBeUndefined();
  });
});
