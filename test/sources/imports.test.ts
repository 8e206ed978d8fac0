// Bundles from other tools, built in the shapes those tools write.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { gpuctl } from '../helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-import-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));
const put = async (rel: string, content: string | Buffer) => {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), content);
};

const labels = { 'feature.node.kubernetes.io/pci-10de.present': 'true', 'kubernetes.io/hostname': 'gpu-node-1', 'nvidia.com/gpu.product': 'Tesla-T4' };
const validator = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nvidia-operator-validator-x7k2p', namespace: 'gpu-operator', labels: { app: 'nvidia-operator-validator' } },
  spec: { nodeName: 'gpu-node-1', containers: [{ name: 'nvidia-operator-validator' }], initContainers: [{ name: 'driver-validation' }, { name: 'plugin-validation' }] },
  status: { phase: 'Pending' },
};
const operator = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'gpu-operator-6d4f9b7c5-abcde', namespace: 'gpu-operator', labels: { app: 'gpu-operator' } },
  spec: { containers: [{ name: 'gpu-operator' }] },
  status: { phase: 'Running' },
};

describe('GPU Operator must-gather', () => {
  it('reads objects, node labels (through the script\'s own sed pipeline), capacity from describe, prefixed logs and bug reports', async () => {
    await put('must-gather.log', 'Using ARTIFACT_DIR=/tmp/nvidia-gpu-operator_20261125_1200\n');
    await put('cluster_policy.yaml', stringify({ apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, status: { state: 'notReady' } }));
    await put('gpu_operand_pods.yaml', stringify({ apiVersion: 'v1', kind: 'List', items: [validator, operator] }));
    await put('gpu_operator_pod.yaml', stringify(operator));
    await put('gpu_operand_ds.yaml', stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'nvidia-device-plugin-daemonset', namespace: 'gpu-operator' } }] }));
    const pipeline = `echo gpu-node-1; echo '${JSON.stringify(labels)}' | sed 's|,|,- |g' | tr ',' '\\n' | sed 's/{"/- /' | tr : = | sed 's/"//g' | sed 's/}/\\n/'; echo`;
    await put('gpu_nodes.labels', execFileSync('bash', ['-c', pipeline]));
    await put('gpu_nodes.descr', 'Name:               gpu-node-1\nRoles:              <none>\nCapacity:\n  cpu:                8\n  nvidia.com/gpu:     1\nAllocatable:\n  cpu:                8\n  nvidia.com/gpu:     0\nSystem Info:\n');
    await put('gpu_operand_pod_nvidia-operator-validator-x7k2p.log', '[pod/nvidia-operator-validator-x7k2p/driver-validation] running command chroot\n[pod/nvidia-operator-validator-x7k2p/plugin-validation] Failed to allocate GPU\n');
    await put('gpu_operator_pod.log', '{"level":"info","msg":"ClusterPolicy not ready"}\n');
    await put('nvidia-bug-report_gpu-node-1.log.gz', gzipSync('*** /proc/driver/nvidia/version\nNVRM version: NVIDIA UNIX x86_64 Kernel Module  535.129.03  Thu Oct 19 18:56:32 UTC 2023\n'));
    const c = await loadSnapshot(dir);
    expect(c.origin).toBe(`GPU Operator must-gather ${dir}`);
    expect(c.problems).toEqual([]);
    expect(c.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterPolicy/cluster-policy',
      'DaemonSet/nvidia-device-plugin-daemonset',
      'Node/gpu-node-1',
      'Pod/gpu-operator-6d4f9b7c5-abcde',
      'Pod/nvidia-operator-validator-x7k2p',
    ]);
    const node = c.objects.find((o) => o.kind === 'Node')!;
    expect(node.metadata.labels).toEqual(labels);
    expect(node.status).toEqual({ capacity: { cpu: '8', 'nvidia.com/gpu': '1' }, allocatable: { cpu: '8', 'nvidia.com/gpu': '0' } });
    expect(c.logs.get('gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation')).toBe('Failed to allocate GPU\n');
    expect(c.logs.get('gpu-operator/gpu-operator-6d4f9b7c5-abcde/gpu-operator')).toContain('ClusterPolicy not ready');
    expect(c.nodes.get('gpu-node-1')!.files.get('/proc/driver/nvidia/version')).toContain('535.129.03');
    expect(c.unavailable.get('Event')).toBe('not in a GPU Operator must-gather');

    // A must-gather carries no events, RuntimeClasses or Deployments by design: not collected, so the run is
    // complete (the checks that need them are skipped, not passed).
    const r = await gpuctl(['doctor', '--snapshot', dir, '-o', 'json']);
    expect(r.exitCode).toBeLessThan(2);
    expect(JSON.parse(r.stdout).summary.origin).toContain('must-gather');
  });
});

describe('kubectl cluster-info dump', () => {
  it('reads nodes.json, per-namespace lists and per-container logs', async () => {
    await put('nodes.json', JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: [{ metadata: { name: 'gpu-node-1', labels } }] }));
    await put('gpu-operator/pods.json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [validator] }));
    await put('gpu-operator/events.json', JSON.stringify({ kind: 'EventList', apiVersion: 'v1', items: [] }));
    await put('kube-system/pods.json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [] }));
    await put(
      'gpu-operator/nvidia-operator-validator-x7k2p/logs.txt',
      '==== START logs for container driver-validation of pod gpu-operator/nvidia-operator-validator-x7k2p ====\nok\n==== END logs for container driver-validation of pod gpu-operator/nvidia-operator-validator-x7k2p ====\n==== START logs for container plugin-validation of pod gpu-operator/nvidia-operator-validator-x7k2p ====\nwaiting for GPU\n==== END logs for container plugin-validation of pod gpu-operator/nvidia-operator-validator-x7k2p ====\n',
    );
    const c = await loadSnapshot(dir);
    expect(c.origin).toContain('cluster-info dump');
    expect(c.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Node/gpu-node-1', 'Pod/nvidia-operator-validator-x7k2p']);
    expect(c.logs.get('gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation')).toBe('waiting for GPU\n');
  });
});
