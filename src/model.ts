// The shapes every layer agrees on: checks produce Findings, reporters print them.
import type { CheckName } from './catalogue.js';
import { stackCategories } from './stacks/derived.js';
import type { STACKS } from './stacks/index.js';

export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** The categories of checks about every cluster, in report order; the stacks' own follow (src/stacks). */
export const CORE_CATEGORIES = ['snapshot', 'nodes', 'runtime', 'driver', 'registry', 'operator', 'injection'] as const;
type StackCategoryId = (typeof STACKS)[number] extends infer S ? (S extends { category: { id: infer C } } ? C : never) : never;
export type Category = (typeof CORE_CATEGORIES)[number] | StackCategoryId;
/** Report order: the core categories, then each stack's category once, in the order of the stacks. */
export const CATEGORIES: readonly Category[] = [...CORE_CATEGORIES, ...stackCategories().map((c) => c.id as StackCategoryId)];

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Fix {
  summary: string;
  commands: string[];
}

/**
 * What a finding is about beyond its subject, for the causal links between findings (checks/links.ts): the
 * nodes a DaemonSet runs no pod on, the pods an image fails for, the validation stage that fails. The
 * linker reads it; the reports do not print it and `-o json` does not carry it.
 */
export interface Scope {
  nodes?: string[];
  /** namespace/name */
  pods?: string[];
  images?: string[];
  /** validator-failed: the stage of the failing step (driver, toolkit, cuda, plugin, …). */
  stage?: string;
  /** GPU Operator operand components the finding names (clusterpolicy-not-ready: its states not ready). */
  components?: string[];
  /** Which branch of its check the finding took, where that decides what can explain it. */
  tags?: string[];
}

export interface Finding {
  id: string;
  name: string;
  severity: Severity;
  category: Category;
  subject: Subject;
  message: string;
  evidence: string[];
  fix?: Fix;
  docs: string;
  scope?: Scope;
}

/** What a check returns: the check fills in id, name, category and docs. */
export interface Issue {
  severity: Exclude<Severity, 'ok'>;
  subject: Subject;
  message: string;
  evidence?: string[];
  fix?: Fix;
  /** Only for checks that emit several catalogue names. */
  name?: CheckName;
  scope?: Scope;
}

export interface Skipped {
  id: string;
  name: string;
  reason: string;
  /** Skipped because inputs it needs could not be read: the run is incomplete, JUnit counts it as an error. */
  incomplete?: true;
}

export const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, error: 3 };

// A finding's words can mean one of several causes ("could not load NVML": the runtime, or the driver): the
// check names them all with `eitherOf`, and the engine, once every check ran, keeps those no check ruled
// out by passing (all of them when every one passed), so a finding never points at a check that passed.
const EITHER = /⟦(or|c|cs):([^⟧]*)⟧/g;
const JOINS = { or: ' or ', c: ',', cs: ', ' } as const;
type Join = (typeof JOINS)[keyof typeof JOINS];

/** The check names, joined by " or " (", " in prose, "," for `gpuctl doctor --checks`), narrowed by the engine. */
export function eitherOf(names: readonly CheckName[], join: Join = ' or '): string {
  const code = (Object.keys(JOINS) as (keyof typeof JOINS)[]).find((k) => JOINS[k] === join)!;
  return names.length <= 1 ? (names[0] ?? '') : `⟦${code}:${names.join('|')}⟧`;
}

/** A text with each `eitherOf` list narrowed to the names not in `passed`. */
export function narrowEither(text: string, passed: ReadonlySet<string>): string {
  if (!text.includes('⟦')) return text;
  return text.replace(EITHER, (_m, code: keyof typeof JOINS, list: string) => {
    const names = list.split('|');
    const open = names.filter((n) => !passed.has(n));
    return (open.length ? open : names).join(JOINS[code]);
  });
}

/** The finding with its message, evidence and fix narrowed (the same object when there is nothing to narrow). */
export function narrowFinding(f: Finding, passed: ReadonlySet<string>): Finding {
  const texts = [f.message, ...f.evidence, f.fix?.summary ?? '', ...(f.fix?.commands ?? [])];
  if (!texts.some((t) => t.includes('⟦'))) return f;
  return {
    ...f,
    message: narrowEither(f.message, passed),
    evidence: f.evidence.map((e) => narrowEither(e, passed)),
    ...(f.fix ? { fix: { summary: narrowEither(f.fix.summary, passed), commands: f.fix.commands.map((c) => narrowEither(c, passed)) } } : {}),
  };
}
