// What any source (snapshot directory, live cluster, node probe) hands to the facts layer: neutral types
// that sources fill and facts read, so that facts never import sources.
import type { KubeObject } from './kube.js';

/** The exit code a shell gives a command it cannot find: how an absent tool is recorded. */
export const NOT_FOUND_EXIT = 127;

export interface CommandOutput {
  stdout: string;
  exitCode: number;
  stderr?: string;
}

/** Facts read on one node: host files, existing directories, probe command outputs. */
export interface NodeHost {
  files: Map<string, string>;
  dirs: Set<string>;
  commands: Map<string, CommandOutput>;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string[];
  environ: Record<string, string>;
  /** /proc/PID/environ could not be read (another user's process): environ is empty, not known. */
  environUnreadable?: boolean;
}

/** One program started in a container or a traced command: from its process table or from strace. */
export interface ExecRecord {
  id: number;
  /** The record whose program started this one: the forking parent, or the same pid before an exec. */
  parent?: number;
  pid: number;
  argv: string[];
  /** The file executed, where known (strace); a script's interpreter from its #! line. */
  path?: string;
  interpreter?: string;
  /** Absent when the environment could not be read. */
  env?: Record<string, string>;
}

/**
 * What `gpuctl exec-check` captured of one container or command (a mode of exec-check is a source): the
 * programs it ran, from /proc or strace, and which GPU stack to judge them against where the command knows.
 */
export interface ExecTrace {
  /** The pod and container; for a local command or a saved trace, `local`, its name, `strace`. */
  namespace: string;
  pod: string;
  container: string;
  records: ExecRecord[];
  /** The stack's id and why (`--stack`, the pod's markers, the first process's environment). */
  stack: { id: string; evidence: string };
  /** A local command or a saved trace: no pod, nothing to kubectl. */
  local?: boolean;
}

export interface SnapshotMeta {
  capturedAt?: string;
  context?: string;
  serverVersion?: string;
  gpuctlVersion?: string;
  /** kind → why it could not be read when the snapshot was taken. */
  unavailable?: Record<string, string>;
  /** How node facts were read by --node-probe pod|daemonset. */
  nodeProbe?: { mode: string; namespace: string; image: string; runId: string };
  /** node → why the node probe could not read it (image does not pull, pod never started, node deleted). */
  nodeProbeFailures?: Record<string, string>;
  /** Nodes deleted while the probe ran: among nodeProbeFailures, but gone, not unread (the run stays complete). */
  nodesGone?: string[];
  [key: string]: unknown;
}

/** A file or response that could not be read or parsed: becomes a finding, never aborts the run. */
export interface SourceProblem {
  path: string;
  message: string;
}

/** One PromQL instant query and what came back. */
export interface PrometheusQueryResult {
  query: string;
  /** Number of series in the answer; absent when the query failed. */
  series?: number;
  /** The first series as Prometheus returned them (`metric` labels and `value`), a few at most. */
  result?: { metric: Record<string, string>; value?: [number, string] }[];
  /** Why the query failed: HTTP status and message, timeout, a Prometheus error. */
  error?: string;
}

/** Queries of the Prometheus that Kantaloupe reads (live only; a snapshot carries them in prometheus/queries.json). */
export interface PrometheusQueries {
  /** Where the queries went, in words: `service monitoring/prometheus-operated:web (API server proxy)` or a URL. */
  endpoint?: string;
  /** The object queried, for findings: the Prometheus object or workload, or a Service for a URL. */
  target?: { kind: string; name: string; namespace?: string };
  /** The Service the API server proxied to; absent for --prometheus-url. */
  service?: { namespace: string; name: string; port: string };
  /** Why nothing was queried (no Prometheus found). */
  error?: string;
  results: PrometheusQueryResult[];
}

export interface Collection {
  /** Where the facts came from, for the report header: "snapshot examples/x" or "context kind-gpu". */
  origin: string;
  objects: KubeObject[];
  /** `ns/pod/container` and `ns/pod/container.previous` → log text (a tail). */
  logs: Map<string, string>;
  nodes: Map<string, NodeHost>;
  /** `ns/pod/container` → process table as exec-check captures it. */
  processes: Map<string, ProcessInfo[]>;
  /** exec-check: `ns/pod/container` → the exec tree one of its modes captured (absent in a doctor run). */
  execTraces?: Map<string, ExecTrace>;
  /** `ns/pod/container` → the container's /etc/ld.so.preload (HAMi may preload through it). */
  preloadFiles: Map<string, string>;
  /** `ns/pod/container` → command name (`nvidia-smi-L`) → what it printed inside the container. */
  containerCommands: Map<string, Map<string, CommandOutput>>;
  meta: SnapshotMeta;
  problems: SourceProblem[];
  /** kind → reason it could not be read (forbidden, timeout…). Checks needing it are skipped. */
  unavailable: Map<string, string>;
  /** CRD kinds whose API is not served: absent, which is a fact, not an error. */
  notInstalled: Set<string>;
  /**
   * Logs the checks asked for that could not be fetched (403, timeout, 5xx, cut), `logKey` → why. Not a
   * log that does not exist (400/404): that is a fact. Checks that read one are skipped, the run is incomplete.
   */
  unreadLogs?: Map<string, string>;
  /**
   * Kinds of `unavailable` that this input does not carry at all (a GPU Operator must-gather has no events):
   * the checks needing them skip, but no read failed, so the run is not incomplete.
   */
  notCollected?: Set<string>;
  /** Process tables (exec) that could not be captured, `ns/pod/container` → why; as unreadLogs. */
  unreadProcesses?: Map<string, string>;
  /**
   * Commands run on the machine gpuctl runs on (not a node), like `helm-version` (`helm version --short`):
   * absent when not run. A snapshot carries them in local/commands/NAME.txt.
   */
  localCommands?: Map<string, CommandOutput>;
  /** Prometheus queries for the metric checks; absent when not made. */
  prometheus?: PrometheusQueries;
  /** Read from a live cluster in this run (not from files). */
  live?: boolean;
}

export function emptyCollection(origin: string): Collection {
  return {
    origin,
    objects: [],
    logs: new Map(),
    nodes: new Map(),
    processes: new Map(),
    preloadFiles: new Map(),
    containerCommands: new Map(),
    meta: {},
    problems: [],
    unavailable: new Map(),
    notInstalled: new Set(),
  };
}

export function logKey(namespace: string, pod: string, container: string, previous = false): string {
  return `${namespace}/${pod}/${container}${previous ? '.previous' : ''}`;
}
