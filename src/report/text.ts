// The terminal report: grouped by category, ✓ ‼ ✗, evidence and fix under each problem.
import type { Report } from '../engine.js';
import { describeUnread, summarize } from '../engine.js';
import { STACK_NAMES, type StackId } from '../facts/stacks.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import type { Ui } from '../i18n/ui.js';
import { ui } from '../i18n/ui.js';
import type { Finding } from '../model.js';
import { CATEGORIES } from '../model.js';
import { makeChalk, paint, SYMBOL, textWidth } from './style.js';

export interface TextOptions {
  colour: boolean;
  /** Show passing checks (✓ lines); on by default like `linkerd check`. */
  showOk?: boolean;
  /** The first line's command name. */
  title?: string;
  lang?: Lang;
}

export function renderText(report: Report, options: TextOptions): string {
  const c = makeChalk(options.colour);
  const lang = options.lang ?? 'en';
  const words = ui(lang);
  const lines: string[] = [c.bold(`${options.title ?? 'gpuctl doctor'} — ${report.origin}`), ''];
  if (report.stacks) lines.push(...renderStacks(report, c, words), '');
  for (const category of CATEGORIES) {
    const findings = report.findings.filter((f) => f.category === category && (f.severity !== 'ok' || options.showOk !== false));
    const skipped = report.skipped.filter((s) => report.checks.find((k) => k.id === s.id)?.category === category);
    if (findings.length === 0 && skipped.length === 0) continue;
    const heading = words.category(category);
    lines.push(c.bold(heading));
    lines.push(c.dim('-'.repeat(textWidth(heading))));
    for (const f of findings) lines.push(...renderFinding(f, c, lang, words));
    for (const s of skipped) {
      lines.push(`${paint(c, 'skipped', SYMBOL.skipped)} ${s.name} ${c.dim(`${words.skipped}${s.reason}`)}`);
    }
    lines.push('');
  }
  const sum = summarize(report);
  const n = words.counts(sum);
  const counts = [paint(c, sum.errors ? 'error' : 'ok', n.errors), paint(c, sum.warnings ? 'warning' : 'ok', n.warnings), n.passed, n.skipped];
  const incomplete = report.incomplete ? paint(c, 'error', words.incomplete.status) : '';
  lines.push(`${words.status}${incomplete}${counts.join(n.separator)}${n.total}`);
  if (report.incomplete) lines.push(`${words.incomplete.notRead}${describeUnread(report.incomplete)}`);
  return lines.join('\n') + '\n';
}

function renderFinding(f: Finding, c: ReturnType<typeof makeChalk>, lang: Lang, words: Ui): string[] {
  const shown = showFinding(f, lang);
  const head = `${paint(c, f.severity, SYMBOL[f.severity])} ${shown.headline}`;
  if (f.severity === 'ok') return [head];
  const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
  const lines = [`${head} ${c.dim(`[${f.id} ${f.name}]`)}`, `    ${c.dim(words.on)}${subject}`];
  if (shown.message) lines.push(`    ${shown.message}`);
  for (const e of f.evidence) lines.push(`    ${c.dim('·')} ${e}`);
  if (f.fix) {
    lines.push(`    ${c.bold(words.fix)}${shown.fixSummary}`);
    if (shown.fixDetail) lines.push(`      ${c.dim(shown.fixDetail)}`);
    for (const cmd of f.fix.commands) lines.push(`      ${c.cyan('$')} ${cmd}`);
  }
  lines.push(`    ${c.dim(`${words.see}${shown.docs}`)}`);
  return lines;
}

/** Evidence lines shown per stack: enough to see why, short enough to keep the header a header. */
const STACK_EVIDENCE_SHOWN = 2;

/** The header: which GPU stacks the cluster runs, and which were not found (their checks stay quiet). */
function renderStacks(report: Report, c: ReturnType<typeof makeChalk>, words: Ui): string[] {
  const stacks = report.stacks ?? [];
  const lines = [c.bold(words.stacks.heading), c.dim('-'.repeat(textWidth(words.stacks.heading)))];
  if (stacks.length === 0 && !report.stacksIncomplete) lines.push(`${c.dim('●')} ${words.stacks.none} ${c.dim(words.stacks.noneWhy)}`);
  for (const stack of stacks) {
    lines.push(`${c.green('●')} ${c.bold(stack.name)}${stack.namespaces.length ? c.dim(`  ${stack.namespaces.join(', ')}`) : ''}`);
    for (const e of stack.evidence.slice(0, STACK_EVIDENCE_SHOWN)) lines.push(`    ${c.dim('·')} ${e}`);
  }
  const absent = (Object.keys(STACK_NAMES) as StackId[]).filter((id) => !stacks.some((s) => s.id === id));
  const quiet = report.notApplicable?.length ?? 0;
  if (report.stacksIncomplete) lines.push(c.dim(words.stacks.incomplete));
  else if (stacks.length > 0 && absent.length > 0) {
    lines.push(c.dim(`${words.stacks.notDetected}${absent.map((id) => STACK_NAMES[id]).join(', ')}${quiet ? words.stacks.notRun(quiet) : ''}`));
  }
  return lines;
}
