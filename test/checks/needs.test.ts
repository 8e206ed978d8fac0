// A check's `needs` (src/check.ts) is verified, not trusted: every check runs on every example, real case
// and snapshot fixture over a recording Facts (Facts.recording), and a read it did not declare fails. The
// declared needs drive the live collection (liveKinds), so a check cannot pass on a snapshot and find its
// input unlisted live. Exceptions sit in needs-allow.json, each with its reason.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Check } from '../../src/check.js';
import { defineCheck } from '../../src/check.js';
import { Facts } from '../../src/facts/facts.js';
import type { Need } from '../../src/facts/inputs.js';
import type { LogScope } from '../../src/facts/inputs.js';
import { COLLECTION_NEEDS, INPUT_TOKENS, isKind, LISTED_UNREAD, liveKinds, liveLogScopes, livePlan, liveProbe, liveResourceTypes, LOG_SCOPE_NAMES, logNeed, nodeFilesNeed } from '../../src/facts/inputs.js';
import { logTargets } from '../../src/facts/log-targets.js';
import { prometheusToQuery } from '../../src/facts/prometheus.js';
import { detectStacks } from '../../src/facts/stacks.js';
import { injectingPods } from '../../src/facts/workload-injection.js';
import { LOCAL_COMMANDS } from '../../src/collection/local-commands.js';
import type { ProbeFileSet } from '../../src/collection/probe-commands.js';
import { globPattern, PROBE_COMMANDS, PROBE_FILE_ENTRIES, PROBE_FILE_SETS, probeFileSetOf } from '../../src/collection/probe-commands.js';
import { probeScript } from '../../src/sources/node-probe/script.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';
import { emptyCollection, logKey } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { listPath } from '../../src/sources/live/list.js';
import { ROOT } from '../helpers/cli.js';
import { startSimulator } from '../simulator/server.js';

interface Allow {
  undeclaredReads: { check: string; read: string; why: string }[];
  declaredUnread: { check: string; need: string; why: string }[];
  nodeFilesNotProbed: { path: string; check: string; why: string }[];
}
const ALLOW = JSON.parse(readFileSync(path.join(ROOT, 'test/checks/needs-allow.json'), 'utf8')) as Allow;

const INPUTS = ['examples', 'test/cases/real', 'test/fixtures'].flatMap((root) =>
  readdirSync(path.join(ROOT, root))
    .map((name) => path.join(root, name))
    .filter((dir) => existsSync(path.join(ROOT, dir, 'cluster'))),
);

const VALID_NEEDS = new Set<string>([
  ...RESOURCE_TYPES.map((t) => t.kind),
  ...INPUT_TOKENS,
  ...PROBE_COMMANDS.map((c) => `node-command:${c.name}`),
  ...LOCAL_COMMANDS.map((c) => `local-command:${c.name}`),
  ...LOG_SCOPE_NAMES.map(logNeed),
  ...(Object.keys(PROBE_FILE_SETS) as ProbeFileSet[]).map(nodeFilesNeed),
]);

/** What one run of a check read, the stack detection excluded (the engine runs it for every check; COLLECTION_NEEDS). */
function readsOf(check: Pick<Check, 'run'>, facts: Facts) {
  const view = facts.recording();
  detectStacks(view);
  view.recorded.needs.clear();
  view.recorded.nodeFiles.clear();
  view.recorded.logs.clear();
  check.run(view);
  return view.recorded;
}

/** The reads of a check that its `needs` do not declare, allowed exceptions left out. */
function undeclared(check: Pick<Check, 'name' | 'needs'>, read: Iterable<string>): string[] {
  return [...read].filter((r) => !(check.needs as string[]).includes(r) && !ALLOW.undeclaredReads.some((a) => a.check === check.name && a.read === r));
}

/** A check that is no real check, for showing that the guards can fail. */
function throwawayCheck(name: string, needs: Need[], read: (facts: Facts) => void): Check {
  return defineCheck({ id: 'GPU999', name, category: 'nodes', title: 'throwaway', needs, ok: 'ok', explain: { detects: '', why: '', fix: '' }, run: (facts) => (read(facts), []) });
}

/** Per check: every input read on any input; per input: the node files read by name; the collection's own reads. */
const reads = new Map<string, Set<string>>(ALL_CHECKS.map((c) => [c.name, new Set()]));
const fileReads = new Map<string, Set<string>>();
const collectionReads = new Set<string>();
/** Logs a check read on an input that the live log targets of that input's objects would not fetch. */
const logsNotFetched: string[] = [];
/** Per input: logs read by some check, and the live log targets' count (the bound). */
const logCounts: { dir: string; read: number; targets: number; omitted: number }[] = [];

beforeAll(async () => {
  for (const dir of INPUTS) {
    const facts = new Facts(await loadSnapshot(path.join(ROOT, dir)));
    // What the live doctor would fetch, given this input's objects: the log scopes the checks declare.
    const live = logTargets(facts, { scopes: liveLogScopes(ALL_CHECKS) });
    const fetched = new Set(live.targets.map((t) => logKey(t.namespace, t.pod, t.container, t.previous)));
    const logsRead = new Set<string>();
    for (const check of ALL_CHECKS) {
      const recorded = readsOf(check, facts);
      for (const need of recorded.needs) reads.get(check.name)!.add(need);
      for (const file of recorded.nodeFiles) if (file !== '*') fileReads.set(file, (fileReads.get(file) ?? new Set()).add(check.name));
      for (const key of recorded.logs) {
        logsRead.add(key);
        if (!fetched.has(key)) logsNotFetched.push(`${dir}: ${check.name} reads ${key}`);
      }
    }
    logCounts.push({ dir, read: logsRead.size, targets: live.targets.length, omitted: live.omitted });
    for (const step of [detectStacks, (f: Facts) => logTargets(f), injectingPods, prometheusToQuery]) {
      const view = facts.recording();
      step(view);
      for (const need of view.recorded.needs) collectionReads.add(need);
    }
  }
}, 120_000);

describe('declared, verified inputs (needs)', () => {
  it('runs on every example, real case and snapshot fixture', () => {
    expect(INPUTS.filter((d) => d.startsWith('examples/')).length).toBeGreaterThanOrEqual(6);
    expect(INPUTS.filter((d) => d.startsWith('test/cases/real/')).length).toBeGreaterThanOrEqual(30);
    // The recording sees reads of every sort: a check that reads nothing at all would mean a broken recorder.
    const all = new Set(ALL_CHECKS.flatMap((c) => [...reads.get(c.name)!]));
    for (const sort of ['Pod', 'Node', 'Event', 'logs:stack', 'logs:workloads', 'node-files:containerd-config', 'node-files:driver', 'node-dirs', 'node-probe', 'process-tables', 'prometheus', 'source-problems', 'node-command:lspci', 'local-command:helm-version']) {
      expect(all.has(sort), sort).toBe(true);
    }
  });

  it('no check reads an input it does not declare', () => {
    const violations = ALL_CHECKS.flatMap((c) => undeclared(c, reads.get(c.name)!).map((r) => `${c.name} reads ${r}`));
    expect(violations).toEqual([]);
  });

  it('every declared need is an input gpuctl collects, and one that some input shows it reading (or allowed, with why)', () => {
    for (const c of ALL_CHECKS) for (const n of c.needs) expect(VALID_NEEDS.has(n), `${c.name}: ${n}`).toBe(true);
    const neverRead = ALL_CHECKS.flatMap((c) => c.needs.filter((n) => !reads.get(c.name)!.has(n)).map((need) => ({ check: c.name, need })));
    expect(neverRead).toEqual(ALLOW.declaredUnread.map(({ check, need }) => ({ check, need })));
    for (const a of ALLOW.declaredUnread) expect(a.why.length, `${a.check} ${a.need}`).toBeGreaterThan(20);
  });

  it('the kinds a check requires (skips without) are among its needs', () => {
    for (const c of ALL_CHECKS) for (const k of c.requires ?? []) expect(c.needs, c.name).toContain(k);
  });

  it('the allowed exceptions are still needed (none stale)', () => {
    for (const a of ALLOW.undeclaredReads) expect(reads.get(a.check)?.has(a.read), `${a.check} ${a.read}`).toBe(true);
    for (const a of ALLOW.nodeFilesNotProbed) expect(fileReads.get(a.path)?.has(a.check), a.path).toBe(true);
  });

  it('the collection itself (stacks, log targets, exec targets, Prometheus) reads only COLLECTION_NEEDS', () => {
    expect([...collectionReads].filter((n) => !COLLECTION_NEEDS.includes(n as Need))).toEqual([]);
    expect(COLLECTION_NEEDS.filter((n) => !collectionReads.has(n))).toEqual([]);
  });

  it('a mis-declared check fails the comparison (the guard can fail)', async () => {
    // Declares nodes, reads pods, events and a node command as well.
    const throwaway = throwawayCheck('throwaway-misdeclared', ['Node'], (facts) => {
      for (const p of facts.pods) facts.eventsFor('Pod', p.metadata.name, p.metadata.namespace);
      for (const n of facts.nodes) facts.hostCommand(n.metadata.name, 'lspci');
    });
    const facts = new Facts(await loadSnapshot(path.join(ROOT, 'examples/passthrough-gpu-held')));
    expect(undeclared(throwaway, readsOf(throwaway, facts).needs)).toEqual(['Pod', 'Event', 'node-command:lspci']);
    // Declared correctly, the same check passes.
    expect(undeclared({ ...throwaway, needs: ['Node', 'Pod', 'Event', 'node-command:lspci'] }, readsOf(throwaway, facts).needs)).toEqual([]);
  });
});

describe('the live collection follows the declared needs', () => {
  it('lists every kind a check or the collection needs, and no kind nobody reads (LISTED_UNREAD aside)', () => {
    const live = liveKinds(ALL_CHECKS);
    const needed = new Set([...COLLECTION_NEEDS, ...ALL_CHECKS.flatMap((c) => c.needs)].filter(isKind));
    for (const kind of needed) expect(live.has(kind), kind).toBe(true);
    expect([...live].filter((k) => !needed.has(k as never)).sort()).toEqual(Object.keys(LISTED_UNREAD).sort());
    for (const kind of Object.keys(LISTED_UNREAD)) expect(needed.has(kind as never), `${kind} is read now: drop it from LISTED_UNREAD`).toBe(false);
  });

  it('every log a check reads on every input is one the live log targets fetch for that input\'s objects', () => {
    expect(logsNotFetched).toEqual([]);
    // The inputs carry logs of both scopes, and the targets stay within their bound there.
    expect(logCounts.reduce((n, c) => n + c.read, 0)).toBeGreaterThanOrEqual(50);
    for (const c of logCounts) expect(c.omitted, c.dir).toBe(0);
  });

  it('a log of a pod in no log scope is offered to no check, as the live targets never fetch it', async () => {
    const reader = throwawayCheck('throwaway-reads-any-log', ['Pod', 'logs:stack', 'logs:workloads'], (facts) => {
      for (const p of facts.pods) for (const c of p.spec?.containers ?? []) facts.log(p.metadata.namespace ?? '', p.metadata.name, c.name);
    });
    const web = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-0', namespace: 'shop' }, spec: { containers: [{ name: 'nginx' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, state: { running: {} } }] } };
    const gpu = { ...web, metadata: { name: 'train-0', namespace: 'ml' }, spec: { containers: [{ name: 'nginx', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } };
    const logs = new Map([['shop/web-0/nginx', 'GET / 200\n'], ['ml/train-0/nginx', 'CUDA error\n']]);
    const facts = new Facts({ ...emptyCollection('t'), objects: [web as never, gpu as never], logs });
    const recorded = readsOf(reader, facts);
    expect([...recorded.logs]).toEqual(['ml/train-0/nginx']);
    expect([...recorded.needs].filter((n) => n.startsWith('logs:'))).toEqual(['logs:workloads']);
    expect(facts.log('shop', 'web-0', 'nginx')).toBeUndefined();
    expect(logTargets(facts).targets.map((t) => t.pod)).toEqual(['train-0']);
  });

  it("every node file a check reads by name is one the doctor's node probe copies (or allowed, with why)", () => {
    const probed = liveProbe(ALL_CHECKS).files.map(globPattern);
    const unprobed = [...fileReads.keys()].filter((f) => !probed.some((p) => p.test(f)));
    expect(unprobed.sort()).toEqual(ALLOW.nodeFilesNotProbed.map((a) => a.path).sort());
  });

  it("the doctor's probe runs the commands the checks declare; one nobody declares runs only for people (collect), with why", () => {
    const declared = new Set(ALL_CHECKS.flatMap((c) => c.needs));
    const unread = PROBE_COMMANDS.filter((c) => !declared.has(`node-command:${c.name}` as Need));
    expect(unread.filter((c) => !c.forPeople).map((c) => c.name)).toEqual([]);
    for (const c of PROBE_COMMANDS.filter((c) => c.forPeople)) {
      expect(declared.has(`node-command:${c.name}` as Need), `${c.name} is read now: drop forPeople`).toBe(false);
      expect(c.forPeople!.length, c.name).toBeGreaterThan(20);
    }
    const probe = liveProbe(ALL_CHECKS);
    expect(probe.commands).toEqual(PROBE_COMMANDS.filter((c) => !c.forPeople).map((c) => c.name));
    const script = probeScript({ hostRoot: '/host', chroot: true, commandTimeoutS: 10, selection: probe });
    for (const c of PROBE_COMMANDS) expect(script.includes(`@@cmd %s\\n' '${c.name}'`), c.name).toBe(!c.forPeople);
  });

  it("the doctor's probe copies the file sets the checks declare, and every set is declared by a check that reads it", () => {
    const declared = new Set(ALL_CHECKS.flatMap((c) => c.needs));
    for (const set of Object.keys(PROBE_FILE_SETS) as ProbeFileSet[]) expect(declared.has(nodeFilesNeed(set)), set).toBe(true);
    // Each copied file belongs to exactly one set.
    for (const [path, set] of PROBE_FILE_ENTRIES) expect(probeFileSetOf(path.replace(/\*/g, 'x')), path).toBe(set);
    // A throwaway selection copies only its set's files.
    const script = probeScript({ hostRoot: '/host', chroot: true, commandTimeoutS: 10, selection: liveProbe([{ needs: ['node-files:docker'] }]) });
    expect(script).toContain("'/etc/docker/daemon.json'");
    expect(script).not.toContain('config.toml');
    expect(script).not.toContain('@@cmd');
    expect(script).not.toContain('for d in');
  });

  it('the live doctor sends a LIST for every kind its checks need, and only for the kinds declared', async () => {
    const sim = await startSimulator({ collection: await loadSnapshot(path.join(ROOT, 'test/fixtures/sim')) });
    try {
      const { collectLive } = await import('../../src/sources/live.js');
      const kubeconfig = await sim.writeKubeconfig(path.join(mkdtempSync(path.join(tmpdir(), 'gpuctl-needs-')), 'kubeconfig'));
      const kinds = liveKinds(ALL_CHECKS);
      await collectLive({ kubeconfig, requestTimeoutMs: 5000, chunkSize: 500, maxExecPods: 0, resourceTypes: liveResourceTypes(ALL_CHECKS) });
      const listed = (type: (typeof RESOURCE_TYPES)[number]) => sim.requests.some((r) => r.method === 'GET' && `${r.path}?`.startsWith(listPath(type, 500).split('?')[0]! + '?'));
      const needed = [...COLLECTION_NEEDS, ...ALL_CHECKS.flatMap((c) => c.needs)].filter(isKind);
      for (const kind of needed) expect(listed(RESOURCE_TYPES.find((t) => t.kind === kind)!), kind).toBe(true);
      // A kind left out of the declared list is not listed: the list follows the declarations.
      const fewer = new Set<string>([...kinds].filter((k) => k !== 'GatewayClass'));
      const before = sim.requests.length;
      await collectLive({ kubeconfig, requestTimeoutMs: 5000, chunkSize: 500, maxExecPods: 0, resourceTypes: RESOURCE_TYPES.filter((t) => fewer.has(t.kind)) });
      const later = sim.requests.slice(before).map((r) => r.path);
      expect(later.some((p) => p.endsWith('/gatewayclasses'))).toBe(false);
      expect(later.some((p) => p.endsWith('/gateways'))).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('the live doctor fetches the logs of the scopes its checks declare, and none of a scope not declared', async () => {
    const snapshot = await loadSnapshot(path.join(ROOT, 'test/fixtures/sim'));
    const sim = await startSimulator({ collection: snapshot });
    try {
      const { collectLive } = await import('../../src/sources/live.js');
      const kubeconfig = await sim.writeKubeconfig(path.join(mkdtempSync(path.join(tmpdir(), 'gpuctl-needs-')), 'kubeconfig'));
      const plan = livePlan(ALL_CHECKS);
      expect(plan.logScopes).toEqual(['stack', 'workloads', 'gateway']);
      const logPods = async (logScopes: LogScope[]) => {
        const before = sim.requests.length;
        await collectLive({ kubeconfig, requestTimeoutMs: 5000, chunkSize: 500, maxExecPods: 0, resourceTypes: plan.resourceTypes, logScopes });
        return sim.requests.slice(before).filter((r) => r.path.endsWith('/log')).map((r) => r.path.split('/')[4] + '/' + r.path.split('/')[6]);
      };
      const all = await logPods(plan.logScopes);
      expect(all.length).toBe(logTargets(new Facts(snapshot), { scopes: plan.logScopes }).targets.length);
      expect(new Set(all.map((p) => p.split('/')[0]))).toEqual(new Set(['gpu-operator', 'default']));
      expect((await logPods(['stack'])).every((p) => p.startsWith('gpu-operator/'))).toBe(true);
      expect(await logPods([])).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
