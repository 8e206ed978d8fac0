// `gpuctl doctor --all-contexts` / `--context a,b,c`: the doctor on several clusters at once, one summary table.
import pLimit from 'p-limit';
import type { Check } from '../check.js';
import { causesOf, exitCodeOf, runChecks, summarize } from '../engine.js';
import { GpuctlError, UsageError } from '../errors.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { Facts } from '../facts/facts.js';
import { livePlan } from '../facts/inputs.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { reportJson } from '../report/json.js';
import { colourEnabled, makeChalk, paint } from '../report/style.js';
import { renderTable, terminalWidth } from '../report/wrap.js';
import { oneLine } from '../errors.js';
import { kubeconfigContexts } from './completion.js';
import type { DoctorOptions } from './doctor.js';
import { gatherLive } from './gather.js';

/** Clusters checked at once: each already runs its own bounded lists. */
const CLUSTER_CONCURRENCY = 4;

export interface ClusterResult {
  context: string;
  report?: ReturnType<typeof runChecks>;
  error?: string;
}

export function fleetContexts(opts: Pick<DoctorOptions, 'context' | 'kubeconfig'> & { allContexts?: boolean }): string[] | undefined {
  if (opts.allContexts) {
    const env = opts.kubeconfig ? { ...process.env, KUBECONFIG: opts.kubeconfig } : process.env;
    const names = kubeconfigContexts(env);
    if (names.length === 0) throw new UsageError('--all-contexts: the kubeconfig has no contexts');
    return names;
  }
  const names = opts.context?.split(',').map((c) => c.trim()).filter(Boolean) ?? [];
  return names.length > 1 ? names : undefined;
}

export async function fleet(contexts: string[], checks: Check[], opts: DoctorOptions): Promise<number> {
  if (opts.output === 'junit' || opts.output === 'markdown') throw new UsageError(`-o ${opts.output} takes one cluster; use -o text or json with several contexts`);
  const limit = pLimit(CLUSTER_CONCURRENCY);
  const results: ClusterResult[] = await Promise.all(
    contexts.map((context) =>
      limit(async () => {
        try {
          // Probing the local node makes sense for one cluster at most; probe pods and DaemonSets work anywhere.
          const nodeProbe = opts.nodeProbe === 'pod' || opts.nodeProbe === 'daemonset' ? opts.nodeProbe : 'none';
          const collection = await gatherLive({ ...opts, context, nodeProbe, spinner: false, plan: livePlan(ALL_CHECKS) });
          return { context, report: runChecks(checks, new Facts(collection)) };
        } catch (err) {
          return { context, error: err instanceof GpuctlError ? err.message : oneLine(err) };
        }
      }),
    ),
  );
  process.stdout.write(opts.output === 'json' ? fleetJson(results) : fleetTable(results, colourEnabled(process.stdout), opts.lang, terminalWidth(process.stdout)));
  // Unreachable clusters make the run incomplete (2) unless a reachable one already failed (1).
  const codes = results.map((r) => (r.report ? exitCodeOf(r.report, opts.failOn, opts.allowPartial) : 2));
  return codes.includes(1) ? 1 : Math.max(0, ...codes);
}

function fleetJson(results: ClusterResult[]): string {
  // Each cluster's report is the doctor's -o json, its context first.
  const clusters = results.map((r) => (r.report ? { context: r.context, ...reportJson(r.report) } : { context: r.context, error: r.error }));
  return JSON.stringify({ clusters }, null, 2) + '\n';
}

export function fleetTable(results: ClusterResult[], colour: boolean, lang: Lang = 'en', width?: number): string {
  const c = makeChalk(colour);
  const words = ui(lang).fleet;
  const rows = results.map((r) => {
    if (!r.report) return [r.context, paint(c, 'error', words.unreachable), '', '', '', r.error ?? ''];
    const s = summarize(r.report);
    // The first root cause, not the first symptom: what the playbook would have the user fix first.
    const root = causesOf(r.report).roots.find((x) => x.severity === 'error' || x.severity === 'warning');
    const worst = root?.findings[0];
    return [
      r.context,
      s.errors || !r.report.incomplete
        ? paint(c, s.errors ? 'error' : s.warnings ? 'warning' : 'ok', s.errors ? words.failing : s.warnings ? words.warnings : words.healthy)
        : paint(c, 'error', words.incomplete),
      String(s.errors),
      String(s.warnings),
      String(s.skipped),
      worst ? `${worst.name}${root!.findings.length > 1 ? ` (×${root!.findings.length})` : ''}: ${showFinding(worst, lang).headline}` : '',
    ];
  });
  // The first root cause (or why a cluster was unreachable) wraps in its column at the terminal's width.
  return renderTable(words.headers, rows, width, { minFlexible: 20, overflow: 'wrap', header: c.bold }).join('\n') + '\n';
}
