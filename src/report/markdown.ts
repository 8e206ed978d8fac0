// A report that pastes well into a GitHub issue: a summary table, then one section per problem.
import type { Report } from '../engine.js';
import { describeUnread, summarize } from '../engine.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { docsUrl } from '../paths.js';
import { SYMBOL } from './style.js';

export function renderMarkdown(report: Report, lang: Lang = 'en', title = 'gpuctl doctor'): string {
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
    `| | ${words.markdown.check} | ${words.markdown.subject} | ${words.markdown.message} |`,
    '|---|---|---|---|',
  ];
  for (const f of report.findings) {
    const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
    out.push(`| ${SYMBOL[f.severity]} | \`${f.name}\` | ${escape(subject)} | ${escape(showFinding(f, lang).headline)} |`);
  }
  for (const s of report.skipped) out.push(`| ${SYMBOL.skipped} | \`${s.name}\` | | ${words.skipped}${escape(s.reason)} |`);
  const problems = report.findings.filter((f) => f.severity !== 'ok');
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

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
