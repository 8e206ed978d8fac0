// A report that pastes well into a GitHub issue: a summary table, then one section per problem.
import type { Report } from '../engine.js';
import { summarize } from '../engine.js';
import { SYMBOL } from './style.js';

export function renderMarkdown(report: Report, title = 'gpuctl doctor'): string {
  const sum = summarize(report);
  const out: string[] = [
    `## ${title} — ${escape(report.origin)}`,
    '',
    `**${sum.errors} errors, ${sum.warnings} warnings, ${sum.ok} passed, ${sum.skipped} skipped** (${sum.checks} checks)`,
    '',
    '| | check | subject | message |',
    '|---|---|---|---|',
  ];
  for (const f of report.findings) {
    const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
    out.push(`| ${SYMBOL[f.severity]} | \`${f.name}\` | ${escape(subject)} | ${escape(f.message)} |`);
  }
  for (const s of report.skipped) out.push(`| ${SYMBOL.skipped} | \`${s.name}\` | | skipped: ${escape(s.reason)} |`);
  const problems = report.findings.filter((f) => f.severity !== 'ok');
  if (problems.length) out.push('', '### Details');
  for (const f of problems) {
    out.push('', `#### ${SYMBOL[f.severity]} ${escape(f.message)}`, '', `\`${f.id}\` \`${f.name}\` · ${f.category} · see \`${f.docs}\``);
    if (f.evidence.length) {
      out.push('', '<details><summary>evidence</summary>', '', '```', ...f.evidence, '```', '', '</details>');
    }
    if (f.fix) out.push('', `**Fix:** ${escape(f.fix.summary)}`, '', '```sh', ...f.fix.commands, '```');
  }
  return out.join('\n') + '\n';
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
