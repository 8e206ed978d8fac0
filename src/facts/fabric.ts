// Whether a node is an NVSwitch system whose GPUs need the fabric manager, and what says so.
import { FABRIC_SYSTEMS, NVSWITCH_PCI } from '../data/fabric-systems.js';
import type { Facts } from './facts.js';
import type { Node } from '../collection/kube.js';
import { parseLspci } from './nvidia-host.js';
import { parseNvidiaSmiQuery } from './nvidia-smi.js';

export interface FabricNeed {
  /** One evidence line: the NVSwitch devices lspci lists, or the GPU model and count. */
  because: string;
  title: string;
}

/** The GPU models on a node with their count: nvidia-smi's query output first, GFD's labels second. */
function gpuModel(facts: Facts, node: Node): { name: string; count: number; source: string } | undefined {
  const query = facts.hostCommand(node.metadata.name, 'nvidia-smi-query');
  if (query && query.exitCode === 0) {
    const gpus = parseNvidiaSmiQuery(query.stdout).gpus;
    if (gpus.length > 0) return { name: gpus[0]!.name, count: gpus.length, source: 'nvidia-smi' };
  }
  const labels = node.metadata.labels ?? {};
  const product = labels['nvidia.com/gpu.product'];
  if (product) return { name: product, count: Number.parseInt(labels['nvidia.com/gpu.count'] ?? '0', 10) || 0, source: 'label nvidia.com/gpu.product' };
  return undefined;
}

export function fabricNeed(facts: Facts, node: Node): FabricNeed | undefined {
  const lspci = facts.hostCommand(node.metadata.name, 'lspci');
  if (lspci && lspci.exitCode === 0) {
    const switches = parseLspci(lspci.stdout).filter((d) => d.vendorId === '10de' && NVSWITCH_PCI.test(d.description));
    if (switches.length > 0) return { because: `lspci: ${switches.length} NVSwitch device${switches.length === 1 ? '' : 's'} (${switches[0]!.line})`, title: 'NVSwitch system' };
  }
  const model = gpuModel(facts, node);
  if (!model) return undefined;
  const system = FABRIC_SYSTEMS.find((s) => s.product.test(model.name) && model.count >= s.minGpus);
  return system && { because: `${model.count} × ${model.name} (${model.source}): ${system.title}`, title: system.title };
}
