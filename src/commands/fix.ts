// `gpuctl doctor --fix`: show the plan (what gpuctl can change, what is left to a person), ask for each
// change (or take --yes), apply, read the cluster again and show which findings went away.
import path from 'node:path';
import type { Report } from '../engine.js';
import { exitCodeOf } from '../engine.js';
import type { ApiAction, AutomaticFix, FixPlan } from '../fix/plan.js';
import { planFixes } from '../fix/plan.js';
import type { Finding } from '../model.js';
import { makeChalk, paint, SYMBOL } from '../report/style.js';
import type { ActionResult } from '../sources/live/apply.js';

export interface FixOptions {
  yes?: boolean;
  dryRun?: boolean;
  colour: boolean;
  failOn: 'error' | 'warning';
  allowPartial?: boolean;
}

/** The I/O, injected: the doctor wires the live cluster and the terminal, tests wire fakes. */
export interface FixDeps {
  apply(actions: ApiAction[]): Promise<ActionResult[]>;
  /** Reads the cluster again and runs the checks. */
  recheck(): Promise<Report>;
  /** Asks one question on the terminal; absent with --yes. */
  ask?(question: string): Promise<string>;
  write(text: string): void;
}

const subjectOf = (f: Finding) => `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
const identity = (f: Finding) => `${f.name}|${f.subject.kind}|${f.subject.namespace ?? ''}|${f.subject.name}`;

export function renderPlan(plan: FixPlan, colour: boolean): string {
  const c = makeChalk(colour);
  const lines = [c.bold('Fixes'), c.dim('-----')];
  const actions = plan.automatic.flatMap((fix) => fix.actions.map((action) => ({ fix, action })));
  if (actions.length === 0) lines.push('Nothing gpuctl can change by itself.');
  else lines.push(`gpuctl can make ${actions.length} change${actions.length === 1 ? '' : 's'} (safe; deletes save the object and its logs first):`);
  actions.forEach(({ fix, action }, i) => {
    lines.push(`  ${i + 1}. ${action.describe} ${c.dim(`[${fix.finding.name}]`)}`);
    lines.push(`     ${c.cyan('$')} ${action.kubectl}`);
    lines.push(`     ${c.dim(`${action.method} ${action.path}${action.body ? ` ${JSON.stringify(action.body)}` : ''}`)}`);
    lines.push(`     ${c.dim(`undo: ${action.undo}`)}`);
  });
  if (plan.manual.length > 0) {
    lines.push(`Not applied by gpuctl (${plan.manual.length}): their commands are in the report above`);
    for (const { finding, reason } of plan.manual) {
      lines.push(`  ${paint(c, finding.severity, SYMBOL[finding.severity])} ${finding.name} on ${subjectOf(finding)} ${c.dim(`— ${reason}`)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** y: this one; n: not this one; a: this and all the rest; q: none of the rest. */
async function choose(actions: { fix: AutomaticFix; action: ApiAction }[], deps: FixDeps, yes: boolean): Promise<ApiAction[]> {
  if (yes || !deps.ask) return actions.map((a) => a.action);
  const chosen: ApiAction[] = [];
  for (let i = 0; i < actions.length; i++) {
    const { action } = actions[i]!;
    const answer = (await deps.ask(`Apply ${i + 1}/${actions.length}: ${action.describe}? [y/N/a/q] `)).trim().toLowerCase();
    if (answer === 'a' || answer === 'all') {
      chosen.push(...actions.slice(i).map((a) => a.action));
      break;
    }
    if (answer === 'q' || answer === 'quit') break;
    if (answer === 'y' || answer === 'yes') chosen.push(action);
  }
  return chosen;
}

export async function fixFindings(report: Report, opts: FixOptions, deps: FixDeps): Promise<number> {
  const c = makeChalk(opts.colour);
  const plan = planFixes(report.findings);
  deps.write('\n' + renderPlan(plan, opts.colour));
  const actions = plan.automatic.flatMap((fix) => fix.actions.map((action) => ({ fix, action })));
  if (actions.length === 0) return exitCodeOf(report, opts.failOn, opts.allowPartial);
  if (opts.dryRun) {
    deps.write(c.dim('--dry-run: nothing was changed.\n'));
    return exitCodeOf(report, opts.failOn, opts.allowPartial);
  }

  const chosen = await choose(actions, deps, !!opts.yes);
  if (chosen.length === 0) {
    deps.write('Nothing applied.\n');
    return exitCodeOf(report, opts.failOn, opts.allowPartial);
  }
  deps.write(`\n${c.bold('Applying')}\n`);
  const results = await deps.apply(chosen);
  for (const r of results) {
    deps.write(`  ${paint(c, r.ok ? 'ok' : 'error', r.ok ? SYMBOL.ok : SYMBOL.error)} ${r.action.describe}: ${r.outcome}\n`);
    // Where what the delete destroyed now lives, and the undo with the real path.
    const manifest = r.saved?.find((f) => f.endsWith('.json'));
    if (manifest) {
      const logs = r.saved!.length - 1;
      deps.write(`     ${c.dim(`saved first: ${manifest}${logs ? ` and ${logs} log${logs === 1 ? '' : 's'} beside it (${path.dirname(path.dirname(path.dirname(manifest)))}/logs/)` : ''}; undo: kubectl create -f ${manifest}`)}\n`);
    }
  }
  const applied = new Set(results.filter((r) => r.ok).map((r) => r.action));
  if (applied.size === 0) return exitCodeOf(report, opts.failOn, opts.allowPartial);

  // Read the cluster again: a finding is fixed when the same check no longer reports it on the same object.
  const after = await deps.recheck();
  const still = new Map(after.findings.filter((f) => f.severity !== 'ok').map((f) => [identity(f), f]));
  deps.write(`\n${c.bold('After the fixes')} ${c.dim('(cluster read again, checks run again)')}\n`);
  for (const fix of plan.automatic) {
    if (!fix.actions.some((a) => applied.has(a))) continue;
    const now = still.get(identity(fix.finding));
    if (now) deps.write(`  ${paint(c, now.severity, SYMBOL[now.severity])} still failing: ${fix.finding.name} on ${subjectOf(fix.finding)} — ${now.message}\n`);
    else deps.write(`  ${paint(c, 'ok', SYMBOL.ok)} fixed: ${fix.finding.name} on ${subjectOf(fix.finding)}\n`);
  }
  const left = after.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').length;
  deps.write(`${left} problem${left === 1 ? '' : 's'} left (errors and warnings); run gpuctl doctor for the full report.\n`);
  return exitCodeOf(after, opts.failOn, opts.allowPartial);
}
