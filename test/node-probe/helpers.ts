// Shared by the --node-probe pod|daemonset tests: a simulator serving a snapshot with the probe's cluster side,
// the CLI run against it, and the node findings (runtime, driver, registry) compared without order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import type { KubeObject } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { BIN, type CliResult, gpuctl, ROOT } from '../helpers/cli.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import type { ProbeClusterOptions } from '../simulator/probe-cluster.js';

export const NODE_CATEGORIES = ['runtime', 'driver', 'registry'];
/** Two GPU nodes with driver facts (nvidia-smi, lsmod, lspci, dpkg…). */
export const DRIVER = 'test/fixtures/driver-snapshot';

export interface Served {
  sim: Simulator;
  kubeconfig: string;
  home: string;
  /** gpuctl ARGS… --kubeconfig K, with a clean environment. */
  run(args: string[]): Promise<CliResult>;
  /** The same, not awaited: for signals. */
  spawn(args: string[]): ResultPromise<{ reject: false }>;
  /** Probe pods and DaemonSets still in the simulator. */
  leftovers(namespace?: string): KubeObject[];
  /** The requests received with this method and a path matching the pattern. */
  requests(method: string, pattern: RegExp): Simulator['requests'];
}

/** `serve`, with each test's simulator closed after it. */
export function simulators(): (source: string | Collection, probe?: ProbeClusterOptions) => Promise<Served> {
  let current: Served | undefined;
  afterEach(async () => {
    await current?.sim.close();
    current = undefined;
  });
  return async (source, probe) => (current = await serve(source, probe));
}

export async function serve(source: string | Collection, probe: ProbeClusterOptions = {}): Promise<Served> {
  const collection = typeof source === 'string' ? await loadSnapshot(source) : source;
  const sim = await startSimulator({ collection, probe });
  const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-probe-'));
  const kubeconfig = await sim.writeKubeconfig(path.join(home, 'kubeconfig'), { context: collection.meta.context ?? 'lab' });
  const env = { HOME: home, KUBECONFIG: '' };
  return {
    sim,
    kubeconfig,
    home,
    run: (args) => gpuctl([...args, '--kubeconfig', kubeconfig], env),
    spawn: (args) => execa(BIN, [...args, '--kubeconfig', kubeconfig], { reject: false, cwd: ROOT, env: { NO_COLOR: '1', ...env }, timeout: 60_000 }),
    requests: (method, pattern) => sim.requests.filter((r) => r.method === method && pattern.test(r.path)),
    leftovers: (namespace) =>
      [...sim.probe!.objects('pods', namespace), ...sim.probe!.objects('daemonsets', namespace)].filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'gpuctl'),
  };
}

interface Finding {
  name: string;
  category: string;
  severity: string;
  subject: { kind: string; name: string };
  message: string;
  evidence: string[];
  fix: unknown;
}

/**
 * Event lines a check quotes as examples: which of several events with the same timestamp come first
 * follows the order objects arrive in (a snapshot's files, the API server's etcd order), not node facts.
 */
const SAME_TIME_EVENTS = /^event \w+, |^… and \d+ more such events$/;

/** The findings and skips of the node checks, in a stable order. */
export function nodeFindings(stdout: string): { findings: Finding[]; skipped: { name: string; reason: string }[] } {
  const report = JSON.parse(stdout) as { findings: Finding[]; skipped: { id: string; name: string; reason: string }[] };
  const nodeChecks = new Set(ALL_CHECKS.filter((c) => NODE_CATEGORIES.includes(c.category)).map((c) => c.name));
  const key = (f: Finding) => `${f.name}\u0000${f.subject.kind}/${f.subject.name}\u0000${f.message}`;
  return {
    // ok findings name the cluster (its context), which differs between the two runs.
    findings: report.findings
      .filter((f) => NODE_CATEGORIES.includes(f.category) && f.severity !== 'ok')
      .map((f) => ({ ...f, evidence: f.evidence.filter((line) => !SAME_TIME_EVENTS.test(line)) }))
      .sort((a, b) => key(a).localeCompare(key(b))),
    skipped: report.skipped.filter((s) => nodeChecks.has(s.name)).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export interface ReportFinding {
  name: string;
  severity: string;
  subject: { kind: string; name: string };
  message: string;
  evidence: string[];
}

export function report(stdout: string): { findings: ReportFinding[]; skipped: { name: string; reason: string }[] } {
  return JSON.parse(stdout);
}

/** The evidence of the problems the probe reported about a node (snapshot-file-unreadable on nodes/NODE). */
export function problemsAbout(stdout: string, node: string): string[] {
  return report(stdout)
    // The node probe's failures are findings about the node (with the probe's fixes), others about the file.
    .findings.filter((f) => f.name === 'snapshot-file-unreadable' && (f.subject.name === `nodes/${node}` || (f.subject.kind === 'Node' && f.subject.name === node)))
    .flatMap((f) => f.evidence);
}

export async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
