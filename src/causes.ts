// The causal graph between findings: after every check ran, the rules of checks/links.ts say which finding
// explains which other (on the same node, pod, namespace, image, or anywhere in the cluster). A finding no
// other finding explains is a root cause; the same root cause on many nodes or pods is one group.
import type { Facts } from './facts/facts.js';
import type { KubeObject } from './facts/kube.js';
import { operandOf, operandOfDaemonSet } from './facts/operands.js';
import type { Finding } from './model.js';
import { SEVERITY_RANK } from './model.js';

/** What the symptom and its cause must have in common. */
export type Shared = 'node' | 'pod' | 'namespace' | 'image' | 'cluster';

/** A finding as the rules see it: its subject resolved to the nodes, pods and operand it is about. */
export interface Linked {
  finding: Finding;
  /** The node of a Node subject, the node a Pod runs on, the nodes its scope names (a DaemonSet's). */
  nodes: string[];
  /** namespace/name of a Pod subject and of the pods its scope names. */
  pods: string[];
  namespaces: string[];
  images: string[];
  /** The GPU stack component (data/operands.ts) of a Pod or DaemonSet subject: driver, toolkit, device-plugin, … */
  component?: string;
}

export interface CauseRule<Name extends string = string> {
  /** The finding explained. */
  symptom: Name;
  /** The finding that explains it. */
  cause: Name;
  on: Shared;
  /** A further condition on the pair (the cause is the toolkit's DaemonSet, the stage comes after the driver, …). */
  when?: (symptom: Linked, cause: Linked, facts: Facts | undefined) => boolean;
  /** Why the cause explains the symptom, in a few words (docs and tests). */
  because: string;
}

export interface RootCause {
  name: string;
  severity: Finding['severity'];
  /** The findings of this cause: one per node, pod or object it is on. */
  findings: Finding[];
  /** Every finding they explain, directly or through others, in report order. */
  explains: Finding[];
}

export interface CauseGraph {
  /** A stable id per finding: `name:Kind/namespace/name`, `#2`… where a check reports one subject twice. */
  refs: Map<Finding, string>;
  /** The findings that explain each finding directly (empty for a root cause). */
  explainedBy: Map<Finding, Finding[]>;
  /** Root causes grouped by name and severity, most severe first, then lowest layer, then most explained. */
  roots: RootCause[];
}

/** A cluster-wide rule links a symptom to at most this many causes: enough to follow, bounded at any size. */
export const MAX_CLUSTER_LINKS = 5;

export function findingRef(f: Finding): string {
  const s = f.subject;
  return `${f.name}:${s.kind}/${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

export function findingRefs(findings: Finding[]): Map<Finding, string> {
  const refs = new Map<Finding, string>();
  const seen = new Map<string, number>();
  for (const f of findings) {
    const base = findingRef(f);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    refs.set(f, n === 1 ? base : `${base}#${n}`);
  }
  return refs;
}

function resolve(f: Finding, facts: Facts | undefined, daemonSets: Map<string, KubeObject> | undefined): Linked {
  const s = f.subject;
  const nodes = new Set<string>(f.scope?.nodes ?? []);
  const pods = new Set<string>(f.scope?.pods ?? []);
  let component: string | undefined;
  if (s.kind === 'Node' || s.kind === 'GPUNode') nodes.add(s.name);
  if (s.kind === 'Pod') {
    pods.add(`${s.namespace ?? 'default'}/${s.name}`);
    const pod = facts?.pod(s.namespace ?? 'default', s.name);
    if (pod?.spec?.nodeName) nodes.add(pod.spec.nodeName);
    component = pod ? operandOf(pod)?.component : undefined;
  }
  if (s.kind === 'DaemonSet') {
    const ds = daemonSets?.get(`${s.namespace ?? 'default'}/${s.name}`);
    component = ds ? operandOfDaemonSet(ds)?.component : undefined;
  }
  const namespaces = new Set<string>([...(s.namespace ? [s.namespace] : []), ...[...pods].map((p) => p.split('/')[0]!)]);
  return { finding: f, nodes: [...nodes], pods: [...pods], namespaces: [...namespaces], images: [...(f.scope?.images ?? []), ...(s.kind === 'Image' ? [s.name] : [])], ...(component ? { component } : {}) };
}

function keysOf(l: Linked, on: Exclude<Shared, 'cluster'>): string[] {
  return on === 'node' ? l.nodes : on === 'pod' ? l.pods : on === 'namespace' ? l.namespaces : l.images;
}

/**
 * Links the findings by the rules. `layerOf` ranks a finding name by the layer of the stack it is about
 * (lower first): it orders the root causes, and picks the root of a cycle of findings explaining each other.
 */
export function linkFindings(findings: Finding[], facts: Facts | undefined, rules: readonly CauseRule[], layerOf: (name: string) => number = () => 0): CauseGraph {
  const refs = findingRefs(findings);
  const problems = findings.filter((f) => f.severity !== 'ok');
  const index = new Map(problems.map((f, i) => [f, i]));
  const daemonSets = facts && !facts.unavailable('DaemonSet') ? new Map(facts.all<KubeObject>('DaemonSet').map((d) => [`${d.metadata.namespace ?? 'default'}/${d.metadata.name}`, d])) : undefined;
  const byName = new Map<string, Linked[]>();
  for (const f of problems) {
    let list = byName.get(f.name);
    if (!list) byName.set(f.name, (list = []));
    list.push(resolve(f, facts, daemonSets));
  }
  const explainedBy = new Map<Finding, Set<Finding>>(problems.map((f) => [f, new Set()]));
  for (const rule of rules) {
    const symptoms = byName.get(rule.symptom);
    const causes = byName.get(rule.cause);
    if (!symptoms || !causes) continue;
    const ok = (s: Linked, c: Linked) => s.finding !== c.finding && (!rule.when || rule.when(s, c, facts));
    if (rule.on === 'cluster') {
      for (const s of symptoms) {
        let linked = 0;
        for (const c of causes) {
          if (linked >= MAX_CLUSTER_LINKS) break;
          if (ok(s, c)) {
            explainedBy.get(s.finding)!.add(c.finding);
            linked++;
          }
        }
      }
      continue;
    }
    const on = rule.on;
    const byKey = new Map<string, Linked[]>();
    for (const c of causes) {
      for (const key of keysOf(c, on)) {
        let list = byKey.get(key);
        if (!list) byKey.set(key, (list = []));
        list.push(c);
      }
    }
    for (const s of symptoms) {
      for (const key of keysOf(s, on)) for (const c of byKey.get(key) ?? []) if (ok(s, c)) explainedBy.get(s.finding)!.add(c.finding);
    }
  }

  // Cause before symptom; among equals the more severe, the lower layer, the first reported.
  const rank = (a: Finding, b: Finding) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || layerOf(a.name) - layerOf(b.name) || index.get(a)! - index.get(b)!;
  const explains = new Map<Finding, Finding[]>(problems.map((f) => [f, []]));
  for (const [s, causes] of explainedBy) for (const c of causes) explains.get(c)!.push(s);

  // Findings that explain each other (a cycle) with nothing outside explaining them: one of them is the root.
  const components = stronglyConnected(problems, explains);
  const component = new Map<Finding, number>();
  components.forEach((members, i) => members.forEach((f) => component.set(f, i)));
  const rootSet = new Set<Finding>();
  for (const [i, members] of components.entries()) {
    const outside = members.some((f) => [...explainedBy.get(f)!].some((c) => component.get(c) !== i));
    if (outside) continue;
    const root = [...members].sort(rank)[0]!;
    rootSet.add(root);
    explainedBy.get(root)!.clear();
  }
  for (const [c, list] of explains) explains.set(c, list.filter((s) => !rootSet.has(s)));

  const reach = (start: Finding): Set<Finding> => {
    const seen = new Set<Finding>();
    const queue = [...explains.get(start)!];
    while (queue.length) {
      const f = queue.pop()!;
      if (seen.has(f) || f === start) continue;
      seen.add(f);
      queue.push(...explains.get(f)!);
    }
    return seen;
  };
  const groups = new Map<string, { findings: Finding[]; explained: Set<Finding> }>();
  for (const f of problems.filter((p) => rootSet.has(p))) {
    const key = `${f.name}\u0000${f.severity}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { findings: [], explained: new Set() }));
    g.findings.push(f);
    for (const e of reach(f)) g.explained.add(e);
  }
  const roots: RootCause[] = [...groups.values()].map((g) => ({
    name: g.findings[0]!.name,
    severity: g.findings[0]!.severity,
    findings: g.findings,
    explains: [...g.explained].filter((f) => !g.findings.includes(f)).sort((a, b) => index.get(a)! - index.get(b)!),
  }));
  roots.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      layerOf(a.name) - layerOf(b.name) ||
      b.explains.length - a.explains.length ||
      index.get(a.findings[0]!)! - index.get(b.findings[0]!)!,
  );
  const direct = new Map<Finding, Finding[]>(problems.map((f) => [f, [...explainedBy.get(f)!].sort((a, b) => index.get(a)! - index.get(b)!)]));
  return { refs, explainedBy: direct, roots };
}

/** Tarjan's strongly connected components, without recursion (the graph may be long at 100,000 findings). */
function stronglyConnected(nodes: Finding[], edges: Map<Finding, Finding[]>): Finding[][] {
  const order = new Map<Finding, number>();
  const low = new Map<Finding, number>();
  const onStack = new Set<Finding>();
  const stack: Finding[] = [];
  const out: Finding[][] = [];
  let next = 0;
  for (const start of nodes) {
    if (order.has(start)) continue;
    const work: { f: Finding; i: number }[] = [{ f: start, i: 0 }];
    order.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1]!;
      const succ = edges.get(top.f) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++]!;
        if (!order.has(w)) {
          order.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ f: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.f, Math.min(low.get(top.f)!, order.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.f;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.f)!));
      }
      if (low.get(top.f) === order.get(top.f)) {
        const members: Finding[] = [];
        let w: Finding;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          members.push(w);
        } while (w !== top.f);
        out.push(members);
      }
    }
  }
  return out;
}

/** The same graph over copies of the findings (`to[i]` is a copy of `from[i]`: the terminal-safe report). */
export function remapCauses(graph: CauseGraph, from: Finding[], to: Finding[]): CauseGraph {
  const map = new Map(from.map((f, i) => [f, to[i]!]));
  const m = (f: Finding) => map.get(f) ?? f;
  return {
    refs: new Map([...graph.refs].map(([f, r]) => [m(f), r])),
    explainedBy: new Map([...graph.explainedBy].map(([f, list]) => [m(f), list.map(m)])),
    roots: graph.roots.map((r) => ({ ...r, findings: r.findings.map(m), explains: r.explains.map(m) })),
  };
}
