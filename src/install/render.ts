// How the plan and its outcome read: text for a person, one JSON object for scripts.
import type { Report } from '../engine.js';
import { summarize } from '../engine.js';
import { renderJson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { makeChalk, paint } from '../report/style.js';
import type { Backup } from './actions.js';
import type { Diagnosis } from './diagnose.js';
import type { Blocker, Phase } from './types.js';
import type { WaitResult } from './verify.js';

export interface PlannedCommand {
  display: string;
  /** The argv, for programs (absent for internal actions). */
  argv?: string[];
  mutating: boolean;
  note?: string;
}

export type StepStatus = 'satisfied' | 'needed' | 'blocked' | 'done' | 'failed' | 'interrupted' | 'not-run';

export interface StepRecord {
  id: string;
  phase: Phase;
  title: string;
  status: StepStatus;
  reason: string;
  commands: PlannedCommand[];
  detail?: string;
  blocked?: Blocker;
  /** Dry run: the prerequisites (failed gates) this step waits for. */
  missing?: Blocker[];
  failure?: { message: string; command?: string; exitCode?: number; stderr?: string; diagnosis?: Diagnosis };
}

export interface VerifySection {
  title: string;
  report?: Report;
  waits?: WaitResult[];
  notes: string[];
}

export type Outcome = 'ok' | 'nothing-to-do' | 'planned' | 'blocked' | 'refused' | 'failed' | 'interrupted' | 'verify-failed';

export interface RunResult {
  command: 'install' | 'uninstall';
  profile?: string;
  phases: Phase[];
  dryRun: boolean;
  outcome: Outcome;
  exitCode: number;
  context: string[];
  steps: StepRecord[];
  blocked: (Blocker & { gate?: string; step?: string })[];
  backups: Backup[];
  notes: string[];
  verify: VerifySection[];
}

type Chalk = ReturnType<typeof makeChalk>;

const MARK: Record<StepStatus, string> = {
  satisfied: '✓',
  needed: '→',
  blocked: '✗',
  done: '✓',
  failed: '✗',
  interrupted: '■',
  'not-run': '·',
};

export function renderPlan(result: RunResult, colour: boolean): string {
  const c = makeChalk(colour);
  const lines = [c.bold(`gpuctl ${result.command}${result.profile ? ` — profile ${result.profile}` : ''}${result.dryRun ? ' (dry run)' : ''}`)];
  lines.push(...result.context.map((l) => c.dim(l)), '');
  // A missing prerequisite is explained at the first step that waits for it; later ones name it.
  const shown = new Set<string>();
  for (const phase of result.phases) {
    const steps = result.steps.filter((s) => s.phase === phase);
    lines.push(c.bold(`${phase} phase`));
    if (steps.length === 0) lines.push(`  ${c.dim(result.blocked.some((b) => b.gate && !b.step) && !result.dryRun ? '(not planned: see below; --dry-run shows its steps)' : '(no steps)')}`);
    for (const s of steps) lines.push(...renderStepLine(s, c, true, shown));
    lines.push('');
  }
  return lines.join('\n');
}

function renderStepLine(s: StepRecord, c: Chalk, withCommands: boolean, shown = new Set<string>()): string[] {
  const tone = s.status === 'satisfied' || s.status === 'done' ? 'ok' : s.status === 'blocked' || s.status === 'failed' ? 'error' : s.status === 'needed' ? 'info' : 'skipped';
  const what = s.status === 'satisfied' ? 'already satisfied' : s.status === 'needed' ? 'needed' : s.status;
  const lines = [`  ${paint(c, tone, MARK[s.status])} ${c.bold(s.id)} ${s.title}`];
  if (s.missing?.length) {
    // A dry run's step behind a missing prerequisite: what is missing and how to get it, then what it would run.
    for (const m of s.missing) {
      lines.push(`      ${paint(c, 'error', 'missing:')} ${shown.has(m.code) ? `${m.code} (as above)` : `${m.message}${m.hint ? ` — ${m.hint}` : ''}`}`);
      shown.add(m.code);
    }
    lines.push(`      ${c.dim(s.commands.length ? 'then it would run:' : 'its commands depend on what the missing prerequisite would show')}`);
  } else lines.push(`      ${c.dim(`${what}: ${s.reason}`)}`);
  if (withCommands && (s.status === 'needed' || s.status === 'blocked')) {
    for (const cmd of s.commands) {
      const text = (cmd.argv ? cmd.display : c.dim(cmd.display)).replace(/\n/g, '\n        ');
      lines.push(`      ${cmd.argv ? c.cyan('$') : c.dim('·')} ${text}${cmd.note ? c.dim(`   # ${cmd.note}`) : ''}`);
    }
  }
  return lines;
}

export function renderBlocked(result: RunResult, colour: boolean): string {
  const c = makeChalk(colour);
  const lines: string[] = [];
  for (const b of result.blocked) {
    lines.push(`${paint(c, 'error', '✗')} ${c.bold(`${result.dryRun ? 'missing prerequisite' : 'stopped before any change'}: ${b.code}`)}${b.step ? c.dim(` (step ${b.step})`) : b.gate ? c.dim(` (check ${b.gate})`) : ''}`);
    lines.push(`  ${b.message}`);
    if (b.hint) lines.push(`  ${c.bold('what to do:')} ${b.hint}`);
    for (const m of b.manual ?? []) lines.push(`    ${m.startsWith('#') ? c.dim(m) : `${c.cyan('$')} ${m}`}`);
  }
  return lines.join('\n') + '\n';
}

export function renderFailure(result: RunResult, colour: boolean): string {
  const c = makeChalk(colour);
  const failed = result.steps.find((s) => s.status === 'failed');
  const lines: string[] = [''];
  if (failed?.failure) {
    const f = failed.failure;
    lines.push(`${paint(c, 'error', '✗')} ${c.bold(`step ${failed.id} failed`)}: ${f.message}`);
    if (f.stderr?.trim()) {
      lines.push(`  ${c.dim('stderr:')}`);
      for (const l of f.stderr.trim().split('\n').slice(-20)) lines.push(`    ${l}`);
    }
    if (f.diagnosis) {
      lines.push(`  ${c.bold('cause:')} ${f.diagnosis.hint}`);
      for (const r of f.diagnosis.route ?? []) lines.push(`    ${r.startsWith('#') ? c.dim(r) : `${c.cyan('$')} ${r}`}`);
    }
  }
  lines.push(...renderDone(result, c));
  lines.push(`${c.bold('To resume:')} fix the cause and run the same command again — every step checks first, finished steps are skipped.`);
  lines.push(...renderRollback(result, c));
  return lines.join('\n') + '\n';
}

export function renderInterrupted(result: RunResult, colour: boolean): string {
  const c = makeChalk(colour);
  const stopped = result.steps.find((s) => s.status === 'interrupted');
  const lines = ['', `${paint(c, 'warning', '■')} ${c.bold('stopped by Ctrl-C')}${stopped ? ` during step ${stopped.id}, after its current command finished` : ' between steps'}; nothing else was started.`];
  lines.push(...renderDone(result, c));
  lines.push(`${c.bold('To resume:')} run the same command again — finished steps are skipped and the interrupted one starts over (its commands are safe to repeat).`);
  lines.push(...renderRollback(result, c));
  return lines.join('\n') + '\n';
}

function renderDone(result: RunResult, c: Chalk): string[] {
  const done = result.steps.filter((s) => s.status === 'done');
  if (done.length === 0) return [`${c.bold('Done before it:')} nothing was changed.`];
  return [c.bold('Done before it:'), ...done.map((s) => `  ${paint(c, 'ok', '✓')} ${s.id}: ${s.commands.filter((x) => x.argv).map((x) => x.display).join('; ')}`)];
}

function renderRollback(result: RunResult, c: Chalk): string[] {
  if (result.backups.length === 0) return [];
  return [
    `${c.bold('To roll back')} the files gpuctl changed (then restart the runtime):`,
    ...result.backups.map((b) => `  ${c.cyan('$')} ${b.restore}`),
  ];
}

export function renderVerify(section: VerifySection, colour: boolean): string {
  const c = makeChalk(colour);
  const lines = [c.bold(section.title)];
  for (const w of section.waits ?? []) lines.push(`  ${paint(c, w.ready ? 'ok' : 'error', w.ready ? '✓' : '✗')} ${w.component}: ${w.summary}`);
  for (const n of section.notes) lines.push(`  ${c.dim(n)}`);
  if (section.report) {
    const sum = summarize(section.report);
    if (sum.checks === 0) lines.push(`  ${c.dim('no doctor check of these categories is registered yet')}`);
    else lines.push(renderText(section.report, { colour, showOk: true, title: 'gpuctl doctor' }).replace(/^/gm, '  ').trimEnd());
  }
  return lines.join('\n') + '\n';
}

export function renderSummary(result: RunResult, colour: boolean): string {
  const c = makeChalk(colour);
  const count = (s: StepStatus) => result.steps.filter((x) => x.status === s).length;
  const lines: string[] = [];
  for (const n of result.notes) lines.push(`${paint(c, 'warning', '!')} ${n}`);
  if (result.backups.length) {
    lines.push(c.bold('Backups of the files changed:'));
    for (const b of result.backups) lines.push(`  ${b.path}${b.backup ? ` → ${b.backup}` : ' (new file)'}   ${c.dim(`undo: ${b.restore}`)}`);
  }
  const text: Record<Outcome, string> = {
    ok: `${count('done')} step(s) done, ${count('satisfied')} already satisfied`,
    'nothing-to-do': `nothing to do: all ${result.steps.length} steps are already satisfied`,
    planned: `dry run: ${count('needed')} step(s) would run ${result.steps.flatMap((s) => (s.status === 'needed' ? s.commands : [])).filter((x) => x.mutating).length} command(s); nothing was changed`,
    blocked: result.dryRun
      ? `dry run: ${result.blocked.length} missing prerequisite(s) (${result.blocked.map((b) => b.code).join(', ')}) stop the plan above; nothing was changed`
      : 'stopped before any change',
    refused: 'nothing was changed',
    failed: 'failed',
    interrupted: 'interrupted',
    'verify-failed': `${count('done') ? `${count('done')} step(s) done` : `nothing to do: all ${result.steps.length} steps are already satisfied`}, but the verification found problems`,
  };
  lines.push(`${c.bold('Result:')} ${paint(c, result.exitCode === 0 ? 'ok' : 'error', text[result.outcome])}`);
  return lines.join('\n') + '\n';
}

export function renderResultJson(result: RunResult): string {
  const verify = result.verify.map((v) => ({
    title: v.title,
    notes: v.notes,
    ...(v.waits ? { waits: v.waits } : {}),
    ...(v.report ? { doctor: JSON.parse(renderJson(v.report)) as unknown } : {}),
  }));
  return JSON.stringify({ ...result, verify }, null, 2) + '\n';
}
