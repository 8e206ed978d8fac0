// Which GPU stacks a cluster runs, told from its objects alone (names, labels, annotations, CRD
// objects), each with the lines of evidence that gave it away, and where they run (namespaces, the GPU
// Operator's pods on a node). Checks of absent stacks stay quiet. The stacks and their rules are in
// src/stacks/<id>.ts; this runs them over Facts. Whose device plugin a pod is: src/facts/device-plugins.ts.
import type { DetectionContext } from '../stacks/define.js';
import { GPU_OPERATOR_NAMESPACES, isGpuOperatorObject } from '../stacks/gpu-operator.js';
import { STACKS, type StackId } from '../stacks/index.js';
import { workloadName } from '../stacks/match.js';
import type { Facts } from './facts.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import { someNames } from './scheduling.js';

export type { StackId };

export interface DetectedStack {
  id: StackId;
  name: string;
  /** Namespaces its components were found in, the busiest first. */
  namespaces: string[];
  /** One line per kind of sign, quoting the objects (a few names, then a count). */
  evidence: string[];
}

/** The header's names, by id (src/stacks/<id>.ts). */
export const STACK_NAMES = Object.fromEntries(STACKS.map((s) => [s.id, s.name])) as Record<StackId, string>;

const ref = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
const PLURAL: Record<string, string> = { Pod: 'pods', DaemonSet: 'DaemonSets', Deployment: 'Deployments', Namespace: 'namespaces', Node: 'nodes', ServiceMonitor: 'ServiceMonitors' };

/** Workload names of pods while detectStacks runs: its rules ask each pod's several times. */
let workloadNames: Map<KubeObject, string> | undefined;

function cachedWorkloadName(o: KubeObject): string {
  if (o.kind !== 'Pod') return o.metadata.name;
  let name = workloadNames?.get(o);
  if (name === undefined) {
    name = workloadName(o);
    workloadNames?.set(o, name);
  }
  return name;
}

function evidenceLine(kind: string, matches: KubeObject[], why: string): string {
  const what = matches.length === 1 ? kind : (PLURAL[kind] ?? kind);
  // Sorted: a live cluster lists in etcd order, a snapshot in file order; the header must not depend on it.
  return `${matches.length > 1 ? `${matches.length} ` : ''}${what} ${someNames(matches.map(ref).sort())} (${why})`;
}

function detect(facts: Facts, stack: (typeof STACKS)[number], ctx: DetectionContext): DetectedStack | undefined {
  const evidence: string[] = [];
  const namespaceCount = new Map<string, number>();
  for (const rule of stack.detect) {
    for (const kind of rule.kinds) {
      const matches = facts.all(kind).filter((o) => rule.test(o, ctx));
      if (matches.length === 0) continue;
      evidence.push(evidenceLine(kind, matches, rule.why));
      for (const o of matches) {
        const ns = kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
        if (ns) namespaceCount.set(ns, (namespaceCount.get(ns) ?? 0) + 1);
      }
    }
  }
  if (evidence.length === 0) return undefined;
  const namespaces = [...namespaceCount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([ns]) => ns);
  return { id: stack.id, name: stack.name, namespaces, evidence };
}

const cache = new WeakMap<Facts, DetectedStack[]>();
const NONE: ReadonlySet<string> = new Set();

/**
 * The stacks' rules in the order of src/stacks/index.ts: `viewOf` gives the Facts a stack's rules read, and
 * `asked` hears a rule ask for another (earlier) stack's namespaces.
 */
function runDetection(viewOf: (id: StackId) => Facts, asked?: (by: StackId, of: StackId) => void): DetectedStack[] {
  const stacks: DetectedStack[] = [];
  const found = new Map<string, ReadonlySet<string>>();
  workloadNames = new Map();
  try {
    for (const definition of STACKS) {
      const ctx: DetectionContext = {
        workloadName: cachedWorkloadName,
        namespacesOf: (id) => {
          asked?.(definition.id, id as StackId);
          return found.get(id) ?? NONE;
        },
      };
      const stack = detect(viewOf(definition.id), definition, ctx);
      if (!stack) continue;
      found.set(stack.id, new Set(stack.namespaces));
      stacks.push(stack);
    }
  } finally {
    workloadNames = undefined;
  }
  return stacks;
}

/** Every GPU stack the objects show, in the order of src/stacks/index.ts (GPU Operator, device plugin, HAMi, Kantaloupe, TensorFusion, Bitfusion). */
export function detectStacks(facts: Facts): DetectedStack[] {
  const cached = cache.get(facts);
  if (cached) return cached;
  const stacks = runDetection(() => facts);
  cache.set(facts, stacks);
  return stacks;
}

/**
 * Where some input could not be read: for each stack, the unread inputs its detection touched (its own rules'
 * kinds, and those of the stacks whose namespaces its rules asked for), what → why. A stack whose entry is
 * empty was looked for in everything its rules read: not finding it is conclusive. Empty on a complete read.
 */
export function detectionUnread(facts: Facts): Map<StackId, ReadonlyMap<string, string>> {
  const out = new Map<StackId, ReadonlyMap<string, string>>();
  if (!facts.tracking()) return out;
  const views = new Map<StackId, Facts>();
  const asks = new Map<StackId, Set<StackId>>();
  runDetection(
    (id) => views.set(id, facts.tracking()!).get(id)!,
    (by, of) => asks.set(by, (asks.get(by) ?? new Set()).add(of)),
  );
  // A stack asks only about stacks before it in the list: theirs are in `out` already.
  for (const { id } of STACKS) {
    const inherited = [...(asks.get(id) ?? [])].flatMap((of) => [...(out.get(of) ?? [])]);
    out.set(id, new Map([...views.get(id)!.touchedUnread, ...inherited]));
  }
  return out;
}

export function findStack(facts: Facts, id: StackId): DetectedStack | undefined {
  return detectStacks(facts).find((s) => s.id === id);
}

export function hasStack(facts: Facts, id: StackId): boolean {
  return !!findStack(facts, id);
}

/** Pods of the GPU Operator's operands (driver, toolkit, device plugin, GFD, validators…) bound to a node. */
export function gpuOperatorPodsOn(facts: Facts, nodeName: string): Pod[] {
  return facts.podsOn(nodeName).filter((pod) => isGpuOperatorObject(pod));
}

/** The namespace to point commands at for the GPU Operator: where it was found, else its default. */
export function gpuOperatorNamespace(facts: Facts): string {
  const found = findStack(facts, 'gpu-operator')?.namespaces ?? [];
  return found.find((ns) => GPU_OPERATOR_NAMESPACES.includes(ns)) ?? found[0] ?? GPU_OPERATOR_NAMESPACES[0]!;
}
