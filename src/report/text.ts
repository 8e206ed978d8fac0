// The terminal report: grouped by category, ✓ ‼ ✗, evidence and fix under each problem.
import type { Report } from '../engine.js';
import { summarize } from '../engine.js';
import { STACK_NAMES, type StackId } from '../facts/stacks.js';
import type { Finding } from '../model.js';
import { CATEGORIES } from '../model.js';
import { makeChalk, paint, SYMBOL } from './style.js';

export interface TextOptions {
  colour: boolean;
  /** Show passing checks (✓ lines); on by default like `linkerd check`. */
  showOk?: boolean;
  /** The first line's command name. */
  title?: string;
}

export function renderText(report: Report, options: TextOptions): string {
  const c = makeChalk(options.colour);
  const lines: string[] = [c.bold(`${options.title ?? 'gpuctl doctor'} — ${report.origin}`), ''];
  if (report.stacks) lines.push(...renderStacks(report, c), '');
  for (const category of CATEGORIES) {
    const findings = report.findings.filter((f) => f.category === category);
    const skipped = report.skipped.filter((s) => report.checks.find((k) => k.id === s.id)?.category === category);
    if (findings.length === 0 && skipped.length === 0) continue;
    lines.push(c.bold(category));
    lines.push(c.dim('-'.repeat(category.length)));
    for (const f of findings) {
      if (f.severity === 'ok' && options.showOk === false) continue;
      lines.push(...renderFinding(f, c));
    }
    for (const s of skipped) {
      lines.push(`${paint(c, 'skipped', SYMBOL.skipped)} ${s.name} ${c.dim(`skipped: ${s.reason}`)}`);
    }
    lines.push('');
  }
  const sum = summarize(report);
  const parts = [
    paint(c, sum.errors ? 'error' : 'ok', `${sum.errors} error${sum.errors === 1 ? '' : 's'}`),
    paint(c, sum.warnings ? 'warning' : 'ok', `${sum.warnings} warning${sum.warnings === 1 ? '' : 's'}`),
    `${sum.ok} passed`,
    `${sum.skipped} skipped`,
  ];
  lines.push(`Status: ${parts.join(', ')} (${sum.checks} checks)`);
  return lines.join('\n') + '\n';
}

function renderFinding(f: Finding, c: ReturnType<typeof makeChalk>): string[] {
  const head = `${paint(c, f.severity, SYMBOL[f.severity])} ${f.message}`;
  if (f.severity === 'ok') return [head];
  const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
  const lines = [`${head} ${c.dim(`[${f.id} ${f.name}]`)}`, `    ${c.dim('on')} ${subject}`];
  for (const e of f.evidence) lines.push(`    ${c.dim('·')} ${e}`);
  if (f.fix) {
    lines.push(`    ${c.bold('fix:')} ${f.fix.summary}`);
    for (const cmd of f.fix.commands) lines.push(`      ${c.cyan('$')} ${cmd}`);
  }
  lines.push(`    ${c.dim(`see: ${f.docs}`)}`);
  return lines;
}

/** Evidence lines shown per stack: enough to see why, short enough to keep the header a header. */
const STACK_EVIDENCE_SHOWN = 2;

/** The header: which GPU stacks the cluster runs, and which were not found (their checks stay quiet). */
function renderStacks(report: Report, c: ReturnType<typeof makeChalk>): string[] {
  const stacks = report.stacks ?? [];
  const lines = [c.bold('GPU stacks'), c.dim('----------')];
  if (stacks.length === 0) lines.push(`${c.dim('●')} none detected ${c.dim('(no GPU Operator, device plugin, HAMi, Kantaloupe, TensorFusion or Bitfusion objects)')}`);
  for (const stack of stacks) {
    lines.push(`${c.green('●')} ${c.bold(stack.name)}${stack.namespaces.length ? c.dim(`  ${stack.namespaces.join(', ')}`) : ''}`);
    for (const e of stack.evidence.slice(0, STACK_EVIDENCE_SHOWN)) lines.push(`    ${c.dim('·')} ${e}`);
  }
  const absent = (Object.keys(STACK_NAMES) as StackId[]).filter((id) => !stacks.some((s) => s.id === id));
  const quiet = report.notApplicable?.length ?? 0;
  if (stacks.length > 0 && absent.length > 0) {
    lines.push(c.dim(`not detected: ${absent.map((id) => STACK_NAMES[id]).join(', ')}${quiet ? ` (${quiet} check${quiet === 1 ? '' : 's'} not run)` : ''}`));
  }
  return lines;
}
