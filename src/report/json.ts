import type { Report } from '../engine.js';
import { causesOf, summarize } from '../engine.js';
import { docsUrl } from '../paths.js';
import type { Finding } from '../model.js';
import { walkPlaybook } from '../playbook/walk.js';
import { withCauses } from './causes-json.js';
import { takenJson } from './playbook.js';

/**
 * DESIGN.md's `-o json` contract (docs/output.md), the one builder of doctor, each cluster of fleet and
 * exec-check: the stacks found, findings, skipped, the checks not applicable, the summary, the playbook
 * walked and the root causes (withCauses). Later versions only add fields: here, and in `findingJson`.
 */
export function reportJson(report: Report) {
  return withCauses(report, {
    stacks: (report.stacks ?? []).map(({ id, name, namespaces, evidence }) => ({ id, name, namespaces, evidence })),
    findings: report.findings.map(findingJson),
    skipped: report.skipped,
    notApplicable: report.notApplicable ?? [],
    summary: { origin: report.origin, ...summarize(report) },
    playbook: takenJson(walkPlaybook(report.findings, undefined, causesOf(report))),
  });
}

export function findingJson(f: Finding) {
  return {
    id: f.id,
    name: f.name,
    severity: f.severity,
    category: f.category,
    subject: f.subject,
    message: f.message,
    evidence: f.evidence,
    ...(f.fix ? { fix: f.fix } : {}),
    docs: f.docs,
    docsUrl: docsUrl(f.docs),
  };
}

/** `reportJson` as the one object `-o json` prints; `extra` (exec-check's tree) comes first. */
export function renderReportJson(report: Report, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...extra, ...reportJson(report) }, null, 2) + '\n';
}

/** The contract's first fields alone (findings, skipped, summary, rootCauses): what `install` embeds. */
export function renderJson(report: Report): string {
  const { findings, skipped, summary, rootCauses } = reportJson(report);
  return JSON.stringify({ findings, skipped, summary, rootCauses }, null, 2) + '\n';
}
