// `gpuctl exec-check`: does the injected GPU runtime reach the process that uses the GPU?
import envDroppedByChild, { envDroppedByChild as dropsOf } from '../../checks/env-dropped-by-child.js';
import injectionEnvMissing, { injectionEnvMissing as neverInjectedOf } from '../../checks/injection-env-missing.js';
import shellDropsPreload, { shellDropsPreload as shellDropsOf } from '../../checks/shell-drops-preload.js';
import type { Report } from '../engine.js';
import { exitCodeOf, findingsOf } from '../engine.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { ExecRecord } from '../facts/exec-tree.js';
import { analyzeExecTree } from '../facts/exec-tree.js';
import type { InjectionStack, InjectionStackId } from '../facts/injection.js';
import { INJECTION_STACKS, stackById } from '../facts/injection.js';
import type { WorkloadInjection } from '../facts/workload-injection.js';
import { stackFromEnv } from '../facts/workload-injection.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { renderExecTree } from '../report/exec-tree.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { colourEnabled } from '../report/style.js';
import { renderText } from '../report/text.js';

export interface ExecCheckOptions {
  namespace?: string;
  container?: string;
  stack: 'auto' | InjectionStackId;
  output: 'text' | 'json' | 'markdown';
  local?: boolean;
  strace?: boolean;
  timeout: string;
  lang?: Lang;
}

export const INJECTION_CHECKS = [injectionEnvMissing, shellDropsPreload, envDroppedByChild];

export async function execCheck(pod: string | undefined, command: string[], opts: ExecCheckOptions): Promise<number> {
  if (!opts.local) {
    throw new UsageError('exec-check against a pod needs a live cluster connection, which this build does not have yet; use --local -- CMD');
  }
  if (pod) command = [pod, ...command];
  const { traceLocal } = await import('../sources/strace-local.js');
  const trace = await traceLocal(command, { timeoutMs: parseDuration(opts.timeout, '--timeout') });
  const stack = chooseStack(opts.stack, trace.records[0]);
  const analysis = analyzeExecTree(trace.records, stack);
  const workload: WorkloadInjection = {
    namespace: 'local',
    pod: command.join(' '),
    container: 'strace',
    stackEvidence: opts.stack === 'auto' ? (stackFromEnv(trace.records[0]?.env)?.evidence ?? '') : '--stack',
    analysis,
    local: true,
  };
  const report = reportOf(workload, `local trace of ${command.join(' ')}`);
  print(report, workload, opts);
  if (trace.timedOut) process.stderr.write(`gpuctl: warning: ${command[0]} was stopped after --timeout ${opts.timeout}; the trace is partial\n`);
  return exitCodeOf(report);
}

function chooseStack(choice: ExecCheckOptions['stack'], first: ExecRecord | undefined): InjectionStack {
  if (choice !== 'auto') return stackById(choice);
  const detected = stackFromEnv(first?.env);
  if (!detected) {
    throw new UsageError(
      'cannot tell which GPU stack to check: the first process carries none of its injected variables',
      `pass --stack ${INJECTION_STACKS.map((s) => s.id).join('|')}`,
    );
  }
  return detected.stack;
}

export function reportOf(w: WorkloadInjection, origin: string): Report {
  const findings = [
    ...findingsOf(injectionEnvMissing, neverInjectedOf(w), w.pod),
    ...findingsOf(shellDropsPreload, shellDropsOf(w), w.pod),
    ...findingsOf(envDroppedByChild, dropsOf(w), w.pod),
  ];
  return { origin, findings, skipped: [], checks: INJECTION_CHECKS };
}

function print(report: Report, w: WorkloadInjection, opts: ExecCheckOptions): void {
  if (opts.output === 'json') {
    const base = JSON.parse(renderJson(report));
    const processes = w.analysis.records.map((r) => ({
      pid: r.pid,
      parent: r.parent,
      argv: r.argv,
      missing: w.analysis.missing.get(r.id) ?? null,
    }));
    process.stdout.write(JSON.stringify({ stack: w.analysis.stack.id, processes, ...base }, null, 2) + '\n');
    return;
  }
  if (opts.output === 'markdown') {
    process.stdout.write(`${renderMarkdown(report, opts.lang)}\n\`\`\`\n${renderExecTree(w.analysis, false, undefined, opts.lang)}\`\`\`\n`);
    return;
  }
  const colour = colourEnabled(process.stdout);
  process.stdout.write(`${ui(opts.lang).execCheck.stack}${w.analysis.stack.name} (${w.stackEvidence})\n\n${renderExecTree(w.analysis, colour, undefined, opts.lang)}\n`);
  process.stdout.write(renderText(report, { colour, title: 'gpuctl exec-check', lang: opts.lang }));
}
