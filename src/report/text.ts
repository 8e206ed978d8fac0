// The terminal report: grouped by category, ✓ ‼ ✗, evidence and fix under each problem.
import type { Report } from '../engine.js';
import { causesOf, describeUnread, summarize } from '../engine.js';
import type { CauseGraph } from '../causes.js';
import { stackIds, stackName } from '../stacks/derived.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import type { Ui } from '../i18n/ui.js';
import { ui } from '../i18n/ui.js';
import type { Finding } from '../model.js';
import { CATEGORIES } from '../model.js';
import { docsUrl, localDocs } from '../paths.js';
import { safeReport } from './safe.js';
import { makeChalk, paint, SYMBOL, textWidth } from './style.js';
import { wrapCommand, wrapText } from './wrap.js';

export interface TextOptions {
  colour: boolean;
  /** Show passing checks (✓ lines); on by default like `linkerd check`. */
  showOk?: boolean;
  /** The first line's command name. */
  title?: string;
  lang?: Lang;
  /** Wrap to this many columns (terminalWidth()); none: one line per item. */
  width?: number;
  /** --debug: the docs' local path besides the URL. */
  debug?: boolean;
  /** Lines between the title and the findings (exec-check: what was looked at, the process table). */
  preamble?: string[];
}

type Chalk = ReturnType<typeof makeChalk>;

/** What both text reports start from: the terminal-safe report, its causes, the words, and the title line. */
export function textContext(unsafe: Report, options: { colour: boolean; lang?: Lang; width?: number; title?: string }) {
  const report = safeReport(unsafe);
  const c = makeChalk(options.colour);
  const lang = options.lang ?? 'en';
  const title = wrapText(c.bold(`${options.title ?? 'gpuctl doctor'} — ${report.origin}`), options.width, '', '  ');
  return { report, graph: causesOf(report), c, lang, words: ui(lang), width: options.width, title };
}

export function renderText(unsafe: Report, options: TextOptions): string {
  const { report, graph, c, lang, words, width, title } = textContext(unsafe, options);
  const lines: string[] = [...title, ''];
  if (options.preamble) lines.push(...options.preamble);
  if (report.stacks) lines.push(...renderStacks(report, c, words, width), '');
  for (const category of CATEGORIES) {
    const quiet = new Set(report.quietPasses ?? []);
    const findings = report.findings.filter((f) => f.category === category && (f.severity !== 'ok' || (options.showOk !== false && !quiet.has(f.id))));
    const skipped = report.skipped.filter((s) => report.checks.find((k) => k.id === s.id)?.category === category);
    if (findings.length === 0 && skipped.length === 0) continue;
    const heading = words.category(category);
    lines.push(c.bold(heading));
    lines.push(c.dim('-'.repeat(textWidth(heading))));
    for (const f of findings) lines.push(...renderFinding(f, c, lang, words, options, graph));
    for (const s of skipped) {
      lines.push(...wrapText(`${s.name} ${c.dim(`${words.skipped}${s.reason}`)}`, width, `${paint(c, 'skipped', SYMBOL.skipped)} `, '  '));
    }
    lines.push('');
  }
  lines.push(...statusLines(report, c, words, width));
  return lines.join('\n') + '\n';
}

/** The last lines of a text report: the counts, and what was not read when the run is incomplete. */
export function statusLines(report: Report, c: Chalk, words: Ui, width: number | undefined): string[] {
  const sum = summarize(report);
  const n = words.counts(sum);
  const counts = [paint(c, sum.errors ? 'error' : 'ok', n.errors), paint(c, sum.warnings ? 'warning' : 'ok', n.warnings), n.passed, n.skipped];
  const incomplete = report.incomplete ? paint(c, 'error', words.incomplete.status) : '';
  const lines = wrapText(`${words.status}${incomplete}${counts.join(n.separator)}${n.total}`, width, '', '  ');
  if (report.incomplete) lines.push(...wrapText(`${words.incomplete.notRead}${describeUnread(report.incomplete)}`, width, '', '  '));
  return lines;
}

/** Causes named per finding; the rest are counted. */
const CAUSES_SHOWN = 3;

function renderFinding(f: Finding, c: Chalk, lang: Lang, words: Ui, options: TextOptions, graph: CauseGraph): string[] {
  const width = options.width;
  const shown = showFinding(f, lang);
  const symbol = `${paint(c, f.severity, SYMBOL[f.severity])} `;
  if (f.severity === 'ok') return wrapText(shown.headline, width, symbol, '  ');
  const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
  const lines = [
    ...wrapText(`${shown.headline} ${c.dim(`[${f.id} ${f.name}]`)}`, width, symbol, '  '),
    ...wrapText(subject, width, `    ${c.dim(words.on)}`, '      '),
  ];
  const causes = graph.explainedBy.get(f) ?? [];
  // One line per cause: what explains this finding (checks/links.ts), at most a few, the rest counted.
  for (const k of causes.slice(0, CAUSES_SHOWN)) {
    lines.push(...wrapText(`${k.name} on ${k.subject.kind} ${k.subject.namespace ? `${k.subject.namespace}/` : ''}${k.subject.name}`, width, `    ${c.dim(words.causes.explainedBy)}`, '      '));
  }
  if (causes.length > CAUSES_SHOWN) lines.push(`    ${c.dim(`${words.causes.explainedBy}${words.causes.more(causes.length - CAUSES_SHOWN)}`)}`);
  if (shown.message) lines.push(...wrapText(shown.message, width, '    '));
  for (const e of f.evidence) lines.push(...wrapText(e, width, `    ${c.dim('·')} `, '      '));
  if (f.fix) {
    lines.push(...wrapText(shown.fixSummary ?? '', width, `    ${c.bold(words.fix)}`, '      '));
    if (shown.fixDetail) lines.push(...wrapText(c.dim(shown.fixDetail), width, '      '));
    for (const cmd of f.fix.commands) lines.push(...wrapCommand(cmd, width, `      ${c.cyan('$')} `, '          '));
  }
  lines.push(...wrapText(c.dim(docsUrl(shown.docs)), width, `    ${c.dim(words.see)}`, '      '));
  if (options.debug) lines.push(...wrapText(c.dim(localDocs(shown.docs)), width, `    ${c.dim('local: ')}`, '      '));
  return lines;
}

/** Evidence lines shown per stack: enough to see why, short enough to keep the header a header. */
const STACK_EVIDENCE_SHOWN = 2;

/** The header: which GPU stacks the cluster runs, and which were not found (their checks stay quiet). */
function renderStacks(report: Report, c: Chalk, words: Ui, width: number | undefined): string[] {
  const stacks = report.stacks ?? [];
  const lines = [c.bold(words.stacks.heading), c.dim('-'.repeat(textWidth(words.stacks.heading)))];
  if (stacks.length === 0 && !report.stacksIncomplete) lines.push(...wrapText(`${words.stacks.none} ${c.dim(words.stacks.noneWhy)}`, width, `${c.dim('●')} `, '  '));
  for (const stack of stacks) {
    lines.push(...wrapText(`${c.bold(stack.name)}${stack.namespaces.length ? c.dim(`  ${stack.namespaces.join(', ')}`) : ''}`, width, `${c.green('●')} `, '  '));
    for (const e of stack.evidence.slice(0, STACK_EVIDENCE_SHOWN)) lines.push(...wrapText(e, width, `    ${c.dim('·')} `, '      '));
  }
  const absent = stackIds().filter((id) => !stacks.some((s) => s.id === id));
  const quiet = report.notApplicable?.length ?? 0;
  if (report.stacksIncomplete) lines.push(...wrapText(c.dim(words.stacks.incomplete), width, '', '  '));
  else if (stacks.length > 0 && absent.length > 0) {
    lines.push(...wrapText(c.dim(`${words.stacks.notDetected}${absent.map(stackName).join(', ')}${quiet ? words.stacks.notRun(quiet) : ''}`), width, '', '  '));
  }
  return lines;
}
