// A report that pastes well into a GitHub issue: a summary table, then one section per problem.
import type { Report } from '../engine.js';
import { causesOf, describeUnread, summarize } from '../engine.js';
import type { RootEntry } from './root-entry.js';
import { noteLines, rootEntries } from './root-entry.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import type { Ui } from '../i18n/ui.js';
import { ui } from '../i18n/ui.js';
import { docsUrl } from '../paths.js';
import type { Finding } from '../model.js';
import { safeReport } from './safe.js';
import { SYMBOL } from './style.js';
import { pushAll } from '../bounded.js';

/** `jsonCommand`: the same run with -o json, to list every node a grouped root cause's fix is to be run on. */
export function renderMarkdown(unsafe: Report, lang: Lang = 'en', title = 'gpuctl doctor', jsonCommand?: string): string {
  const report = safeReport(unsafe);
  const sum = summarize(report);
  const words = ui(lang);
  const n = words.counts(sum);
  const out: string[] = [
    `## ${title} — ${escape(report.origin)}`,
    '',
    `**${report.incomplete ? words.incomplete.status : ''}${[n.errors, n.warnings, n.passed, n.skipped].join(n.separator)}**${n.total}`,
    '',
    ...(report.incomplete ? [`${words.incomplete.notRead}${escape(describeUnread(report.incomplete))}`, ''] : []),
    ...(report.stacks ? [`${words.stacks.heading}: ${report.stacks.length ? report.stacks.map((s) => `**${escape(s.name)}**${s.namespaces.length ? ` (${s.namespaces.join(', ')})` : ''}`).join(', ') : words.stacks.none}`, ''] : []),
  ];
  out.push(...markdownRootCauses(report, lang, jsonCommand));
  // The table holds what needs reading (problems, skipped checks); the passes fold into a <details> below it.
  const problems = report.findings.filter((f) => f.severity !== 'ok');
  const quiet = new Set(report.quietPasses ?? []);
  const passes = report.findings.filter((f) => f.severity === 'ok' && !quiet.has(f.id));
  const row = (f: Finding) => {
    const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
    return `| ${SYMBOL[f.severity]} | \`${f.name}\` | ${escape(subject)} | ${escape(showFinding(f, lang).headline)} |`;
  };
  const everything = jsonCommand ?? 'gpuctl doctor -o json';
  const moreRow = (name: string, count: number) => `| | \`${name}\` | | ${escape(words.markdown.more(count, everything))} |`;
  const header = [`| | ${words.markdown.check} | ${words.markdown.subject} | ${words.markdown.message} |`, '|---|---|---|---|'];
  // What is pasted must fit GitHub's body limit: each section takes what the room left allows, and says how
  // many it left out and where they all are (-o json, -o wide); small reports are whole.
  const room = { left: MARKDOWN_BUDGET - RESERVED - length(out) };
  if (problems.length || report.skipped.length) {
    out.push(...header);
    pushAll(out, within(rowsPerCheck(problems, row, moreRow).map((r) => [r]), room, (n) => [`| | | | ${escape(words.markdown.more(n, everything))} |`]));
    pushAll(out, within(report.skipped.map((s) => [`| ${SYMBOL.skipped} | \`${s.name}\` | | ${words.skipped}${escape(s.reason)} |`]), room, (n) => [`| | | | ${escape(words.markdown.more(n, everything))} |`]));
  }
  if (passes.length) {
    out.push('', `<details><summary>${SYMBOL.ok} ${words.counts({ ...sum, ok: passes.length }).passed}</summary>`, '', ...header);
    pushAll(out, within(rowsPerCheck(passes, row, moreRow).map((r) => [r]), room, (n) => [`| | | | ${escape(words.markdown.more(n, everything))} |`]));
    out.push('', '</details>');
  }
  // Every finding with its evidence and fix, folded as -o wide is to the text report: the root causes above
  // print each command once, the findings below each repeat their own.
  if (problems.length) {
    out.push('', `<details><summary>${words.markdown.details(problems.length)}</summary>`);
    pushAll(out, within(problems.map((f) => detail(f, lang, words)), room, (n) => ['', `_${escape(words.markdown.more(n, everything))}_`]));
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}

/** GitHub refuses an issue or comment body over 65,536 characters. */
export const MARKDOWN_BUDGET = 65_536;
/** Room kept for the closing lines, the omission lines and what doctor appends (the fixes it took). */
const RESERVED = 4_096;
/** Table rows per check: the rest of that check's findings are one "… and N more" row. */
export const ROWS_PER_CHECK = 20;

const length = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

/** The blocks that fit in the room left, then (when some did not) the lines saying how many were left out. */
function within(blocks: readonly string[][], room: { left: number }, omitted: (count: number) => string[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (; i < blocks.length; i++) {
    const size = length(blocks[i]!);
    if (size > room.left) break;
    room.left -= size;
    pushAll(out, blocks[i]!);
  }
  if (i < blocks.length) {
    const line = omitted(blocks.length - i);
    room.left -= length(line);
    pushAll(out, line);
  }
  return out;
}

/** One row per finding, at most ROWS_PER_CHECK of one check, the others of that check counted in one row. */
function rowsPerCheck(findings: readonly Finding[], row: (f: Finding) => string, more: (name: string, count: number) => string): string[] {
  const shown = new Map<string, number>();
  const rows: string[] = [];
  const extra = new Map<string, number>();
  for (const f of findings) {
    const n = shown.get(f.name) ?? 0;
    if (n < ROWS_PER_CHECK) {
      shown.set(f.name, n + 1);
      rows.push(row(f));
    } else extra.set(f.name, (extra.get(f.name) ?? 0) + 1);
  }
  for (const [name, count] of extra) rows.push(more(name, count));
  return rows;
}

/** One finding with its evidence and fix, as -o wide shows it. */
function detail(f: Finding, lang: Lang, words: Ui): string[] {
  const shown = showFinding(f, lang);
  const out = ['', `#### ${SYMBOL[f.severity]} ${escape(shown.headline)}`, '', `\`${f.id}\` \`${f.name}\` · ${f.category} · ${words.markdown.see} [${shown.docs.replace(/^docs\//, '')}](${docsUrl(shown.docs)})`];
  if (shown.message) out.push('', escape(shown.message));
  if (f.evidence.length) out.push('', `<details><summary>${words.markdown.evidence}</summary>`, '', '```', ...f.evidence, '```', '', '</details>');
  if (f.fix) {
    out.push('', `**${words.markdown.fix}** ${escape(shown.fixSummary ?? '')}`);
    if (shown.fixDetail) out.push('', `_${escape(shown.fixDetail)}_`);
    out.push('', '```sh', ...f.fix.commands, '```');
  }
  return out;
}

/**
 * The root causes first, as the text report shows them (root-entry.ts): each with its evidence, its fix once,
 * the symptoms' follow-ups and the symptoms it explains, one line per check; then the notes.
 */
function markdownRootCauses(report: Report, lang: Lang, jsonCommand: string | undefined): string[] {
  const words = ui(lang);
  const graph = causesOf(report);
  const entries = rootEntries(graph, lang, words, jsonCommand);
  const out: string[] = [];
  if (entries.length) out.push(`### ${words.causes.heading(entries.length)}`, '');
  else if (!report.incomplete) out.push(`${SYMBOL.ok} ${words.causes.none}`, '');
  entries.forEach((entry, i) => out.push(...markdownRoot(entry, i + 1, words), ''));
  const notes = noteLines(graph, lang, words);
  if (notes.length) {
    out.push(`### ${words.causes.notes}`, '');
    for (const { text, first } of notes) out.push(`- ${SYMBOL.info} ${escape(text)} \`${first.id}\` \`${first.name}\``);
    out.push('');
  }
  return out;
}

/** One root cause as a numbered item; what the text report prints on lines of its own are paragraphs of the item. */
function markdownRoot(entry: RootEntry, n: number, words: Ui): string[] {
  const { first, shown } = entry;
  const item = (...lines: string[]) => ['', ...lines.map((l) => (l ? `   ${l}` : ''))];
  const sh = (lines: string[]) => ['```sh', ...lines, '```'];
  const out = entry.group
    ? [`${n}. ${SYMBOL[entry.severity]} **\`${first.name}\` ${escape(entry.group.count)}** (${escape(entry.group.some)}) \`${first.id}\``, ...item(escape(entry.group.example))]
    : [`${n}. ${SYMBOL[entry.severity]} **${escape(shown.headline)}** — \`${first.name}\` \`${first.id}\`${entry.where ? ` ${escape(entry.where)}` : ''}`];
  if (entry.evidence) out.push(...item(`· ${escape(entry.evidence)}`));
  if (entry.message) out.push(...item(escape(entry.message)));
  if (entry.fix) {
    const { summary, note, commands, others } = entry.fix;
    out.push(...item(`**${words.markdown.fix}** ${escape(summary)}${note ? ` _(${escape(note)})_` : ''}`));
    if (commands.length) out.push(...item(...sh(commands)));
    if (others) out.push(...item(`_${escape(others)}_`));
  }
  if (entry.followUps.length) {
    const commands = entry.followUps.flatMap((u) => [u.command, ...(u.each ? [`# ${u.each}`] : [])]);
    out.push(...item(escape(words.causes.then), '', ...sh(commands)));
    if (entry.followUpsMore) out.push(...item(`_${escape(entry.followUpsMore)}_`));
  }
  out.push(...item(`${words.markdown.see} [${shown.docs.replace(/^docs\//, '')}](${entry.docs})`));
  if (entry.explains) {
    const { heading, symptoms, more, above } = entry.explains;
    out.push(...item(escape(heading), '', ...symptoms.map((s) => `- ${SYMBOL[s.severity]} \`${s.name}\` ${escape(s.where)}`), ...(more ? [`- ${escape(more)}`] : []), ...(above ? [`- ${escape(above)}`] : [])));
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
