// The check interface: a check is data (id, name, explain text) plus one pure function over Facts.
import type { Facts } from './facts/facts.js';
import type { StackId } from './stacks/index.js';
import type { Category, Issue } from './model.js';

export interface Explain {
  /** What the check detects, in one or two sentences. */
  detects: string;
  /** Why it matters: the symptom an operator sees. */
  why: string;
  /** How to fix it, in words; the commands come with each finding. */
  fix: string;
}

/** A check that cannot judge (its facts are missing) returns this instead of passing silently. */
export interface Skip {
  skip: string;
}

export interface Check {
  /** Stable code, like istioctl's IST0101: never reused. */
  id: string;
  /** Stable kebab-case name from CHECKS.md. */
  name: string;
  category: Category;
  /** One line for `gpuctl checks`. */
  title: string;
  /** Kinds the check reads; if one could not be listed the check is skipped with that reason. */
  needs: string[];
  /**
   * The GPU stacks the check is about (src/stacks/<id>.ts): it runs only when one of them is detected, and is
   * "not applicable" otherwise, never ✓. A workload that asks for a stack whose components are absent is
   * still judged: the stacks' detection rules count their workloads' marks (TensorFusion's pod labels,
   * Bitfusion's annotation, HAMi's), so such a pod makes its stack detected and the check run. Where the
   * detection could not read everything, the check runs, and its pass is a skip (the stack may be there).
   * Absent: it applies to every cluster.
   */
  stacks?: StackId[];
  /** Shown with ✓ when the check finds nothing. */
  ok: string;
  /** Its pass prints no ✓ line when this says so (snapshot-file-unreadable on a live run: no files were read). */
  quietPass?: (facts: Facts) => boolean;
  explain: Explain;
  run(facts: Facts): Issue[] | Skip;
}

export function defineCheck(check: Check): Check {
  return check;
}

export function isSkip(result: Issue[] | Skip): result is Skip {
  return !Array.isArray(result);
}

export function docsPath(name: string): string {
  return `docs/checks/${name}.md`;
}
