// One JSON builder (src/report/json.ts) for doctor, fleet and exec-check, and exec-check's captures judged
// by the doctor's engine: the same findings as its checks' own functions give, in the same document.
import { describe, expect, it } from 'vitest';
import envDroppedByChild, { envDroppedByChild as dropsOf } from '../../checks/env-dropped-by-child.js';
import injectionEnvMissing, { injectionEnvMissing as neverInjectedOf } from '../../checks/injection-env-missing.js';
import shellDropsPreload, { shellDropsPreload as shellDropsOf } from '../../checks/shell-drops-preload.js';
import type { ExecTrace } from '../../src/collection/collection.js';
import { judge } from '../../src/commands/exec-check.js';
import { findingsOf } from '../../src/engine.js';
import { renderJson, renderReportJson, reportJson } from '../../src/report/json.js';

const trace = (over: Partial<ExecTrace> = {}): ExecTrace => ({
  namespace: 'ml',
  pod: 'trainer',
  container: 'main',
  stack: { id: 'tensor-fusion', evidence: '--stack' },
  records: [
    { id: 1, pid: 1, argv: ['/bin/bash', '-c', 'env -i python3 train.py'], env: { PATH: '/tensor-fusion:/usr/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '/tensor-fusion/libcuda.so' } },
    { id: 2, pid: 7, parent: 1, argv: ['python3', 'train.py'], env: { PATH: '/usr/bin' } },
  ],
  ...over,
});

const key = (f: { name: string; severity: string; message: string }) => `${f.name} ${f.severity} ${f.message}`;

describe('exec-check through the engine', () => {
  for (const [what, t] of [
    ['a pod whose child lost the injection', trace()],
    ['a pod never injected', trace({ records: [{ id: 1, pid: 1, argv: ['python3'], env: { PATH: '/usr/bin' } }] })],
    ['a local trace', trace({ namespace: 'local', pod: './run.sh', container: 'strace', local: true })],
  ] as const) {
    it(`${what}: the same findings as the checks' own functions`, () => {
      const { report, workload } = judge(t, 'origin');
      const direct = [
        ...findingsOf(injectionEnvMissing, neverInjectedOf(workload), t.pod),
        ...findingsOf(shellDropsPreload, shellDropsOf(workload), t.pod),
        ...findingsOf(envDroppedByChild, dropsOf(workload), t.pod),
      ];
      expect(report.findings.map(key).sort()).toEqual(direct.map(key).sort());
      expect(report.findings).toEqual(expect.arrayContaining(direct));
      expect(report.checks.map((c) => c.name)).toEqual(['injection-env-missing', 'shell-drops-preload', 'env-dropped-by-child']);
      expect(report.stacks).toBeUndefined();
      expect(workload.local ?? false).toBe(t.local ?? false);
    });
  }

  it('finds what the trace shows: the child that lost the injected variables', () => {
    const { report } = judge(trace(), 'origin');
    expect(report.findings.filter((f) => f.severity !== 'ok').map((f) => f.name)).toContain('env-dropped-by-child');
  });
});

describe('the JSON document', () => {
  const { report } = judge(trace(), 'pod ml/trainer, container main');

  it('is the doctor document: stacks, findings, skipped, notApplicable, summary, playbook, rootCauses', () => {
    expect(Object.keys(reportJson(report))).toEqual(['stacks', 'findings', 'skipped', 'notApplicable', 'summary', 'playbook', 'rootCauses']);
    expect(reportJson(report).summary.origin).toBe('pod ml/trainer, container main');
  });

  it("exec-check's own fields come first, the document after; the contract's three fields alone stay as they were", () => {
    const out = JSON.parse(renderReportJson(report, { target: { pod: 'trainer' }, stack: 'tensor-fusion' }));
    expect(Object.keys(out)).toEqual(['target', 'stack', 'stacks', 'findings', 'skipped', 'notApplicable', 'summary', 'playbook', 'rootCauses']);
    expect(Object.keys(JSON.parse(renderJson(report)))).toEqual(['findings', 'skipped', 'summary', 'rootCauses']);
    expect(JSON.parse(renderJson(report)).findings).toEqual(out.findings);
  });
});
