import { describe, expect, it } from 'vitest';
import { detectStacks, hasStack } from '../../src/facts/stacks.js';
import { factsOf, gpuNode, node, pod } from '../helpers/facts.js';
import { daemonPod, daemonSet, gpuOperator, hami, kubeObject, namespace, tensorFusion } from '../helpers/stacks.js';

const ids = (objects: Parameters<typeof factsOf>[0]) => detectStacks(factsOf(objects)).map((s) => s.id);

describe('detectStacks', () => {
  it('finds nothing on a bare cluster', () => {
    expect(detectStacks(factsOf([gpuNode('gpu-1'), namespace('kube-system')]))).toEqual([]);
  });

  it('finds the GPU Operator with its evidence and namespace', () => {
    const [stack] = detectStacks(factsOf(gpuOperator()));
    expect(stack).toMatchObject({ id: 'gpu-operator', name: 'NVIDIA GPU Operator', namespaces: ['gpu-operator'] });
    expect(stack!.evidence).toEqual([
      'Namespace gpu-operator (the GPU Operator namespace)',
      'ClusterPolicy cluster-policy (nvidia.com CRD)',
      'DaemonSet gpu-operator/nvidia-device-plugin-daemonset (label app.kubernetes.io/part-of=nvidia-gpu)',
    ]);
  });

  it('recognises GPU Operator operands by name when the part-of label is missing (older operators)', () => {
    const driver = daemonPod('gpu-operator-resources', 'nvidia-driver-daemonset', 'gpu-1', { app: 'nvidia-driver-daemonset' });
    expect(ids([driver])).toEqual(['gpu-operator']);
  });

  it('does not take a Kyverno ClusterPolicy for the GPU Operator', () => {
    expect(ids([kubeObject('kyverno.io/v1', 'ClusterPolicy', 'require-labels')])).toEqual([]);
  });

  it('tells the standalone device plugin from the GPU Operator one of the same name', () => {
    const staticManifest = daemonSet('kube-system', 'nvidia-device-plugin-daemonset', { name: 'nvidia-device-plugin-ds' });
    expect(ids([staticManifest])).toEqual(['nvidia-device-plugin']);
    const chart = daemonSet('nvidia-device-plugin', 'nvdp-nvidia-device-plugin', { 'app.kubernetes.io/name': 'nvidia-device-plugin' });
    expect(ids([chart])).toEqual(['nvidia-device-plugin']);
    // The operator's own plugin DaemonSet, even without the part-of label, stays the operator's.
    const operatorOwn = daemonSet('gpu-operator', 'nvidia-device-plugin-daemonset', {});
    expect(ids([namespace('gpu-operator'), operatorOwn])).toEqual(['gpu-operator']);
  });

  it('finds HAMi from its chart objects, from node annotations alone, and from pod annotations', () => {
    expect(ids(hami())).toEqual(['hami']);
    const annotated = node('gpu-1');
    annotated.metadata.annotations = { 'hami.io/node-nvidia-register': '[{"id":"GPU-1"}]' };
    expect(ids([annotated])).toEqual(['hami']);
    expect(ids([pod('ml', 'infer', { annotations: { 'hami.io/vgpu-devices-allocated': 'GPU-1,NVIDIA,2000,30:;' } })])).toEqual(['hami']);
  });

  it('finds TensorFusion from its namespace, CRD objects and pod labels', () => {
    const [stack] = detectStacks(factsOf(tensorFusion()));
    expect(stack).toMatchObject({ id: 'tensor-fusion', namespaces: ['tensor-fusion-sys'] });
    expect(stack!.evidence).toContain('TensorFusionCluster shared-tensor-fusion-cluster (tensor-fusion.ai CRD)');
    expect(ids([pod('ml', 'app', { labels: { 'tensor-fusion.ai/workload': 'app' } })])).toEqual(['tensor-fusion']);
    // A GPU object of another group is not TensorFusion's.
    expect(ids([kubeObject('example.com/v1', 'GPU', 'gpu-0')])).toEqual([]);
  });

  it('finds Bitfusion from the device plugin in kube-system and the webhook in bwki', () => {
    const plugin = daemonPod('kube-system', 'bitfusion-device-plugin', 'gpu-1', {});
    const [stack] = detectStacks(factsOf([plugin, namespace('bwki'), kubeObject('apps/v1', 'Deployment', 'bitfusion-webhook-deployment', 'bwki')]));
    expect(stack).toMatchObject({ id: 'bitfusion' });
    expect(stack!.evidence).toHaveLength(3);
  });

  it('finds several stacks at once, in a fixed order, with counted evidence', () => {
    const pods = ['a', 'b', 'c', 'd'].map((n) => pod('ml', n, { labels: { 'tensor-fusion.ai/workload': 'w' } }));
    const stacks = detectStacks(factsOf([...tensorFusion(), ...hami(), ...gpuOperator(), ...pods]));
    expect(stacks.map((s) => s.id)).toEqual(['gpu-operator', 'hami', 'tensor-fusion']);
    expect(stacks[2]!.evidence).toContain('4 pods ml/a, ml/b, ml/c and 1 more (labels tensor-fusion.ai/…)');
    expect(hasStack(factsOf(hami()), 'hami')).toBe(true);
    expect(hasStack(factsOf(hami()), 'bitfusion')).toBe(false);
  });
});
