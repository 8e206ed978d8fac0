// A read-only, indexed view of a Collection. Checks read only this: never `collection` itself
// (test/checks/no-collection-reads.test.ts fails when one does).
import type { Collection, CommandOutput, ExecTrace, NodeHost, ProcessInfo, PrometheusQueries, SourceProblem } from '../collection/collection.js';
import { logKey } from '../collection/collection.js';
import { pluralOf, resourceTypeOfKind } from '../collection/resources.js';
import type { Event, KubeObject, Node, Pod, RuntimeClass } from '../collection/kube.js';
import type { Need, Recorded } from './inputs.js';
import type { LogScope } from './inputs.js';
import { emptyRecord, localCommandNeed, logNeed } from './inputs.js';
import { recordingHost } from './recording.js';
import { logScopeOf } from './log-targets.js';

export class Facts {
  private readonly byKind = new Map<string, KubeObject[]>();
  /** kind → namespace → name → events, oldest first: nested so that a lookup builds no key string. */
  private eventIndex?: Map<string, Map<string, Map<string, Event[]>>>;
  /** namespace → pod → its log scope, of the pods in a scope that have any log (scopedPodsWithLogs). */
  private podsWithLogs = new Map<string, Map<string, LogScope>>();
  private podsWithLogsSize = 0;
  private podsByNode?: Map<string, Pod[]>;
  private nodesByName?: Map<string, Node>;
  /** namespace → name → pod. */
  private podsByName?: Map<string, Map<string, Pod>>;
  /**
   * While a check runs on an incomplete collection (see `Facts.tracking`): the inputs it touched that
   * could not be read, what → why. Undefined otherwise, so the accessors cost nothing on a complete run.
   */
  private touched?: Map<string, string>;
  /** In a view made by `recording()`: every input read, by token (src/facts/inputs.ts). */
  private recorder?: Recorded;

  constructor(private readonly source: Collection) {
    for (const obj of source.objects) {
      let list = this.byKind.get(obj.kind);
      if (!list) this.byKind.set(obj.kind, (list = []));
      list.push(obj);
    }
  }

  /** The Collection underneath, for the pipeline that fills and writes it. Checks read the accessors below. */
  get collection(): Collection {
    return this.source;
  }

  get origin(): string {
    return this.source.origin;
  }

  /** Read from a live cluster in this run rather than from snapshot files. */
  get live(): boolean {
    return !!this.source.live;
  }

  /** The cluster's name for findings about the whole cluster: the kubeconfig context, else "cluster". */
  get clusterName(): string {
    return this.source.meta.context ?? 'cluster';
  }

  /**
   * A view of the same collection that records which unread inputs the code run on it touches: a fresh
   * Facts, so no index or cache built for another check hides a read. Undefined when nothing is unread.
   */
  tracking(): Facts | undefined {
    if (unreadInputs(this.source).length === 0) return undefined;
    const view = new Facts(this.source);
    view.touched = new Map();
    return view;
  }

  /**
   * A view of the same collection that records every input the code run on it reads, by token (`needs`),
   * and the unread ones it touches as `tracking()` does: test/checks/needs.test.ts compares what each check
   * reads with what it declares. A fresh Facts, so no index or cache built for another check hides a read.
   */
  recording(): Facts {
    const view = new Facts(this.source);
    view.touched = new Map();
    view.recorder = emptyRecord();
    return view;
  }

  /** What was read since `recording()` made this view; empty on any other Facts. */
  get recorded(): Recorded {
    return this.recorder ?? emptyRecord();
  }

  private read(need: Need): void {
    this.recorder?.needs.add(need);
  }

  /** The unread inputs touched since `tracking()` made this view, what → why. */
  get touchedUnread(): ReadonlyMap<string, string> {
    return this.touched ?? new Map();
  }

  private touch(what: string, why: string | undefined): void {
    if (why !== undefined && this.touched && !this.touched.has(what)) this.touched.set(what, why);
  }

  private touchKind(kind: string): void {
    this.read(kind as Need);
    if (this.touched && !this.source.notCollected?.has(kind)) this.touch(kindLabel(kind), this.source.unavailable.get(kind));
  }

  /** Reading this kind failed (403, timeout, 5xx, cut…): not merely absent from the input. */
  readFailed(kind: string): boolean {
    this.read(kind as Need);
    return this.source.unavailable.has(kind) && !this.source.notCollected?.has(kind);
  }

  private touchAll(prefix: 'log' | 'process table' | 'node'): void {
    if (!this.touched) return;
    for (const input of unreadInputs(this.source)) if (input.what.startsWith(`${prefix} `)) this.touch(input.what, input.why);
  }

  /** Files and responses that could not be read or parsed: "nothing wrong" with them is only true of a complete read. */
  get sourceProblems(): readonly SourceProblem[] {
    this.read('source-problems');
    if (this.touched) for (const input of unreadInputs(this.source)) this.touch(input.what, input.why);
    return this.source.problems;
  }

  /** Whether any container log was collected. */
  get hasLogs(): boolean {
    this.touchAll('log');
    const scoped = this.scopedPodsWithLogs();
    // Whether any log came depends on every log there is: the scopes of all are noted as read.
    if (this.recorder) for (const byPod of scoped.values()) for (const scope of byPod.values()) this.recorder.needs.add(logNeed(scope));
    return [...scoped.values()].some((byPod) => byPod.size > 0);
  }

  all<T extends KubeObject = KubeObject>(kind: string): T[] {
    this.touchKind(kind);
    return (this.byKind.get(kind) ?? []) as T[];
  }

  get nodes(): Node[] {
    return this.all<Node>('Node');
  }
  get pods(): Pod[] {
    return this.all<Pod>('Pod');
  }
  get events(): Event[] {
    return this.all<Event>('Event');
  }
  get runtimeClasses(): RuntimeClass[] {
    return this.all<RuntimeClass>('RuntimeClass');
  }

  /** Why objects of this kind could not be read; undefined when they were. */
  unavailable(kind: string): string | undefined {
    this.read(kind as Need);
    return this.source.unavailable.get(kind);
  }

  /** A CRD-backed kind whose API the cluster does not serve (and no object of it in a snapshot). */
  notInstalled(kind: string): boolean {
    if (this.notServed(kind)) return true;
    this.touchKind(kind);
    return !!resourceTypeOfKind(kind)?.crd && this.all(kind).length === 0;
  }

  /** The API server said it does not serve this kind (live discovery): not merely no objects of it. */
  notServed(kind: string): boolean {
    this.read(kind as Need);
    return this.source.notInstalled.has(kind);
  }

  node(name: string): Node | undefined {
    this.touchKind('Node');
    // Checks ask this once per pod: an index, not a scan of thousands of nodes each time.
    if (!this.nodesByName) {
      this.nodesByName = new Map();
      for (const node of this.nodes) if (!this.nodesByName.has(node.metadata.name)) this.nodesByName.set(node.metadata.name, node);
    }
    return this.nodesByName.get(name);
  }

  /** The pod of that namespace and name (events name the pod they are about). */
  pod(namespace: string | undefined, name: string | undefined): Pod | undefined {
    this.touchKind('Pod');
    if (!this.podsByName) {
      this.podsByName = new Map();
      for (const pod of this.pods) {
        const byName = child(this.podsByName, pod.metadata.namespace ?? '', () => new Map<string, Pod>());
        if (!byName.has(pod.metadata.name)) byName.set(pod.metadata.name, pod);
      }
    }
    return name === undefined ? undefined : this.podsByName.get(namespace ?? '')?.get(name);
  }

  podsOn(nodeName: string): Pod[] {
    this.touchKind('Pod');
    if (!this.podsByNode) {
      this.podsByNode = new Map();
      for (const pod of this.pods) {
        const node = pod.spec?.nodeName;
        if (!node) continue;
        let list = this.podsByNode.get(node);
        if (!list) this.podsByNode.set(node, (list = []));
        list.push(pod);
      }
    }
    return this.podsByNode.get(nodeName) ?? [];
  }

  /** Events about one object, oldest first. */
  eventsFor(kind: string, name: string, namespace?: string): Event[] {
    this.touchKind('Event');
    if (!this.eventIndex) {
      this.eventIndex = new Map();
      const sorted = [...this.events].sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
      for (const ev of sorted) {
        const o = ev.involvedObject ?? {};
        const list = child(child(child(this.eventIndex, String(o.kind)), o.namespace ?? ''), String(o.name), () => []);
        list.push(ev);
      }
    }
    return this.eventIndex.get(kind)?.get(namespace ?? '')?.get(name) ?? NO_EVENTS;
  }

  /**
   * A container's log, of a pod in a log scope (logs:stack, logs:workloads; src/facts/inputs.ts) only: the live
   * collection fetches no other pod's log, so a snapshot's log of one (a bundle, a cluster-info dump) is not
   * offered either — no check can depend on a log it would never get live.
   */
  log(namespace: string, pod: string, container: string, previous = false): string | undefined {
    // Checks ask for every container of every pod; most have no log: answer those without building keys.
    const logs = this.source.logs;
    if (this.touched && this.source.unreadLogs?.size) {
      const key = logKey(namespace, pod, container, previous);
      this.touch(`log ${key}`, this.source.unreadLogs.get(key));
    }
    const scope = this.scopedPodsWithLogs().get(namespace)?.get(pod);
    if (!scope) return undefined;
    const text = logs.get(logKey(namespace, pod, container, previous));
    if (text !== undefined && this.recorder) {
      this.recorder.logs.add(logKey(namespace, pod, container, previous));
      this.recorder.needs.add(logNeed(scope));
    }
    return text;
  }

  /** namespace → pod → log scope, of the pods in a log scope that have any log; rebuilt when logs are added (live, after the lists). */
  private scopedPodsWithLogs(): Map<string, Map<string, LogScope>> {
    const logs = this.source.logs;
    if (this.podsWithLogsSize === logs.size) return this.podsWithLogs;
    this.podsWithLogs.clear();
    const listed = new Map<string, Pod>();
    for (const pod of (this.byKind.get('Pod') ?? []) as Pod[]) listed.set(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, pod);
    for (const key of logs.keys()) {
      const [ns, podName] = key.split('/', 2) as [string, string];
      const byPod = child(this.podsWithLogs, ns, () => new Map<string, LogScope>());
      if (byPod.has(podName)) continue;
      const pod = listed.get(`${ns}/${podName}`);
      const scope = pod && logScopeOf(pod);
      if (scope) byPod.set(podName, scope);
    }
    this.podsWithLogsSize = logs.size;
    return this.podsWithLogs;
  }

  host(nodeName: string): NodeHost | undefined {
    this.read('node-probe');
    return this.hostOf(nodeName);
  }

  /** A node's host facts; while recording, a view of them that notes which files, directories and commands are read. */
  private hostOf(nodeName: string): NodeHost | undefined {
    if (this.touched && !this.source.meta.nodesGone?.includes(nodeName)) this.touch(`node ${nodeName}`, this.source.meta.nodeProbeFailures?.[nodeName]);
    const host = this.source.nodes.get(nodeName);
    return host && this.recorder ? recordingHost(host, this.recorder) : host;
  }

  /** Names of the nodes with host facts (probed, or nodes/NODE/ in a snapshot), in collection order. */
  get probedNodes(): string[] {
    this.read('node-probe');
    this.touchAll('node');
    return [...this.source.nodes.keys()];
  }

  /** Nodes with host facts and their facts, in collection order. */
  hosts(): [name: string, host: NodeHost][] {
    this.read('node-probe');
    this.touchAll('node');
    const recorder = this.recorder;
    return recorder ? [...this.source.nodes].map(([name, host]) => [name, recordingHost(host, recorder)]) : [...this.source.nodes];
  }

  /** Why the node probe could not read this node; undefined when it did or was not asked to. */
  nodeProbeFailure(nodeName: string): string | undefined {
    this.read('node-probe');
    return this.source.meta.nodeProbeFailures?.[nodeName];
  }

  hostFile(nodeName: string, path: string): string | undefined {
    return this.hostOf(nodeName)?.files.get(path);
  }

  hostCommand(nodeName: string, name: string): CommandOutput | undefined {
    return this.hostOf(nodeName)?.commands.get(name);
  }

  /** Output of a command run where gpuctl runs (e.g. `helm-version`); undefined when it was not run. */
  localCommand(name: string): CommandOutput | undefined {
    this.read(localCommandNeed(name));
    return this.source.localCommands?.get(name);
  }

  /** The Prometheus queries of the metric checks; undefined when none were made. */
  get prometheusQueries(): PrometheusQueries | undefined {
    this.read('prometheus');
    return this.source.prometheus;
  }

  processes(namespace: string, pod: string, container: string): ProcessInfo[] | undefined {
    const key = `${namespace}/${pod}/${container}`;
    this.read('process-tables');
    if (this.touched) this.touch(`process table ${key}`, this.source.unreadProcesses?.get(key));
    return this.source.processes.get(key);
  }

  /** Every captured process table, keyed `namespace/pod/container`. */
  processTables(): [key: string, processes: ProcessInfo[]][] {
    this.read('process-tables');
    this.touchAll('process table');
    return [...this.source.processes];
  }

  /** exec-check's captures: `namespace/pod/container` → the exec tree and the stack to judge it against. */
  execTraces(): [key: string, trace: ExecTrace][] {
    return [...(this.source.execTraces ?? [])];
  }

  /** A container's /etc/ld.so.preload, keyed `namespace/pod/container` as processTables() is. */
  preloadFile(key: string): string | undefined {
    this.read('process-tables');
    if (this.touched) this.touch(`process table ${key}`, this.source.unreadProcesses?.get(key));
    return this.source.preloadFiles.get(key);
  }
}

/** One input the checks need that could not be read, for reasons other than "not installed". */
export interface UnreadInput {
  /** `pods` (a resource type), `log NS/POD/CONTAINER[.previous]`, `process table NS/POD/CONTAINER`, `node NAME`. */
  what: string;
  why: string;
}

/** Every input of the collection that could not be read: resource types, logs, process tables, node probes. */
export function unreadInputs(collection: Collection): UnreadInput[] {
  return [
    ...[...collection.unavailable].filter(([kind]) => !collection.notCollected?.has(kind)).map(([kind, why]) => ({ what: kindLabel(kind), why })),
    ...[...(collection.unreadLogs ?? [])].map(([key, why]) => ({ what: `log ${key}`, why })),
    ...[...(collection.unreadProcesses ?? [])].map(([key, why]) => ({ what: `process table ${key}`, why })),
    ...Object.entries(collection.meta.nodeProbeFailures ?? {})
      .filter(([node]) => !collection.meta.nodesGone?.includes(node))
      .map(([node, why]) => ({ what: `node ${node}`, why })),
  ];
}

/** A kind as the API names its objects: `pods`, `runtimeclasses`, `clusterpolicies`. */
export function kindLabel(kind: string): string {
  return pluralOf(kind);
}

// Shared by every object without events; frozen, as the index lists are read-only too.
const NO_EVENTS = Object.freeze([]) as unknown as Event[];

/** The value under `key`, created by `make` (an empty Map by default) when there is none. */
function child<K, V = Map<string, never>>(map: Map<K, V>, key: K, make: () => V = () => new Map() as V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

export function eventTime(ev: Event): string {
  return ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp ?? '';
}
