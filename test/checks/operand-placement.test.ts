import { describe, expect, it } from 'vitest';
import operandDeployLabelMissing from '../../checks/operand-deploy-label-missing.js';
import operandTaintUntolerated from '../../checks/operand-taint-untolerated.js';
import { isSkip } from '../../src/check.js';
import type { KubeObject, Node, Toleration } from '../../src/facts/kube.js';
import { nodeMatchesPlacement } from '../../src/facts/scheduling.js';
import type { Issue } from '../../src/model.js';
import { factsOf, gpuNode, node, pod } from '../helpers/facts.js';

function tainted(n: Node, key: string, value?: string, effect = 'NoSchedule'): Node {
  return { ...n, spec: { ...n.spec, taints: [...(n.spec?.taints ?? []), { key, value, effect }] } };
}

function daemonSet(ns: string, name: string, labels: Record<string, string>, tolerations: Toleration[], extra: { nodeSelector?: Record<string, string>; owner?: string; affinity?: unknown } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, ...(extra.owner ? { ownerReferences: [{ kind: 'ClusterPolicy', name: extra.owner, controller: true }] } : {}) },
    spec: { template: { metadata: { labels }, spec: { tolerations, nodeSelector: extra.nodeSelector, affinity: extra.affinity, containers: [{ name: 'c' }] } } },
    status: { desiredNumberScheduled: 0, numberReady: 0 },
  };
}

const PLUGIN_LABELS = { name: 'nvidia-device-plugin-ds' };

function run(objects: KubeObject[]): Issue[] {
  const r = operandTaintUntolerated.run(factsOf(objects));
  if (isSkip(r)) throw new Error(r.skip);
  return r;
}

describe('operand-taint-untolerated', () => {
  it('fires for the static device plugin that tolerates CriticalAddonsOnly but not nvidia.com/gpu (k8s-device-plugin#68)', () => {
    const ds = daemonSet('kube-system', 'nvidia-device-plugin-daemonset', PLUGIN_LABELS, [{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
    const [issue, ...rest] = run([tainted(gpuNode('gpu-node-01'), 'nvidia.com/gpu', 'true'), node('worker-01'), ds]);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'DaemonSet', name: 'nvidia-device-plugin-daemonset', namespace: 'kube-system' } });
    expect(issue!.message).toBe('DaemonSet kube-system/nvidia-device-plugin-daemonset (NVIDIA device plugin) does not tolerate the taint nvidia.com/gpu=true:NoSchedule, so it runs no pod on GPU node gpu-node-01');
    expect(issue!.evidence).toContain('node gpu-node-01: taint nvidia.com/gpu=true:NoSchedule not tolerated; no pod of kube-system/nvidia-device-plugin-daemonset there');
    expect(issue!.fix!.commands[0]).toBe(
      `kubectl -n kube-system patch daemonset nvidia-device-plugin-daemonset --type=json -p '[{"op":"add","path":"/spec/template/spec/tolerations","value":[{"key":"CriticalAddonsOnly","operator":"Exists"},{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]}]'`,
    );
  });

  it('patches the ClusterPolicy for GPU Operator operands, and judges them although the deploy label is not there yet', () => {
    const policy: KubeObject = { apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: { daemonsets: { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } } };
    const ds = daemonSet('gpu-operator', 'nvidia-driver-daemonset', { app: 'nvidia-driver-daemonset' }, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], {
      nodeSelector: { 'nvidia.com/gpu.deploy.driver': 'true' },
      owner: 'cluster-policy',
    });
    const [issue] = run([tainted(gpuNode('gpu-1'), 'dedicated', 'gpu'), policy, ds]);
    expect(issue!.message).toContain('does not tolerate the taint dedicated=gpu:NoSchedule');
    expect(issue!.fix!.commands).toEqual([
      `kubectl patch clusterpolicy cluster-policy --type=merge -p '{"spec":{"daemonsets":{"tolerations":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"},{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}]}}}'`,
    ]);
  });

  it('stays quiet when the taint is tolerated, when a pod runs there anyway, and for taints the DaemonSet controller tolerates itself', () => {
    const ok = daemonSet('kube-system', 'nvidia-device-plugin-daemonset', PLUGIN_LABELS, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(run([tainted(gpuNode('g'), 'nvidia.com/gpu', 'present'), ok])).toEqual([]);
    expect(run([tainted(gpuNode('g'), 'node.kubernetes.io/unschedulable'), daemonSet('kube-system', 'x', PLUGIN_LABELS, [])])).toEqual([]);
    expect(run([tainted(gpuNode('g'), 'dedicated', 'gpu', 'PreferNoSchedule'), daemonSet('kube-system', 'x', PLUGIN_LABELS, [])])).toEqual([]);
    const running = pod('kube-system', 'x-abc', { spec: { nodeName: 'g', containers: [{ name: 'c' }] } });
    running.metadata.ownerReferences = [{ kind: 'DaemonSet', name: 'x', controller: true }];
    expect(run([tainted(gpuNode('g'), 'dedicated', 'gpu'), daemonSet('kube-system', 'x', PLUGIN_LABELS, []), running])).toEqual([]);
  });

  it('stays quiet about DaemonSets outside the GPU stack, CPU nodes, and GPU nodes the template does not select', () => {
    expect(run([tainted(gpuNode('g'), 'dedicated', 'gpu'), daemonSet('kube-system', 'fluentd', { app: 'fluentd' }, [])])).toEqual([]);
    expect(run([tainted(node('cpu-1'), 'dedicated', 'db'), daemonSet('kube-system', 'x', PLUGIN_LABELS, [])])).toEqual([]);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['a100'] }] }] } } };
    expect(run([tainted(gpuNode('g', 1, { pool: 'h100' }), 'dedicated', 'gpu'), daemonSet('kube-system', 'x', PLUGIN_LABELS, [], { affinity })])).toEqual([]);
    expect(run([tainted(gpuNode('g', 1, { pool: 'a100' }), 'dedicated', 'gpu'), daemonSet('kube-system', 'x', PLUGIN_LABELS, [], { affinity })])).toHaveLength(1);
  });
});

describe('nodeMatchesPlacement (the scheduler\'s NodeAffinity rules)', () => {
  const n = node('n1', { zone: 'a', gpus: '4' });
  const terms = (...t: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: t as never } } } });
  it('ORs terms, ANDs requirements, and matches no empty term', () => {
    expect(nodeMatchesPlacement(terms({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }), n)).toBe(true);
    expect(nodeMatchesPlacement(terms({ matchExpressions: [{ key: 'zone', operator: 'Exists' }, { key: 'gpus', operator: 'Gt', values: ['4'] }] }), n)).toBe(false);
    expect(nodeMatchesPlacement(terms({ matchExpressions: [{ key: 'gpus', operator: 'Lt', values: ['8'] }, { key: 'x', operator: 'DoesNotExist' }] }), n)).toBe(true);
    expect(nodeMatchesPlacement(terms({}), n)).toBe(false);
    expect(nodeMatchesPlacement(terms({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), n)).toBe(false);
    expect(nodeMatchesPlacement({ nodeSelector: { zone: 'a' } }, n)).toBe(true);
    expect(nodeMatchesPlacement({ nodeSelector: { zone: 'b' } }, n)).toBe(false);
  });
});

describe('operand-deploy-label-missing', () => {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator' } };
  const operand = (app: string, label: string) =>
    daemonSet('gpu-operator', app, { app }, [], { nodeSelector: { [`nvidia.com/gpu.deploy.${label}`]: 'true' }, owner: 'cluster-policy' });
  const labelled = (labels: Record<string, string>) => gpuNode('gpu-1', 1, labels);
  const runLabels = (objects: KubeObject[]) => {
    const r = operandDeployLabelMissing.run(factsOf([ns, ...objects]));
    if (isSkip(r)) throw new Error(r.skip);
    return r;
  };

  it('is an error when an essential operand\'s label is absent, naming each operand and the fix', () => {
    const [issue, ...rest] = runLabels([labelled({ 'nvidia.com/gpu.deploy.driver': 'true' }), operand('nvidia-driver-daemonset', 'driver'), operand('nvidia-device-plugin-daemonset', 'device-plugin'), operand('nvidia-dcgm-exporter', 'dcgm-exporter')]);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe('Node gpu-1: NVIDIA device plugin, DCGM exporter never land there: nvidia.com/gpu.deploy.device-plugin is absent, nvidia.com/gpu.deploy.dcgm-exporter is absent');
    expect(issue!.fix!.commands[0]).toBe('kubectl label node gpu-1 nvidia.com/gpu.deploy.device-plugin=true nvidia.com/gpu.deploy.dcgm-exporter=true --overwrite');
  });

  it('is a warning for a label set to false (maybe on purpose) and for optional operands', () => {
    expect(runLabels([labelled({ 'nvidia.com/gpu.deploy.device-plugin': 'false' }), operand('nvidia-device-plugin-daemonset', 'device-plugin')])[0]).toMatchObject({ severity: 'warning' });
    expect(runLabels([labelled({}), operand('nvidia-dcgm-exporter', 'dcgm-exporter')])[0]).toMatchObject({ severity: 'warning' });
    expect(runLabels([labelled({ 'nvidia.com/gpu.deploy.dcgm-exporter': 'false' }), operand('nvidia-dcgm-exporter', 'dcgm-exporter')])[0]).toMatchObject({ severity: 'info' });
  });

  it('stays quiet where the operator leaves the label off on purpose, where a pod runs anyway, and on nodes other checks own', () => {
    expect(runLabels([labelled({}), operand('nvidia-mig-manager', 'mig-manager')])).toEqual([]);
    expect(runLabels([labelled({ 'nvidia.com/mig.capable': 'true' }), operand('nvidia-mig-manager', 'mig-manager')])).toHaveLength(1);
    expect(runLabels([labelled({ 'nvidia.com/gpu.deploy.driver': 'pre-installed' }), operand('nvidia-driver-daemonset', 'driver')])).toEqual([]);
    expect(runLabels([labelled({ 'nvidia.com/gpu.deploy.operands': 'false' }), operand('nvidia-driver-daemonset', 'driver')])).toEqual([]);
    expect(runLabels([labelled({ 'nvidia.com/gpu.workload.config': 'vm-passthrough' }), operand('nvidia-driver-daemonset', 'driver')])).toEqual([]);
    const unlabelled = node('gpu-2', { 'feature.node.kubernetes.io/pci-10de.present': 'true' });
    expect(runLabels([unlabelled, operand('nvidia-driver-daemonset', 'driver')])).toEqual([]);
    const running = pod('gpu-operator', 'nvidia-driver-daemonset-x', { spec: { nodeName: 'gpu-1', containers: [{ name: 'c' }] } });
    running.metadata.ownerReferences = [{ kind: 'DaemonSet', name: 'nvidia-driver-daemonset', controller: true }];
    expect(runLabels([labelled({}), operand('nvidia-driver-daemonset', 'driver'), running])).toEqual([]);
  });
});
