// What the default reports say about one root cause, as data: its headline or group, where and its first
// evidence line, its fix once (the commands no earlier root cause printed), the symptoms' follow-ups, and the
// symptoms it explains grouped by check. The text report (summary.ts) and -o markdown render the same entries.
import type { CauseGraph, RootCause } from '../causes.js';
import type { ShownFinding } from '../i18n/checks.js';
import { showFinding } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import type { Ui } from '../i18n/ui.js';
import type { Finding, Severity } from '../model.js';
import { docsUrl } from '../paths.js';
import { commandKey } from '../playbook/walk.js';

/** Names shown for a group of subjects before "… and N more". */
const NAMES_SHOWN = 3;
/** Fix commands shown for a root cause whose members need different ones (the first member's). */
const COMMANDS_SHOWN = 8;
/** Symptom lines per root cause (each a group of one check's findings). */
const SYMPTOMS_SHOWN = 12;
/** Follow-up commands per root cause; the rest are in -o wide's playbook. */
const FOLLOW_UPS_SHOWN = 4;
/**
 * A symptom's command to run once its cause is fixed: a pod that gave up waiting (a refused validator, an
 * operand in CrashLoopBackOff) is deleted so that its owner creates it again. Every `kubectl delete pod` in a
 * symptom's fix is such a recreation; the cause's own deletes (the finished pod) are printed with its fix.
 */
const FOLLOW_UP = /^kubectl delete pod\b/;

export interface RootEntry {
  first: Finding;
  severity: Severity;
  shown: ShownFinding;
  /** Several findings of one check: "on 363 nodes" and the first few names; the example is the first's headline. */
  group?: { count: string; some: string; example: string };
  /** One finding: its subject, unless its headline or message names it already. */
  where?: string;
  /** One finding: its first evidence line. */
  evidence?: string;
  /** One finding, translated: its own English message. */
  message?: string;
  fix?: {
    summary: string;
    /** "on each of the 363 nodes", "the same on each of …, NODE set to each name:" */
    note: string;
    /** The commands no earlier root cause printed, then the query that lists every member to run them for. */
    commands: string[];
    /** The commands are the first member's: how many others need their own. */
    others?: string;
  };
  /** The symptoms' own commands once the cause is fixed (recreate what gave up waiting), once each. */
  followUps: { command: string; each?: string }[];
  followUpsMore?: string;
  docs: string;
  /** The symptoms, one group per check, and how many an earlier root cause lists already. */
  explains?: { heading: string; symptoms: { severity: Severity; name: string; where: string }[]; more?: string; above?: string };
}

/**
 * The entries of the root causes shown (errors and warnings), in order; each command once across all of them.
 * `jsonCommand`: the same run with -o json, to list every node a grouped fix is to be run on.
 */
export function rootEntries(graph: CauseGraph, lang: Lang, words: Ui, jsonCommand?: string): RootEntry[] {
  const printed = new Set<string>();
  const folded = new Set<Finding>();
  return graph.roots.filter((r) => r.severity === 'error' || r.severity === 'warning').map((root) => rootEntry(root, lang, words, printed, folded, jsonCommand));
}

/** The info roots: one line each. */
export function noteLines(graph: CauseGraph, lang: Lang, words: Ui): { text: string; first: Finding }[] {
  return graph.roots
    .filter((r) => r.severity === 'info')
    .map((root) => {
      const first = root.findings[0]!;
      const text = root.findings.length === 1 ? showFinding(first, lang).headline : `${first.name} ${words.causes.onCount(root.findings.length, kindNoun(root.findings))} (${someSubjects(root.findings, words)})`;
      return { text, first };
    });
}

function rootEntry(root: RootCause, lang: Lang, words: Ui, printed: Set<string>, folded: Set<Finding>, jsonCommand: string | undefined): RootEntry {
  const first = root.findings[0]!;
  const shown = showFinding(first, lang);
  const entry: RootEntry = { first, severity: root.severity, shown, followUps: [], docs: docsUrl(shown.docs) };
  const noun = kindNoun(root.findings);
  if (root.findings.length === 1) {
    // Where, unless the headline says it already; then the first evidence line.
    const said = shown.headline.includes(first.subject.name) || shown.message?.includes(first.subject.name);
    if (!(said && first.evidence[0])) entry.where = subjectText(first);
    if (first.evidence[0]) entry.evidence = first.evidence[0];
    if (shown.message) entry.message = shown.message;
  } else {
    entry.group = { count: words.causes.onCount(root.findings.length, noun), some: someSubjects(root.findings, words), example: `${subjectName(first)}: ${shown.headline}` };
  }
  if (first.fix) {
    const group = groupCommands(root.findings);
    const note = group.placeholder ? words.causes.forEach(group.each, noun, group.placeholder) : group.each ? words.causes.onEach(group.each, noun) : '';
    const commands = group.commands.filter((c) => !printed.has(commandKey(c)));
    for (const c of commands) printed.add(commandKey(c));
    // Which names to run it for: more than a line holds are one query away.
    if (group.each > NAMES_SHOWN && jsonCommand) commands.push(`${jsonCommand} | jq -r '.findings[] | select(.name == "${first.name}") | .subject.name'`);
    const summary = root.findings.length > 1 ? forAll(shown.fixSummary ?? '', first, group) : (shown.fixSummary ?? '');
    entry.fix = { summary, note, commands, ...(group.others ? { others: words.causes.others(group.others, noun) } : {}) };
  }
  // What the symptoms themselves need once the cause is fixed (the refused validator pod deleted), once each.
  const mine = root.explains.filter((f) => !folded.has(f));
  const seen = new Set(printed);
  const pending = followUps(byName(mine)).filter((u) => !seen.has(commandKey(u.command)) && !!seen.add(commandKey(u.command)));
  for (const u of pending.slice(0, FOLLOW_UPS_SHOWN)) {
    printed.add(commandKey(u.command));
    entry.followUps.push({ command: u.command, ...(u.each ? { each: words.causes.thenEach(u.each.n, u.each.noun, u.each.placeholder, u.each.name) } : {}) });
  }
  if (pending.length > FOLLOW_UPS_SHOWN) entry.followUpsMore = words.causes.thenMore(pending.length - FOLLOW_UPS_SHOWN);
  if (root.explains.length) {
    const groups = byName(mine);
    const above = root.explains.length - mine.length;
    entry.explains = {
      heading: words.causes.explains(root.explains.length),
      symptoms: groups.slice(0, SYMPTOMS_SHOWN).map((g) => ({
        severity: g[0]!.severity,
        name: g[0]!.name,
        where: g.length === 1 ? subjectText(g[0]!) : `${words.causes.onCount(g.length, kindNoun(g))}: ${someSubjects(g, words)}`,
      })),
      ...(groups.length > SYMPTOMS_SHOWN ? { more: words.causes.more(groups.length - SYMPTOMS_SHOWN) } : {}),
      ...(above ? { above: words.causes.alsoAbove(above) } : {}),
    };
    for (const f of mine) folded.add(f);
  }
  return entry;
}

/**
 * A group's fix summary is its first member's: where the commands are run on each member, it does not name
 * that one ("restart it on node gpu-001" for 212 nodes); with a placeholder in the commands, it names the same.
 */
function forAll(summary: string, first: Finding, group: ReturnType<typeof groupCommands>): string {
  const name = first.subject.name;
  if (group.placeholder) return summary.split(name).join(group.placeholder);
  if (group.each) return summary.replace(new RegExp(` on (?:node )?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`, 'g'), '');
  return summary;
}

interface FollowUp {
  command: string;
  /** For a group of symptoms whose follow-ups differ only by their pod: how many, and of which check. */
  each?: { n: number; noun: string; placeholder: string; name: string };
}

/** The symptoms' follow-ups, once each, in the symptoms' order: one templated line for a group of one check. */
function followUps(groups: Finding[][]): FollowUp[] {
  const out: FollowUp[] = [];
  for (const g of groups) {
    const withFollowUps = g.filter((f) => f.fix?.commands.some((c) => FOLLOW_UP.test(c)));
    if (withFollowUps.length === 0) continue;
    const kind = withFollowUps[0]!.subject.kind;
    const placeholder = PLACEHOLDER[kind] ?? 'NAME';
    const sameKind = withFollowUps.every((f) => f.subject.kind === kind);
    // A group's deletes of each member's own pod are one line with the pod as a placeholder (when several share it).
    const templated = new Map<string, string[]>();
    for (const f of withFollowUps) {
      for (const c of f.fix!.commands.filter((c) => FOLLOW_UP.test(c))) {
        const t = sameKind && c.includes(` ${f.subject.name}`) ? c.split(f.subject.name).join(placeholder) : c;
        templated.set(t, [...(templated.get(t) ?? []), c]);
      }
    }
    for (const [command, originals] of templated) {
      const n = new Set(originals).size;
      out.push(n > 1 ? { command, each: { n, noun: kindNoun(withFollowUps), placeholder, name: g[0]!.name } } : { command: originals[0]! });
    }
  }
  return out;
}

export function subjectText(f: Finding): string {
  return `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

function subjectName(f: Finding): string {
  return `${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

/** "nodes", "pods", "DaemonSets": the subjects' kind, plural. */
export function kindNoun(findings: Finding[]): string {
  const kinds = new Set(findings.map((f) => f.subject.kind));
  if (kinds.size !== 1) return 'objects';
  const kind = [...kinds][0]!;
  const noun = kind === 'Node' || kind === 'Pod' || kind === 'Image' ? kind.toLowerCase() : kind;
  return /s$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** "gpu-001, gpu-002, gpu-003, … and 209 more" */
export function someSubjects(findings: Finding[], words: Ui): string {
  const names = [...new Set(findings.map(subjectName))];
  return names.length > NAMES_SHOWN ? `${names.slice(0, NAMES_SHOWN).join(', ')}, ${words.causes.more(names.length - NAMES_SHOWN)}` : names.join(', ');
}

const PLACEHOLDER: Record<string, string> = { Node: 'NODE', Pod: 'POD' };

/**
 * The commands of a group, once: the same for all (print them), the same but for each member's name (print
 * them with the name as a placeholder), or different (the first member's: the others' are in -o wide).
 * `each`: how many members the commands are to be run for (0: once for all).
 */
export function groupCommands(findings: Finding[]): { commands: string[]; placeholder?: string; each: number; others: number } {
  const withFix = findings.filter((f) => f.fix?.commands.length);
  if (withFix.length === 0) return { commands: [], each: 0, others: 0 };
  const key = (cmds: string[]) => cmds.join('\n');
  const first = withFix[0]!.fix!.commands;
  const kind = withFix[0]!.subject.kind;
  if (withFix.every((f) => key(f.fix!.commands) === key(first))) {
    // The same commands on every node are run on each of them; the same kubectl command once is enough.
    return { commands: first, each: kind === 'Node' && withFix.length > 1 ? withFix.length : 0, others: 0 };
  }
  const placeholder = PLACEHOLDER[kind] ?? 'NAME';
  const template = (f: Finding) => f.fix!.commands.map((c) => c.split(f.subject.name).join(placeholder));
  if (withFix.every((f) => f.subject.kind === kind && key(template(f)) === key(template(withFix[0]!)))) {
    return { commands: template(withFix[0]!), placeholder, each: withFix.length, others: 0 };
  }
  return { commands: first.slice(0, COMMANDS_SHOWN), each: 0, others: withFix.length - 1 };
}

/** The groups of one check's findings among the symptoms, in report order. */
function byName(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.name}\u0000${f.severity}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()];
}
