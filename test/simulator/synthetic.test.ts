// The synthetic cluster generator: deterministic, realistic GPU Operator shapes, broken parts that leave evidence.
import { describe, expect, it } from 'vitest';
import type { Event, KubeObject, Node, Pod } from '../../src/facts/kube.js';
import { logKey } from '../../src/collection/collection.js';
import { SYSTEM_PODS_PER_NODE, syntheticCluster } from './synthetic.js';

const ofKind = <T extends KubeObject>(objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];

describe('syntheticCluster', () => {
  const cluster = syntheticCluster({ nodes: 40, podsPerNode: 20, brokenFraction: 0.2, seed: 3 });
  const nodes = ofKind<Node>(cluster.objects, 'Node');
  const pods = ofKind<Pod>(cluster.objects, 'Pod');

  it('has the requested number of nodes and pods, with unique names', () => {
    expect(nodes).toHaveLength(40);
    expect(pods).toHaveLength(40 * 20);
    expect(new Set(pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size).toBe(pods.length);
    expect(new Set(nodes.map((n) => n.metadata.name)).size).toBe(40);
  });

  it('is the same cluster for the same seed, another for another seed', () => {
    const again = syntheticCluster({ nodes: 40, podsPerNode: 20, brokenFraction: 0.2, seed: 3 });
    expect(JSON.stringify(again.objects)).toBe(JSON.stringify(cluster.objects));
    const other = syntheticCluster({ nodes: 40, podsPerNode: 20, brokenFraction: 0.2, seed: 4 });
    expect(JSON.stringify(other.objects)).not.toBe(JSON.stringify(cluster.objects));
  });

  it('labels GPU nodes as NFD and GFD do, and gives them GPU capacity', () => {
    const healthy = nodes.filter((n) => !cluster.broken.nodes.has(n.metadata.name));
    expect(healthy.length).toBeGreaterThan(0);
    for (const node of healthy) {
      expect(node.metadata.labels).toMatchObject({
        'feature.node.kubernetes.io/pci-10de.present': 'true',
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB',
        'nvidia.com/gpu.count': '8',
      });
      expect(node.status?.capacity?.['nvidia.com/gpu']).toBe('8');
      expect(node.status?.allocatable?.['nvidia.com/gpu']).toBe('8');
    }
  });

  it('runs the GPU Operator operands and kube-proxy on every node', () => {
    for (const node of nodes) {
      const apps = pods.filter((p) => p.spec?.nodeName === node.metadata.name && p.metadata.namespace === 'gpu-operator').map((p) => p.metadata.labels?.app);
      expect(apps).toEqual(
        expect.arrayContaining(['nvidia-driver-daemonset', 'nvidia-container-toolkit-daemonset', 'nvidia-device-plugin-daemonset', 'gpu-feature-discovery', 'nvidia-dcgm-exporter', 'nvidia-operator-validator', 'nvidia-cuda-validator']),
      );
    }
    expect(pods.filter((p) => p.metadata.namespace === 'kube-system')).toHaveLength(40);
    expect(pods.filter((p) => p.metadata.labels?.app === 'gpu-operator')).toHaveLength(1);
  });

  it('breaks about the asked share of nodes and workload pods, each with its evidence', () => {
    expect(cluster.broken.nodes.size).toBeGreaterThan(2);
    expect(cluster.broken.nodes.size).toBeLessThan(20);
    const workloads = 40 * (20 - SYSTEM_PODS_PER_NODE) - 1;
    expect(cluster.broken.pods.size).toBeGreaterThan(workloads * 0.1);
    expect(cluster.broken.pods.size).toBeLessThan(workloads * 0.3);
    const events = ofKind<Event>(cluster.objects, 'Event');
    const podsWithWarnings = new Set(events.filter((e) => e.type === 'Warning').map((e) => `${e.involvedObject?.namespace}/${e.involvedObject?.name}`));
    for (const key of cluster.broken.pods.keys()) expect(podsWithWarnings, key).toContain(key);
    for (const [name, fault] of cluster.broken.nodes) {
      const node = nodes.find((n) => n.metadata.name === name)!;
      if (fault === 'not-ready') expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');
      if (fault === 'gfd-labels-missing') expect(node.metadata.labels?.['nvidia.com/gpu.present']).toBeUndefined();
      if (fault === 'device-plugin-crash') {
        expect(node.status?.allocatable?.['nvidia.com/gpu']).toBe('0');
        const plugin = pods.find((p) => p.spec?.nodeName === name && p.metadata.labels?.app === 'nvidia-device-plugin-daemonset')!;
        expect(plugin.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
        expect(cluster.logs.get(logKey('gpu-operator', plugin.metadata.name, 'nvidia-device-plugin', true))).toContain('Failed to initialize NVML');
      }
    }
    // Every event is about an object that exists.
    const existing = new Set(cluster.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
    for (const e of events) {
      const o = e.involvedObject!;
      expect(existing).toContain(`${o.kind}/${o.namespace ?? ''}/${o.name}`);
    }
  });

  it('keeps DaemonSet and ClusterPolicy status consistent with the pods', () => {
    const plugin = cluster.objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'nvidia-device-plugin-daemonset')!;
    const readyPlugins = pods.filter((p) => p.metadata.labels?.app === 'nvidia-device-plugin-daemonset' && p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    expect(plugin.status).toMatchObject({ desiredNumberScheduled: 40, numberReady: readyPlugins.length });
    const policy = cluster.objects.find((o) => o.kind === 'ClusterPolicy')!;
    expect(policy.status.state).toBe(cluster.broken.nodes.size > 0 ? 'notReady' : 'ready');
  });

  it('fits small shapes: fewer pods per node than operands, no breakage', () => {
    const tiny = syntheticCluster({ nodes: 2, podsPerNode: 3, brokenFraction: 0, seed: 1 });
    expect(ofKind(tiny.objects, 'Pod')).toHaveLength(6);
    expect(tiny.broken.nodes.size + tiny.broken.pods.size).toBe(0);
    expect(ofKind<Event>(tiny.objects, 'Event').filter((e) => e.type === 'Warning')).toEqual([]);
  });
});
