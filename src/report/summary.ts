// The default text report: the root causes first, each in a line or two with its evidence, its fix once and
// the symptoms it explains folded under it; the same cause on many nodes or pods is one entry. It grows with
// the number of distinct causes, not with the cluster. `-o wide` prints every finding (text.ts).
import type { Report } from '../engine.js';
import type { Lang } from '../i18n/lang.js';
import type { Ui } from '../i18n/ui.js';
import type { RootEntry } from './root-entry.js';
import { noteLines, rootEntries } from './root-entry.js';
import { statusLines, textContext } from './text.js';
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

export function renderSummary(unsafe: Report, options: SummaryOptions): string {
  const { report, graph, c, lang, words, width, title } = textContext(unsafe, options);
  const lines: string[] = [...title];
  if (report.stacks) {
    const stacks = report.stacks.length ? report.stacks.map((s) => `${s.name}${s.namespaces.length ? ` (${s.namespaces.join(', ')})` : ''}`).join(', ') : words.stacks.none;
    lines.push(...wrapText(c.dim(`${words.causes.stacks}${stacks}${report.stacksIncomplete ? ` — ${words.stacks.incomplete}` : ''}`), width, '', '  '));
  }
  lines.push('');
  if (options.preamble) lines.push(...options.preamble);

  const entries = rootEntries(graph, lang, words, options.jsonCommand);
  if (entries.length) {
    const heading = words.causes.heading(entries.length);
    lines.push(c.bold(heading), c.dim('-'.repeat(textWidth(heading))));
    entries.forEach((entry, i) => {
      if (i > 0) lines.push('');
      lines.push(...renderRoot(entry, c, words, width));
    });
    lines.push('');
  } else if (!report.incomplete) {
    lines.push(...wrapText(c.green(words.causes.none), width, `${paint(c, 'ok', SYMBOL.ok)} `, '  '), '');
  }
  // Findings that no root cause above explains: the notes, one line each.
  const notes = noteLines(graph, lang, words);
  if (notes.length) {
    lines.push(c.bold(words.causes.notes), c.dim('-'.repeat(textWidth(words.causes.notes))));
    for (const { text, first } of notes) lines.push(...wrapText(`${text} ${c.dim(`[${first.id} ${first.name}]`)}`, width, `${paint(c, 'info', SYMBOL.info)} `, '  '));
    lines.push('');
  }
  lines.push(...statusLines(report, c, words, width));
  if (options.wideCommand) lines.push(...wrapText(c.dim(words.causes.wide(options.wideCommand)), width, '', '  '));
  return lines.join('\n') + '\n';
}

function renderRoot(entry: RootEntry, c: Chalk, words: Ui, width: number | undefined): string[] {
  const { first, shown } = entry;
  const symbol = `${paint(c, entry.severity, SYMBOL[entry.severity])} `;
  const tag = c.dim(`[${first.id} ${first.name}]`);
  const lines: string[] = [];
  const indent = width ? Math.max(20, width - 4) : undefined;
  const cut = (line: string) => `    ${indent ? truncate(line, indent) : line}`;
  if (entry.group) {
    lines.push(...wrapText(`${first.name} ${entry.group.count} (${entry.group.some}) ${tag}`, width, symbol, '  '));
    lines.push(cut(entry.group.example));
  } else {
    lines.push(...wrapText(`${shown.headline} ${tag}`, width, symbol, '  '));
    const evidence = entry.evidence ? `${c.dim('·')} ${entry.evidence}` : '';
    lines.push(cut(entry.where ? `${c.dim(words.on)}${entry.where}${evidence ? ` ${evidence}` : ''}` : evidence));
  }
  // Translated headlines: the finding's own English message, cut to a line.
  if (entry.message) lines.push(cut(entry.message));
  if (entry.fix) {
    const { summary, note, commands, others } = entry.fix;
    lines.push(...wrapText(`${summary}${note ? ` ${c.dim(`(${note})`)}` : ''}`, width, `    ${c.bold(words.fix)}`, '      '));
    for (const cmd of commands) lines.push(...wrapCommand(cmd, width, `      ${c.cyan('$')} `, '          '));
    if (others) lines.push(...wrapText(c.dim(others), width, '      '));
  }
  if (entry.followUps.length) {
    lines.push(...wrapText(c.dim(words.causes.then), width, '    ', '      '));
    for (const u of entry.followUps) {
      lines.push(...wrapCommand(u.command, width, `      ${c.cyan('$')} `, '          '));
      if (u.each) lines.push(...wrapText(c.dim(u.each), width, '        ', '          '));
    }
    if (entry.followUpsMore) lines.push(...wrapText(c.dim(entry.followUpsMore), width, '      '));
  }
  lines.push(...wrapText(c.dim(entry.docs), width, `    ${c.dim(words.see)}`, '      '));
  if (entry.explains) {
    lines.push(`    ${c.dim(entry.explains.heading)}`);
    for (const s of entry.explains.symptoms) {
      const text = `${s.name}  ${s.where}`;
      const prefix = `      ${paint(c, s.severity, SYMBOL[s.severity])} `;
      lines.push(width ? prefix + truncate(text, Math.max(20, width - textWidth(prefix))) : prefix + text);
    }
    if (entry.explains.more) lines.push(`      ${c.dim(entry.explains.more)}`);
    if (entry.explains.above) lines.push(`      ${c.dim(entry.explains.above)}`);
  }
  return lines;
}
