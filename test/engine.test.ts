import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { defineCheck } from '../src/check.js';
import { exitCodeOf, runChecks, selectChecks, summarize } from '../src/engine.js';
import { UsageError } from '../src/errors.js';
import { CATEGORIES } from '../src/model.js';
import { RESOURCE_TYPES } from '../src/collection/resources.js';
import { Facts } from '../src/facts/facts.js';
import { kindLabel } from '../src/facts/facts.js';
import { detectStacks } from '../src/facts/stacks.js';
import { loadSnapshot } from '../src/sources/snapshot.js';
import { STACKS } from '../src/stacks/index.js';
import { factsOf, gpuNode, node } from './helpers/facts.js';

const explain = { detects: 'something long enough', why: 'something long enough', fix: 'something long enough' };
const needsPods = defineCheck({
  id: 'GPU999', name: 'needs-pods', category: 'operator', title: 'test check', needs: ['Pod'], ok: 'fine', explain,
  run: (facts) => facts.pods.map((p) => ({ severity: 'error' as const, subject: { kind: 'Pod', name: p.metadata.name }, message: 'bad pod' })),
});
const throws = defineCheck({
  id: 'GPU998', name: 'throws-always', category: 'nodes', title: 'test check', needs: [], ok: 'fine', explain,
  run: () => {
    throw new Error('boom');
  },
});

describe('runChecks', () => {
  it('skips a check whose kind could not be listed, with the reason, instead of passing', () => {
    const facts = factsOf([], { unavailable: new Map([['Pod', 'forbidden: pods is forbidden']]) });
    const report = runChecks([needsPods], facts);
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([{ id: 'GPU999', name: 'needs-pods', reason: 'cannot list pods (forbidden: pods is forbidden)', incomplete: true }]);
    // The run is incomplete: exit 2, unless partial results are allowed.
    expect(report.incomplete).toEqual([{ what: 'pods', why: 'forbidden: pods is forbidden' }]);
    expect(exitCodeOf(report)).toBe(2);
    expect(exitCodeOf(report, 'error', true)).toBe(0);
  });

  describe('incomplete runs: what a check read is recorded, not declared', () => {
    const reads = (name: string, read: (f: import('../src/facts/facts.js').Facts) => unknown, issues = false) =>
      defineCheck({
        id: `GPU9${name.length}`, name, category: 'nodes', title: 't', needs: [], ok: `${name} fine`, explain,
        run: (facts) => {
          read(facts);
          return issues ? [{ severity: 'warning' as const, subject: { kind: 'Node', name: 'n' }, message: 'seen anyway' }] : [];
        },
      });
    const unread = {
      unavailable: new Map([['Event', 'failed after 4 attempts: 500 Internal Server Error']]),
      unreadLogs: new Map([['ml/p/c', 'no answer within 10s (--request-timeout)']]),
      unreadProcesses: new Map([['ml/p/c', 'exec into pod ml/p is forbidden (403)']]),
      meta: { nodeProbeFailures: { 'gpu-1': 'the probe pod did not start within 60s' } },
    };
    const facts = () => factsOf([node('gpu-1'), { kind: 'Pod', metadata: { name: 'p', namespace: 'ml' } }], unread);

    it('a check that read an unread input and found nothing is skipped with what it did not read, never ✓', () => {
      const cases: [string, (f: import('../src/facts/facts.js').Facts) => unknown, string][] = [
        ['events', (f) => f.eventsFor('Pod', 'p', 'ml'), 'not read: events (failed after 4 attempts: 500 Internal Server Error)'],
        ['log', (f) => f.log('ml', 'p', 'c'), 'not read: log ml/p/c (no answer within 10s (--request-timeout))'],
        ['procs', (f) => f.processTables(), 'not read: process table ml/p/c (exec into pod ml/p is forbidden (403))'],
        // The probe's reason is stated once, in the finding about the node: the skip points there.
        ['host', (f) => f.host('gpu-1'), 'not read: node gpu-1 (the node probe failed: see snapshot-file-unreadable on Node gpu-1)'],
        ['files', (f) => f.sourceProblems, 'not read: events (failed after 4 attempts: 500 Internal Server Error); log ml/p/c (no answer within 10s (--request-timeout)); process table ml/p/c (exec into pod ml/p is forbidden (403)); node gpu-1 (the node probe failed: see snapshot-file-unreadable on Node gpu-1)'],
      ];
      for (const [name, read, reason] of cases) {
        const report = runChecks([reads(name, read)], facts());
        expect(report.findings, name).toEqual([]);
        expect(report.skipped, name).toEqual([{ id: expect.any(String), name, reason, incomplete: true }]);
        expect(exitCodeOf(report), name).toBe(2);
      }
    });

    it('reads of what was read stay passes; issues found in what was read are reported', () => {
      const report = runChecks([reads('nodes-only', (f) => [f.nodes, f.log('ml', 'p', 'other')]), reads('found', (f) => f.events, true)], facts());
      expect(report.findings.map((f) => [f.name, f.severity])).toEqual([['found', 'warning'], ['nodes-only', 'ok']]);
      expect(report.incomplete).toEqual([{ what: 'events', why: 'failed after 4 attempts: 500 Internal Server Error' }]);
    });

    it('an index built by an earlier check does not hide a later check\'s read', () => {
      const podsForbidden = factsOf([], { unavailable: new Map([['Pod', 'forbidden']]) });
      const report = runChecks([reads('first', (f) => f.podsOn('gpu-1')), reads('second', (f) => f.podsOn('gpu-1'))], podsForbidden);
      expect(report.skipped.map((s) => [s.name, s.reason])).toEqual([['first', 'not read: pods (forbidden)'], ['second', 'not read: pods (forbidden)']]);
    });

    it('stack detection that could not list pods sets no stack aside as not applicable', () => {
      const report = runChecks(ALL_CHECKS.filter((c) => c.stacks), factsOf([], { unavailable: new Map([['Pod', 'forbidden']]) }));
      expect(report.stacksIncomplete).toBe(true);
      expect(report.notApplicable).toEqual([]);
      expect(report.findings.filter((f) => f.severity === 'ok')).toEqual([]);
    });

    it('a complete run tracks nothing and reports no incomplete fields', () => {
      const report = runChecks(ALL_CHECKS, factsOf([node('gpu-1')]));
      expect(report.incomplete).toBeUndefined();
      expect(report.stacksIncomplete).toBeUndefined();
    });
  });

  it('emits an ok finding for a check that found nothing, and error findings with id, name, docs', () => {
    const ok = runChecks([needsPods], factsOf([]));
    expect(ok.findings).toMatchObject([{ severity: 'ok', name: 'needs-pods', message: 'fine' }]);
    const bad = runChecks([needsPods], factsOf([{ kind: 'Pod', metadata: { name: 'p', namespace: 'd' } }]));
    expect(bad.findings).toMatchObject([{ id: 'GPU999', name: 'needs-pods', severity: 'error', docs: 'docs/checks/needs-pods.md', evidence: [] }]);
    expect(exitCodeOf(bad)).toBe(1);
    expect(summarize(bad)).toMatchObject({ errors: 1, checks: 1 });
  });

  it('turns a crashing check into a skipped entry and runs the others', () => {
    const report = runChecks([throws, needsPods], factsOf([]));
    expect(report.skipped).toEqual([{ id: 'GPU998', name: 'throws-always', reason: 'check failed: boom' }]);
    expect(report.findings).toHaveLength(1);
  });

  it('orders findings by category, then severity', () => {
    const report = runChecks(ALL_CHECKS, factsOf([node('gpu-x', {}, { capacity: { 'nvidia.com/gpu': '1' } }), gpuNode('gpu-y')]));
    const ranks = report.findings.map((f) => CATEGORIES.indexOf(f.category));
    expect(new Set(ranks).size).toBeGreaterThan(1);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });
});

describe('runChecks: stack detection that could not read everything', () => {
  const WHY = 'failed after 4 attempts: 500 Internal Server Error';
  // The kinds the detection reads, measured: each unread alone, those the detection touched.
  const DETECTION_KINDS = RESOURCE_TYPES.map((t) => t.kind).filter((kind) => {
    const view = factsOf([], { unavailable: new Map([[kind, WHY]]) }).tracking()!;
    detectStacks(view);
    return view.touchedUnread.size > 0;
  });
  /** The stacks whose own detection rules look at objects of this kind. */
  const readersOf = (kind: string) => STACKS.filter((s) => s.detect.some((r) => (r.kinds as readonly string[]).includes(kind))).map((s) => s.id as string);
  const STACK_CHECKS = ALL_CHECKS.filter((c) => c.stacks);

  it('reads the twelve kinds the review listed', () => {
    expect(DETECTION_KINDS).toEqual(['Node', 'Pod', 'Namespace', 'DaemonSet', 'Deployment', 'ClusterPolicy', 'ServiceMonitor', 'TensorFusionCluster', 'GPUPool', 'GPUNode', 'GPU', 'TensorFusionWorkload']);
  });

  for (const kind of DETECTION_KINDS) {
    it(`${kindLabel(kind)} unread: the checks of stacks not found are skipped incomplete, naming it, and report no finding`, () => {
      const report = runChecks(ALL_CHECKS, factsOf([gpuNode('gpu-1')].filter((o) => o.kind !== kind), { unavailable: new Map([[kind, WHY]]) }));
      expect(report.stacks, kind).toEqual([]);
      expect(report.stacksIncomplete, kind).toBe(true);
      const unsure = STACK_CHECKS.filter((c) => c.stacks!.some((id) => readersOf(kind).includes(id)));
      expect(unsure.length, kind).toBeGreaterThan(0);
      for (const check of unsure) {
        expect(report.findings.filter((f) => f.id === check.id), `${kind}: ${check.name}`).toEqual([]);
        expect(report.skipped.find((s) => s.id === check.id), `${kind}: ${check.name}`).toEqual({
          id: check.id, name: check.name, incomplete: true, reason: expect.stringMatching(new RegExp(`^not read: ${kindLabel(kind)} \\(${WHY}\\), so whether .+ runs is unknown$`)),
        });
      }
      // A stack whose detection reads only what was read is not there: its checks stay quiet as before.
      for (const check of STACK_CHECKS.filter((c) => !unsure.includes(c))) {
        expect(report.notApplicable!.map((s) => s.id), `${kind}: ${check.name}`).toContain(check.id);
      }
      expect(exitCodeOf(report)).toBe(2);
    });
  }

  it('the checks of the stacks detected from what was read still run, whatever kind is unread', async () => {
    const examples = await Promise.all(['examples/hami-kantaloupe', 'examples/bitfusion', 'examples/tensor-fusion-injection', 'examples/healthy-gpu-operator'].map((dir) => loadSnapshot(dir)));
    let ranDetected = 0;
    for (const example of examples) {
      for (const kind of DETECTION_KINDS) {
        const collection = { ...example, objects: example.objects.filter((o) => o.kind !== kind), unavailable: new Map([...example.unavailable, [kind, WHY]]) };
        const report = runChecks(ALL_CHECKS, new Facts(collection));
        const label = `${example.origin}, ${kind} unread`;
        for (const check of STACK_CHECKS) {
          const detected = check.stacks!.some((id) => report.stacks!.some((s) => s.id === id));
          const skip = report.skipped.find((s) => s.id === check.id);
          if (detected) {
            ranDetected++;
            expect(report.checks, `${label}: ${check.name}`).toContain(check);
            expect(skip?.reason ?? '', `${label}: ${check.name}`).not.toMatch(/runs is unknown$/);
          } else if (!report.notApplicable!.some((s) => s.id === check.id)) {
            expect(skip, `${label}: ${check.name}`).toMatchObject({ incomplete: true, reason: expect.stringMatching(/runs is unknown$/) });
            expect(report.findings.filter((f) => f.id === check.id), `${label}: ${check.name}`).toEqual([]);
          }
        }
      }
    }
    expect(ranDetected).toBeGreaterThan(100);
  });
});

describe('selectChecks', () => {
  const all = [needsPods, throws];
  it('selects by name, id (any case) and category, and skips likewise', () => {
    expect(selectChecks(all, { only: ['needs-pods'] })).toEqual([needsPods]);
    expect(selectChecks(all, { only: ['gpu998'] })).toEqual([throws]);
    expect(selectChecks(all, { only: ['operator'] })).toEqual([needsPods]);
    expect(selectChecks(all, { skip: ['nodes'] })).toEqual([needsPods]);
  });
  it('rejects an unknown token', () => {
    expect(() => selectChecks(all, { skip: ['nope'] })).toThrow(UsageError);
  });
});
