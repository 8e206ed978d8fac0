// The report grows linearly with the findings: 1,000 finished GPU Job pods on a node where a pod waits made a
// 13.5 MB report when each finding listed every GPU pod of the node (4,000: 204 MB). Evidence lists are cut
// by one shared helper, and a check's many findings are not spread into push.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { capJoin, capLines, capText, MAX_EVIDENCE_LINES, moreLine } from '../../src/bounded.js';
import type { Check } from '../../src/check.js';
import { runChecks, selectChecks } from '../../src/engine.js';
import { Facts } from '../../src/facts/facts.js';
import type { Pod } from '../../src/facts/kube.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { emptyCollection } from '../../src/collection/collection.js';
import { gpuNode } from '../helpers/facts.js';

function finishedJobs(n: number): Facts {
  const pods: Pod[] = [];
  for (let i = 0; i < n; i++) {
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `cuda-job-${i}`, namespace: 'ml' },
      spec: { nodeName: 'gpu-1', containers: [{ name: 'c', image: 'nvidia/cuda:12.2.0-base-ubuntu22.04', resources: { limits: { 'nvidia.com/gpu': '1' } } }] },
      status: { phase: 'Succeeded' },
    });
  }
  pods.push({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'waiting', namespace: 'ml' },
    spec: { nodeName: 'gpu-1', containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] },
    status: { phase: 'Failed', reason: 'UnexpectedAdmissionError', message: 'Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0' },
  });
  return new Facts({ ...emptyCollection('test'), objects: [gpuNode('gpu-1'), ...pods] });
}

const checks = selectChecks(ALL_CHECKS, { only: ['gpu-held-by-finished-pod'] });
const reportSize = (n: number) => renderJson(runChecks(checks, finishedJobs(n))).length;

describe('bounded reports', () => {
  it('gpu-held-by-finished-pod: 4x the finished pods, about 4x the report (it was 16x)', () => {
    expect(runChecks(checks, finishedJobs(500)).findings.filter((f) => f.severity === 'error')).toHaveLength(500);
    const [small, big] = [reportSize(500), reportSize(2000)];
    expect(big / small).toBeLessThan(4.5);
    expect(big).toBeLessThan(2000 * 3000);
  });

  it('each finding holds at most MAX_EVIDENCE_LINES lines of at most 2,000 characters, however many a check made', () => {
    const flood: Check = {
      id: 'GPU999',
      name: 'flood',
      category: 'nodes',
      title: 'flood',
      needs: [],
      ok: 'ok',
      explain: { detects: '', why: '', fix: '' },
      // 300,000 findings: a spread of them into push overflowed the stack.
      run: () => Array.from({ length: 300_000 }, (_, i) => ({ severity: 'warning' as const, subject: { kind: 'Node', name: `n-${i}` }, message: 'm'.repeat(i === 0 ? 10_000 : 1), evidence: i === 0 ? Array.from({ length: 500 }, () => 'e'.repeat(5000)) : [] })),
    } as unknown as Check;
    const report = runChecks([flood], new Facts(emptyCollection('test')));
    expect(report.findings).toHaveLength(300_000);
    const first = report.findings.find((f) => f.subject.name === 'n-0')!;
    expect(first.evidence).toHaveLength(MAX_EVIDENCE_LINES + 1);
    expect(first.evidence.at(-1)).toBe('… and 450 more evidence lines');
    expect(first.evidence[0]!.length).toBeLessThan(2100);
    expect(first.message.length).toBeLessThan(2100);
    expect(renderText({ ...report, findings: report.findings.slice(0, 10) }, { colour: false } as never).length).toBeLessThan(200_000);
  }, 60_000);

  it('the shared helpers', () => {
    expect(capLines(['a', 'b', 'c'], 2, 'pods')).toEqual(['a', 'b', '… and 1 more pods']);
    expect(capLines(['a'], 2)).toEqual(['a']);
    expect(capJoin(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
    expect(capText('abcdef', 3)).toBe('abc… (3 more characters)');
    expect(moreLine(3)).toBe('… and 3 more');
  });
});
