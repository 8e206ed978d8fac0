// A report that pastes well into a GitHub issue: a summary table, then one section per problem.
import type { Report } from '../engine.js';
import { causesOf, describeUnread, summarize } from '../engine.js';
import { commandKey } from '../playbook/walk.js';
import { groupCommands, kindNoun, someSubjects, subjectText } from './summary.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { docsUrl } from '../paths.js';
import type { Finding } from '../model.js';
import { safeReport } from './safe.js';
import { SYMBOL } from './style.js';

export function renderMarkdown(unsafe: Report, lang: Lang = 'en', title = 'gpuctl doctor'): string {
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
  out.push(...markdownRootCauses(report, lang));
  // The table holds what needs reading (problems, skipped checks); the passes fold into a <details> below it.
  const problems = report.findings.filter((f) => f.severity !== 'ok');
  const quiet = new Set(report.quietPasses ?? []);
  const passes = report.findings.filter((f) => f.severity === 'ok' && !quiet.has(f.id));
  const row = (f: Finding) => {
    const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
    return `| ${SYMBOL[f.severity]} | \`${f.name}\` | ${escape(subject)} | ${escape(showFinding(f, lang).headline)} |`;
  };
  const header = [`| | ${words.markdown.check} | ${words.markdown.subject} | ${words.markdown.message} |`, '|---|---|---|---|'];
  if (problems.length || report.skipped.length) {
    out.push(...header, ...problems.map(row));
    for (const s of report.skipped) out.push(`| ${SYMBOL.skipped} | \`${s.name}\` | | ${words.skipped}${escape(s.reason)} |`);
  }
  if (passes.length) out.push('', `<details><summary>${SYMBOL.ok} ${words.counts({ ...sum, ok: passes.length }).passed}</summary>`, '', ...header, ...passes.map(row), '', '</details>');
  if (problems.length) out.push('', `### ${words.markdown.details}`);
  for (const f of problems) {
    const shown = showFinding(f, lang);
    out.push('', `#### ${SYMBOL[f.severity]} ${escape(shown.headline)}`, '', `\`${f.id}\` \`${f.name}\` · ${f.category} · ${words.markdown.see} [${shown.docs.replace(/^docs\//, '')}](${docsUrl(shown.docs)})`);
    if (shown.message) out.push('', escape(shown.message));
    if (f.evidence.length) {
      out.push('', `<details><summary>${words.markdown.evidence}</summary>`, '', '```', ...f.evidence, '```', '', '</details>');
    }
    if (f.fix) {
      out.push('', `**${words.markdown.fix}** ${escape(shown.fixSummary ?? '')}`);
      if (shown.fixDetail) out.push('', `_${escape(shown.fixDetail)}_`);
      out.push('', '```sh', ...f.fix.commands, '```');
    }
  }
  return out.join('\n') + '\n';
}

/** The root causes first, each with its fix once and the findings it explains as a nested list. */
function markdownRootCauses(report: Report, lang: Lang): string[] {
  const words = ui(lang);
  const roots = causesOf(report).roots.filter((r) => r.severity !== 'info');
  if (roots.length === 0) return [];
  const out = [`### ${words.causes.heading(roots.length)}`, ''];
  const printed = new Set<string>();
  roots.forEach((root, i) => {
    const first = root.findings[0]!;
    const shown = showFinding(first, lang);
    const where = root.findings.length === 1 ? subjectText(first) : `${words.causes.onCount(root.findings.length, kindNoun(root.findings))} (${someSubjects(root.findings, words)})`;
    out.push(`${i + 1}. ${SYMBOL[root.severity]} **${escape(shown.headline)}** — \`${first.name}\` ${escape(where)}`);
    const commands = groupCommands(root.findings).commands.filter((c) => !printed.has(commandKey(c)));
    for (const c of commands) printed.add(commandKey(c));
    if (commands.length) out.push('', `   ${escape(shown.fixSummary ?? '')}`, '', '   ```sh', ...commands.map((c) => `   ${c}`), '   ```');
    if (root.explains.length) {
      out.push('', `   ${words.causes.explains(root.explains.length)}`, '');
      for (const f of root.explains.slice(0, 20)) out.push(`   - ${SYMBOL[f.severity]} \`${f.name}\` ${escape(subjectText(f))}`);
      if (root.explains.length > 20) out.push(`   - ${words.causes.more(root.explains.length - 20)}`);
    }
    out.push('');
  });
  return out;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
