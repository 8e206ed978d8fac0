import { describe, expect, it } from 'vitest';
import nvidiaRuntimeNotSelected from '../../checks/nvidia-runtime-not-selected.js';
import { isSkip } from '../../src/check.js';
import type { KubeObject, Node, Pod, RuntimeClass } from '../../src/facts/kube.js';
import { flavorOf } from '../../src/facts/runtime/containerd-paths.js';
import type { Issue } from '../../src/model.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, gpuNode, host, pod } from '../helpers/facts.js';

const ETC = '/etc/containerd/config.toml';
const K3S = '/var/lib/rancher/k3s/agent/etc/containerd/config.toml';
const RKE2 = '/var/lib/rancher/rke2/agent/etc/containerd/config.toml';

const config = (defaultRuntime: string, extra = '') => `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "${defaultRuntime}"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."nvidia"]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."nvidia".options]
  BinaryName = "/usr/bin/nvidia-container-runtime"
${extra}`;
const RUNC_DEFAULT = config('runc');

function on(n: Node, runtime: string, kubelet: string): Node {
  return { ...n, status: { ...n.status, nodeInfo: { containerRuntimeVersion: runtime, kubeletVersion: kubelet } } };
}

function rc(name: string, handler: string): RuntimeClass {
  return { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler };
}

function gpuPod(name: string, nodeName: string, fields: { runtimeClassName?: string; phase?: string; owner?: string } = {}): Pod {
  const p = pod('ml', name, {
    spec: { nodeName, runtimeClassName: fields.runtimeClassName, containers: [{ name: 'main', image: 'cuda', resources: { limits: { 'nvidia.com/gpu': '1' } } }] },
    status: { phase: fields.phase ?? 'Running' },
    labels: fields.owner ? { 'pod-template-hash': '7d9c8b6f5' } : {},
  });
  if (fields.owner) p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: `${fields.owner}-7d9c8b6f5`, uid: 'u', controller: true }];
  return p;
}

function devicePlugin(nodeName: string, env: Record<string, string> = {}, runtimeClassName?: string): Pod {
  const p = pod('kube-system', `nvidia-device-plugin-daemonset-${nodeName}`, {
    spec: { nodeName, runtimeClassName, containers: [{ name: 'nvidia-device-plugin-ctr', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.14.0', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
    labels: { name: 'nvidia-device-plugin-ds' },
  });
  p.metadata.ownerReferences = [{ kind: 'DaemonSet', name: 'nvidia-device-plugin-daemonset', uid: 'u', controller: true }];
  return p;
}

function run(objects: KubeObject[], hosts: Record<string, NodeHost>, logs: Record<string, string> = {}): Issue[] {
  const result = nvidiaRuntimeNotSelected.run(factsOf(objects, { nodes: new Map(Object.entries(hosts)), logs: new Map(Object.entries(logs)) }));
  if (isSkip(result)) throw new Error(result.skip);
  return result;
}

describe('nvidia-runtime-not-selected', () => {
  it('fires for a device plugin that names no RuntimeClass on a k3s node whose default stays runc, quoting its NVML error', () => {
    const node = on(gpuNode('nuc-gpu'), 'containerd://1.7.1-k3s1', 'v1.27.2+k3s1');
    const log = 'I0608 19:40:11.000477       1 factory.go:107] Detected non-NVML platform: could not load NVML library: libnvidia-ml.so.1: cannot open shared object file: No such file or directory\n';
    const plugin = devicePlugin('nuc-gpu');
    const [issue, ...rest] = run([node, plugin, rc('nvidia', 'nvidia')], { 'nuc-gpu': host({ [K3S]: RUNC_DEFAULT }) }, { [`kube-system/${plugin.metadata.name}/nvidia-device-plugin-ctr`]: log });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'nuc-gpu' } });
    expect(issue!.message).toBe(`Node nuc-gpu: the nvidia runtime is configured but not used: 1 GPU pod runs under runc without the NVIDIA libraries (Pod kube-system/${plugin.metadata.name})`);
    expect(issue!.evidence).toEqual(
      expect.arrayContaining([
        `runtime config read from ${K3S} (config version 2)`,
        `default runtime: runc; NVIDIA runtimes: nvidia (/usr/bin/nvidia-container-runtime) in ${K3S}`,
        'RuntimeClass nvidia selects handler nvidia',
        `Pod kube-system/${plugin.metadata.name} NVIDIA device plugin (opens the GPU through NVML): no runtimeClassName → the default runtime runc`,
        `log of kube-system/${plugin.metadata.name} container nvidia-device-plugin-ctr: ${log.trim()}`,
      ]),
    );
    expect(issue!.fix!.commands).toEqual([
      `kubectl -n kube-system patch daemonset nvidia-device-plugin-daemonset --type=merge -p '{"spec":{"template":{"spec":{"runtimeClassName":"nvidia"}}}}'`,
      "echo 'default-runtime: nvidia' | sudo tee -a /etc/rancher/k3s/config.yaml",
      'sudo systemctl restart k3s-agent',
    ]);
  });

  it('fires for a workload whose RuntimeClass points at runc, and creates the missing nvidia RuntimeClass in the fix', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://1.7.12', 'v1.30.2');
    const [issue] = run([node, rc('fast', 'runc'), gpuPod('train-0', 'gpu-1', { runtimeClassName: 'fast', owner: 'train' })], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) });
    expect(issue!.evidence).toContain('Pod ml/train-0 requests nvidia.com/gpu: runtimeClassName: fast → handler runc');
    expect(issue!.evidence).toContain('no RuntimeClass has handler nvidia');
    expect(issue!.fix!.commands[0]).toContain('kind: RuntimeClass\nmetadata:\n  name: nvidia\nhandler: nvidia');
    expect(issue!.fix!.commands).toContain(`kubectl -n ml patch deployment train --type=merge -p '{"spec":{"template":{"spec":{"runtimeClassName":"nvidia"}}}}'`);
    expect(issue!.fix!.commands).toContain(`sudo nvidia-ctk runtime configure --runtime=containerd --set-as-default --config=${ETC}`);
  });

  it('counts a failed CUDA pod but not one that succeeded (it evidently had its GPU)', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://1.7.12', 'v1.30.2');
    const hosts = { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) };
    expect(run([node, gpuPod('vectoradd', 'gpu-1', { phase: 'Failed' })], hosts)).toHaveLength(1);
    expect(run([node, gpuPod('vectoradd', 'gpu-1', { phase: 'Succeeded' })], hosts)).toEqual([]);
  });

  it('stays quiet when the pods select the nvidia handler, or nvidia is the default', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://1.7.12', 'v1.30.2');
    expect(run([node, rc('nvidia', 'nvidia'), gpuPod('a', 'gpu-1', { runtimeClassName: 'nvidia' }), devicePlugin('gpu-1', {}, 'nvidia')], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) })).toEqual([]);
    expect(run([node, gpuPod('a', 'gpu-1'), devicePlugin('gpu-1')], { 'gpu-1': host({ [ETC]: config('nvidia') }) })).toEqual([]);
  });

  it('leaves other causes to their checks: no NVIDIA runtime, an absent RuntimeClass, an undefined handler, no node config', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://1.7.12', 'v1.30.2');
    const runcOnly = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n';
    expect(run([node, gpuPod('a', 'gpu-1')], { 'gpu-1': host({ [ETC]: runcOnly }) })).toEqual([]);
    expect(run([node, gpuPod('a', 'gpu-1', { runtimeClassName: 'nvidia' })], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) })).toEqual([]);
    expect(run([node, rc('kata', 'kata'), gpuPod('a', 'gpu-1', { runtimeClassName: 'kata' })], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) })).toEqual([]);
    expect(run([node, gpuPod('a', 'gpu-1')], {})).toEqual([]);
  });

  it('stays quiet about pods that use no GPU', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://1.7.12', 'v1.30.2');
    const coredns = pod('kube-system', 'coredns-1', { spec: { nodeName: 'gpu-1', containers: [{ name: 'coredns', image: 'coredns' }] } });
    expect(run([node, coredns], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) })).toEqual([]);
  });

  it('under CDI (device plugin cdi-cri) workloads may run under runc, the plugin itself still needs the runtime', () => {
    const node = on(gpuNode('gpu-1'), 'containerd://2.0.4', 'v1.31.2');
    const plugin = devicePlugin('gpu-1', { DEVICE_LIST_STRATEGY: 'cdi-cri' });
    const [issue, ...rest] = run([node, plugin, gpuPod('a', 'gpu-1')], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) });
    expect(rest).toEqual([]);
    expect(issue!.message).toContain(`(Pod kube-system/${plugin.metadata.name})`);
    expect(run([node, devicePlugin('gpu-1', { DEVICE_LIST_STRATEGY: 'cdi-cri' }, 'nvidia'), rc('nvidia', 'nvidia'), gpuPod('a', 'gpu-1')], { 'gpu-1': host({ [ETC]: RUNC_DEFAULT }) })).toEqual([]);
  });

  it('RKE2 with the GPU Operator: the toolkit must write the template (the fix of gpu-operator#473)', () => {
    const node = on(gpuNode('rke2-gpu-01'), 'containerd://1.6.12-k3s1', 'v1.26.0+rke2r1');
    const policy: KubeObject = { apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: {} };
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator' } };
    const [issue] = run([node, policy, ns, gpuPod('vectoradd', 'rke2-gpu-01', { phase: 'Failed' })], { 'rke2-gpu-01': host({ [RKE2]: RUNC_DEFAULT }) });
    expect(issue!.fix!.commands.at(-1)).toContain("--set 'toolkit.env[0].value=/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl'");
  });
});

describe('the containerd flavor of a node', () => {
  it('is RKE2 when the kubelet says so, although RKE2 ships k3s\' containerd build', () => {
    expect(flavorOf(host({ [RKE2]: '' }), { containerRuntimeVersion: 'containerd://1.6.12-k3s1', kubeletVersion: 'v1.26.0+rke2r1' })).toBe('rke2');
    expect(flavorOf(host({}), { containerRuntimeVersion: 'containerd://1.6.12-k3s1', kubeletVersion: 'v1.26.0+rke2r1' })).toBe('rke2');
    expect(flavorOf(host({ [RKE2]: '' }), { containerRuntimeVersion: 'containerd://1.6.12-k3s1' })).toBe('rke2');
    expect(flavorOf(host({}), { containerRuntimeVersion: 'containerd://1.7.1-k3s1', kubeletVersion: 'v1.27.2+k3s1' })).toBe('k3s');
    expect(flavorOf(host({ [ETC]: '' }), { containerRuntimeVersion: 'containerd://1.7.12', kubeletVersion: 'v1.30.2' })).toBe('containerd');
  });
});
