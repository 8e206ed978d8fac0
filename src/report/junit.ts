// JUnit XML for CI dashboards: one testcase per check; errors (and warnings with --fail-on warning) fail it.
import type { Report } from '../engine.js';
import { causesOf } from '../engine.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import type { Finding, Severity } from '../model.js';
import { SEVERITY_RANK } from '../model.js';

export function renderJunit(report: Report, failOn: Exclude<Severity, 'ok' | 'info'> = 'error', lang: Lang = 'en'): string {
  const graph = causesOf(report);
  // An explained finding still fails its testcase (the exit code follows severities) and says what explains it.
  const causes = (f: Finding) => (graph.explainedBy.get(f) ?? []).map((k) => `${k.name} on ${k.subject.kind} ${k.subject.namespace ? `${k.subject.namespace}/` : ''}${k.subject.name}`);
  const describe = (f: Finding) => [describeFinding(f, lang), ...causes(f).map((k) => `${ui(lang).causes.explainedBy}${k}`)].join('\n');
  const cases = report.checks.map((check) => {
    const findings = report.findings.filter((f) => f.id === check.id);
    const skipped = report.skipped.find((s) => s.id === check.id);
    const failing = findings.filter((f) => f.severity !== 'ok' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
    const others = findings.filter((f) => f.severity !== 'ok' && !failing.includes(f));
    const attrs = `classname="gpuctl.${check.category}" name="${xml(check.name)} (${check.id})"`;
    // A check that could not run for want of unread inputs is an error of the run, never a pass or a plain skip.
    if (skipped?.incomplete) return `  <testcase ${attrs}><error message="${xml(skipped.reason)}" type="incomplete"/></testcase>`;
    if (skipped) return `  <testcase ${attrs}><skipped message="${xml(skipped.reason)}"/></testcase>`;
    const body = [
      ...failing.map((f) => {
        const explained = causes(f);
        const message = explained.length ? `${failureMessage(f, lang)} (${ui(lang).causes.explainedBy}${explained[0]}${explained.length > 1 ? ', …' : ''})` : failureMessage(f, lang);
        return `    <failure message="${xml(message)}" type="${explained.length ? `${f.severity} (explained)` : f.severity}">${xml(describe(f))}</failure>`;
      }),
      ...(others.length ? [`    <system-out>${xml(others.map(describe).join('\n\n'))}</system-out>`] : []),
    ];
    return body.length ? `  <testcase ${attrs}>\n${body.join('\n')}\n  </testcase>` : `  <testcase ${attrs}/>`;
  });
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const errors = report.skipped.filter((s) => s.incomplete).length;
  const skipped = report.skipped.length - errors;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="gpuctl doctor" tests="${report.checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}

/** The failure's one line: the message, after the translated headline where there is one. */
function failureMessage(f: Finding, lang: Lang): string {
  const shown = showFinding(f, lang);
  return shown.message ? `${shown.headline}: ${shown.message}` : shown.headline;
}

function describeFinding(f: Finding, lang: Lang): string {
  const words = ui(lang);
  const shown = showFinding(f, lang);
  const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
  return [
    `${f.severity}: ${shown.headline}`,
    ...(shown.message ? [shown.message] : []),
    `${words.on}${subject}`,
    ...f.evidence.map((e) => `- ${e}`),
    ...(f.fix ? [`${words.fix}${shown.fixSummary}`, ...(shown.fixDetail ? [`  ${shown.fixDetail}`] : []), ...f.fix.commands.map((c) => `  $ ${c}`)] : []),
  ].join('\n');
}

function xml(text: string): string {
  // XML 1.0 forbids most control characters even when escaped.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
