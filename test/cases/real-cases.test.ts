// The real-case corpus (test/cases/real/): snapshots rebuilt from public bug reports. Each broken case must
// yield its confirmed root cause as an error finding; each healthy case no error at all. Cases gpuctl does not
// yet get right are listed in NOT_YET with the reason (corpus-baseline.md); for them the test asserts that the
// cause is still missed, so that fixing a check flips the test and the list gets shorter, never silently longer.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueNames } from '../data/catalogue-names.js';
import { ROOT, gpuctl } from '../helpers/cli.js';

const CORPUS = path.join(ROOT, 'test/cases/real');

interface CaseJson {
  id: string;
  title: string;
  thread: string;
  healthy: boolean;
  expect: { errors: string[]; note?: string };
  confirmedBy: string;
}

/** Broken cases the current checks miss, and why (see /work/notes/research/corpus-baseline.md). */
const NOT_YET: Record<string, string> = {
  'gpu-operator-1298': 'evidence source unread: CRI-O runtimes (/etc/crio) and its "failed to find runtime handler" wording',
  'gpu-operator-2236': 'evidence source unread: CRI-O drop-ins under /etc/crio/crio.conf.d (the toolkit writes its runtime there)',
  'gpu-operator-236': 'wording unknown: dockershim "RuntimeHandler \\"nvidia\\" not supported"',
  'k8s-device-plugin-328': 'gpu-held-by-finished-pod does not count crash-looping holders',
};

const CATALOGUE = catalogueNames(ROOT);

const cases: CaseJson[] = fs
  .readdirSync(CORPUS)
  .filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory())
  .sort()
  .map((d) => JSON.parse(fs.readFileSync(path.join(CORPUS, d, 'case.json'), 'utf8')) as CaseJson);

async function errorNames(id: string): Promise<{ errors: string[]; all: { name: string; severity: string }[]; exitCode: number }> {
  const r = await gpuctl(['doctor', '--snapshot', path.join(CORPUS, id), '-o', 'json']);
  expect(r.exitCode, `${id}: ${r.stderr}`).toBeLessThan(2);
  const report = JSON.parse(r.stdout) as { findings: { name: string; severity: string }[] };
  return { errors: [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.name))], all: report.findings, exitCode: r.exitCode };
}

describe('real-case corpus: shape', () => {
  it('has at least 30 cases, at least 8 of them healthy', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.healthy).length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s names its thread, its evidence and catalogue findings', (id, c) => {
    expect(c.id).toBe(id);
    expect(c.thread).toMatch(/^https:\/\/(github\.com|docs\.nvidia\.com)\//);
    expect(c.healthy).toBe(c.expect.errors.length === 0);
    for (const e of c.expect.errors) expect(CATALOGUE.has(e), `${id}: ${e}`).toBe(true);
    const md = fs.readFileSync(path.join(CORPUS, id, 'CASE.md'), 'utf8');
    expect(md).toContain(c.thread);
    expect(md).toMatch(/quoted exactly/);
    expect(md).toContain('## How the snapshot was rebuilt');
    for (const f of ['meta.json', 'cluster/nodes.json', 'cluster/pods.json', 'cluster/events.json']) expect(fs.existsSync(path.join(CORPUS, id, f)), `${id}/${f}`).toBe(true);
  });

  it('keeps NOT_YET to broken cases of the corpus', () => {
    for (const id of Object.keys(NOT_YET)) expect(cases.find((c) => c.id === id)?.healthy, id).toBe(false);
  });
});

describe('real-case corpus: gpuctl doctor', () => {
  for (const c of cases) {
    if (c.healthy) {
      it(`${c.id}: healthy, no error finding and exit 0`, async () => {
        const r = await errorNames(c.id);
        expect(r.errors).toEqual([]);
        expect(r.exitCode).toBe(0);
        expect(r.all.some((f) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok')).toBe(false);
      });
    } else if (NOT_YET[c.id]) {
      it(`${c.id}: still missed (${NOT_YET[c.id]})`, async () => {
        const r = await errorNames(c.id);
        expect(r.all.some((f) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok')).toBe(false);
        // When this fails, the check now finds the cause: move the case out of NOT_YET.
        expect(c.expect.errors.every((e) => r.errors.includes(e))).toBe(false);
      });
    } else {
      it(`${c.id}: reports ${c.expect.errors.join(', ')} as error`, async () => {
        const r = await errorNames(c.id);
        expect(r.all.some((f) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok')).toBe(false);
        for (const e of c.expect.errors) expect(r.errors, `${c.id} misses ${e}`).toContain(e);
        expect(r.exitCode).toBe(1);
      });
    }
  }
});
