import { describe, expect, it } from 'vitest';
import fabricManagerNotRunning from '../../checks/fabric-manager-not-running.js';
import { isSkip } from '../../src/check.js';
import { fabricNeed } from '../../src/facts/fabric.js';
import type { KubeObject, Node } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, gpuNode, host, pod } from '../helpers/facts.js';

const NVSWITCH = 'c0:00.0 Bridge [0680]: NVIDIA Corporation GH100 [H100 NVSwitch] [10de:22a3] (rev a1)\n';
const query = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${i}, ${name}, 570.124.06, 81559 MiB`).join('\n');
const CUDA_802 = 'RuntimeError: CUDA error: system not yet initialized\n';
const MISMATCH = "fabric manager NVIDIA GPU driver interface version 570.133.20 don't match with driver version 570.124.06.\nPlease update with matching NVIDIA driver package.\n";

function run(objects: KubeObject[], hosts: Record<string, NodeHost>, logs: Record<string, string>): Issue[] {
  const r = fabricManagerNotRunning.run(factsOf(objects, { nodes: new Map(Object.entries(hosts)), logs: new Map(Object.entries(logs)) }));
  if (isSkip(r)) throw new Error(r.skip);
  return r;
}

// A GPU workload (its logs are among those the live doctor fetches: log scope `workloads`).
const worker = pod('ml', 'train-0', { spec: { nodeName: 'hgx-1', containers: [{ name: 'main', image: 'pytorch', resources: { limits: { 'nvidia.com/gpu': '8' } } }] }, status: { phase: 'Failed' } });

describe('fabric-manager-not-running', () => {
  it('names the version mismatch on an NVSwitch node and installs the matching host package', () => {
    const [issue, ...rest] = run([gpuNode('hgx-1', 8), worker], { 'hgx-1': host({ '/var/log/fabricmanager.log': MISMATCH }, { lspci: NVSWITCH }) }, { 'ml/train-0/main': CUDA_802 });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'hgx-1' } });
    expect(issue!.message).toBe('Node hgx-1: the fabric manager (570.133.20) does not match the driver (570.124.06) and does not run, so CUDA cannot use the GPUs of this NVSwitch system');
    expect(issue!.evidence).toEqual(
      expect.arrayContaining([
        `lspci: 1 NVSwitch device (${NVSWITCH.trim()})`,
        `/var/log/fabricmanager.log on hgx-1: fabric manager NVIDIA GPU driver interface version 570.133.20 don't match with driver version 570.124.06.`,
        'log of ml/train-0 container main: RuntimeError: CUDA error: system not yet initialized',
      ]),
    );
    expect(issue!.fix!.commands).toContain('sudo apt-get install -y nvidia-fabricmanager-570=570.124.06-1   # RHEL: sudo dnf install nvidia-fabric-manager-570.124.06');
  });

  it('takes 802 in a workload log on 8 × H100 SXM as the fabric manager down; on an unknown board it is only a warning', () => {
    const hgx = run([gpuNode('hgx-1', 8), worker], { 'hgx-1': host({}, { 'nvidia-smi-query': query('NVIDIA H100 80GB HBM3', 8) }) }, { 'ml/train-0/main': CUDA_802 });
    expect(hgx[0]).toMatchObject({ severity: 'error' });
    expect(hgx[0]!.evidence![0]).toBe('8 × NVIDIA H100 80GB HBM3 (nvidia-smi): HGX/DGX H100/H800/H20 (NVSwitch gen 3)');
    const pcie = run([gpuNode('hgx-1', 2), worker], { 'hgx-1': host({}, { 'nvidia-smi-query': query('NVIDIA H100 PCIe', 2) }) }, { 'ml/train-0/main': CUDA_802 });
    expect(pcie[0]).toMatchObject({ severity: 'warning' });
  });

  it('asks for the InfiniBand modules on Blackwell when the driver container could not start the fabric manager', () => {
    const driverPod = pod('gpu-operator', 'nvidia-driver-daemonset-x', { spec: { nodeName: 'hgx-1', containers: [{ name: 'nvidia-driver-ctr', image: 'driver' }] }, labels: { app: 'nvidia-driver-daemonset', 'app.kubernetes.io/part-of': 'nvidia-gpu' } });
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator' } };
    const log = '[ERROR] [tid 412] fabric manager failed to start with error: NV_WARN_NOTHING_TO_DO\n';
    const [issue] = run([ns, gpuNode('hgx-1', 8), driverPod], { 'hgx-1': host({}, { 'nvidia-smi-query': query('NVIDIA B200', 8), lsmod: 'Module Size Used by\nnvidia 1 0\n' }) }, { 'gpu-operator/nvidia-driver-daemonset-x/nvidia-driver-ctr': log });
    expect(issue!.message).toContain('the fabric manager is not running');
    expect(issue!.fix!.commands[0]).toContain('sudo modprobe ib_umad');
    expect(issue!.fix!.summary).toContain('could not start the fabric manager');
  });

  it('stays quiet without any failure text, even on an NVSwitch node', () => {
    expect(run([gpuNode('hgx-1', 8), worker], { 'hgx-1': host({}, { lspci: NVSWITCH }) }, { 'ml/train-0/main': 'epoch 1 loss 0.3\n' })).toEqual([]);
  });
});

describe('fabricNeed', () => {
  const facts = (n: Node, h: NodeHost) => factsOf([n], { nodes: new Map([[n.metadata.name, h]]) });
  it('knows the boards: PCIe and NVL parts and 4-GPU boards need no fabric manager, GB200 trays do', () => {
    expect(fabricNeed(facts(gpuNode('a'), host({}, { 'nvidia-smi-query': query('NVIDIA A100-SXM4-80GB', 8) })), gpuNode('a'))?.title).toBe('HGX/DGX A100 (NVSwitch gen 2)');
    expect(fabricNeed(facts(gpuNode('a'), host({}, { 'nvidia-smi-query': query('NVIDIA A100-SXM4-40GB', 4) })), gpuNode('a'))).toBeUndefined();
    expect(fabricNeed(facts(gpuNode('a'), host({}, { 'nvidia-smi-query': query('NVIDIA H200 NVL', 8) })), gpuNode('a'))).toBeUndefined();
    const gb = gpuNode('g', 4, { 'nvidia.com/gpu.product': 'NVIDIA-GB200', 'nvidia.com/gpu.count': '4' });
    expect(fabricNeed(facts(gb, host()), gb)?.title).toBe('GB200/GB300 NVL (NVLink switch trays)');
  });
});
