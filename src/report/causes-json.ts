// The causal graph in `-o json` (docs/output.md): each finding's stable `ref` and `explainedBy`, and the
// ordered `rootCauses`. One function, so every JSON writer (doctor, fleet, exec-check) adds the same fields.
import type { Report } from '../engine.js';
import { causesOf } from '../engine.js';

export interface RootCauseJson {
  name: string;
  severity: string;
  /** The refs of the findings of this cause (one per node, pod or object it is on). */
  findings: string[];
  /** The refs of the findings it explains, directly or through others. */
  explains: string[];
}

/**
 * OUT with the causal fields added, nothing else changed: `findings[i]` (the JSON of `report.findings[i]`)
 * gets `ref` and, unless it passed, `explainedBy` (refs; empty for a root cause); `rootCauses` is added.
 */
export function withCauses<T extends { findings: object[] }>(report: Report, out: T): Omit<T, 'findings'> & { findings: object[]; rootCauses: RootCauseJson[] } {
  const graph = causesOf(report);
  const ref = (f: Report['findings'][number]) => graph.refs.get(f)!;
  const findings = out.findings.map((json, i) => {
    const f = report.findings[i]!;
    return { ...json, ref: ref(f), ...(f.severity !== 'ok' ? { explainedBy: (graph.explainedBy.get(f) ?? []).map(ref) } : {}) };
  });
  const rootCauses = graph.roots.map((r) => ({ name: r.name, severity: r.severity, findings: r.findings.map(ref), explains: r.explains.map(ref) }));
  return { ...out, findings, rootCauses };
}
