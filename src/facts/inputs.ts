// The inputs a check may read, as typed tokens: what a check declares in `needs` (src/check.ts) and what
// a recording Facts (`Facts.recording()`) notes on every read. test/checks/needs.test.ts runs every check
// on every example and real case and fails when one reads an input it did not declare.
import type { LocalCommandName } from '../collection/local-commands.js';
import type { ProbeCommandName, ProbeFileSet, ProbeSelection } from '../collection/probe-commands.js';
import { PROBE_COMMANDS, PROBE_DIRS, PROBE_FILE_ENTRIES } from '../collection/probe-commands.js';
import type { Kind, ResourceType } from '../collection/resources.js';
import { RESOURCE_TYPES } from '../collection/resources.js';

/** Inputs other than listed objects, one token each (the node probe's commands one token per command). */
export const INPUT_TOKENS = [
  /** Which nodes have host facts, and why the node probe could not read one (`host`, `hosts`, `probedNodes`). */
  'node-probe',
  /** Host directories whose existence the node probe records (PROBE_DIRS; nodes/NODE/dirs.txt). */
  'node-dirs',
  /** Process tables and /etc/ld.so.preload read through exec (a snapshot: pods/NS/POD/CONTAINER/). */
  'process-tables',
  /** The Prometheus queries of the metric checks. */
  'prometheus',
  /** Files and responses that could not be read or parsed. */
  'source-problems',
] as const;

export type InputToken = (typeof INPUT_TOKENS)[number];

/**
 * Whose container logs a check reads, one `logs:SCOPE` need each (a snapshot: logs/; live: the log targets of
 * the scopes the checks declare, src/facts/log-targets.ts). A log of a pod in no scope is never fetched live,
 * so Facts offers none to a check on a snapshot either (Facts.log).
 */
export const LOG_SCOPES = {
  stack: "the GPU stacks' pods (their namespaces; kube-system pods of a stack installed by hand): operands, controllers, validators, healthy ones too",
  workloads: "GPU workloads (a GPU resource asked for, or a stack's marks): their containers, healthy and finished ones too",
  gateway: "the Gateway API controllers' pods (Envoy Gateway, istiod, …) Kantaloupe routes through: troubled ones only",
} as const;

export type LogScope = keyof typeof LOG_SCOPES;
export const LOG_SCOPE_NAMES = Object.keys(LOG_SCOPES) as LogScope[];

/** One input a check reads: a resource kind gpuctl lists, a node probe command, a local command, logs or another input. */
export type Need =
  | Kind
  | InputToken
  | `node-command:${ProbeCommandName}`
  | `node-files:${ProbeFileSet}`
  | `local-command:${LocalCommandName}`
  | `logs:${LogScope}`;

/** Host files of one set the node probe copies (PROBE_FILE_SETS; nodes/NODE/files/ in a snapshot). */
export function nodeFilesNeed(set: ProbeFileSet): Need {
  return `node-files:${set}`;
}

export function logNeed(scope: LogScope): Need {
  return `logs:${scope}`;
}

/** The log scopes the checks declare: what the live collection fetches logs of. */
export function liveLogScopes(checks: readonly { needs: readonly Need[] }[]): LogScope[] {
  const declared = new Set(checks.flatMap((c) => c.needs));
  return LOG_SCOPE_NAMES.filter((scope) => declared.has(logNeed(scope)));
}

export function nodeCommandNeed(name: string): Need {
  return `node-command:${name}` as Need;
}

export function localCommandNeed(name: string): Need {
  return `local-command:${name}` as Need;
}

/** What a recording Facts noted: the inputs read, and the exact node files and logs, for the coverage tests. */
export interface Recorded {
  needs: Set<Need>;
  /** Host file paths read by name (not merely looked up: `has`); `*` when the files of a node were iterated. */
  nodeFiles: Set<string>;
  /** Logs that were asked for and present (`logKey`); their scopes are among `needs`. */
  logs: Set<string>;
}

export function emptyRecord(): Recorded {
  return { needs: new Set(), nodeFiles: new Set(), logs: new Set() };
}

/**
 * What the collection itself reads to decide what to collect next: the stack detection (stacks.ts), the
 * log targets (log-targets.ts), the pods whose process tables are read (workload-injection.ts) and the
 * Prometheus to query (prometheus.ts). Every check depends on the detection, so its inputs are listed here
 * once rather than in each check; test/checks/needs.test.ts records these four on every example.
 */
export const COLLECTION_NEEDS: readonly Need[] = [
  'Node',
  'Pod',
  'Namespace',
  'DaemonSet',
  'Deployment',
  'StatefulSet',
  'ClusterPolicy',
  'Prometheus',
  'ServiceMonitor',
  'TensorFusionCluster',
  'GPUPool',
  'GPUNode',
  'GPU',
  'TensorFusionWorkload',
];

/**
 * Kinds listed live although no check reads them yet, and why: the doctor's list is otherwise exactly
 * what the checks and the collection declare.
 */
export const LISTED_UNREAD: Readonly<Partial<Record<Kind, string>>> = {
  TensorFusionConnection: 'the connections of remote-vGPU workloads, for the TensorFusion checks to come and for bundles a person reads',
};

/** The resource kinds the live doctor lists: every kind the checks and the collection declare (and LISTED_UNREAD). */
export function liveKinds(checks: readonly { needs: readonly Need[] }[]): Set<string> {
  const kinds = new Set<string>(Object.keys(LISTED_UNREAD) as Kind[]);
  for (const need of [...COLLECTION_NEEDS, ...checks.flatMap((c) => c.needs)]) if (isKind(need)) kinds.add(need);
  return kinds;
}

/** The resource types the live doctor lists, in RESOURCE_TYPES' order: those of liveKinds. */
export function liveResourceTypes(checks: readonly { needs: readonly Need[] }[]): ResourceType[] {
  const kinds = liveKinds(checks);
  return RESOURCE_TYPES.filter((type) => kinds.has(type.kind));
}

export function isKind(need: string): need is Kind {
  return !need.includes(':') && !(INPUT_TOKENS as readonly string[]).includes(need);
}

/**
 * What the live doctor collects, all derived from what the checks (and the collection itself) declare: the
 * resource types it lists and whose container logs it fetches. `gpuctl collect`, for a person, takes everything.
 */
export interface CollectionPlan {
  resourceTypes: ResourceType[];
  logScopes: LogScope[];
  /** What the node probe runs and copies. */
  probe: ProbeSelection;
}

export function livePlan(checks: readonly { needs: readonly Need[] }[]): CollectionPlan {
  return { resourceTypes: liveResourceTypes(checks), logScopes: liveLogScopes(checks), probe: liveProbe(checks) };
}

/**
 * What the doctor's node probe runs and copies: the commands the checks declare (`node-command:NAME`; those
 * `forPeople` only in `gpuctl collect`), the files of the sets they declare (`node-files:SET`), and the
 * directories when a check reads them (`node-dirs`).
 */
export function liveProbe(checks: readonly { needs: readonly Need[] }[]): ProbeSelection {
  const declared = new Set<string>(checks.flatMap((c) => c.needs));
  return {
    commands: PROBE_COMMANDS.map((c) => c.name).filter((name) => declared.has(nodeCommandNeed(name))),
    files: PROBE_FILE_ENTRIES.filter(([, set]) => declared.has(nodeFilesNeed(set))).map(([path]) => path),
    dirs: declared.has('node-dirs') ? PROBE_DIRS : [],
  };
}
