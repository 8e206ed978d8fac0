// Which pods and DaemonSets are operands of the GPU Operator, the standalone device plugin or HAMi
// (the catalogue is src/data/operands.ts), indexed once per Facts: by node, and the device plugins
// that advertise nvidia.com/gpu.
import type { OperandSpec } from '../data/operands.js';
import { OPERANDS } from '../data/operands.js';
import type { Facts } from './facts.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import { isTerminal } from './pods.js';

/** A selector as [key, value, isPrefix] terms, read once: it is matched against every pod of the cluster. */
type CompiledSelector = [key: string, want: string, prefix: boolean][];

const COMPILED_OPERANDS: { spec: OperandSpec; selectors: CompiledSelector[] }[] = OPERANDS.map((spec) => ({
  spec,
  selectors: spec.selectors.map((selector) =>
    Object.entries(selector).map(([key, want]): [string, string, boolean] => (want.endsWith('*') ? [key, want.slice(0, -1), true] : [key, want, false])),
  ),
}));

function selectorMatches(selector: CompiledSelector, labels: Record<string, string>): boolean {
  for (const [key, want, prefix] of selector) {
    const have = labels[key];
    if (have === undefined || (prefix ? !have.startsWith(want) : have !== want)) return false;
  }
  return true;
}

/** The operand a set of pod labels belongs to, if any. */
export function operandOfLabels(labels: Record<string, string> | undefined): OperandSpec | undefined {
  if (!labels) return undefined;
  return COMPILED_OPERANDS.find(({ selectors }) => selectors.some((s) => selectorMatches(s, labels)))?.spec;
}

export function operandOf(pod: Pod): OperandSpec | undefined {
  return operandOfLabels(pod.metadata.labels);
}

/** A DaemonSet's operand, read from its pod template (where the selectors live) or its own labels. */
export function operandOfDaemonSet(ds: KubeObject): OperandSpec | undefined {
  return operandOfLabels(ds.spec?.template?.metadata?.labels) ?? operandOfLabels(ds.metadata.labels);
}

export interface OperandPod {
  pod: Pod;
  spec: OperandSpec;
}

// Several checks ask the same questions of a large cluster: answer each once per Facts.
const operandCache = new WeakMap<Facts, OperandPod[]>();

export function operandPods(facts: Facts): OperandPod[] {
  let found = operandCache.get(facts);
  if (!found) {
    found = [];
    for (const pod of facts.pods) {
      const spec = operandOf(pod);
      if (spec) found.push({ pod, spec });
    }
    operandCache.set(facts, found);
  }
  return found;
}

const operandsByNodeCache = new WeakMap<Facts, Map<string, OperandPod[]>>();

/** Operand pods (validators included) bound to a node: "the same layer on the same node", indexed once. */
export function operandPodsOn(facts: Facts, nodeName: string): OperandPod[] {
  let byNode = operandsByNodeCache.get(facts);
  if (!byNode) {
    byNode = new Map();
    for (const entry of operandPods(facts)) {
      const node = entry.pod.spec?.nodeName;
      if (!node) continue;
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(entry);
    }
    operandsByNodeCache.set(facts, byNode);
  }
  return byNode.get(nodeName) ?? [];
}

/** Device plugin pods that are alive (not terminal) and bound to a node, per node. */
export function devicePluginPodsByNode(facts: Facts): Map<string, OperandPod[]> {
  const byNode = new Map<string, OperandPod[]>();
  for (const entry of operandPods(facts)) {
    const node = entry.pod.spec?.nodeName;
    if (!entry.spec.advertisesGpus || !node || isTerminal(entry.pod)) continue;
    let list = byNode.get(node);
    if (!list) byNode.set(node, (list = []));
    list.push(entry);
  }
  return byNode;
}

/** Whether a pod of this DaemonSet is bound to the node. */
export function daemonSetHasPodOn(facts: Facts, ds: KubeObject, node: string): boolean {
  return facts
    .podsOn(node)
    .some((p) => p.metadata.namespace === ds.metadata.namespace && p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === ds.metadata.name));
}

export function devicePluginDaemonSets(facts: Facts): { ds: KubeObject; spec: OperandSpec }[] {
  return facts
    .all('DaemonSet')
    .map((ds) => ({ ds, spec: operandOfDaemonSet(ds) }))
    .filter((x): x is { ds: KubeObject; spec: OperandSpec } => !!x.spec?.advertisesGpus);
}
