// Whose NVIDIA device plugin a pod is (src/facts/device-plugins.ts), where HAMi's runs, and when GPU
// nodes should advertise nvidia.com/gpu at all.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/facts/kube.js';
import { devicePluginPodsOn, hamiNodeSelector, nvidiaDevicePluginOf, nvidiaGpuExpectedBecause } from '../../src/facts/device-plugins.js';
import { factsOf, pod } from '../helpers/facts.js';
import { daemonPod, daemonSet, gpuOperator, hami, hamiDevicePluginPod, namespace, operatorDevicePluginPod, tensorFusion } from '../helpers/stacks.js';

describe('device plugins', () => {
  it('tells whose device plugin a pod or DaemonSet is: HAMi by component or name, the GPU Operator by label or namespace, else standalone', () => {
    const facts = factsOf([namespace('gpu-operator')]);
    expect(nvidiaDevicePluginOf(hamiDevicePluginPod('gpu-1'), facts)).toBe('hami');
    expect(nvidiaDevicePluginOf(daemonPod('hami', 'hami-device-plugin', 'gpu-1', {}), facts)).toBe('hami');
    expect(nvidiaDevicePluginOf(daemonSet('hami', 'hami-device-plugin-2'), facts)).toBeUndefined();
    expect(nvidiaDevicePluginOf(operatorDevicePluginPod('gpu-1'), facts)).toBe('gpu-operator');
    const chart = { 'app.kubernetes.io/name': 'nvidia-device-plugin' };
    expect(nvidiaDevicePluginOf(daemonSet('nvidia-device-plugin', 'nvdp-nvidia-device-plugin', chart), facts)).toBe('nvidia-device-plugin');
    expect(nvidiaDevicePluginOf(daemonSet('gpu-operator', 'nvdp-nvidia-device-plugin', chart), facts)).toBe('gpu-operator');
    expect(nvidiaDevicePluginOf(daemonSet('kube-system', 'coredns'), facts)).toBeUndefined();
  });

  it('lists the NVIDIA device plugin pods bound to a node, by stack', () => {
    const facts = factsOf([...gpuOperator(), operatorDevicePluginPod('gpu-1'), hamiDevicePluginPod('gpu-1'), operatorDevicePluginPod('gpu-2')]);
    expect(devicePluginPodsOn(facts, 'gpu-1').map((p) => p.stack)).toEqual(['gpu-operator', 'hami']);
  });

  it('does not count the device-plugin validator as a device plugin', () => {
    const validator: Pod = pod('gpu-operator', 'nvidia-device-plugin-validator-x2k8p', {
      labels: { app: 'nvidia-device-plugin-validator', 'app.kubernetes.io/part-of': 'gpu-operator' },
      spec: { nodeName: 'gpu-1', containers: [] },
    });
    expect(devicePluginPodsOn(factsOf([validator]), 'gpu-1')).toEqual([]);
  });

  it('expects nvidia.com/gpu when a plugin is deployed or pods ask for it, not for TensorFusion alone', () => {
    expect(nvidiaGpuExpectedBecause(factsOf(gpuOperator()))).toContain('gpu-operator/nvidia-device-plugin-daemonset');
    expect(nvidiaGpuExpectedBecause(factsOf(tensorFusion()))).toBeUndefined();
    const asking = pod('ml', 'train', { spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } });
    expect(nvidiaGpuExpectedBecause(factsOf([...tensorFusion(), asking]))).toBe('1 pod(s) request nvidia.com/gpu: ml/train');
  });

  it("does not expect it when the ClusterPolicy disables the GPU Operator's device plugin", () => {
    const operatorWithoutPlugin = gpuOperator({ devicePlugin: { enabled: false } }).filter((o) => o.kind !== 'DaemonSet');
    expect(nvidiaGpuExpectedBecause(factsOf(operatorWithoutPlugin))).toBeUndefined();
  });

  it("reads HAMi's nodeSelector from its DaemonSet, else assumes the chart default gpu=on", () => {
    expect(hamiNodeSelector(factsOf(hami({ 'nvidia.com/gpu.present': 'true' })))).toEqual({
      selector: { 'nvidia.com/gpu.present': 'true' },
      source: 'DaemonSet hami-system/hami-device-plugin',
    });
    expect(hamiNodeSelector(factsOf([])).selector).toEqual({ gpu: 'on' });
  });
});
