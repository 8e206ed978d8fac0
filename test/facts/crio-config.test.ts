import { describe, expect, it } from 'vitest';
import nvidiaRuntimeMissing from '../../checks/nvidia-runtime-missing.js';
import nvidiaRuntimeNotSelected from '../../checks/nvidia-runtime-not-selected.js';
import runtimeclassMissing from '../../checks/runtimeclass-missing.js';
import toolkitConfigUnsupported from '../../checks/toolkit-config-unsupported.js';
import type { Check } from '../../src/check.js';
import { isSkip } from '../../src/check.js';
import type { Event, KubeObject, Node } from '../../src/facts/kube.js';
import { activeRuntimeConfig, runtimeConfigEvidence } from '../../src/facts/runtime/active-config.js';
import { readCrioConfig } from '../../src/facts/runtime/crio-config.js';
import type { Issue } from '../../src/model.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, gpuNode, host, pod } from '../helpers/facts.js';

const CRIO = '/etc/crio/crio.conf';
const BASE = `[crio.runtime]
default_runtime = "crun"
[crio.runtime.runtimes.crun]
runtime_path = "/usr/libexec/crio/crun"
[crio.runtime.runtimes.runc]
runtime_path = "/usr/libexec/crio/runc"
`;
const NVIDIA_DROP_IN = `[crio.runtime.runtimes.nvidia]
runtime_path = "/usr/bin/nvidia-container-runtime"
runtime_type = "oci"
`;
const HOOK = '{"version":"1.0.0","hook":{"path":"/run/nvidia/toolkit/nvidia-container-runtime-hook","args":["nvidia-container-runtime-hook","prestart"]},"when":{"always":true},"stages":["prestart"]}';

const crioNode = (name = 'gpu-1'): Node => ({ ...gpuNode(name), status: { ...gpuNode(name).status, nodeInfo: { containerRuntimeVersion: 'cri-o://1.28.4', kubeletVersion: 'v1.28.5' } } });

function run(check: Check, objects: KubeObject[], hosts: Record<string, NodeHost>): Issue[] {
  const r = check.run(factsOf(objects, { nodes: new Map(Object.entries(hosts)) }));
  if (isSkip(r)) throw new Error(r.skip);
  return r;
}

function sandboxEvent(podName: string, message: string): Event {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: `${podName}.1`, namespace: 'ml' }, involvedObject: { kind: 'Pod', name: podName, namespace: 'ml' }, reason: 'FailedCreatePodSandBox', type: 'Warning', message, source: { component: 'kubelet', host: 'gpu-1' } };
}

describe('CRI-O config', () => {
  it('merges crio.conf.d drop-ins in name order, lists runtimes with their runtime_path, and finds the NVIDIA OCI hook', () => {
    const config = readCrioConfig(host({ [CRIO]: BASE, '/etc/crio/crio.conf.d/99-nvidia.toml': NVIDIA_DROP_IN, '/run/containers/oci/hooks.d/oci-nvidia-hook.json': HOOK }))!;
    expect(config.files).toEqual([CRIO, '/etc/crio/crio.conf.d/99-nvidia.toml']);
    expect(config.runtimes.map((r) => [r.name, r.binary, r.definedIn])).toEqual([
      ['crun', '/usr/libexec/crio/crun', CRIO],
      ['runc', '/usr/libexec/crio/runc', CRIO],
      ['nvidia', '/usr/bin/nvidia-container-runtime', '/etc/crio/crio.conf.d/99-nvidia.toml'],
    ]);
    expect(config.defaultRuntime).toBe('crun');
    expect(config.nvidiaHooks).toEqual(['/run/containers/oci/hooks.d/oci-nvidia-hook.json']);
  });

  it('knows the drop-in directory nvidia-ctk 1.18.0–1.19.0 wrote to is never read', () => {
    const config = readCrioConfig(host({ [CRIO]: BASE, '/etc/crio/conf.d/99-nvidia.toml': NVIDIA_DROP_IN }))!;
    expect(config.runtimes.map((r) => r.name)).toEqual(['crun', 'runc']);
    expect(config.unused).toEqual([{ file: '/etc/crio/conf.d/99-nvidia.toml', why: 'CRI-O reads drop-ins from /etc/crio/crio.conf.d, not /etc/crio/conf.d', runtimes: [expect.objectContaining({ name: 'nvidia' })] }]);
    expect(runtimeConfigEvidence(config)).toContain('/etc/crio/conf.d/99-nvidia.toml defines nvidia, but CRI-O does not read it: CRI-O reads drop-ins from /etc/crio/crio.conf.d, not /etc/crio/conf.d');
  });

  it('is the active config of a cri-o:// node; an unparsable file is a fatal problem', () => {
    expect(activeRuntimeConfig(host({ [CRIO]: BASE }), { containerRuntimeVersion: 'cri-o://1.28.4' })?.engine).toBe('cri-o');
    expect(readCrioConfig(host({ [CRIO]: '[crio.runtime\n' }))!.problems[0]).toMatchObject({ kind: 'parse', fatal: true, file: CRIO });
  });
});

describe('the runtime checks on CRI-O', () => {
  it('nvidia-runtime-missing: no handler and no hook; the stray drop-in named with the move that fixes it', () => {
    const [issue] = run(nvidiaRuntimeMissing, [crioNode()], { 'gpu-1': host({ [CRIO]: BASE, '/etc/crio/conf.d/99-nvidia.toml': NVIDIA_DROP_IN }) });
    expect(issue!.message).toBe('Node gpu-1: the nvidia runtime is defined in /etc/crio/conf.d/99-nvidia.toml, which CRI-O does not read (CRI-O reads drop-ins from /etc/crio/crio.conf.d, not /etc/crio/conf.d)');
    expect(issue!.fix!.commands).toEqual(['sudo mv /etc/crio/conf.d/99-nvidia.toml /etc/crio/crio.conf.d/', 'sudo systemctl restart crio']);
    // the same drop-in is a toolkit finding too
    expect(run(toolkitConfigUnsupported, [crioNode()], { 'gpu-1': host({ [CRIO]: BASE, '/etc/crio/conf.d/99-nvidia.toml': NVIDIA_DROP_IN }) })[0]!.message).toContain('the toolkit wrote its CRI-O drop-in to /etc/crio/conf.d/99-nvidia.toml');
  });

  it('the NVIDIA OCI hook needs no handler: no runtime finding, but a pod asking for handler nvidia is told to drop it (gpu-operator#1298)', () => {
    const hosts = { 'gpu-1': host({ [CRIO]: BASE, '/run/containers/oci/hooks.d/oci-nvidia-hook.json': HOOK }) };
    const rc: KubeObject = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'nvidia' }, handler: 'nvidia' } as KubeObject;
    const app = pod('ml', 'app', { spec: { nodeName: 'gpu-1', runtimeClassName: 'nvidia', containers: [{ name: 'main', image: 'cuda', resources: { limits: { 'nvidia.com/gpu': '1' } } }] }, status: { phase: 'Pending' } });
    const event = sandboxEvent('app', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to find runtime handler nvidia from runtime list map[crun:0xc0004dd5f0 runc:0xc0004dd680]');
    expect(run(nvidiaRuntimeMissing, [crioNode(), app, event], hosts)).toEqual([]);
    expect(run(nvidiaRuntimeNotSelected, [crioNode(), app], hosts)).toEqual([]);
    const [issue] = run(runtimeclassMissing, [crioNode(), rc, app, event], hosts);
    expect(issue!.message).toBe('RuntimeClass nvidia: CRI-O on node gpu-1 has no "nvidia" handler: it injects the GPU through the NVIDIA OCI hook (/run/containers/oci/hooks.d/oci-nvidia-hook.json) for every handler; pods that name it cannot start there (Pod ml/app)');
    expect(issue!.evidence!.some((l) => l.includes('failed to find runtime handler nvidia'))).toBe(true);
  });

  it('runtimeclass-missing on Docker nodes: dockershim takes no handler (gpu-operator#236)', () => {
    const docker: Node = { ...gpuNode('gpu-1'), status: { ...gpuNode('gpu-1').status, nodeInfo: { containerRuntimeVersion: 'docker://20.10.7', kubeletVersion: 'v1.21.3' } } };
    const rc: KubeObject = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'nvidia' }, handler: 'nvidia' } as KubeObject;
    const app = pod('ml', 'app', { spec: { nodeName: 'gpu-1', runtimeClassName: 'nvidia', containers: [{ name: 'main', image: 'cuda' }] }, status: { phase: 'Pending' } });
    const hosts = { 'gpu-1': host({ '/etc/docker/daemon.json': '{"default-runtime":"nvidia","runtimes":{"nvidia":{"path":"/usr/bin/nvidia-container-runtime"}}}' }) };
    const [issue] = run(runtimeclassMissing, [docker, rc, app, sandboxEvent('app', 'Failed to create pod sandbox: rpc error: code = Unknown desc = RuntimeHandler "nvidia" not supported')], hosts);
    expect(issue!.message).toContain('node gpu-1 runs Docker, which takes no RuntimeClass handler: its default runtime (nvidia) runs every pod');
    // A pod that ran with it there shows it works, unless the kubelet says otherwise now.
    const ran = pod('ml', 'ran', { spec: { nodeName: 'gpu-1', runtimeClassName: 'nvidia', containers: [{ name: 'main', image: 'cuda' }] }, status: { phase: 'Succeeded' } });
    expect(run(runtimeclassMissing, [docker, rc, ran], hosts)).toEqual([]);
  });
});
