import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { CAUSE_RULES } from '../checks/links.js';
import { CHECK_NAMES } from '../checks/names.js';
import type { CauseRule } from '../src/causes.js';
import { findingRefs, linkFindings } from '../src/causes.js';
import { OPERANDS } from '../src/data/operands.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject } from '../src/facts/kube.js';
import type { Finding, Scope } from '../src/model.js';
import { factsOf, pod } from './helpers/facts.js';

function finding(name: string, subject: Finding['subject'], scope?: Scope, severity: Finding['severity'] = 'error'): Finding {
  return { id: 'GPU000', name, severity, category: 'operator', subject, message: `${name} on ${subject.name}`, evidence: [], docs: '', ...(scope ? { scope } : {}) };
}

function labelsOf(component: string | undefined): Record<string, string> | undefined {
  if (!component) return undefined;
  const spec = OPERANDS.find((o) => o.component === component && o.provider === 'gpu-operator') ?? OPERANDS.find((o) => o.component === component);
  return { ...spec!.selectors[0]! };
}

interface Variant {
  symptomComponent?: string;
  causeComponent?: string;
  scope: Scope;
  images: string[];
  causeStage?: string;
  toolkitDs: boolean;
}

const COMPONENTS = [undefined, 'driver', 'toolkit', 'device-plugin', 'gfd', 'operator-validator', 'cuda-validator'];
const CAUSE_COMPONENTS = [undefined, 'driver', 'toolkit', 'device-plugin', 'cuda-validator'];

function* variants(rule: CauseRule): Generator<Variant> {
  const scopes: Scope[] = [
    {},
    ...['driver', 'toolkit', 'cuda', 'plugin'].map((stage) => ({ stage })),
    { tags: ['none-advertised'] },
    { tags: ['full'] },
    { tags: ['oversized'] },
    { components: ['dcgm-exporter'] },
    { tags: ['cannot-start', `blocked-by:${rule.cause}`] },
  ];
  for (const toolkitDs of [false, true])
    for (const symptomComponent of COMPONENTS)
      for (const causeComponent of CAUSE_COMPONENTS)
        for (const scope of scopes)
          for (const images of [[], ['docker.io/greptime/greptimedb:v0.9.5']])
            for (const causeStage of [undefined, 'driver']) yield { symptomComponent, causeComponent, scope, images, toolkitDs, ...(causeStage ? { causeStage } : {}) };
}

/**
 * The symptom as a pod `a/w-1-x` on node n1; the cause as pod `a/w-1` (a prefix: a workload and its pod) on
 * node n1 (for a rule on the pod: the same pod), or, `moved`, as pod `b/other` on node n2 with another image:
 * nothing in common but the cluster.
 */
function pair(rule: CauseRule, v: Variant, moved: boolean): { facts: Facts; symptom: Finding; cause: Finding } {
  const objects: KubeObject[] = [
    pod('a', 'w-1-x', { spec: { nodeName: 'n1', containers: [] }, labels: labelsOf(v.symptomComponent) }),
    moved ? pod('b', 'other', { spec: { nodeName: 'n2', containers: [] }, labels: labelsOf(v.causeComponent) }) : pod('a', 'w-1', { spec: { nodeName: 'n1', containers: [] }, labels: labelsOf(v.causeComponent) }),
  ];
  if (v.toolkitDs) objects.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'nvidia-container-toolkit-daemonset', namespace: 'gpu-operator' }, spec: { template: { metadata: { labels: labelsOf('toolkit') } } } } as KubeObject);
  const facts = factsOf(objects);
  const symptom = finding(rule.symptom, { kind: 'Pod', name: 'w-1-x', namespace: 'a' }, { ...v.scope, images: ['nvcr.io/x:1'] });
  const stage = v.causeStage ? { stage: v.causeStage } : {};
  const cause = moved
    ? finding(rule.cause, { kind: 'Pod', name: 'other', namespace: 'b' }, { images: v.images.length ? v.images : ['other.io/y:2'], ...stage })
    : finding(rule.cause, { kind: 'Pod', name: rule.on === 'pod' ? 'w-1-x' : 'w-1', namespace: 'a' }, { images: v.images.length ? v.images : ['nvcr.io/x:1'], ...stage });
  return { facts, symptom, cause };
}

function linked(rule: CauseRule, p: { facts: Facts; symptom: Finding; cause: Finding }): boolean {
  const graph = linkFindings([p.cause, p.symptom], p.facts, [rule]);
  return graph.explainedBy.get(p.symptom)!.includes(p.cause);
}

describe('causal links (checks/links.ts)', () => {
  it('names checks that exist: CHECK_NAMES is the catalogue', () => {
    expect([...CHECK_NAMES].sort()).toEqual(ALL_CHECKS.map((c) => c.name).sort());
  });

  it('covers the links the issue and the real-case corpus need', () => {
    const has = (symptom: string, cause: string) => CAUSE_RULES.some((r) => r.symptom === symptom && r.cause === cause);
    for (const cause of ['nvidia-runtime-missing', 'nvidia-runtime-not-selected', 'driver-not-loaded', 'driver-library-mismatch', 'operand-unhealthy', 'operand-taint-untolerated', 'operand-deploy-label-missing']) {
      expect(has('gpu-not-allocatable', cause), cause).toBe(true);
    }
    for (const [symptom, cause] of [
      ['validator-failed', 'fabric-manager-not-running'],
      ['validator-failed', 'toolkit-config-unsupported'],
      ['clusterpolicy-not-ready', 'toolkit-config-unsupported'],
      ['insufficient-gpu', 'gpu-held-by-finished-pod'],
      ['unexpected-admission-error', 'gpu-held-by-finished-pod'],
      ['clusterpolicy-not-ready', 'validator-failed'],
      ['clusterpolicy-not-ready', 'operand-unhealthy'],
      ['image-pull-failing', 'no-mirror-for-host'],
      ['image-pull-failing', 'mirror-not-loaded'],
      ['driver-too-old-for-cuda', 'nvidia-runtime-not-selected'],
      ['driver-not-loaded', 'operand-taint-untolerated'],
      ['nvidia-runtime-missing', 'operand-taint-untolerated'],
      ['driver-not-loaded', 'driver-image-unavailable'],
      ['nvidia-runtime-missing', 'driver-image-unavailable'],
      ['no-device-plugin', 'operand-taint-untolerated'],
    ]) {
      expect(has(symptom!, cause!), `${symptom} ← ${cause}`).toBe(true);
    }
  });

  // Each rule both ways: some shape of the two findings links them; the same cause elsewhere does not.
  it.each(CAUSE_RULES.map((rule, i) => [`${i}: ${rule.symptom} ← ${rule.cause} (${rule.on})`, rule] as const))('%s', (_title, rule) => {
    let found: Variant | undefined;
    for (const v of variants(rule)) {
      if (linked(rule, pair(rule, v, false))) {
        found = v;
        break;
      }
    }
    expect(found, 'no shape of the two findings links them').toBeDefined();
    if (rule.on === 'cluster') {
      // Only the cluster in common: a condition keeps unrelated causes out, or any cause of that name explains it.
      if (rule.when) {
        let refused = false;
        for (const v of variants(rule)) if (!linked(rule, pair(rule, v, true))) refused = true;
        expect(refused, 'the condition refuses no shape').toBe(true);
      }
      // A finding of another name is never linked.
      const p = pair(rule, found!, true);
      const other = { ...p.cause, name: 'some-other-check' };
      const graph = linkFindings([other, p.symptom], p.facts, [rule]);
      expect(graph.explainedBy.get(p.symptom)).toEqual([]);
      return;
    }
    expect(linked(rule, pair(rule, found!, true)), 'linked to the same finding on another node / pod / namespace / image').toBe(false);
  });
});

describe('linkFindings', () => {
  const a = finding('nvidia-runtime-missing', { kind: 'Node', name: 'n1' });
  const b = finding('gpu-not-allocatable', { kind: 'Node', name: 'n1' });
  const c = finding('gpu-not-allocatable', { kind: 'Node', name: 'n2' });

  it('makes the unexplained findings the root causes, grouped by name, with what each explains', () => {
    const a2 = finding('nvidia-runtime-missing', { kind: 'Node', name: 'n2' });
    const graph = linkFindings([b, c, a, a2], undefined, CAUSE_RULES);
    expect(graph.roots.map((r) => [r.name, r.findings.length, r.explains.length])).toEqual([['nvidia-runtime-missing', 2, 2]]);
    expect(graph.explainedBy.get(b)).toEqual([a]);
    expect(graph.explainedBy.get(c)).toEqual([a2]);
    expect(graph.explainedBy.get(a)).toEqual([]);
  });

  it('leaves a symptom whose cause is on another node a root of its own', () => {
    const graph = linkFindings([a, c], undefined, CAUSE_RULES);
    expect(graph.roots.map((r) => r.name).sort()).toEqual(['gpu-not-allocatable', 'nvidia-runtime-missing']);
  });

  it('breaks a cycle deterministically: the most severe, lowest-layer, first finding is the root', () => {
    const x = finding('x-check', { kind: 'Node', name: 'n1' }, undefined, 'warning');
    const y = finding('y-check', { kind: 'Node', name: 'n1' });
    const rules: CauseRule[] = [
      { symptom: 'x-check', cause: 'y-check', on: 'node', because: 'test' },
      { symptom: 'y-check', cause: 'x-check', on: 'node', because: 'test' },
    ];
    for (const order of [[x, y], [y, x]]) {
      const graph = linkFindings(order, undefined, rules);
      expect(graph.roots.map((r) => r.findings)).toEqual([[y]]);
      expect(graph.roots[0]!.explains).toEqual([x]);
      expect(graph.explainedBy.get(y)).toEqual([]);
      expect(graph.explainedBy.get(x)).toEqual([y]);
    }
  });

  it('gives each finding a stable id, numbered where a check reports one subject twice', () => {
    const twice = finding('nvidia-runtime-missing', { kind: 'Node', name: 'n1' });
    expect([...findingRefs([a, twice, b]).values()]).toEqual(['nvidia-runtime-missing:Node/n1', 'nvidia-runtime-missing:Node/n1#2', 'gpu-not-allocatable:Node/n1']);
  });
});
