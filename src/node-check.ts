// What the node checks share: they judge every node that has GPU evidence or was probed, and a node
// check never passes for a node it could not look at (it skips, naming the nodes without facts).
import { pushAll } from './bounded.js';
import { nodeNamesToJudge } from './facts/driver.js';
import type { Facts } from './facts/facts.js';
import { gpuNodes } from './facts/gpu.js';
import type { Issue } from './model.js';

/** The reason every node check gives when it cannot look. */
export const NO_NODE_FACTS = 'no node facts: run with --node-probe local|pod or use a snapshot with nodes/NODE/';

export interface NodeWithoutFacts {
  node: string;
  /** Why, where it is more than "not probed": "lspci not installed (exit 127)". */
  why?: string;
  /** The node probe ran and failed on it: the reason and its fix are in one finding, not in every skip. */
  probeFailed?: boolean;
}

/**
 * The result of a node check: its issues; otherwise a skip when any node it should have judged
 * had no facts (a node check never passes for a node it could not look at).
 */
export function finishNodeCheck<T>(issues: T[], judged: string[], without: NodeWithoutFacts[]): T[] | { skip: string } {
  if (issues.length) return issues;
  if (!without.length && judged.length) return [];
  if (!judged.length && without.every((w) => !w.why && !w.probeFailed)) return { skip: NO_NODE_FACTS };
  const checked = judged.length ? `; checked without findings: ${judged.join(', ')}` : '';
  const failed = without.filter((w) => w.probeFailed).map((w) => w.node);
  const others = without.filter((w) => !w.probeFailed);
  const parts = [
    ...(others.length || !failed.length
      ? [`no node facts for ${others.map((w) => (w.why ? `${w.node} (${w.why})` : w.node)).join(', ') || 'any node'}: run with --node-probe local|pod or use a snapshot with nodes/NODE/`]
      : []),
    ...(failed.length ? [`the node probe could not read ${failed.join(', ')} (why, and what to do: snapshot-file-unreadable on Node ${failed[0]})`] : []),
  ];
  return { skip: `${parts.join('; ')}${checked}` };
}

/** What a node check's judge returns for a node it could not look at. */
export interface NotJudged {
  notJudged: true;
  why?: string;
}

export function notJudged(why?: string): NotJudged {
  return why ? { notJudged: true, why } : { notJudged: true };
}

/**
 * Runs `judge` over every node a node check should look at (GPU nodes and probed nodes) and
 * collects its issues; skips as finishNodeCheck does when some node could not be judged.
 */
export function judgeEachNode(facts: Facts, judge: (node: string) => Issue[] | NotJudged): Issue[] | { skip: string } {
  const issues: Issue[] = [];
  const judged: string[] = [];
  const without: NodeWithoutFacts[] = [];
  for (const name of nodeNamesToJudge(facts, gpuNodes(facts))) {
    const result = judge(name);
    if (Array.isArray(result)) {
      judged.push(name);
      pushAll(issues, result);
    } else {
      const probeFailed = !result.why && !!facts.nodeProbeFailure(name);
      without.push({ node: name, ...(result.why ? { why: result.why } : {}), ...(probeFailed ? { probeFailed } : {}) });
    }
  }
  return finishNodeCheck(issues, judged, without);
}
