// The check interface: a check is data (id, name, explain text) plus one pure function over Facts.
import type { Facts } from './facts/facts.js';
import type { CheckName } from './catalogue.js';
import { catalogueEntry } from './catalogue.js';
import type { Need } from './facts/inputs.js';
import { isKind } from './facts/inputs.js';
import type { StackId } from './stacks/index.js';
import type { Kind } from './collection/resources.js';
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
  /**
   * Every input the check reads (src/facts/inputs.ts): resource kinds, node probe files and commands, logs,
   * process tables, Prometheus queries… test/checks/needs.test.ts runs every check on every example and real
   * case with a recording Facts and fails when it reads one it does not declare; the live collection lists
   * what the checks declare (liveKinds).
   */
  needs: Need[];
  /**
   * The kinds among `needs` the check cannot judge without: if one could not be listed (or the input does not
   * carry it, as a must-gather carries no events), the check is skipped with that reason before it runs.
   * Absent: every kind among `needs`. An unread input the check needs but does not require makes it skip
   * only when it found nothing (Facts.tracking); what it found in the rest is reported.
   */
  requires?: Kind[];
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

/** A check as its file writes it: the name; id and category come from the catalogue (src/catalogue.ts). */
export type CheckDefinition = Omit<Check, 'id' | 'name' | 'category'> & { name: CheckName };

/** A catalogued check: its id and category from the catalogue row of its name. */
export function defineCheck(definition: CheckDefinition): Check;
/** A check outside the catalogue, with its own id and category (throwaway checks of tests). */
export function defineCheck(check: Check): Check;
export function defineCheck(definition: CheckDefinition | Check): Check {
  if ('id' in definition) return definition;
  const { id, category } = catalogueEntry(definition.name);
  return { id, category, ...definition };
}

/** The kinds without which the check does not run: `requires`, else every kind it needs. */
export function requiredKinds(check: Pick<Check, 'needs' | 'requires'>): Kind[] {
  return check.requires ?? check.needs.filter(isKind);
}

export function isSkip(result: Issue[] | Skip): result is Skip {
  return !Array.isArray(result);
}

export function docsPath(name: string): string {
  return `docs/checks/${name}.md`;
}
