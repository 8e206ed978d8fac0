// The default text report: the root causes first, each in a line or two with its evidence, its fix once and
// the symptoms it explains folded under it; the same cause on many nodes or pods is one entry. It grows with
// the number of distinct causes, not with the cluster. `-o wide` prints every finding (text.ts).
import type { RootCause } from '../causes.js';
import type { Report } from '../engine.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import type { Ui } from '../i18n/ui.js';
import type { Finding } from '../model.js';
import { docsUrl } from '../paths.js';
import { statusLines, textContext } from './text.js';
import { commandKey } from '../playbook/walk.js';
import { makeChalk, paint, SYMBOL, textWidth } from './style.js';
import { truncate, wrapCommand, wrapText } from './wrap.js';

export interface SummaryOptions {
  colour: boolean;
  title?: string;
  lang?: Lang;
  width?: number;
  /** The command that prints the full report (the same run with -o wide). */
  wideCommand?: string;
  /** The same run with -o json: to list every node a grouped root cause is on. */
  jsonCommand?: string;
  preamble?: string[];
}

type Chalk = ReturnType<typeof makeChalk>;

/** Names shown for a group of subjects before "… and N more". */
const NAMES_SHOWN = 3;
/** Fix commands shown for a root cause whose members need different ones (the first member's). */
const COMMANDS_SHOWN = 8;
/** Symptom lines per root cause (each a group of one check's findings). */
const SYMPTOMS_SHOWN = 12;
/** Follow-up commands per root cause; the rest are in -o wide's playbook. */
const FOLLOW_UPS_SHOWN = 4;
/**
 * A symptom's command to run once its cause is fixed: a pod that gave up waiting (a refused validator, an
 * operand in CrashLoopBackOff) is deleted so that its owner creates it again. Every `kubectl delete pod` in a
 * symptom's fix is such a recreation; the cause's own deletes (the finished pod) are printed with its fix.
 */
const FOLLOW_UP = /^kubectl delete pod\b/;

interface FollowUp {
  command: string;
  /** For a group of symptoms whose follow-ups differ only by their pod: how many, and of which check. */
  each?: { n: number; noun: string; placeholder: string; name: string };
}

/** The symptoms' follow-ups, once each, in the symptoms' order: one templated line for a group of one check. */
function followUps(groups: Finding[][]): FollowUp[] {
  const out: FollowUp[] = [];
  for (const g of groups) {
    const withFollowUps = g.filter((f) => f.fix?.commands.some((c) => FOLLOW_UP.test(c)));
    if (withFollowUps.length === 0) continue;
    const kind = withFollowUps[0]!.subject.kind;
    const placeholder = PLACEHOLDER[kind] ?? 'NAME';
    const sameKind = withFollowUps.every((f) => f.subject.kind === kind);
    // A group's deletes of each member's own pod are one line with the pod as a placeholder (when several share it).
    const templated = new Map<string, string[]>();
    for (const f of withFollowUps) {
      for (const c of f.fix!.commands.filter((c) => FOLLOW_UP.test(c))) {
        const t = sameKind && c.includes(` ${f.subject.name}`) ? c.split(f.subject.name).join(placeholder) : c;
        templated.set(t, [...(templated.get(t) ?? []), c]);
      }
    }
    for (const [command, originals] of templated) {
      const n = new Set(originals).size;
      out.push(n > 1 ? { command, each: { n, noun: kindNoun(withFollowUps), placeholder, name: g[0]!.name } } : { command: originals[0]! });
    }
  }
  return out;
}

export function subjectText(f: Finding): string {
  return `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

function subjectName(f: Finding): string {
  return `${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

/** "nodes", "pods", "DaemonSets": the subjects' kind, plural. */
export function kindNoun(findings: Finding[]): string {
  const kinds = new Set(findings.map((f) => f.subject.kind));
  if (kinds.size !== 1) return 'objects';
  const kind = [...kinds][0]!;
  const noun = kind === 'Node' || kind === 'Pod' || kind === 'Image' ? kind.toLowerCase() : kind;
  return /s$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** "gpu-001, gpu-002, gpu-003, … and 209 more" */
export function someSubjects(findings: Finding[], words: Ui): string {
  const names = [...new Set(findings.map(subjectName))];
  return names.length > NAMES_SHOWN ? `${names.slice(0, NAMES_SHOWN).join(', ')}, ${words.causes.more(names.length - NAMES_SHOWN)}` : names.join(', ');
}

const PLACEHOLDER: Record<string, string> = { Node: 'NODE', Pod: 'POD' };

/**
 * The commands of a group, once: the same for all (print them), the same but for each member's name (print
 * them with the name as a placeholder), or different (the first member's: the others' are in -o wide).
 * `each`: how many members the commands are to be run for (0: once for all).
 */
export function groupCommands(findings: Finding[]): { commands: string[]; placeholder?: string; each: number; others: number } {
  const withFix = findings.filter((f) => f.fix?.commands.length);
  if (withFix.length === 0) return { commands: [], each: 0, others: 0 };
  const key = (cmds: string[]) => cmds.join('\n');
  const first = withFix[0]!.fix!.commands;
  const kind = withFix[0]!.subject.kind;
  if (withFix.every((f) => key(f.fix!.commands) === key(first))) {
    // The same commands on every node are run on each of them; the same kubectl command once is enough.
    return { commands: first, each: kind === 'Node' && withFix.length > 1 ? withFix.length : 0, others: 0 };
  }
  const placeholder = PLACEHOLDER[kind] ?? 'NAME';
  const template = (f: Finding) => f.fix!.commands.map((c) => c.split(f.subject.name).join(placeholder));
  if (withFix.every((f) => f.subject.kind === kind && key(template(f)) === key(template(withFix[0]!)))) {
    return { commands: template(withFix[0]!), placeholder, each: withFix.length, others: 0 };
  }
  return { commands: first.slice(0, COMMANDS_SHOWN), each: 0, others: withFix.length - 1 };
}

/** The groups of one check's findings among the symptoms, in report order. */
function byName(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.name}\u0000${f.severity}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()];
}

export function renderSummary(unsafe: Report, options: SummaryOptions): string {
  const { report, graph, c, lang, words, width, title } = textContext(unsafe, options);
  const lines: string[] = [...title];
  if (report.stacks) {
    const stacks = report.stacks.length ? report.stacks.map((s) => `${s.name}${s.namespaces.length ? ` (${s.namespaces.join(', ')})` : ''}`).join(', ') : words.stacks.none;
    lines.push(...wrapText(c.dim(`${words.causes.stacks}${stacks}${report.stacksIncomplete ? ` — ${words.stacks.incomplete}` : ''}`), width, '', '  '));
  }
  lines.push('');
  if (options.preamble) lines.push(...options.preamble);

  const shown = graph.roots.filter((r) => r.severity === 'error' || r.severity === 'warning');
  const notes = graph.roots.filter((r) => r.severity === 'info');
  const printed = new Set<string>();
  const folded = new Set<Finding>();
  if (shown.length) {
    const heading = words.causes.heading(shown.length);
    lines.push(c.bold(heading), c.dim('-'.repeat(textWidth(heading))));
    shown.forEach((root, i) => {
      if (i > 0) lines.push('');
      lines.push(...renderRoot(root, c, lang, words, width, printed, folded, options.jsonCommand));
    });
    lines.push('');
  } else if (!report.incomplete) {
    lines.push(...wrapText(c.green(words.causes.none), width, `${paint(c, 'ok', SYMBOL.ok)} `, '  '), '');
  }
  // Findings that no root cause above explains: the notes, one line each (their own explained findings counted).
  const rest = notes.map((r) => ({ root: r, explains: r.explains.filter((f) => !folded.has(f)).length }));
  if (rest.length) {
    lines.push(c.bold(words.causes.notes), c.dim('-'.repeat(textWidth(words.causes.notes))));
    for (const { root } of rest) {
      const first = root.findings[0]!;
      const what = root.findings.length === 1 ? `${showFinding(first, lang).headline}` : `${first.name} ${words.causes.onCount(root.findings.length, kindNoun(root.findings))} (${someSubjects(root.findings, words)})`;
      lines.push(...wrapText(`${what} ${c.dim(`[${first.id} ${first.name}]`)}`, width, `${paint(c, 'info', SYMBOL.info)} `, '  '));
    }
    lines.push('');
  }
  lines.push(...statusLines(report, c, words, width));
  if (options.wideCommand) lines.push(...wrapText(c.dim(words.causes.wide(options.wideCommand)), width, '', '  '));
  return lines.join('\n') + '\n';
}

function renderRoot(root: RootCause, c: Chalk, lang: Lang, words: Ui, width: number | undefined, printed: Set<string>, folded: Set<Finding>, jsonCommand: string | undefined): string[] {
  const first = root.findings[0]!;
  const shown = showFinding(first, lang);
  const symbol = `${paint(c, root.severity, SYMBOL[root.severity])} `;
  const tag = c.dim(`[${first.id} ${first.name}]`);
  const lines: string[] = [];
  const indent = width ? Math.max(20, width - 4) : undefined;
  if (root.findings.length === 1) {
    lines.push(...wrapText(`${shown.headline} ${tag}`, width, symbol, '  '));
    const where = subjectText(first);
    const evidence = first.evidence[0];
    // Where, unless the headline says it already; then the first evidence line.
    const said = shown.headline.includes(first.subject.name) || shown.message?.includes(first.subject.name);
    const line = said && evidence ? `${c.dim('·')} ${evidence}` : `${c.dim(words.on)}${where}${evidence ? ` ${c.dim('·')} ${evidence}` : ''}`;
    lines.push(`    ${indent ? truncate(line, indent) : line}`);
  } else {
    const noun = kindNoun(root.findings);
    lines.push(...wrapText(`${first.name} ${words.causes.onCount(root.findings.length, noun)} (${someSubjects(root.findings, words)}) ${tag}`, width, symbol, '  '));
    const line = `${subjectName(first)}: ${shown.headline}`;
    lines.push(`    ${indent ? truncate(line, indent) : line}`);
  }
  if (shown.message && root.findings.length === 1) {
    // Translated headlines: the finding's own English message, cut to a line.
    lines.push(`    ${indent ? truncate(shown.message, indent) : shown.message}`);
  }
  const group = groupCommands(root.findings);
  if (first.fix) {
    const noun = kindNoun(root.findings);
    const note = group.placeholder ? words.causes.forEach(group.each, noun, group.placeholder) : group.each ? words.causes.onEach(group.each, noun) : '';
    lines.push(...wrapText(`${shown.fixSummary ?? ''}${note ? ` ${c.dim(`(${note})`)}` : ''}`, width, `    ${c.bold(words.fix)}`, '      '));
    for (const cmd of group.commands) {
      if (printed.has(commandKey(cmd))) continue;
      printed.add(commandKey(cmd));
      lines.push(...wrapCommand(cmd, width, `      ${c.cyan('$')} `, '          '));
    }
    // Which names to run it for: more than a line holds are one query away.
    if (group.each > NAMES_SHOWN && jsonCommand) {
      lines.push(...wrapCommand(`${jsonCommand} | jq -r '.findings[] | select(.name == "${first.name}") | .subject.name'`, width, `      ${c.cyan('$')} `, '          '));
    }
    if (group.others) lines.push(...wrapText(c.dim(words.causes.others(group.others, noun)), width, '      '));
  }
  // What the symptoms themselves need once the cause is fixed (the refused validator pod deleted), once each.
  const seen = new Set(printed);
  const pending = followUps(byName(root.explains.filter((f) => !folded.has(f)))).filter((u) => !seen.has(commandKey(u.command)) && !!seen.add(commandKey(u.command)));
  if (pending.length) {
    lines.push(...wrapText(c.dim(words.causes.then), width, '    ', '      '));
    for (const u of pending.slice(0, FOLLOW_UPS_SHOWN)) {
      printed.add(commandKey(u.command));
      lines.push(...wrapCommand(u.command, width, `      ${c.cyan('$')} `, '          '));
      if (u.each) lines.push(...wrapText(c.dim(words.causes.thenEach(u.each.n, u.each.noun, u.each.placeholder, u.each.name)), width, '        ', '          '));
    }
    if (pending.length > FOLLOW_UPS_SHOWN) lines.push(...wrapText(c.dim(words.causes.thenMore(pending.length - FOLLOW_UPS_SHOWN)), width, '      '));
  }
  lines.push(...wrapText(c.dim(docsUrl(shown.docs)), width, `    ${c.dim(words.see)}`, '      '));
  const mine = root.explains.filter((f) => !folded.has(f));
  const above = root.explains.length - mine.length;
  if (root.explains.length) {
    lines.push(`    ${c.dim(words.causes.explains(root.explains.length))}`);
    const groups = byName(mine);
    for (const g of groups.slice(0, SYMPTOMS_SHOWN)) {
      const f = g[0]!;
      const text = g.length === 1 ? `${f.name}  ${subjectText(f)}` : `${f.name}  ${words.causes.onCount(g.length, kindNoun(g))}: ${someSubjects(g, words)}`;
      const prefix = `      ${paint(c, f.severity, SYMBOL[f.severity])} `;
      lines.push(width ? prefix + truncate(text, Math.max(20, width - textWidth(prefix))) : prefix + text);
    }
    if (groups.length > SYMPTOMS_SHOWN) lines.push(`      ${c.dim(words.causes.more(groups.length - SYMPTOMS_SHOWN))}`);
    if (above) lines.push(`      ${c.dim(words.causes.alsoAbove(above))}`);
    for (const f of mine) folded.add(f);
  }
  return lines;
}
