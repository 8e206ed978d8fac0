// A snapshot file named after a kind (cluster/pods.json, cluster/pods/NS.json) that does not parse leaves that
// kind unread, as a list the API server refused would: the run is incomplete (docs/output.md), exit 2, one
// stderr line names it, and no check that reads the kind passes on the empty list left in its place.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import type { KubeObject } from '../../src/collection/kube.js';
import { pluralOf } from '../../src/collection/resources.js';
import { requiredKinds } from '../../src/check.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { gpuctl, ROOT } from '../helpers/cli.js';

const EXAMPLE = path.join(ROOT, 'examples/hami-kantaloupe');
const CORRUPT: Record<string, (text: string) => string> = {
  garbage: () => 'this is not JSON {{{',
  truncated: (text) => text.slice(0, Math.floor(text.length / 2)),
  empty: () => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }),
};
const CASES = [
  { kind: 'Pod', damage: 'truncated' },
  { kind: 'Node', damage: 'garbage' },
  { kind: 'DaemonSet', damage: 'truncated' },
  { kind: 'Event', damage: 'garbage' },
] as const;

let split: string;
let healthy: Json;
beforeAll(async () => {
  // The example with one file per kind, cluster/<plural>.json, as `gpuctl collect` writes it.
  const example = await loadSnapshot(EXAMPLE);
  split = mkdtempSync(path.join(tmpdir(), 'gpuctl-unreadable-kind-'));
  cpSync(EXAMPLE, split, { recursive: true, filter: (src) => !src.startsWith(path.join(EXAMPLE, 'cluster')) });
  const byKind = new Map<string, KubeObject[]>();
  for (const o of example.objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  for (const [kind, items] of byKind) write(split, `cluster/${pluralOf(kind)}.json`, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 1));
  healthy = (await doctorJson(split)).report;
});

function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A copy of SOURCE with one file damaged. */
function damaged(source: string, rel: string, damage: keyof typeof CORRUPT): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-unreadable-kind-'));
  cpSync(source, dir, { recursive: true });
  const file = path.join(dir, rel);
  writeFileSync(file, CORRUPT[damage]!(readFileSync(file, 'utf8')));
  return dir;
}

async function doctorJson(snapshot: string) {
  const r = await gpuctl(['doctor', '--snapshot', snapshot, '-o', 'json']);
  return { ...r, report: JSON.parse(r.stdout) as { summary: { incomplete?: boolean; unread?: { what: string; why: string }[] }; findings: { name: string; severity: string; subject: unknown; message: string }[]; skipped: { name: string; reason: string; incomplete?: boolean }[]; notApplicable: { name: string }[] } };
}

type Json = Awaited<ReturnType<typeof doctorJson>>['report'];

/** Each check's result in a comparable form: its findings' names, severities and subjects, or "skipped". */
function results(report: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of report.findings) out.set(f.name, [out.get(f.name) ?? '', JSON.stringify([f.severity, f.subject, f.message])].sort().join('\n'));
  for (const s of report.skipped) out.set(s.name, 'skipped');
  return out;
}

/** The checks whose result changes when the kind's file holds no object: those that depend on it, measured. */
async function dependentsOn(plural: string, healthy: Json): Promise<string[]> {
  const empty = damaged(split, `cluster/${plural}.json`, 'empty');
  const emptied = results((await doctorJson(empty)).report);
  const before = results(healthy);
  return [...before.keys()].filter((name) => before.get(name) !== emptied.get(name));
}

/** The checks that cannot run without the kind (their `requires`, else every kind they need). */
const requiring = (kind: string) => ALL_CHECKS.filter((c) => (requiredKinds(c) as readonly string[]).includes(kind)).map((c) => c.name);

describe('a snapshot file named after a kind that does not parse: that kind is unread', () => {
  it('the undamaged split example is complete (the cases below differ from it in one file only)', async () => {
    const { exitCode, stderr, report } = await doctorJson(split);
    expect(exitCode).not.toBe(2);
    expect(stderr).toBe('');
    expect(report.summary.incomplete).toBeUndefined();
    expect(report.findings.filter((f) => f.name === 'snapshot-file-unreadable')).toMatchObject([{ severity: 'ok' }]);
  });

  for (const { kind, damage } of CASES) {
    const plural = pluralOf(kind);
    it(`cluster/${plural}.json ${damage}: incomplete, exit 2, one stderr line naming ${plural}, no check reading ${plural} passes`, async () => {
      const rel = `cluster/${plural}.json`;
      const { exitCode, stderr, report } = await doctorJson(damaged(split, rel, damage));
      expect(exitCode).toBe(2);
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`^gpuctl: incomplete: could not read ${plural} \\(${rel.replace('.', '\\.')}: invalid JSON: .+\\); \\d+ check\\(s\\) skipped \\(exit 2; --allow-partial to accept partial results\\)$`));
      expect(report.summary).toMatchObject({ incomplete: true, unread: [{ what: plural, why: expect.stringMatching(new RegExp(`^${rel.replace('.', '\\.')}: invalid JSON: `)) }] });
      // Those that depend on the kind, and those that cannot run without it (unless their stack is conclusively absent).
      const notApplicable = new Set(report.notApplicable.map((s) => s.name));
      const readers = [...new Set([...(await dependentsOn(plural, healthy)), ...requiring(kind)])].filter((name) => !notApplicable.has(name));
      expect(readers.length, plural).toBeGreaterThan(0);
      for (const name of readers) {
        expect(report.findings.filter((f) => f.name === name && f.severity === 'ok'), `${name} passed on unread ${plural}`).toEqual([]);
        if (requiring(kind).includes(name)) expect(report.skipped.find((s) => s.name === name), `${name} ran without ${plural}`).toMatchObject({ incomplete: true });
      }
      expect(report.skipped.filter((s) => s.incomplete).length).toBeGreaterThan(0);
      // The file itself is still named, with why, as before.
      expect(report.findings.some((f) => f.name === 'snapshot-file-unreadable' && f.severity === 'warning')).toBe(true);
    });
  }

  it('a file in a folder named after the kind (cluster/pods/gpu-operator.json) counts too', async () => {
    const { exitCode, stderr, report } = await doctorJson(damaged(path.join(ROOT, 'examples/passthrough-gpu-held'), 'cluster/pods/gpu-operator.json', 'truncated'));
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^gpuctl: incomplete: could not read pods \(cluster\/pods\/gpu-operator\.json: invalid JSON: /);
    expect(report.summary.unread).toEqual([{ what: 'pods', why: expect.stringMatching(/^cluster\/pods\/gpu-operator\.json: /) }]);
  });
});
