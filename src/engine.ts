// Runs the selected checks over Facts and turns their issues into findings.
import type { Check } from './check.js';
import { docsPath, isSkip } from './check.js';
import { UsageError } from './errors.js';
import type { Facts } from './facts/facts.js';
import type { Finding, Skipped } from './model.js';
import { CATEGORIES, SEVERITY_RANK } from './model.js';
import { oneLine } from './sources/snapshot.js';

export interface Report {
  origin: string;
  findings: Finding[];
  skipped: Skipped[];
  checks: Check[];
}

export interface Selection {
  only?: string[];
  skip?: string[];
}

/** Matches a check by name, id (case-insensitive) or category. */
function matches(check: Check, token: string): boolean {
  const t = token.trim().toLowerCase();
  return check.name === t || check.id.toLowerCase() === t || check.category === t;
}

export function selectChecks(all: Check[], selection: Selection): Check[] {
  const tokens = [...(selection.only ?? []), ...(selection.skip ?? [])];
  for (const token of tokens) {
    if (!all.some((c) => matches(c, token))) {
      throw new UsageError(`unknown check "${token}"`, 'list the names, ids and categories with `gpuctl checks`');
    }
  }
  return all.filter(
    (c) =>
      (!selection.only?.length || selection.only.some((t) => matches(c, t))) &&
      !(selection.skip ?? []).some((t) => matches(c, t)),
  );
}

export function runChecks(checks: Check[], facts: Facts): Report {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  for (const check of checks) {
    const missing = check.needs.map((kind) => [kind, facts.unavailable(kind)] as const).find(([, why]) => why);
    if (missing) {
      skipped.push({ id: check.id, name: check.name, reason: `cannot list ${plural(missing[0])} (${missing[1]})` });
      continue;
    }
    let result;
    try {
      result = check.run(facts);
    } catch (err) {
      // A bug in one check must not take the others down; say so loudly instead.
      skipped.push({ id: check.id, name: check.name, reason: `check failed: ${oneLine(err)}` });
      continue;
    }
    if (isSkip(result)) {
      skipped.push({ id: check.id, name: check.name, reason: result.skip });
      continue;
    }
    const base = { id: check.id, category: check.category, docs: docsPath(check.name) };
    if (result.length === 0) {
      findings.push({
        ...base,
        name: check.name,
        severity: 'ok',
        subject: { kind: 'Cluster', name: facts.collection.meta.context ?? 'cluster' },
        message: check.ok,
        evidence: [],
      });
      continue;
    }
    for (const issue of result) {
      const name = issue.name ?? check.name;
      findings.push({
        ...base,
        name,
        docs: docsPath(name),
        severity: issue.severity,
        subject: issue.subject,
        message: issue.message,
        evidence: issue.evidence ?? [],
        ...(issue.fix ? { fix: issue.fix } : {}),
      });
    }
  }
  findings.sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );
  return { origin: facts.origin, findings, skipped, checks };
}

export function summarize(report: Report) {
  const count = (s: Finding['severity']) => report.findings.filter((f) => f.severity === s).length;
  return {
    checks: report.checks.length,
    errors: count('error'),
    warnings: count('warning'),
    info: count('info'),
    ok: count('ok'),
    skipped: report.skipped.length,
  };
}

export function exitCodeOf(report: Report): number {
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}
