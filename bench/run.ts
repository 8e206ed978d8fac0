// `npm run bench [-- --sizes 10,100 --runs 3]`: gpuctl doctor against the manual kubectl playbook and
// against the lower bound (fetch + JSON.parse only), on synthetic clusters served by the API simulator
// in a process of its own; then start-up costs. Writes bench/RESULTS.md (see the README section there).
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LIST_CONCURRENCY } from '../src/sources/live/collect.js';
import { listPath, PARTIAL_METADATA_LIST } from '../src/sources/live/list.js';
import { RESOURCE_TYPES } from '../src/sources/resources.js';
import { KUBERNETES_VERSION } from '../test/apiserver/build.js';
import { formatRows, summariseProfile } from './profile.js';
import type { ChildStart, RequestSummary } from './sim-child.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The bundle under test: a copy made after the build (see installBundle), so a rebuild meanwhile changes nothing. */
let GPUCTL = path.join(ROOT, 'bin', 'gpuctl');
/** brokenFraction: the share of broken nodes and workload pods, high enough that a small cluster has some. */
const SIZES = [
  { nodes: 10, pods: 200, brokenFraction: 0.1 },
  { nodes: 100, pods: 3_000, brokenFraction: 0.05 },
  { nodes: 1_000, pods: 30_000, brokenFraction: 0.02 },
  { nodes: 5_000, pods: 100_000, brokenFraction: 0.02 },
];
/** gpuctl's default --chunk-size, the page size of every list here (kubectl's default --chunk-size is 500 too). */
const CHUNK_SIZE = 500;
const SNAPSHOT_EXAMPLE = 'examples/healthy-gpu-operator';
const GNU_TIME = '/usr/bin/time';

const USAGE =
  'usage: npm run bench -- [--sizes 10,100,1000,5000] [--servers simulator,kube-apiserver] [--runs 5] [--startup-runs 20] [--kubectl PATH] [--out bench/RESULTS.md] [--no-profile] | --render bench/RESULTS.json';

// ---------------------------------------------------------------------------------------------
// Measuring one process

interface Sample {
  wallMs: number;
  /** Peak resident set size (VmHWM / ru_maxrss) in KiB. */
  rssKb: number;
  /** User + system CPU time (GNU time only; NaN otherwise): unlike wall time, others' load barely moves it. */
  cpuMs: number;
  exitCode: number;
  stdout?: string;
}

const useGnuTime = existsSync(GNU_TIME);
const RSS_METHOD = useGnuTime
  ? 'GNU time `%M` (the ru_maxrss of the process, KiB)'
  : '/proc/PID/status VmHWM polled every 5 ms (the last value before exit)';

/**
 * Runs one command and measures its wall time from spawn to exit in this process, and its peak RSS with
 * GNU time (or by polling VmHWM). stdout goes to /dev/null unless `capture`; an exit code above `okExit` throws.
 */
async function measure(command: string, args: string[], env: NodeJS.ProcessEnv, { capture = false, okExit = 0 } = {}): Promise<Sample> {
  const rssFile = path.join(os.tmpdir(), `gpuctl-bench-rss-${process.pid}`);
  const [cmd, argv] = useGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(cmd, argv, { env, stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  let polledKb = 0;
  const poll = useGnuTime ? undefined : setInterval(() => (polledKb = Math.max(polledKb, vmHwm(child.pid!))), 5);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  const wallMs = performance.now() - started;
  if (poll) clearInterval(poll);
  let rssKb = polledKb;
  let cpuMs = Number.NaN;
  if (useGnuTime) {
    // "Command exited with non-zero status 1" comes first when it did.
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    const [maxRss, user, system] = lines[lines.length - 1]!.split(' ').map(Number) as [number, number, number];
    rssKb = maxRss;
    cpuMs = (user + system) * 1000;
  }
  if (exitCode > okExit) throw new Error(`${command} ${args.join(' ')} exited ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return { wallMs, rssKb, cpuMs, exitCode, ...(capture ? { stdout } : {}) };
}

function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The simulator child

interface Ready {
  url: string;
  objects: number;
  nodes: number;
  pods: number;
  events: number;
  brokenNodes: number;
  brokenPods: number;
  brokenPod?: string;
  /** The real kube-apiserver: where its certificates are, how long loading the cluster took. */
  certDir?: string;
  loadSeconds?: number;
}

/** Where the synthetic cluster is served from. */
type Server = 'simulator' | 'kube-apiserver';
const SERVERS: Server[] = ['simulator', 'kube-apiserver'];
const SERVER_CHILD: Record<Server, string> = { simulator: 'sim-child.ts', 'kube-apiserver': 'apiserver-child.ts' };
/** The real kube-apiserver serves the sizes up to this one (loading 100,000 pods through its API takes too long). */
const REAL_MAX_NODES = 1_000;

class SimChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {}

  static async start(start: ChildStart, server: Server = 'simulator'): Promise<SimChild> {
    const child = fork(path.join(import.meta.dirname, SERVER_CHILD[server]), [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<Ready>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the ${server} exited (${code}) before it was ready`)));
      child.once('message', (m) => resolve(m as Ready));
    });
    child.send(start);
    return new SimChild(child, await ready);
  }

  /** The requests received since the last call. */
  take(): Promise<RequestSummary> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve((m as { requests: RequestSummary }).requests));
      this.child.send({ type: 'take' });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// What is measured

/** The kubectl commands the seed playbooks tell an operator to run, read-only, in the order they do. */
function playbookCommands(brokenPod: string | undefined): { args: string[]; seed: string }[] {
  return [
    { args: ['get', 'nodes', '--show-labels'], seed: 'tensor-fusion-troubleshooting (GPU nodes and their nvidia.com/gpu.present label)' },
    { args: ['get', 'pods', '-A', '--show-labels'], seed: 'tensor-fusion-troubleshooting (`kubectl get po -A --show-labels`)' },
    { args: ['get', 'pods', '-n', 'gpu-operator'], seed: 'rtx-gpu-kubernetes-homelab, gpu-operator-on-y-k8s' },
    { args: ['get', 'pods', '-n', 'kube-system'], seed: 'bitfusion-kubernetes-integration (device plugin in kube-system)' },
    { args: ['get', 'events', '-A'], seed: 'issue 7 (all warnings: FailedScheduling, BackOff, image pulls)' },
    { args: ['get', 'events', '-n', 'gpu-operator', '--sort-by=.lastTimestamp'], seed: 'rtx-gpu-kubernetes-homelab' },
    { args: ['get', 'runtimeclass'], seed: 'rtx-gpu-kubernetes-homelab (RuntimeClass nvidia)' },
    { args: ['get', 'ds', '-A'], seed: 'gpu-operator-on-y-k8s (operands as DaemonSets)' },
    { args: ['describe', 'clusterpolicy'], seed: 'gpu-operator-on-y-k8s, kantaloupe-prerequisites' },
    ...(brokenPod ? [{ args: ['describe', 'pod', '-n', 'gpu-operator', brokenPod], seed: 'gpu-operator-on-y-k8s (`kubectl describe pods` of an operand pod that is not Ready)' }] : []),
    { args: ['-n', 'gpu-operator', 'logs', 'deployment/gpu-operator', '--tail=200'], seed: 'rtx-gpu-kubernetes-homelab (`kubectl -n gpu-operator logs deployment/gpu-operator`)' },
  ];
}

type Variant = 'gpuctl' | 'playbook' | 'lower';
const VARIANTS: Variant[] = ['gpuctl', 'playbook', 'lower'];
const VARIANT_NAMES: Record<Variant, string> = {
  gpuctl: '(a) `gpuctl doctor -o json`',
  playbook: '(b) kubectl playbook',
  lower: '(c) lower bound (fetch + JSON.parse)',
};

interface Run {
  wallMs: number;
  rssKb: number;
  cpuMs: number;
  requests: RequestSummary;
}

interface SizeResult {
  /** Absent in runs saved before the real kube-apiserver was benchmarked: the simulator. */
  server?: Server;
  nodes: number;
  pods: number;
  ready: Ready;
  runs: Record<Variant, Run[]>;
  /** gpuctl's summary of the first run, to show it checked what it should. */
  gpuctlSummary?: Record<string, number>;
  profile?: ReturnType<typeof summariseProfile>;
  seconds: number;
}

async function benchSize(size: (typeof SIZES)[number], runs: number, kubectl: string, profile: boolean, server: Server = 'simulator'): Promise<SizeResult> {
  const { nodes, pods, brokenFraction } = size;
  const began = performance.now();
  const work = await mkdtemp(path.join(os.tmpdir(), 'gpuctl-bench-'));
  const kubeconfig = path.join(work, 'kubeconfig');
  log(`${nodes} nodes / ${pods} pods on the ${server}: generating and serving the cluster…`);
  const sim = await SimChild.start({ nodes, podsPerNode: pods / nodes, brokenFraction, kubeconfig }, server);
  const { ready } = sim;
  log(`  ${ready.objects} objects (${ready.nodes} nodes, ${ready.pods} pods, ${ready.events} events) at ${ready.url}`);
  const env = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', HOME: work, ...(ready.certDir ? { LOWER_BOUND_TLS_DIR: ready.certDir } : {}) };
  const listPaths = RESOURCE_TYPES.map((type) => `${type.metadataOnly ? `${PARTIAL_METADATA_LIST} ` : ''}${listPath(type, CHUNK_SIZE)}`);
  const commands = playbookCommands(ready.brokenPod);
  const result: SizeResult = { server, nodes, pods, ready, runs: { gpuctl: [], playbook: [], lower: [] }, seconds: 0 };

  const one: Record<Variant, (first: boolean) => Promise<{ wallMs: number; rssKb: number; cpuMs: number }>> = {
    async gpuctl(first) {
      // Exit 1: error findings, as expected of a cluster with broken nodes.
      const s = await measure(process.execPath, [GPUCTL, 'doctor', '-o', 'json'], env, { capture: first, okExit: 1 });
      if (first) {
        // The report must be whole: a fast doctor that checked nothing would be no result.
        const report = JSON.parse(s.stdout!) as { findings: unknown[]; summary: Record<string, number> };
        if (!report.findings.length) throw new Error('gpuctl doctor reported no findings');
        result.gpuctlSummary = report.summary;
      }
      return s;
    },
    async playbook() {
      // A fresh discovery cache per playbook run, shared by its commands as ~/.kube/cache would be.
      const cacheDir = await mkdtemp(path.join(work, 'kube-cache-'));
      let wallMs = 0;
      let rssKb = 0;
      let cpuMs = 0;
      for (const { args } of commands) {
        const s = await measure(kubectl, ['--cache-dir', cacheDir, ...args], env);
        wallMs += s.wallMs;
        cpuMs += s.cpuMs;
        rssKb = Math.max(rssKb, s.rssKb);
      }
      await rm(cacheDir, { recursive: true, force: true });
      return { wallMs, rssKb, cpuMs };
    },
    lower: () => measure(process.execPath, [path.join(import.meta.dirname, 'lower-bound.mjs'), ready.url, String(LIST_CONCURRENCY), ...listPaths], env),
  };

  // Round 0 warms up (the simulator's JSON cache, the page cache) and is not counted. The order rotates
  // from round to round so that no variant always runs after the same one.
  for (let round = 0; round <= runs; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    const line: string[] = [];
    for (const variant of order) {
      await sim.take();
      const s = await one[variant](round === 0);
      const requests = await sim.take();
      line.push(`${variant} ${fmtMs(s.wallMs)} (cpu ${fmtMs(s.cpuMs)}) ${fmtMb(s.rssKb)} ${requests.total} req`);
      if (round > 0) result.runs[variant].push({ ...s, requests });
    }
    log(`  ${round === 0 ? 'warm-up' : `run ${round}/${runs}`}: ${line.join(' | ')}`);
  }

  if (profile) {
    const dir = path.join(work, 'prof');
    await measure(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, GPUCTL, 'doctor', '-o', 'json'], env, { okExit: 1 });
    const [file] = await readdir(dir);
    result.profile = summariseProfile(path.join(dir, file!), 12);
  }
  await sim.stop();
  await rm(work, { recursive: true, force: true });
  result.seconds = (performance.now() - began) / 1000;
  return result;
}

interface StartupResult {
  name: string;
  runs: { wallMs: number; rssKb: number; cpuMs: number }[];
}

async function benchStartup(runs: number): Promise<StartupResult[]> {
  const variants: { name: string; args: string[] }[] = [
    { name: '`node -e 0`', args: ['-e', '0'] },
    { name: '`gpuctl --version`', args: [GPUCTL, '--version'] },
    { name: `\`gpuctl doctor --snapshot ${SNAPSHOT_EXAMPLE} -o json\``, args: [GPUCTL, 'doctor', '--snapshot', path.join(ROOT, SNAPSHOT_EXAMPLE), '-o', 'json'] },
  ];
  const results = variants.map((v) => ({ name: v.name, runs: [] as { wallMs: number; rssKb: number; cpuMs: number }[] }));
  for (let round = 0; round <= runs; round++) {
    for (let i = 0; i < variants.length; i++) {
      const k = (i + round) % variants.length;
      const s = await measure(process.execPath, variants[k]!.args, { ...process.env, NO_COLOR: '1' }, { okExit: 1 });
      if (round > 0) results[k]!.runs.push(s);
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmtMs = (ms: number) => (Number.isNaN(ms) ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const fmtN = (n: number) => n.toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function verdict(value: number, limit: number, unit = '×'): string {
  if (value <= limit) return `met (≤ ${limit}${unit})`;
  return `**missed** by ${((value / limit - 1) * 100).toFixed(0)}% (limit ${limit}${unit})`;
}

function machine(kubectl: string): string[] {
  const cpus = os.cpus();
  const kubectlVersion = tryRun(kubectl, ['version', '--client']).split('\n')[0] ?? 'unknown';
  const kubectlBinary = tryRun('readlink', ['-f', tryRun('sh', ['-c', `command -v ${kubectl}`]).trim()]).trim();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (${os.arch()})`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()}`,
    `- Node ${process.version}`,
    `- kubectl: ${kubectlVersion} (${kubectlBinary || kubectl})`,
  ];
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

function requestsText(runs: Run[]): string {
  const totals = runs.map((r) => r.requests.total);
  const last = runs[runs.length - 1]!.requests;
  const parts = [`${last.lists} list`, last.gets ? `${last.gets} get` : '', last.logs ? `${last.logs} log` : '', last.discovery ? `${last.discovery} discovery` : '']
    .filter(Boolean)
    .join(' + ');
  const spread = Math.min(...totals) === Math.max(...totals) ? '' : ` (runs: ${Math.min(...totals)}–${Math.max(...totals)})`;
  return `${fmtN(median(totals))}: ${parts}${spread}`;
}

interface RunMeta {
  runs: number;
  machine: string[];
  began: string;
  loadBefore: string;
  loadAfter: string;
  seconds: number;
  args: string;
}

/** What a run measured, saved beside RESULTS.md so that the report can be written again (--render). */
interface Saved {
  results: SizeResult[];
  startup: StartupResult[];
  meta: RunMeta;
}

function render({ results, startup, meta }: Saved): string {
  const out: string[] = [];
  const w = (s = '') => out.push(s);
  w('# gpuctl benchmark');
  w();
  w(`Written by \`npm run bench${meta.args ? ` -- ${meta.args}` : ''}\` (bench/run.ts) on ${meta.began}; the whole run took ${(meta.seconds / 60).toFixed(1)} min.`);
  w();
  w('## Machine');
  w();
  for (const line of meta.machine) w(line);
  w(`- load average (1, 5, 15 min) before: ${meta.loadBefore}; after: ${meta.loadAfter} — other work on the machine shows up as spread between runs`);
  w();
  w('## Method');
  w();
  w(`- Clusters: \`syntheticCluster({nodes, podsPerNode, brokenFraction, seed: 1})\` (test/simulator/synthetic.ts): GPU nodes with NFD/GFD labels, the GPU Operator's operand pods on every node, kube-proxy, workload pods, broken nodes and pods (brokenFraction ${SIZES.map((s) => `${s.brokenFraction} at ${fmtN(s.nodes)}`).join(', ')} nodes: NotReady, device-plugin crash, missing GFD labels, driver crash; image pulls, insufficient GPUs, crash loops, admission errors, missing runtime) with their events and logs.`);
  w('- Served by the API simulator (test/simulator/server.ts, `cacheJson: true`) on loopback, in a child process of its own (bench/sim-child.ts), so its CPU does not mix with the measured process. Its request log gives the API requests of each run.');
  w(`- Rows marked kube-apiserver: the same cluster loaded into a real kube-apiserver ${KUBERNETES_VERSION} + etcd (test/apiserver, bench/apiserver-child.ts; TLS with a client certificate, RBAC, the kubelet stand-in for logs), up to ${fmtN(REAL_MAX_NODES)} nodes; requests counted from its apiserver_request_total metric. The real server sends kubectl Tables. Its processes share the machine's two cores with the measured one, so wall times include its CPU; the targets are judged on the simulator rows.`);
  w(`- Each size: one warm-up round (not counted), then ${meta.runs} rounds; each round runs the three variants once, in an order that rotates from round to round. Medians (min–max) of the ${meta.runs} rounds.`);
  w(`- Wall time: from spawn to exit, measured by the parent. Peak RSS: ${RSS_METHOD}; for the playbook, the largest of its commands (they run one after another).`);
  w(`- (a) \`node bin/gpuctl doctor -o json\` with KUBECONFIG pointing at the simulator (the esbuild bundle, default --chunk-size ${CHUNK_SIZE}, ${LIST_CONCURRENCY} lists in flight, then the logs of troubled GPU pods).`);
  w('- (b) the commands below, one after another, with the real kubectl, output to /dev/null, and a fresh `--cache-dir` per playbook run (shared by its commands, as ~/.kube/cache would be after the first one): so each playbook run pays API discovery once. The simulator answers kubectl\'s Table requests with Tables, as the real server does (test/simulator/tables.ts).');
  const example = playbookCommands(results[0]?.ready.brokenPod ?? 'POD');
  for (const c of example) w(`  - \`kubectl ${c.args.join(' ')}\` — ${c.seed}`);
  w(`- (c) bench/lower-bound.mjs: one Node process, Node built-ins only, that GETs the same ${RESOURCE_TYPES.length} lists as gpuctl (same paths, selectors, Accept headers, page size ${CHUNK_SIZE} and ${LIST_CONCURRENCY} in flight; a 404 of a CRD not installed ends its list, as for gpuctl) and JSON.parses every page; no logs, no checks.`);
  w();
  w('## Headline');
  w();
  w('Wall time, median of the rounds; the CPU-time ratios (user + system of the measured processes) beside them are what other load on the machine moves least.');
  w();
  w('| server | nodes / pods | gpuctl doctor | kubectl playbook | lower bound | gpuctl ÷ playbook (CPU) | gpuctl ÷ lower bound (CPU) | gpuctl peak RSS |');
  w('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const [g, p, l] = VARIANTS.map((v) => median(r.runs[v].map((x) => x.wallMs))) as [number, number, number];
    const [gc, pc, lc] = VARIANTS.map((v) => median(r.runs[v].map((x) => x.cpuMs))) as [number, number, number];
    w(`| ${r.server ?? 'simulator'} | ${fmtN(r.nodes)} / ${fmtN(r.pods)} | ${fmtMs(g)} | ${fmtMs(p)} | ${fmtMs(l)} | **${ratio(g, p)}** (${ratio(gc, pc)}) | **${ratio(g, l)}** (${ratio(gc, lc)}) | ${fmtMb(median(r.runs.gpuctl.map((x) => x.rssKb)))} |`);
  }
  w();
  w('## Targets');
  w();
  const targets: string[] = [];
  for (const r of results.filter((x) => (x.server ?? 'simulator') === 'simulator')) {
    const [g, p, l] = VARIANTS.map((v) => median(r.runs[v].map((x) => x.wallMs))) as [number, number, number];
    const [gc, pc, lc] = VARIANTS.map((v) => median(r.runs[v].map((x) => x.cpuMs))) as [number, number, number];
    if (r.nodes <= 100) targets.push(`gpuctl ≤ 0.5 × playbook at ${fmtN(r.nodes)} nodes: ${ratio(g, p)} wall — ${verdict(g / p, 0.5)}; CPU ${ratio(gc, pc)}`);
    if (r.nodes >= 5000) targets.push(`gpuctl ≤ 1.0 × playbook at ${fmtN(r.nodes)} nodes: ${ratio(g, p)} wall — ${verdict(g / p, 1.0)}; CPU ${ratio(gc, pc)}`);
    if (r.nodes >= 1000) targets.push(`gpuctl ≤ 1.5 × lower bound at ${fmtN(r.nodes)} nodes: ${ratio(g, l)} wall — ${verdict(g / l, 1.5)}; CPU ${ratio(gc, lc)}`);
    if (r.nodes >= 5000) {
      const rss = median(r.runs.gpuctl.map((x) => x.rssKb)) / 1024;
      targets.push(`gpuctl peak RSS < 600 MB at ${fmtN(r.nodes)} nodes / ${fmtN(r.pods)} pods: ${rss.toFixed(0)} MB — ${verdict(rss, 600, ' MB')}`);
    }
  }
  const node0 = startup.find((s) => s.name.includes('node -e 0'));
  const version = startup.find((s) => s.name.includes('--version'));
  if (node0 && version) {
    const v = median(version.runs.map((x) => x.wallMs)) / median(node0.runs.map((x) => x.wallMs));
    targets.push(`\`gpuctl --version\` ≤ 1.5 × \`node -e 0\`: ${v.toFixed(2)}× — ${verdict(v, 1.5)}`);
  }
  const simResults = results.filter((x) => (x.server ?? 'simulator') === 'simulator');
  if (simResults.length > 1) {
    const req = simResults.map((r) => `${fmtN(r.nodes)} nodes: ${median(r.runs.gpuctl.map((x) => x.requests.lists))} list pages, ${median(r.runs.gpuctl.map((x) => x.requests.logs))} logs`);
    targets.push(`gpuctl's API requests grow with types and pages, not nodes: ${req.join('; ')} (logs are capped at 200, list pages are ⌈objects / ${CHUNK_SIZE}⌉ per type)`);
  }
  for (const t of targets) w(`- ${t}`);
  w();
  w('## Per size');
  for (const r of results) {
    w();
    w(`### ${fmtN(r.nodes)} nodes / ${fmtN(r.pods)} pods${r.server === 'kube-apiserver' ? ', real kube-apiserver' : ''}`);
    w();
    if (r.ready.loadSeconds !== undefined) w(`Loaded into kube-apiserver ${KUBERNETES_VERSION} + etcd through its API in ${r.ready.loadSeconds.toFixed(0)} s.`);
    w(`${fmtN(r.ready.objects)} objects served (${fmtN(r.ready.events)} events; ${r.ready.brokenNodes} broken nodes, ${r.ready.brokenPods} broken pods); this size took ${r.seconds.toFixed(0)} s.`);
    if (r.gpuctlSummary) w(`gpuctl's summary: ${Object.entries(r.gpuctlSummary).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
    w();
    w('| variant | wall, median (min–max) | CPU, median | peak RSS, median | API requests per run |');
    w('|---|---|---|---|---|');
    for (const v of VARIANTS) {
      const runs = r.runs[v];
      const walls = runs.map((x) => x.wallMs);
      w(`| ${VARIANT_NAMES[v]} | ${fmtMs(median(walls))} (${fmtMs(Math.min(...walls))}–${fmtMs(Math.max(...walls))}) | ${fmtMs(median(runs.map((x) => x.cpuMs)))} | ${fmtMb(median(runs.map((x) => x.rssKb)))} | ${requestsText(runs)} |`);
    }
    if (r.profile) {
      w();
      w(`Where gpuctl's time goes (\`node --cpu-prof\`, one extra run, ${r.profile.sampledMs.toFixed(0)} ms sampled; source-mapped):`);
      w();
      w('```');
      w('self time');
      for (const line of formatRows(r.profile.self)) w(line);
      w('total time');
      for (const line of formatRows(r.profile.total)) w(line);
      w('```');
    }
  }
  w();
  w('## Start-up');
  w();
  w(`Median of ${startup[0]?.runs.length ?? 0} interleaved runs each.`);
  w();
  w('| command | wall, median (min–max) | ÷ `node -e 0` | CPU, median | peak RSS |');
  w('|---|---|---|---|---|');
  const base = node0 ? median(node0.runs.map((x) => x.wallMs)) : NaN;
  for (const s of startup) {
    const walls = s.runs.map((x) => x.wallMs);
    w(`| ${s.name} | ${fmtMs(median(walls))} (${fmtMs(Math.min(...walls))}–${fmtMs(Math.max(...walls))}) | ${ratio(median(walls), base)} | ${fmtMs(median(s.runs.map((x) => x.cpuMs)))} | ${fmtMb(median(s.runs.map((x) => x.rssKb)))} |`);
  }
  const notes = path.join(import.meta.dirname, 'NOTES.md');
  if (existsSync(notes)) {
    w();
    w(readFileSync(notes, 'utf8').trim());
  }
  return out.join('\n') + '\n';
}

/** Copies bin/, dist/ and package.json aside, as an install would: tests or builds during a long run cannot touch it. */
async function installBundle(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gpuctl-bench-install-'));
  for (const entry of ['bin', 'dist', 'package.json']) await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  GPUCTL = path.join(dir, 'bin', 'gpuctl');
  return dir;
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        sizes: { type: 'string', default: SIZES.map((s) => s.nodes).join(',') },
        servers: { type: 'string', default: SERVERS.join(',') },
        runs: { type: 'string', default: '5' },
        'startup-runs': { type: 'string', default: '20' },
        kubectl: { type: 'string', default: 'kubectl' },
        out: { type: 'string', default: path.join('bench', 'RESULTS.md') },
        'no-profile': { type: 'boolean', default: false },
        render: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const out = path.resolve(ROOT, values.out);
  if (values.render) {
    // Writes the report again from a saved run, e.g. after editing bench/NOTES.md.
    await writeFile(out, render(JSON.parse(readFileSync(values.render, 'utf8')) as Saved));
    log(`wrote ${path.relative(process.cwd(), out)} from ${values.render}`);
    return 0;
  }
  const runs = Number(values.runs);
  const startupRuns = Number(values['startup-runs']);
  const wanted = values.sizes.split(',').map((s) => Number(s.trim()));
  const sizes = wanted.map((n) => SIZES.find((s) => s.nodes === n));
  const servers = values.servers.split(',').map((s) => s.trim()) as Server[];
  if (servers.some((s) => !SERVERS.includes(s))) {
    console.error(`bench: --servers takes ${SERVERS.join(', ')}\n${USAGE}`);
    return 2;
  }
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(startupRuns) || startupRuns < 1 || sizes.some((s) => !s)) {
    console.error(`bench: --runs and --startup-runs want positive integers, --sizes a list of ${SIZES.map((s) => s.nodes).join(', ')}\n${USAGE}`);
    return 2;
  }
  if (!tryRun(values.kubectl, ['version', '--client'])) {
    console.error(`bench: ${values.kubectl} does not run: install kubectl or pass --kubectl PATH`);
    return 2;
  }

  const began = new Date();
  const loadBefore = loadAverage();
  log('building the bundle…');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const install = await installBundle();
  log(`start-up: ${startupRuns} runs each…`);
  const startup = await benchStartup(startupRuns);
  const results: SizeResult[] = [];
  for (const server of servers) {
    for (const size of sizes) {
      if (server === 'kube-apiserver' && size!.nodes > REAL_MAX_NODES) continue;
      results.push(await benchSize(size!, runs, values.kubectl, server === 'simulator' && !values['no-profile'] && size!.nodes >= 1000, server));
    }
  }

  const saved: Saved = {
    results,
    startup,
    meta: {
      runs,
      machine: machine(values.kubectl),
      began: began.toISOString().replace(/\.\d+Z$/, 'Z'),
      loadBefore,
      loadAfter: loadAverage(),
      seconds: (Date.now() - began.getTime()) / 1000,
      args: process.argv.slice(2).join(' '),
    },
  };
  await rm(install, { recursive: true, force: true });
  await mkdir(path.dirname(out), { recursive: true });
  const json = out.replace(/\.md$/, '') + '.json';
  await writeFile(json, JSON.stringify(saved, null, 1) + '\n');
  await writeFile(out, render(saved));
  log(`wrote ${path.relative(process.cwd(), out)} and ${path.relative(process.cwd(), json)}`);
  return 0;
}

process.exitCode = await main();
