import type { Report } from '../engine.js';
import { summarize } from '../engine.js';
import { docsUrl } from '../paths.js';
import { withCauses } from './causes-json.js';

/** DESIGN.md's `-o json` contract: one object, findings + skipped + summary, and the root causes (withCauses). */
export function renderJson(report: Report): string {
  const out = withCauses(report, {
    findings: report.findings.map((f) => ({
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
    })),
    skipped: report.skipped,
    summary: { origin: report.origin, ...summarize(report) },
  });
  return JSON.stringify(out, null, 2) + '\n';
}
