// The check interface: a check is data (id, name, its texts in English and Chinese) plus one pure function over Facts.
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

/**
 * A check's texts in Simplified Chinese, written in its file beside the English ones (the `zh` field): the
 * reports, `gpuctl checks`/`explain` and docs/zh-CN/checks/ show them under `--lang zh-CN`. A finding's
 * specific message, evidence and commands stay in English, under the generic headline and fix summary written
 * here. Terms follow the seed playbooks: 节点, 驱动程序, 容器运行时, 镜像拉取, 镜像源, 注入, 污点/容忍;
 * Kubernetes kinds (Pod, DaemonSet, RuntimeClass…) stay in English.
 */
export interface CheckTranslation {
  title: string;
  /** Shown with ✓ when the check finds nothing. */
  ok: string;
  /** A short generic statement of the problem, for the finding's first line. */
  headline: string;
  /** What to do, in general; the finding's own commands follow it. */
  fixSummary: string;
  explain: Explain;
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
  /** Its texts in Simplified Chinese; every catalogued check has them (CheckDefinition), throwaway checks may not. */
  zh?: CheckTranslation;
  run(facts: Facts): Issue[] | Skip;
}

/**
 * A check as its file writes it: the name, and its texts in English and Chinese (`zh`, required: a check
 * without them does not type-check); id and category come from the catalogue (src/catalogue.ts).
 */
export type CheckDefinition = Omit<Check, 'id' | 'name' | 'category' | 'zh'> & { name: CheckName; zh: CheckTranslation };

/**
 * The catalogued checks this process has defined, by name: the translations are looked up here
 * (src/i18n/checks.ts). A finding is made by its check, so wherever one is shown its check is loaded, and a
 * command that loads only a few checks (exec-check) does not load the texts of the others.
 */
const DEFINED = new Map<string, Check>();

/** The catalogued check of that name, if its module is loaded. */
export function definedCheck(name: string): Check | undefined {
  return DEFINED.get(name);
}

/** A catalogued check: its id and category from the catalogue row of its name. */
export function defineCheck(definition: CheckDefinition): Check;
/** A check outside the catalogue, with its own id and category (throwaway checks of tests). */
export function defineCheck(check: Check): Check;
export function defineCheck(definition: CheckDefinition | Check): Check {
  if ('id' in definition) return definition;
  const { id, category } = catalogueEntry(definition.name);
  const check = { id, category, ...definition };
  DEFINED.set(check.name, check);
  return check;
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
