// Runs the selected checks over Facts and turns their issues into findings.
import type { Check } from './check.js';
import { docsPath, isSkip, requiredKinds } from './check.js';
import { UsageError } from './errors.js';
import type { Facts } from './facts/facts.js';
import { kindLabel } from './facts/facts.js';
import type { UnreadInput } from './facts/facts.js';
import type { DetectedStack } from './facts/stacks.js';
import { detectionUnread, detectStacks } from './facts/stacks.js';
import { stackName } from './stacks/derived.js';
import type { Finding, Issue, Skipped } from './model.js';
import { CATEGORIES, narrowFinding, SEVERITY_RANK } from './model.js';
import { capLines, capText, MAX_EVIDENCE_LINES, pushAll } from './bounded.js';
import { oneLine } from './errors.js';
import { gpuctlCommand } from './invocation.js';
import { didYouMean } from './suggest.js';
import { CAUSE_RULES } from '../checks/links.js';
import type { CauseGraph } from './causes.js';
import { linkFindings } from './causes.js';
import { LAYERS } from './playbook/steps.js';
import { placesOf } from './playbook/walk.js';

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
  /** Ids of checks that passed without a ✓ line in text (quietPass); JSON keeps their ok finding. */
  quietPasses?: string[];
  /**
   * The inputs checks (or stack detection) needed that could not be read (403, timeout, refused, 5xx, cut):
   * the run is incomplete (docs/output.md). Absent when everything the checks read was read.
   */
  incomplete?: UnreadInput[];
  /** Stack detection read objects that could not be listed: a stack it did not find may still be there. */
  stacksIncomplete?: boolean;
  /** Which finding explains which (checks/links.ts), and the root causes; absent for reports built by hand. */
  causes?: CauseGraph;
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

/** Whether a check is about every cluster or about one of these detected stacks (its `stacks:`). */
export function appliesTo(check: Check, detected: readonly DetectedStack[] | Facts): boolean {
  const stacks = Array.isArray(detected) ? detected : detectStacks(detected as Facts);
  return !check.stacks || check.stacks.some((id) => stacks.some((s) => s.id === id));
}

export function runChecks(checks: Check[], facts: Facts): Report {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const notApplicable: Skipped[] = [];
  const ran: Check[] = [];
  const quietPasses: string[] = [];
  // Where some input could not be read, each check (and the detection) runs on a view that records the
  // unread inputs it touched: one that touched any never passes (docs/output.md, "Incomplete runs").
  const unread = new Map<string, string>();
  const stacks = detectStacks(facts);
  const unreadByStack = detectionUnread(facts);
  for (const [what, why] of [...unreadByStack.values()].flatMap((m) => [...m])) unread.set(what, why);
  const detectionComplete = ![...unreadByStack.values()].some((m) => m.size > 0);
  for (const check of checks) {
    // None of the check's stacks found: not applicable where their detection read everything it looks at;
    // else the stack may run unseen, and a check judging a cluster without it would report false findings.
    if (!appliesTo(check, stacks)) {
      const names = check.stacks!.map(stackName).join(' or ');
      const notRead = new Map(check.stacks!.flatMap((id) => [...(unreadByStack.get(id) ?? [])]));
      if (notRead.size === 0) {
        notApplicable.push({ id: check.id, name: check.name, reason: `${names} not detected` });
        continue;
      }
      ran.push(check);
      skipped.push({ id: check.id, name: check.name, reason: `${unreadReason(notRead)}, so whether ${names} runs is unknown`, incomplete: true });
      continue;
    }
    ran.push(check);
    const missing = requiredKinds(check).map((kind) => [kind, facts.unavailable(kind)] as const).find(([, why]) => why);
    if (missing) {
      const failed = facts.readFailed(missing[0]);
      if (failed) unread.set(kindLabel(missing[0]), missing[1]!);
      skipped.push({ id: check.id, name: check.name, reason: `cannot list ${kindLabel(missing[0])} (${missing[1]})`, ...(failed ? { incomplete: true as const } : {}) });
      continue;
    }
    const view = facts.tracking();
    let result;
    try {
      result = check.run(view ?? facts);
    } catch (err) {
      // A bug in one check must not take the others down; say so loudly instead.
      skipped.push({ id: check.id, name: check.name, reason: `check failed: ${oneLine(err)}` });
      continue;
    }
    const touched = new Map(view?.touchedUnread ?? []);
    for (const [what, why] of touched) unread.set(what, why);
    // Issues found in what was read are true; "nothing found" (or a skip) over unread data is not a pass.
    if (touched.size && (isSkip(result) || result.length === 0)) {
      // A check's own skip says best why it could not judge (the unread inputs are in the summary line);
      // a pass over unread data becomes a skip naming them.
      skipped.push({ id: check.id, name: check.name, reason: isSkip(result) ? result.skip : unreadReason(touched), incomplete: true });
      continue;
    }
    if (isSkip(result)) {
      skipped.push({ id: check.id, name: check.name, reason: result.skip });
      continue;
    }
    if (result.length === 0 && check.quietPass?.(facts)) {
      quietPasses.push(check.id);
    }
    pushAll(findings, findingsOf(check, result, facts.clusterName));
  }
  findings.sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );
  // What a finding's words could mean, narrowed to the causes no check ruled out by passing.
  const passed = new Set(findings.filter((f) => f.severity === 'ok').map((f) => f.name));
  findings.forEach((f, i) => (findings[i] = narrowFinding(f, passed)));
  const incomplete = unread.size ? { incomplete: [...unread].map(([what, why]) => ({ what, why })), stacksIncomplete: !detectionComplete } : {};
  const causes = linkFindings(findings, facts, CAUSE_RULES, layerRank);
  return { origin: facts.origin, findings, skipped, checks: ran, stacks, notApplicable, quietPasses, ...incomplete, causes };
}

/** The lowest layer of the stack (playbook/steps.ts) whose playbook step names the finding; unknown last. */
export function layerRank(name: string): number {
  const places = placesOf(name);
  return places.length ? Math.min(...places.map((p) => LAYERS.indexOf(p.step.layer))) : LAYERS.length;
}

/** The report's causal graph: the one runChecks made, or one linked now without facts (reports built by hand). */
export function causesOf(report: Report): CauseGraph {
  // A report whose findings were filtered or copied after the run is linked again (without facts).
  const c = report.causes;
  if (c && c.refs.size === report.findings.length && report.findings.every((f) => c.refs.has(f))) return c;
  return linkFindings(report.findings, undefined, CAUSE_RULES, layerRank);
}

/** Why a check that touched unread inputs did not judge: what was not read, grouped by reason. */
export function unreadReason(touched: ReadonlyMap<string, string>): string {
  // Stated once: a node probe's reason is in its finding, a long one in the summary, not in every skip.
  const first = [...touched.keys()].find((what) => what.startsWith('node '));
  const brief = [...touched].map(([what, why]) => ({
    what,
    why: what.startsWith('node ') ? `the node probe failed: see snapshot-file-unreadable on Node ${first!.slice(5)}` : why.length > MAX_REASON ? 'why: see the summary' : why,
  }));
  return `not read: ${describeUnread(brief)}`;
}

/** Longer reasons are left to the summary's "not read" line (403 messages are often 200 characters). */
const MAX_REASON = 160;

/**
 * Unread inputs in one line, those of one kind and reason together:
 * `pods (forbidden: …); 3 logs (500 Internal Server Error); node gpu-1 (image does not pull)`.
 */
export function describeUnread(inputs: UnreadInput[]): string {
  const groups = new Map<string, { noun: string; names: string[]; why: string }>();
  for (const { what, why } of inputs) {
    const space = what.lastIndexOf(' ');
    const noun = space < 0 ? what : what.slice(0, space);
    const key = `${noun}\u0000${why}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { noun, names: [], why }));
    group.names.push(space < 0 ? '' : what.slice(space + 1));
  }
  return [...groups.values()]
    .map(({ noun, names, why }) => {
      if (names.length === 1) return `${names[0] ? `${noun} ${names[0]}` : noun} (${why})`;
      const shown = names.slice(0, 3).join(', ');
      return `${names.length} ${noun}s: ${shown}${names.length > 3 ? ', …' : ''} (${why})`;
    })
    .join('; ');
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
      ...(issue.scope ? { scope: issue.scope } : {}),
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
    // Only where it is: complete runs keep the summary they always had.
    ...(report.incomplete ? { incomplete: true, unread: report.incomplete } : {}),
  };
}

/**
 * 2 when the run is incomplete (docs/output.md) unless partial results are allowed; else 1 when a
 * finding reaches the --fail-on severity (error by default), else 0.
 */
export function exitCodeOf(report: Report, failOn: 'error' | 'warning' = 'error', allowPartial = false): number {
  if (report.incomplete && !allowPartial) return 2;
  return report.findings.some((f) => f.severity !== 'ok' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

/** The one stderr line of an incomplete run: what was not read, and what that means for the exit code. */
export function incompleteLine(report: Report, allowPartial = false): string | undefined {
  if (!report.incomplete) return undefined;
  const skipped = report.skipped.filter((s) => s.incomplete).length;
  const exit = allowPartial ? 'partial results allowed (--allow-partial)' : 'exit 2; --allow-partial to accept partial results';
  return `gpuctl: incomplete: could not read ${describeUnread(report.incomplete)}; ${skipped} check(s) skipped (${exit})\n`;
}
