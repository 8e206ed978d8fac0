// Objects of the GPU stacks as their charts create them, for check and facts tests.
import type { KubeObject, Pod } from '../../src/facts/kube.js';
import { pod } from './facts.js';

export function kubeObject(apiVersion: string, kind: string, name: string, namespace?: string, labels: Record<string, string> = {}, rest: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), labels }, ...rest };
}

export function namespace(name: string): KubeObject {
  return kubeObject('v1', 'Namespace', name);
}

export function daemonSet(ns: string, name: string, labels: Record<string, string> = {}, nodeSelector?: Record<string, string>): KubeObject {
  return kubeObject('apps/v1', 'DaemonSet', name, ns, labels, { spec: { template: { spec: nodeSelector ? { nodeSelector } : {} } } });
}

export function clusterPolicy(spec: Record<string, unknown> = {}): KubeObject {
  return kubeObject('nvidia.com/v1', 'ClusterPolicy', 'cluster-policy', undefined, {}, { spec, status: { state: 'ready' } });
}

/** A pod of a DaemonSet, bound to a node, with the DaemonSet's pod labels. */
export function daemonPod(ns: string, ds: string, nodeName: string, labels: Record<string, string>, status: Pod['status'] = readyStatus()): Pod {
  const p = pod(ns, `${ds}-${nodeName.replace(/[^a-z0-9]/g, '').slice(-5).padStart(5, 'x')}`, {
    labels,
    spec: { nodeName, containers: [{ name: 'main', image: 'x' }] },
    status,
  });
  p.metadata.ownerReferences = [{ kind: 'DaemonSet', name: ds, controller: true }];
  return p;
}

export function readyStatus(): Pod['status'] {
  return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }] };
}

export function crashStatus(restarts = 7): Pod['status'] {
  return {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'main', ready: false, restartCount: restarts, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  };
}

export const GPU_OPERATOR_OPERAND = { 'app.kubernetes.io/part-of': 'nvidia-gpu' };

/** A GPU Operator install: its namespace, ClusterPolicy and device plugin DaemonSet. */
export function gpuOperator(policySpec: Record<string, unknown> = {}): KubeObject[] {
  return [
    namespace('gpu-operator'),
    clusterPolicy(policySpec),
    daemonSet('gpu-operator', 'nvidia-device-plugin-daemonset', { app: 'nvidia-device-plugin-daemonset', ...GPU_OPERATOR_OPERAND }),
  ];
}

/** The GPU Operator's device plugin pod on a node. */
export function operatorDevicePluginPod(nodeName: string, status?: Pod['status']): Pod {
  return daemonPod('gpu-operator', 'nvidia-device-plugin-daemonset', nodeName, { app: 'nvidia-device-plugin-daemonset', ...GPU_OPERATOR_OPERAND }, status);
}

export const HAMI_LABELS = { 'app.kubernetes.io/name': 'hami', 'app.kubernetes.io/instance': 'hami' };

/** HAMi as its chart installs it in hami-system: device plugin DaemonSet (nodeSelector gpu=on; null: none) and scheduler. */
export function hami(nodeSelector: Record<string, string> | null = { gpu: 'on' }): KubeObject[] {
  return [
    namespace('hami-system'),
    daemonSet('hami-system', 'hami-device-plugin', { 'app.kubernetes.io/component': 'hami-device-plugin', ...HAMI_LABELS }, nodeSelector ?? undefined),
    kubeObject('apps/v1', 'Deployment', 'hami-scheduler', 'hami-system', { 'app.kubernetes.io/component': 'hami-scheduler', ...HAMI_LABELS }),
  ];
}

export function hamiDevicePluginPod(nodeName: string): Pod {
  return daemonPod('hami-system', 'hami-device-plugin', nodeName, { 'app.kubernetes.io/component': 'hami-device-plugin', 'hami.io/webhook': 'ignore', ...HAMI_LABELS });
}

export function tensorFusion(): KubeObject[] {
  return [
    namespace('tensor-fusion-sys'),
    kubeObject('tensor-fusion.ai/v1', 'TensorFusionCluster', 'shared-tensor-fusion-cluster'),
  ];
}
