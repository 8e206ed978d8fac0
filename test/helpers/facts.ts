// Builds Facts from plain objects for check unit tests: the same path the snapshot takes.
import { Facts } from '../../src/facts/facts.js';
import type { KubeObject, Node, Pod } from '../../src/facts/kube.js';
import type { Collection, NodeHost } from '../../src/collection/collection.js';
import { emptyCollection } from '../../src/collection/collection.js';

export function factsOf(objects: KubeObject[], extra: Partial<Collection> = {}): Facts {
  return new Facts({ ...emptyCollection('test'), objects, ...extra });
}

export function node(name: string, labels: Record<string, string> = {}, status: Node['status'] = {}, spec: Node['spec'] = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec, status };
}

export function gpuNode(name: string, gpus = 1, labels: Record<string, string> = {}): Node {
  return node(
    name,
    { 'feature.node.kubernetes.io/pci-10de.present': 'true', 'nvidia.com/gpu.present': 'true', ...labels },
    { capacity: { 'nvidia.com/gpu': String(gpus) }, allocatable: { 'nvidia.com/gpu': String(gpus) } },
  );
}

export function pod(namespace: string, name: string, fields: { spec?: Pod['spec']; status?: Pod['status']; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: fields.labels ?? {}, annotations: fields.annotations },
    spec: fields.spec ?? { containers: [{ name: 'main', image: 'busybox' }] },
    status: fields.status ?? { phase: 'Running' },
  };
}

export function host(files: Record<string, string> = {}, commands: Record<string, string | { stdout: string; exitCode: number; stderr?: string }> = {}, dirs: string[] = []): NodeHost {
  return {
    files: new Map(Object.entries(files)),
    dirs: new Set(dirs),
    commands: new Map(Object.entries(commands).map(([k, v]) => [k, typeof v === 'string' ? { stdout: v, exitCode: 0 } : v])),
  };
}
