import { describe, expect, it } from 'vitest';
import containerdConfigInvalid from '../../checks/containerd-config-invalid.js';
import nvidiaRuntimeMissing from '../../checks/nvidia-runtime-missing.js';
import runtimeBinaryMissing from '../../checks/runtime-binary-missing.js';
import runtimeclassMissing from '../../checks/runtimeclass-missing.js';
import { isSkip } from '../../src/check.js';
import type { Event, Node, RuntimeClass } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, gpuNode, host, node, pod } from '../helpers/facts.js';

const ETC = '/etc/containerd/config.toml';
const SANDBOX_ERROR = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured';

const RUNC_ONLY = `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true
`;
const nvidiaRuntime = (name = 'nvidia', binary = '/usr/bin/nvidia-container-runtime') => `
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."${name}"]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes."${name}".options]
    BinaryName = "${binary}"
`;
const WITH_NVIDIA = RUNC_ONLY + nvidiaRuntime();

function withRuntime(n: Node, version: string, kubelet = 'v1.30.2'): Node {
  return { ...n, status: { ...n.status, nodeInfo: { containerRuntimeVersion: version, kubeletVersion: kubelet } } };
}

function sandboxEvent(namespace: string, podName: string, nodeName?: string, message = SANDBOX_ERROR): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.17a`, namespace },
    involvedObject: { kind: 'Pod', name: podName, namespace },
    reason: 'FailedCreatePodSandBox',
    message,
    type: 'Warning',
    count: 14,
    lastTimestamp: '2024-03-02T10:00:00Z',
    source: nodeName ? { component: 'kubelet', host: nodeName } : { component: 'kubelet' },
  };
}

function runtimeClass(name: string, handler: string): RuntimeClass {
  return { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler };
}

function nodesOf(entries: Record<string, NodeHost>) {
  return { nodes: new Map(Object.entries(entries)) };
}

function issues(result: Issue[] | { skip: string }): Issue[] {
  if (isSkip(result)) throw new Error(`unexpected skip: ${result.skip}`);
  return result;
}

describe('nvidia-runtime-missing', () => {
  it('fires from events alone, with no node files, on the node the kubelet runs on', () => {
    const facts = factsOf([gpuNode('z-k8s-n-1'), sandboxEvent('gpu-operator', 'nvidia-operator-validator-rbmwr', 'z-k8s-n-1')]);
    const [issue, ...rest] = issues(nvidiaRuntimeMissing.run(facts));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'z-k8s-n-1' } });
    expect(issue!.message).toContain('1 pod cannot start (gpu-operator/nvidia-operator-validator-rbmwr)');
    expect(issue!.evidence![0]).toBe(`event FailedCreatePodSandBox, kubelet on z-k8s-n-1, x14, 2024-03-02T10:00:00Z on Pod gpu-operator/nvidia-operator-validator-rbmwr: ${SANDBOX_ERROR}`);
    expect(issue!.evidence!.join('\n')).toContain('no runtime config collected from node z-k8s-n-1');
    expect(issue!.fix!.commands).toEqual(['sudo nvidia-ctk runtime configure --runtime=containerd', 'sudo systemctl restart containerd']);
  });

  it('with no config read, the fix follows the runtime the Node reports: CRI-O\'s commands on a CRI-O node, k3s\' on k3s, containerd\'s on containerd', () => {
    const fixOn = (runtime: string, kubelet?: string) => {
      const [issue] = issues(nvidiaRuntimeMissing.run(factsOf([withRuntime(gpuNode('gpu-1'), runtime, kubelet), sandboxEvent('default', 'cuda-vectoradd', 'gpu-1')])));
      return issue!;
    };
    const crio = fixOn('cri-o://1.29.1');
    expect(crio.message).toBe('Node gpu-1: CRI-O has no "nvidia" runtime: 1 pod cannot start (default/cuda-vectoradd)');
    expect(crio.fix!.commands).toEqual(['sudo nvidia-ctk runtime configure --runtime=crio --drop-in-config=/etc/crio/crio.conf.d/99-nvidia.toml', 'sudo systemctl restart crio']);
    expect(JSON.stringify([crio.message, crio.fix])).not.toContain('containerd');
    const k3s = fixOn('containerd://1.7.11-k3s2', 'v1.29.0+k3s1');
    expect(k3s.fix!.commands).toEqual(['ls -l /usr/bin/nvidia-container-runtime || sudo apt-get install -y nvidia-container-toolkit', 'sudo systemctl restart k3s-agent']);
    expect(k3s.fix!.summary).toContain('k3s adds the nvidia runtime to its containerd config by itself');
    const containerd = fixOn('containerd://1.7.12');
    expect(containerd.fix!.commands).toEqual(['sudo nvidia-ctk runtime configure --runtime=containerd', 'sudo systemctl restart containerd']);
    expect(JSON.stringify(containerd.fix)).not.toContain('crio');
  });

  it('names the pod when the event does not say which node', () => {
    const facts = factsOf([sandboxEvent('default', 'cuda-vectoradd')]);
    expect(issues(nvidiaRuntimeMissing.run(facts))).toMatchObject([{ subject: { kind: 'Pod', name: 'cuda-vectoradd', namespace: 'default' } }]);
  });

  it('fires from the node config: containerd without an nvidia runtime, saying which file it read', () => {
    const facts = factsOf([withRuntime(gpuNode('gpu-1'), 'containerd://1.7.12')], nodesOf({ 'gpu-1': host({ [ETC]: RUNC_ONLY }) }));
    const [issue] = issues(nvidiaRuntimeMissing.run(facts));
    expect(issue!.message).toBe('Node gpu-1: the containerd config defines no nvidia runtime, so containers cannot use the GPU through the NVIDIA Container Runtime');
    expect(issue!.evidence).toEqual(expect.arrayContaining([`runtime config read from ${ETC} (config version 2)`, 'runtimes: runc', 'default runtime: runc']));
    expect(issue!.fix!.commands).toContain('sudo nvidia-ctk runtime configure --runtime=containerd');
  });

  it('finds the drop-in that nothing imports (the GPU Operator toolkit case) and fixes the import', () => {
    const files = { [ETC]: RUNC_ONLY, '/etc/containerd/conf.d/99-nvidia.toml': WITH_NVIDIA };
    const facts = factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host(files) }));
    const [issue] = issues(nvidiaRuntimeMissing.run(facts));
    expect(issue!.message).toBe(`Node gpu-1: the nvidia runtime is defined in /etc/containerd/conf.d/99-nvidia.toml, which containerd does not read (not imported by ${ETC})`);
    expect(issue!.fix!.commands).toEqual([`sudo sed -i '1i imports = ["/etc/containerd/conf.d/*.toml"]' ${ETC}`, 'sudo systemctl restart containerd']);
  });

  it('does not import a partial drop-in on containerd 1.x, which would wipe the CRI section: appends the runtime instead', () => {
    const files = { [ETC]: RUNC_ONLY, '/etc/containerd/conf.d/99-nvidia.toml': 'version = 2\n' + nvidiaRuntime() };
    const facts = factsOf([withRuntime(gpuNode('gpu-1'), 'containerd://1.6.20')], nodesOf({ 'gpu-1': host(files) }));
    const [issue] = issues(nvidiaRuntimeMissing.run(facts));
    expect(issue!.fix!.summary).toContain('would replace the whole CRI section of /etc/containerd/config.toml');
    expect(issue!.fix!.commands[0]).toBe(`sudo tee -a ${ETC} <<'EOF'\n[plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.'nvidia']\n  runtime_type = "io.containerd.runc.v2"\n[plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.'nvidia'.options]\n  BinaryName = "/usr/bin/nvidia-container-runtime"\n  SystemdCgroup = true\nEOF`);
    // containerd 2.x merges per key: importing is safe there.
    const on2 = issues(nvidiaRuntimeMissing.run(factsOf([withRuntime(gpuNode('gpu-1'), 'containerd://2.1.0')], nodesOf({ 'gpu-1': host(files) }))));
    expect(on2[0]!.fix!.commands[0]).toBe(`sudo sed -i '1i imports = ["/etc/containerd/conf.d/*.toml"]' ${ETC}`);
  });

  it('says containerd was not restarted when the config has nvidia but the kubelet says it has not', () => {
    const facts = factsOf([gpuNode('gpu-1'), sandboxEvent('default', 'gpu-job-x7k2p', 'gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: WITH_NVIDIA }) }));
    const [issue] = issues(nvidiaRuntimeMissing.run(facts));
    expect(issue!.message).toContain('containerd reports no "nvidia" runtime although its config defines one (nvidia in /etc/containerd/config.toml)');
    expect(issue!.fix!.commands).toEqual(['sudo systemctl restart containerd', 'kubectl delete pod -n default gpu-job-x7k2p']);
  });

  it('k3s: restarts the agent (k3s adds the runtime itself) or edits its template', () => {
    const k3sConfig = '/var/lib/rancher/k3s/agent/etc/containerd/config.toml';
    const agent = withRuntime(gpuNode('edge-1'), 'containerd://1.7.15-k3s1', 'v1.29.4+k3s1');
    const plain = issues(nvidiaRuntimeMissing.run(factsOf([agent], nodesOf({ 'edge-1': host({ [k3sConfig]: RUNC_ONLY }) }))));
    expect(plain[0]!.fix!.commands).toEqual(['ls -l /usr/bin/nvidia-container-runtime || sudo apt-get install -y nvidia-container-toolkit', 'sudo systemctl restart k3s-agent']);
    const template = { [k3sConfig]: RUNC_ONLY, '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl': '{{ template "base" . }}\n' };
    const templated = issues(nvidiaRuntimeMissing.run(factsOf([agent], nodesOf({ 'edge-1': host(template) }))));
    expect(templated[0]!.fix!.commands[0]).toMatch(/^sudo tee -a \/var\/lib\/rancher\/k3s\/agent\/etc\/containerd\/config\.toml\.tmpl <<'EOF'\n\[plugins\.'io\.containerd\.grpc\.v1\.cri'\.containerd\.runtimes\.'nvidia'\]/);
  });

  it('docker nodes: reads daemon.json and configures docker', () => {
    const facts = factsOf([withRuntime(gpuNode('gpu-d'), 'docker://24.0.7')], nodesOf({ 'gpu-d': host({ '/etc/docker/daemon.json': '{"exec-opts": ["native.cgroupdriver=systemd"]}' }) }));
    const [issue] = issues(nvidiaRuntimeMissing.run(facts));
    expect(issue!.message).toContain('the docker config defines no nvidia runtime');
    expect(issue!.fix!.commands).toEqual(['sudo nvidia-ctk runtime configure --runtime=docker', 'sudo systemctl restart docker']);
  });

  it('is quiet when GPU nodes have the runtime, and about CPU nodes without it', () => {
    const facts = factsOf([gpuNode('gpu-1'), node('cpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: WITH_NVIDIA }), 'cpu-1': host({ [ETC]: RUNC_ONLY }) }));
    expect(nvidiaRuntimeMissing.run(facts)).toEqual([]);
  });

  it('counts a runtime under another name that runs nvidia-container-runtime', () => {
    const facts = factsOf([gpuNode('aks-gpu')], nodesOf({ 'aks-gpu': host({ [ETC]: RUNC_ONLY + nvidiaRuntime('nvidia-container-runtime') }) }));
    expect(nvidiaRuntimeMissing.run(facts)).toEqual([]);
  });

  it('skips when it could look neither at events nor at a node config', () => {
    const result = nvidiaRuntimeMissing.run(factsOf([gpuNode('gpu-1')]));
    expect(isSkip(result) && result.skip).toContain('no GPU node\'s runtime config was collected');
    const broken = nvidiaRuntimeMissing.run(factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: 'version = 2\n[plugins\n' }) })));
    expect(isSkip(broken) && broken.skip).toContain('the runtime config of gpu-1 does not load (see containerd-config-invalid)');
  });
});

describe('runtime-binary-missing', () => {
  const toolkit = RUNC_ONLY.replace('default_runtime_name = "runc"', 'default_runtime_name = "nvidia"') + nvidiaRuntime('nvidia', '/usr/local/nvidia/toolkit/nvidia-container-runtime');

  it('fires when the GPU Operator toolkit binary the default runtime names is gone', () => {
    const facts = factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: toolkit }, { 'runtime-binaries': '/usr/bin/runc\n' }) }));
    const [issue, ...rest] = issues(runtimeBinaryMissing.run(facts));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' }, message: 'Node gpu-1: runtime "nvidia" runs /usr/local/nvidia/toolkit/nvidia-container-runtime, which does not exist on the node' });
    expect(issue!.evidence).toEqual(expect.arrayContaining([
      `${ETC}: runtime "nvidia" (io.containerd.runc.v2) → /usr/local/nvidia/toolkit/nvidia-container-runtime`,
      'probe runtime-binaries lists the runtime binaries that exist: /usr/bin/runc',
      '"nvidia" is the default runtime: every pod without a runtimeClassName uses it',
    ]));
    expect(issue!.fix!.commands[0]).toContain('app=nvidia-container-toolkit-daemonset');
  });

  it('is quiet when the binaries exist', () => {
    const facts = factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: toolkit }, { 'runtime-binaries': '/usr/bin/runc\n/usr/local/nvidia/toolkit/nvidia-container-runtime\n' }) }));
    expect(runtimeBinaryMissing.run(facts)).toEqual([]);
  });

  it('skips without existence facts, and without configs', () => {
    const noProbe = runtimeBinaryMissing.run(factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: toolkit }) })));
    expect(isSkip(noProbe) && noProbe.skip).toContain('runtime-binaries probe output is missing');
    const nothing = runtimeBinaryMissing.run(factsOf([gpuNode('gpu-1')]));
    expect(isSkip(nothing) && nothing.skip).toContain('no node runtime config was collected');
  });
});

describe('runtimeclass-missing', () => {
  const gpuPod = pod('default', 'test-job-gpu-abc12', { spec: { runtimeClassName: 'nvidia', nodeName: 'gpu-1', containers: [{ name: 'nvidia-test', image: 'nvidia/cuda:12.0.0-base-ubuntu22.04' }] }, status: { phase: 'Pending' } });

  it('fires when pods use a RuntimeClass that does not exist, with the YAML to create it', () => {
    const [issue] = issues(runtimeclassMissing.run(factsOf([gpuNode('gpu-1'), gpuPod])));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'RuntimeClass', name: 'nvidia' } });
    expect(issue!.message).toBe('RuntimeClass "nvidia" does not exist, but 1 object uses it (Pod default/test-job-gpu-abc12)');
    expect(issue!.fix!.commands[0]).toBe("kubectl apply -f - <<'EOF'\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: nvidia\nhandler: nvidia\nEOF");
  });

  it('fires from the admission rejection on the controller, when no pod exists at all', () => {
    const rejected: Event = {
      kind: 'Event',
      metadata: { name: 'gpu-app-5d8f.17b', namespace: 'ml' },
      involvedObject: { kind: 'ReplicaSet', name: 'gpu-app-5d8f', namespace: 'ml' },
      reason: 'FailedCreate',
      message: 'Error creating: pods "gpu-app-5d8f-" is forbidden: pod rejected: RuntimeClass "nvidia-cdi" not found',
      type: 'Warning',
    };
    const [issue] = issues(runtimeclassMissing.run(factsOf([rejected, runtimeClass('nvidia', 'nvidia')])));
    expect(issue).toMatchObject({ subject: { kind: 'RuntimeClass', name: 'nvidia-cdi' } });
    expect(issue!.evidence).toEqual(expect.arrayContaining(['RuntimeClasses in the cluster: nvidia', 'ReplicaSet ml/gpu-app-5d8f: runtimeClassName: nvidia-cdi']));
  });

  it('reads the kubelet\'s spelling too (RuntimeClass deleted after the pod was admitted)', () => {
    const kubelet = sandboxEvent('default', 'p', 'gpu-1', 'Failed to create pod sandbox: runtimeclass.node.k8s.io "nvidia" not found');
    expect(issues(runtimeclassMissing.run(factsOf([gpuNode('gpu-1'), kubelet])))).toMatchObject([{ subject: { kind: 'RuntimeClass', name: 'nvidia' } }]);
  });

  it('fires when the handler is not a runtime on the node, and names the runtime the node has', () => {
    const facts = factsOf([gpuNode('aks-gpu'), runtimeClass('nvidia', 'nvidia'), { ...gpuPod, spec: { ...gpuPod.spec, nodeName: 'aks-gpu' } }], nodesOf({ 'aks-gpu': host({ [ETC]: RUNC_ONLY + nvidiaRuntime('nvidia-container-runtime') }) }));
    const [issue] = issues(runtimeclassMissing.run(facts));
    expect(issue!.message).toBe('RuntimeClass nvidia: handler "nvidia" is not a runtime of containerd on node aks-gpu (its NVIDIA runtime is called "nvidia-container-runtime")');
    expect(issue!.fix!.commands[0]).toBe('kubectl delete runtimeclass nvidia');
    expect(issue!.fix!.commands[1]).toContain('handler: nvidia-container-runtime');
  });

  it('fires from the kubelet event for a handler other than nvidia when no node config was read', () => {
    const facts = factsOf([gpuNode('gpu-1'), runtimeClass('nvidia-cdi', 'nvidia-cdi'), sandboxEvent('default', 'p', 'gpu-1', SANDBOX_ERROR.replace('"nvidia"', '"nvidia-cdi"'))]);
    const [issue] = issues(runtimeclassMissing.run(facts));
    expect(issue!.message).toBe('RuntimeClass nvidia-cdi: the kubelet on gpu-1 has no runtime "nvidia-cdi" configured');
  });

  it('is quiet when the RuntimeClass exists and the node has its handler', () => {
    const facts = factsOf([gpuNode('gpu-1'), runtimeClass('nvidia', 'nvidia'), gpuPod], nodesOf({ 'gpu-1': host({ [ETC]: WITH_NVIDIA }) }));
    expect(runtimeclassMissing.run(facts)).toEqual([]);
  });

  it('leaves a node with no NVIDIA runtime at all to nvidia-runtime-missing', () => {
    const facts = factsOf([gpuNode('gpu-1'), runtimeClass('nvidia', 'nvidia'), gpuPod], nodesOf({ 'gpu-1': host({ [ETC]: RUNC_ONLY }) }));
    expect(runtimeclassMissing.run(facts)).toEqual([]);
  });
});

describe('containerd-config-invalid', () => {
  it('reports a duplicate table with file and line', () => {
    const facts = factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: WITH_NVIDIA + nvidiaRuntime() }) }));
    const [issue, ...rest] = issues(containerdConfigInvalid.run(facts));
    expect(rest).toEqual([]);
    const line = WITH_NVIDIA.split('\n').length + 1; // the appended copy's header
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe(`Node gpu-1: ${ETC} line ${line}, column 1: table [plugins."io.containerd.grpc.v1.cri".containerd.runtimes."nvidia"] is defined twice (lines 9 and ${line})`);
    expect(issue!.fix!.commands).toContain(`sudo containerd --config ${ETC} config dump >/dev/null`);
  });

  it('reports containerd\'s own error from a failed dump', () => {
    const dump = { stdout: '', exitCode: 1, stderr: `containerd: failed to load TOML: ${ETC}: (3, 14): no value can start with i\n` };
    const facts = factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({}, { 'containerd-config-dump': dump }) }));
    expect(issues(containerdConfigInvalid.run(facts))).toMatchObject([{ severity: 'error', message: `Node gpu-1: ${ETC} line 3, column 14: containerd config dump: no value can start with i` }]);
  });

  it('warns about a drop-in nothing imports and an imports glob that matches nothing', () => {
    const files = { [ETC]: 'version = 2\nimports = ["/etc/containerd/config.d/*.toml"]\n', '/etc/containerd/conf.d/99-nvidia.toml': 'version = 2\n' + nvidiaRuntime() };
    const found = issues(containerdConfigInvalid.run(factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host(files) }))));
    expect(found.map((i) => i.severity)).toEqual(['warning', 'warning']);
    expect(found[0]!.message).toContain('imports entry "/etc/containerd/config.d/*.toml" matches no file');
    expect(found[1]!.message).toContain('drop-in /etc/containerd/conf.d/99-nvidia.toml exists but /etc/containerd/config.toml does not import it');
  });

  it('daemon.json that is not JSON: an error on docker nodes, a warning elsewhere', () => {
    const broken = { '/etc/docker/daemon.json': '{ "runtimes": { "nvidia": { "path": "nvidia-container-runtime" } }\n' };
    const onDocker = issues(containerdConfigInvalid.run(factsOf([withRuntime(gpuNode('d'), 'docker://24.0.7')], nodesOf({ d: host(broken) }))));
    expect(onDocker).toMatchObject([{ severity: 'error' }]);
    expect(onDocker[0]!.message).toContain('/etc/docker/daemon.json');
    const onContainerd = issues(containerdConfigInvalid.run(factsOf([withRuntime(gpuNode('c'), 'containerd://1.7.1')], nodesOf({ c: host({ ...broken, [ETC]: WITH_NVIDIA }) }))));
    expect(onContainerd).toMatchObject([{ severity: 'warning' }]);
  });

  it('names v2 plugin ids in a version 3 config on containerd 2.x, and declares version 2 to fix it', () => {
    const v3WithV2Ids = WITH_NVIDIA.replace('version = 2', 'version = 3');
    const facts = factsOf([withRuntime(gpuNode('gpu-1'), 'containerd://2.0.4')], nodesOf({ 'gpu-1': host({ [ETC]: v3WithV2Ids }) }));
    const found = issues(containerdConfigInvalid.run(facts));
    expect(found).toMatchObject([{ severity: 'error' }]);
    expect(found[0]!.message).toContain('version 3 config with version 2 plugin ids');
    expect(found[0]!.fix!.commands[0]).toBe(`sudo sed -i 's/^version *= *[0-9]*/version = 2/' ${ETC}`);
    // …and the nvidia runtime written there does not count.
    expect(issues(nvidiaRuntimeMissing.run(facts))[0]!.message).toContain('defines no nvidia runtime');
  });

  it('is quiet for valid configs and skips without any', () => {
    expect(containerdConfigInvalid.run(factsOf([gpuNode('gpu-1')], nodesOf({ 'gpu-1': host({ [ETC]: WITH_NVIDIA }) })))).toEqual([]);
    const skipped = containerdConfigInvalid.run(factsOf([gpuNode('gpu-1')]));
    expect(isSkip(skipped) && skipped.skip).toContain('no container runtime config was collected');
  });
});

