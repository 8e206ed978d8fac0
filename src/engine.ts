// Runs the selected checks over Facts and turns their issues into findings.
import type { Check } from './check.js';
import { docsPath, isSkip } from './check.js';
import { UsageError } from './errors.js';
import type { Facts } from './facts/facts.js';
import type { DetectedStack } from './facts/stacks.js';
import { detectStacks, STACK_NAMES } from './facts/stacks.js';
import type { Finding, Issue, Skipped } from './model.js';
import { CATEGORIES, SEVERITY_RANK } from './model.js';
import { capLines, capText, MAX_EVIDENCE_LINES, pushAll } from './bounded.js';
import { oneLine } from './sources/snapshot.js';
import { gpuctlCommand } from './invocation.js';
import { didYouMean } from './suggest.js';

export interface Report {
  origin: string;
  findings: Finding[];
  skipped: Skipped[];
  /** The checks that ran (or were skipped for missing facts). */
  checks: Check[];
  /** The GPU stacks the cluster runs, for the report's header; absent where no cluster was read. */
  stacks?: DetectedStack[];
  /** Checks of stacks the cluster does not run: they stay quiet. */
  notApplicable?: Skipped[];
}

/** The kinds stack detection reads: when one could not be listed, an undetected stack may still be there. */
const STACK_EVIDENCE_KINDS = ['Pod', 'DaemonSet', 'Deployment', 'Namespace'];

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
      const words = [...all.map((c) => c.name), ...all.map((c) => c.category)];
      throw new UsageError(
        `unknown check "${token}"`,
        didYouMean(token, words) ?? `list the names, ids and categories with \`${gpuctlCommand('checks')}\``,
      );
    }
  }
  const chosen = all.filter(
    (c) =>
      (!selection.only?.length || selection.only.some((t) => matches(c, t))) &&
      !(selection.skip ?? []).some((t) => matches(c, t)),
  );
  if (chosen.length === 0) {
    const given = [selection.only?.length ? `--checks ${selection.only.join(',')}` : '', selection.skip?.length ? `--skip ${selection.skip.join(',')}` : '']
      .filter(Boolean)
      .join(' ');
    throw new UsageError(`${given} selects no check`, 'a check both chosen and skipped does not run; drop it from one of the lists');
  }
  return chosen;
}

export function runChecks(checks: Check[], facts: Facts): Report {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const notApplicable: Skipped[] = [];
  const ran: Check[] = [];
  const stacks = detectStacks(facts);
  const detectionComplete = STACK_EVIDENCE_KINDS.every((kind) => !facts.unavailable(kind));
  for (const check of checks) {
    if (check.stacks && detectionComplete && !check.stacks.some((id) => stacks.some((s) => s.id === id))) {
      const names = check.stacks.map((id) => STACK_NAMES[id]).join(' or ');
      notApplicable.push({ id: check.id, name: check.name, reason: `${names} not detected` });
      continue;
    }
    ran.push(check);
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
    pushAll(findings, findingsOf(check, result, facts.clusterName));
  }
  findings.sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );
  return { origin: facts.origin, findings, skipped, checks: ran, stacks, notApplicable };
}

/** A check's issues as findings; no issue at all is one ok finding about the cluster. */
export function findingsOf(check: Check, issues: Issue[], clusterName: string): Finding[] {
  const base = { id: check.id, category: check.category };
  if (issues.length === 0) {
    return [{ ...base, name: check.name, docs: docsPath(check.name), severity: 'ok', subject: { kind: 'Cluster', name: clusterName }, message: check.ok, evidence: [] }];
  }
  return issues.map((issue) => {
    const name = issue.name ?? check.name;
    return {
      ...base,
      name,
      docs: docsPath(name),
      severity: issue.severity,
      subject: issue.subject,
      message: capText(issue.message),
      // Bounded whatever a check produced: the report stays linear in the number of findings.
      evidence: capLines(issue.evidence ?? [], MAX_EVIDENCE_LINES, 'evidence lines').map((line) => capText(line)),
      ...(issue.fix ? { fix: { ...issue.fix, commands: capLines(issue.fix.commands, MAX_EVIDENCE_LINES, 'commands').map((c, i, all) => (i === MAX_EVIDENCE_LINES && all.length > MAX_EVIDENCE_LINES ? `# ${c}` : c)) } } : {}),
    };
  });
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

/** 1 when a finding reaches the --fail-on severity (error by default), else 0. */
export function exitCodeOf(report: Report, failOn: 'error' | 'warning' = 'error'): number {
  return report.findings.some((f) => f.severity !== 'ok' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}
