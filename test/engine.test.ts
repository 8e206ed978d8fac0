import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { defineCheck } from '../src/check.js';
import { exitCodeOf, runChecks, selectChecks, summarize } from '../src/engine.js';
import { UsageError } from '../src/errors.js';
import { CATEGORIES } from '../src/model.js';
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
    expect(report.skipped).toEqual([{ id: 'GPU999', name: 'needs-pods', reason: 'cannot list pods (forbidden: pods is forbidden)' }]);
    expect(exitCodeOf(report)).toBe(0);
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
