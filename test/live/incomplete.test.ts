// The incomplete-run rule (docs/output.md), live against the simulator: every resource type the checks
// read, every container log and process table they asked for, answered 403, 500 (after the retries), late
// (past --request-timeout), cut mid-answer, or refused (the API server gone): the run is incomplete, names
// what it did not read, exits 2, and no check that depends on that data passes.
//
// "Depends" is measured, not declared: a check depends on an input when its result changes between the
// healthy run and one where the input holds nothing (the list answers empty, the log or process table is
// absent). Such a check must not pass (✓) when the input could not be read.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Report } from '../../src/engine.js';
import { appliesTo, exitCodeOf, runChecks } from '../../src/engine.js';
import { Facts } from '../../src/facts/facts.js';
import type { Collection } from '../../src/collection/collection.js';
import { collectLive } from '../../src/sources/live.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { gpuctl } from '../helpers/cli.js';
import type { Fault } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';

const EXAMPLES = ['examples/hami-kantaloupe', 'examples/tensor-fusion-injection', 'examples/bitfusion', 'examples/healthy-gpu-operator', 'test/fixtures/sim', 'test/fixtures/exec'];
const REQUEST_TIMEOUT_MS = 1500; // long enough that a loaded CI machine answers the healthy lists in time

let snapshots: Map<string, Collection>;
beforeAll(async () => {
  snapshots = new Map(await Promise.all(EXAMPLES.map(async (dir) => [dir, await loadSnapshot(dir)] as const)));
});

/** The example a resource type matters in: the first that holds objects of it (Gateway API: Kantaloupe's, which needs it). */
function exampleFor(kind: string): string {
  return EXAMPLES.find((dir) => snapshots.get(dir)!.objects.some((o) => o.kind === kind)) ?? 'examples/hami-kantaloupe';
}

async function doctorLive(collection: Collection, faults: Fault[] = [], requestTimeoutMs = REQUEST_TIMEOUT_MS): Promise<Report> {
  const sim = await startSimulator({ collection, faults });
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-incomplete-'));
    const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'));
    const live = await collectLive({ kubeconfig, requestTimeoutMs, chunkSize: 500 });
    return runChecks(ALL_CHECKS, new Facts(live));
  } finally {
    await sim.close();
  }
}

/** A check's result in a comparable form: its findings, or its skip. */
function results(report: Report): Map<string, string> {
  const out = new Map<string, string>();
  for (const check of report.checks) {
    const skipped = report.skipped.find((s) => s.id === check.id);
    const findings = report.findings
      .filter((f) => f.id === check.id)
      .map((f) => JSON.stringify([f.name, f.severity, f.subject, f.message, f.evidence]));
    out.set(check.name, skipped ? 'skipped' : findings.sort().join('\n'));
  }
  return out;
}

/** The checks whose result changes when `emptied` holds nothing of the input. */
function dependents(healthy: Report, emptied: Report): string[] {
  const before = results(healthy);
  const after = results(emptied);
  return [...before.keys()].filter((name) => after.has(name) && before.get(name) !== after.get(name));
}

const passed = (report: Report, check: string) => report.findings.some((f) => f.name === check && f.severity === 'ok') && !report.findings.some((f) => f.name === check && f.severity !== 'ok');

const FAULTS: { name: string; fault: Omit<Fault, 'path'>; why: RegExp }[] = [
  { name: '403', fault: { status: 403 }, why: /^forbidden: .* is forbidden: User ".+" cannot / },
  { name: '500 after retries', fault: { status: 500 }, why: /^failed after 4 attempts: 500 Internal Server Error/ },
  { name: 'timeout', fault: { hang: true }, why: /no answer within 1500ms/ },
  { name: 'cut connection', fault: { cut: true }, why: /cut|closed|reset|ended|incomplete/i },
  { name: 'refused', fault: { refuse: true }, why: /refused/ },
];

/** The URL path of a type's LIST, as the simulator matches it. */
function listPathOf(type: (typeof RESOURCE_TYPES)[number]): string {
  const group = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return `^${group}${type.namespace ? `/namespaces/${type.namespace}` : ''}/${type.plural}$`;
}

function expectIncomplete(label: string, report: Report, what: RegExp, why: RegExp, dependsOn: string[]): void {
  expect(report.incomplete, `${label}: the run is incomplete`).toBeDefined();
  const unread = report.incomplete!.filter((u) => what.test(u.what));
  expect(unread.length, `${label}: ${what} among ${JSON.stringify(report.incomplete)}`).toBeGreaterThan(0);
  for (const u of unread) expect(u.why, label).toMatch(why);
  expect(exitCodeOf(report), label).toBe(2);
  expect(exitCodeOf(report, 'error', true), label).toBeLessThan(2);
  for (const check of dependsOn) expect(passed(report, check), `${label}: ${check} passed on unread data`).toBe(false);
  // A pass turned into a skip says what was not read; a check's own skip keeps its words. Either way, marked.
  for (const s of report.skipped.filter((s) => s.incomplete)) expect(s.reason, label).not.toBe('');
  // A check of a stack the detection did not find reports nothing: not applicable, or skipped incomplete.
  for (const check of ALL_CHECKS.filter((c) => !appliesTo(c, report.stacks!))) {
    expect(report.findings.filter((f) => f.id === check.id), `${label}: ${check.name}`).toEqual([]);
    if (!report.notApplicable!.some((s) => s.id === check.id)) expect(report.skipped.find((s) => s.id === check.id), `${label}: ${check.name}`).toMatchObject({ incomplete: true });
  }
}

describe('incomplete runs: each resource type the checks read', () => {
  for (const type of RESOURCE_TYPES) {
    it(`${type.plural}: 403, 500, timeout, cut, refused → incomplete, exit 2, no pass on it`, async () => {
      const example = snapshots.get(exampleFor(type.kind))!;
      const emptied = { ...example, objects: example.objects.filter((o) => o.kind !== type.kind) };
      const [healthy, empty] = await Promise.all([doctorLive(example), doctorLive(emptied)]);
      expect(healthy.incomplete, JSON.stringify(healthy.incomplete)).toBeUndefined();
      const dependsOn = dependents(healthy, empty);
      const reports = await Promise.all(FAULTS.map(({ fault }) => doctorLive(example, [{ ...fault, path: listPathOf(type) }])));
      FAULTS.forEach(({ name, why }, i) => {
        const report = reports[i]!;
        // Refused: the server is gone for the rest of the run, so more than this type is unread.
        expectIncomplete(`${type.plural} ${name}`, report, new RegExp(`^${type.plural}$`), why, dependsOn);
      });
    }, 60_000);
  }
});

describe('incomplete runs: what the user sees (gpuctl doctor against the simulator)', () => {
  async function cli(args: string[], faults: Fault[]) {
    const sim = await startSimulator({ collection: snapshots.get('test/fixtures/sim')!, faults });
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-incomplete-'));
      const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: 'lab' });
      return await gpuctl(['doctor', '--kubeconfig', kubeconfig, ...args], { HOME: dir, KUBECONFIG: '' });
    } finally {
      await sim.close();
    }
  }
  const PODS_FORBIDDEN: Fault[] = [{ path: '^/api/v1/pods$', status: 403 }];

  it('pods forbidden: one stderr line naming them, INCOMPLETE in the summary, no ✓ about pods, exit 2', async () => {
    const r = await cli([], PODS_FORBIDDEN);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^gpuctl: incomplete: could not read pods \(forbidden: pods is forbidden: User ".+" cannot list resource "pods" .*\); \d+ check\(s\) skipped \(exit 2; --allow-partial to accept partial results\)$/);
    expect(r.stdout).toMatch(/^Status: INCOMPLETE — \d+ errors?, /m);
    expect(r.stdout).toMatch(/^not read, so the checks that need it did not pass or fail: pods \(forbidden: /m);
    // Neither the stack header nor "every file was read" claims what it did not see.
    expect(r.stdout).not.toMatch(/every file of the input was read|not detected: /);
    expect(r.stdout).toMatch(/detection incomplete/);
    // Each skipped check with its reason: in the full report.
    const wide = await cli(['-o', 'wide'], PODS_FORBIDDEN);
    expect(wide.exitCode).toBe(2);
    expect(wide.stdout).toMatch(/skipped: (not read: |cannot list )pods/);
    expect(wide.stdout).not.toMatch(/every file of the input was read|not detected: /);
  });

  it('--allow-partial: the exit code follows the findings, the stderr line stays', async () => {
    const r = await cli(['--allow-partial', '-o', 'json'], PODS_FORBIDDEN);
    expect(r.exitCode).toBe(1); // the fixture's nodes have errors of their own
    expect(r.stderr).toMatch(/^gpuctl: incomplete: could not read pods .*partial results allowed \(--allow-partial\)\)$/);
    const j = JSON.parse(r.stdout);
    expect(j.summary).toMatchObject({ incomplete: true, unread: [{ what: 'pods', why: expect.stringMatching(/^forbidden: /) }] });
    expect(j.skipped.filter((s: { incomplete?: boolean }) => s.incomplete).length).toBeGreaterThan(10);
    expect(j.findings.filter((f: { name: string; severity: string }) => f.name === 'snapshot-file-unreadable' && f.severity === 'ok')).toEqual([]);
  });

  it('JUnit: the checks that could not run are errors, not passes or skips', async () => {
    const r = await cli(['-o', 'junit', '--fail-on', 'warning'], PODS_FORBIDDEN);
    expect(r.exitCode).toBe(2);
    const errors = Number(/errors="(\d+)"/.exec(r.stdout)![1]);
    expect(errors).toBeGreaterThan(10);
    expect(r.stdout.match(/<error message="[^"]+" type="incomplete"\/>/g)).toHaveLength(errors);
    expect(r.stdout.match(/<error message="(not read: |cannot list )pods[^"]*" type="incomplete"\/>/g)!.length).toBeGreaterThan(errors - 5);
    // The others are node checks that also read pods' words: run without a node probe, they say that.
    const others = r.stdout.match(/<error message="[^"]+" type="incomplete"\/>/g)!.filter((m) => !/^<error message="(not read: |cannot list )pods/.test(m));
    for (const m of others) expect(m).toMatch(/no node facts|runtime config was collected/);
    expect(r.stdout).toMatch(/<testcase [^>]*name="snapshot-file-unreadable \(GPU001\)"><error /);
  });

  it('events unreadable (401, 410 twice) and logs cut: named, exit 2', async () => {
    const r401 = await cli(['-o', 'json'], [{ path: '^/api/v1/events$', status: 401 }]);
    expect([r401.exitCode, JSON.parse(r401.stdout).summary.unread]).toEqual([2, [{ what: 'events', why: expect.stringMatching(/^unauthorized/) }]]);
    const r410 = await cli(['-o', 'json', '--chunk-size', '2'], [{ path: '^/api/v1/events$', query: 'continue=', status: 410 }]);
    expect([r410.exitCode, JSON.parse(r410.stdout).summary.unread.map((u: { what: string }) => u.what)]).toEqual([2, ['events']]);
    const cut = await cli(['-o', 'json'], [{ path: '/log$', cut: true }]);
    expect(cut.exitCode).toBe(2);
    expect(cut.stderr).toMatch(/^gpuctl: incomplete: could not read \d+ logs: gpu-operator\//);
  });
});

describe('incomplete runs: logs and process tables', () => {
  it('container logs: 403, 500, timeout, cut, refused → incomplete, and no log check passes', async () => {
    const example = snapshots.get('test/fixtures/sim')!;
    const [healthy, empty] = await Promise.all([doctorLive(example), doctorLive({ ...example, logs: new Map() })]);
    const dependsOn = dependents(healthy, empty);
    expect(dependsOn.length).toBeGreaterThan(0);
    const reports = await Promise.all(FAULTS.map(({ fault }) => doctorLive(example, [{ ...fault, path: '/log$' }])));
    FAULTS.forEach(({ name, why }, i) => {
      const why_ = name === '403' ? /^403 Forbidden: / : name === '500 after retries' ? /500 Internal Server Error/ : why;
      expectIncomplete(`logs ${name}`, reports[i]!, /^log /, why_, dependsOn);
    });
  }, 60_000);

  it('a log the API server answers 500: reported as a failed log request of the container, not as a snapshot file', async () => {
    const report = await doctorLive(snapshots.get('test/fixtures/sim')!, [{ path: '/log$', status: 500 }]);
    expect(report.incomplete!.filter((u) => /^log /.test(u.what)).length).toBeGreaterThan(0);
    const warnings = report.findings.filter((f) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok');
    expect(warnings.length).toBeGreaterThan(0);
    for (const f of warnings) {
      expect(f.subject.kind, JSON.stringify(f)).toBe('Pod');
      expect(f.message).toMatch(/^The API server failed the request for the (previous )?log of container \S+ of pod \S+\/\S+ \((failed after \d+ attempts: )?500 Internal Server Error: .+\): the log checks did not judge it$/);
      expect(f.message).not.toMatch(/snapshot|could not be read: its objects/);
      expect(f.fix!.commands[0]).toMatch(/^kubectl logs -n \S+ \S+ -c \S+/);
    }
  }, 60_000);

  it('process tables through exec: 403, 500, timeout, cut, refused → incomplete, no injection check passes', async () => {
    const example = snapshots.get('test/fixtures/exec')!;
    const healthy = await doctorLive(example);
    expect(healthy.incomplete).toBeUndefined();
    const empty = await doctorLive(example, [{ path: '/exec$', status: 404 }]);
    const dependsOn = dependents(healthy, empty);
    expect(dependsOn).toEqual(expect.arrayContaining(['shell-drops-preload']));
    const reports = await Promise.all(FAULTS.map(({ fault }) => doctorLive(example, [{ ...fault, path: '/exec$' }])));
    FAULTS.forEach(({ name }, i) => {
      expectIncomplete(`exec ${name}`, reports[i]!, /^process table /, /./, dependsOn);
    });
  }, 60_000);
});
