// What counts as evidence of an NVIDIA GPU, and how much GPU a pod asks for.
import type { Facts } from './facts.js';
import type { Node, Pod } from '../collection/kube.js';

export const GPU_RESOURCE = 'nvidia.com/gpu';
export const GPU_PRESENT_LABEL = 'nvidia.com/gpu.present';
export const OPERANDS_LABEL = 'nvidia.com/gpu.deploy.operands';
/** The GPU Operator's per-operand node labels: nvidia.com/gpu.deploy.driver, .device-plugin, … */
export const DEPLOY_LABEL_PREFIX = 'nvidia.com/gpu.deploy.';

/** The NFD labels NVIDIA's must-gather script looks for (PCI vendor 10de, with and without class). */
export const NFD_NVIDIA_LABELS = [
  'feature.node.kubernetes.io/pci-10de.present',
  'feature.node.kubernetes.io/pci-0302_10de.present',
  'feature.node.kubernetes.io/pci-0300_10de.present',
];

/** Lines of `lspci -nn` that name an NVIDIA device: vendor id 10de. */
export function nvidiaPciLines(lspci: string): string[] {
  return lspci.split('\n').filter((line) => /\[10de:[0-9a-f]{4}\]/i.test(line));
}

/** Every sign that a node has an NVIDIA GPU, each as a line of evidence; empty when there is none. */
export function gpuEvidence(node: Node, facts?: Facts): string[] {
  const labels = node.metadata.labels ?? {};
  const evidence: string[] = [];
  for (const key of NFD_NVIDIA_LABELS) if (labels[key] === 'true') evidence.push(`label ${key}=true`);
  if (labels[GPU_PRESENT_LABEL] === 'true') evidence.push(`label ${GPU_PRESENT_LABEL}=true`);
  const gfd = Object.keys(labels).filter((k) => /^nvidia\.com\/gpu\.(product|count|memory|family|machine)$/.test(k));
  for (const key of gfd) evidence.push(`label ${key}=${labels[key]}`);
  const capacity = node.status?.capacity?.[GPU_RESOURCE];
  if (capacity && capacity !== '0') evidence.push(`capacity ${GPU_RESOURCE}: ${capacity}`);
  const lspci = facts?.hostCommand(node.metadata.name, 'lspci');
  if (lspci && lspci.exitCode === 0) {
    for (const line of nvidiaPciLines(lspci.stdout)) evidence.push(`lspci: ${line.trim()}`);
  }
  return evidence;
}

// Many checks start from the GPU nodes: find them once per Facts (the list is read-only).
const gpuNodesCache = new WeakMap<Facts, Node[]>();

export function gpuNodes(facts: Facts): Node[] {
  let nodes = gpuNodesCache.get(facts);
  if (!nodes) gpuNodesCache.set(facts, (nodes = facts.nodes.filter((n) => gpuEvidence(n, facts).length > 0)));
  return nodes;
}

function quantity(value: string | undefined): number {
  if (!value) return 0;
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** Effective request of an extended resource: max(sum over containers, max over init containers). */
export function podResourceRequest(pod: Pod, resource: string): number {
  // Plain loops: checks ask this of every pod, several times each.
  let main = 0;
  for (const c of pod.spec?.containers ?? []) main += containerRequest(c, resource);
  let init = 0;
  for (const c of pod.spec?.initContainers ?? []) init = Math.max(init, containerRequest(c, resource));
  return Math.max(main, init);
}

function containerRequest(c: { resources?: { limits?: Record<string, string>; requests?: Record<string, string> } }, resource: string): number {
  const resources = c.resources;
  if (!resources) return 0;
  return Math.max(quantity(resources.limits?.[resource]), quantity(resources.requests?.[resource]));
}

/** The NVIDIA resources a pod asks for (nvidia.com/gpu, MIG slices, HAMi's gpumem/gpucores), init containers included. */
export function nvidiaResources(pod: Pod): string[] {
  const names = new Set<string>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const k of [...Object.keys(c.resources?.requests ?? {}), ...Object.keys(c.resources?.limits ?? {})]) {
      if (k.startsWith('nvidia.com/')) names.add(k);
    }
  }
  return [...names];
}

export function podGpuRequest(pod: Pod): number {
  return podResourceRequest(pod, GPU_RESOURCE);
}

export function nodeAllocatableGpus(node: Node): number {
  return quantity(node.status?.allocatable?.[GPU_RESOURCE]);
}

export function nodeCapacityGpus(node: Node): number {
  return quantity(node.status?.capacity?.[GPU_RESOURCE]);
}
