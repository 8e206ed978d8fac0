// `gpuctl doctor`: gather facts from a snapshot or a live cluster, run the checks, print, exit 0/1/2.
import path from 'node:path';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Report } from '../engine.js';
import { parseDuration, parsePositiveInt } from '../duration.js';
import { causesOf, exitCodeOf, incompleteLine, runChecks, selectChecks } from '../engine.js';
import { GpuctlError, UsageError } from '../errors.js';
import { Facts } from '../facts/facts.js';
import { livePlan } from '../facts/inputs.js';
import type { Lang } from '../i18n/lang.js';
import { renderReportJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderTakenMarkdown, renderTakenText } from '../report/playbook.js';
import { walkPlaybook } from '../playbook/walk.js';
import { renderMarkdown } from '../report/markdown.js';
import { colourEnabled } from '../report/style.js';
import { renderText } from '../report/text.js';
import { renderSummary } from '../report/summary.js';
import { gpuctlCommand } from '../invocation.js';
import { terminalWidth } from '../report/wrap.js';
import type { Collection } from '../collection/collection.js';
import type { NodeProbeMode } from './gather.js';
import { DEMO_SNAPSHOT, packageRoot } from '../paths.js';

export interface DoctorOptions {
  snapshot?: string;
  demo?: boolean;
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  chunkSize: string;
  /** text: the root causes first (report/summary.ts); wide: every finding, the passes and the playbook. */
  output: 'text' | 'wide' | 'json' | 'markdown' | 'junit';
  failOn: 'error' | 'warning';
  checks?: string;
  skip?: string;
  ok?: boolean;
  debug?: boolean;
  nodeProbe: NodeProbeMode;
  maxExecPods?: string;
  allContexts?: boolean;
  /** Text, markdown and junit only: JSON stays English (names and ids are the API). */
  lang?: Lang;
  /** Query this Prometheus for the metric checks instead of going through the API server. */
  prometheusUrl?: string;
  /** Apply the safe fixes the findings name (doctor --fix). */
  fix?: boolean;
  /** --fix without asking. */
  yes?: boolean;
  /** --fix: print the plan, change nothing. */
  dryRun?: boolean;
  /** An incomplete run (inputs not read) exits on its findings instead of 2. */
  allowPartial?: boolean;
  /** --fix: where deletes save the object and its logs first (default ./gpuctl-fix-TIMESTAMP). */
  backupDir?: string;
}

/** The folder of this run's saves: given, or a new timestamped one in the working directory. */
function backupDir(given: string | undefined): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return path.resolve(given ?? `gpuctl-fix-${stamp}`);
}

const list = (s?: string) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : undefined);

export async function doctor(opts: DoctorOptions): Promise<number> {
  const checks = selectChecks(ALL_CHECKS, { only: list(opts.checks), skip: list(opts.skip) });
  if (opts.snapshot && opts.demo) throw new UsageError('--snapshot and --demo cannot be used together');
  if ((opts.snapshot || opts.demo) && opts.nodeProbe !== 'auto') {
    throw new UsageError('--node-probe reads a live node: it cannot be used with --snapshot or --demo');
  }
  if (opts.snapshot && (opts.kubeconfig || opts.context || opts.prometheusUrl)) {
    throw new UsageError('--snapshot reads no cluster: drop --kubeconfig/--context/--prometheus-url');
  }
  if (opts.demo && (opts.kubeconfig || opts.context || opts.prometheusUrl || opts.allContexts)) {
    const given = [opts.kubeconfig && '--kubeconfig', opts.context && '--context', opts.prometheusUrl && '--prometheus-url', opts.allContexts && '--all-contexts'].filter(Boolean);
    throw new UsageError(`--demo reads the bundled example, no cluster: drop ${given.join(', ')}`);
  }
  if (opts.prometheusUrl && !/^https?:\/\/[^/]/.test(opts.prometheusUrl)) {
    throw new UsageError(`--prometheus-url must be an http:// or https:// URL, not "${opts.prometheusUrl}"`);
  }
  checkFixFlags(opts);
  if (!opts.snapshot && !opts.demo) {
    const { fleet, fleetContexts } = await import('./fleet.js');
    const contexts = fleetContexts(opts);
    if (contexts) {
      if (opts.fix) throw new UsageError('--fix changes one cluster at a time: name one --context');
      return fleet(contexts, checks, opts);
    }
  }
  const collection = await gather(opts);
  const report = runChecks(checks, new Facts(collection));
  process.stdout.write(render(report, opts));
  const incomplete = incompleteLine(report, opts.allowPartial);
  if (incomplete) process.stderr.write(incomplete);
  if (!opts.fix) return exitCodeOf(report, opts.failOn, opts.allowPartial);
  const { fixFindings } = await import('./fix.js');
  return fixFindings(
    report,
    { yes: opts.yes, dryRun: opts.dryRun, colour: colourEnabled(process.stdout), failOn: opts.failOn, allowPartial: opts.allowPartial },
    {
      write: (text) => process.stdout.write(text),
      apply: async (actions) => (await import('../sources/live/apply.js')).applyActions(liveOptions(opts), actions, '', backupDir(opts.backupDir)),
      recheck: async () => runChecks(checks, new Facts(await gather(opts))),
      ask: opts.yes ? undefined : ask,
    },
  );
}

/** --fix changes a live cluster after asking: refuse before reading anything when it cannot ask. */
function checkFixFlags(opts: DoctorOptions): void {
  if (!opts.fix) {
    if (opts.yes || opts.dryRun) throw new UsageError(`${opts.yes ? '--yes' : '--dry-run'} goes with --fix`);
    return;
  }
  if (opts.output !== 'text' && opts.output !== 'wide') throw new UsageError('--fix prints its plan and asks as text: drop -o/--output');
  if (opts.snapshot || opts.demo) {
    if (!opts.dryRun) throw new UsageError('--fix changes a live cluster: a snapshot can only be shown with --fix --dry-run');
    return;
  }
  if (!opts.yes && !opts.dryRun && !process.stdin.isTTY) {
    throw new UsageError('--fix asks before each change, but stdin is not a terminal', 'pass --yes to apply the fixes without asking, or --dry-run to only print them');
  }
}

async function ask(question: string): Promise<string> {
  const { askOnTerminal } = await import('../interrupt.js');
  return askOnTerminal(question);
}

function liveOptions(opts: DoctorOptions) {
  return {
    kubeconfig: opts.kubeconfig,
    context: opts.context,
    requestTimeoutMs: parseDuration(opts.requestTimeout, '--request-timeout'),
    chunkSize: parsePositiveInt(opts.chunkSize, '--chunk-size'),
    debug: opts.debug,
    prometheusUrl: opts.prometheusUrl,
  };
}

function render(report: Report, opts: DoctorOptions): string {
  if (opts.output === 'json') return renderReportJson(report);
  const taken = walkPlaybook(report.findings, undefined, causesOf(report));
  switch (opts.output) {
    case 'markdown':
      return renderMarkdown(report, opts.lang, undefined, sameRun(opts, 'json')) + renderTakenMarkdown(taken, opts.lang);
    case 'junit':
      return renderJunit(report, opts.failOn, opts.lang);
    case 'wide': {
      const colour = colourEnabled(process.stdout);
      const width = terminalWidth(process.stdout);
      const playbook = renderTakenText(taken, colour, opts.lang, width);
      return renderText(report, { colour, showOk: opts.ok !== false, lang: opts.lang, width, debug: opts.debug }) + (playbook ? `\n${playbook}` : '');
    }
    default:
      return renderSummary(report, { colour: colourEnabled(process.stdout), lang: opts.lang, width: terminalWidth(process.stdout), wideCommand: sameRun(opts, 'wide'), jsonCommand: sameRun(opts, 'json') });
  }
}

/** The same run in another format: `gpuctl doctor --snapshot DIR -o wide`. */
function sameRun(opts: DoctorOptions, output: string): string {
  const source = opts.demo ? ' --demo' : opts.snapshot ? ` --snapshot ${/^[\w./@:+-]+$/.test(opts.snapshot) ? opts.snapshot : `'${opts.snapshot.replace(/'/g, "'\\''")}'`}` : opts.context ? ` --context ${opts.context}` : '';
  return gpuctlCommand(`doctor${source} -o ${output}`);
}

async function gather(opts: DoctorOptions): Promise<Collection> {
  const { loadSnapshot } = await import('../sources/snapshot.js');
  if (opts.demo) return loadSnapshot(path.join(packageRoot(), DEMO_SNAPSHOT));
  if (opts.snapshot) return loadSnapshot(opts.snapshot);
  const { gatherLive } = await import('./gather.js');
  try {
    return await gatherLive({ ...opts, plan: livePlan(ALL_CHECKS) });
  } catch (err) {
    const { NO_KUBECONFIG, NO_KUBECONFIG_ERROR } = await import('../sources/live/kubeconfig.js');
    if (err instanceof Error && err.name === NO_KUBECONFIG_ERROR) {
      throw new GpuctlError(`${NO_KUBECONFIG}: pass --kubeconfig FILE, set KUBECONFIG, or analyse a snapshot with --snapshot DIR (--demo: the bundled example)`);
    }
    throw err;
  }
}
