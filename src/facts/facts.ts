// A read-only, indexed view of a Collection. Checks read only this.
import type { Collection, CommandOutput, NodeHost, ProcessInfo, PrometheusQueries } from '../sources/collection.js';
import { logKey } from '../sources/collection.js';
import { resourceTypeOfKind } from '../sources/resources.js';
import type { Event, KubeObject, Node, Pod, RuntimeClass } from './kube.js';

export class Facts {
  private readonly byKind = new Map<string, KubeObject[]>();
  private eventIndex?: Map<string, Event[]>;
  private podsByNode?: Map<string, Pod[]>;

  constructor(readonly collection: Collection) {
    for (const obj of collection.objects) {
      let list = this.byKind.get(obj.kind);
      if (!list) this.byKind.set(obj.kind, (list = []));
      list.push(obj);
    }
  }

  get origin(): string {
    return this.collection.origin;
  }

  all<T extends KubeObject = KubeObject>(kind: string): T[] {
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
    return this.collection.unavailable.get(kind);
  }

  /** A CRD-backed kind whose API the cluster does not serve (and no object of it in a snapshot). */
  notInstalled(kind: string): boolean {
    if (this.collection.notInstalled.has(kind)) return true;
    return !!resourceTypeOfKind(kind)?.crd && this.all(kind).length === 0;
  }

  node(name: string): Node | undefined {
    return this.nodes.find((n) => n.metadata.name === name);
  }

  podsOn(nodeName: string): Pod[] {
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
    if (!this.eventIndex) {
      this.eventIndex = new Map();
      const sorted = [...this.events].sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
      for (const ev of sorted) {
        const o = ev.involvedObject ?? {};
        const key = `${o.kind}/${o.namespace ?? ''}/${o.name}`;
        let list = this.eventIndex.get(key);
        if (!list) this.eventIndex.set(key, (list = []));
        list.push(ev);
      }
    }
    return this.eventIndex.get(`${kind}/${namespace ?? ''}/${name}`) ?? [];
  }

  log(namespace: string, pod: string, container: string, previous = false): string | undefined {
    return this.collection.logs.get(logKey(namespace, pod, container, previous));
  }

  host(nodeName: string): NodeHost | undefined {
    return this.collection.nodes.get(nodeName);
  }

  /** Why the node probe could not read this node; undefined when it did or was not asked to. */
  nodeProbeFailure(nodeName: string): string | undefined {
    return this.collection.meta.nodeProbeFailures?.[nodeName];
  }

  hostFile(nodeName: string, path: string): string | undefined {
    return this.host(nodeName)?.files.get(path);
  }

  hostCommand(nodeName: string, name: string): CommandOutput | undefined {
    return this.host(nodeName)?.commands.get(name);
  }

  /** Output of a command run where gpuctl runs (e.g. `helm-version`); undefined when it was not run. */
  localCommand(name: string): CommandOutput | undefined {
    return this.collection.localCommands?.get(name);
  }

  /** The Prometheus queries of the metric checks; undefined when none were made. */
  get prometheusQueries(): PrometheusQueries | undefined {
    return this.collection.prometheus;
  }

  processes(namespace: string, pod: string, container: string): ProcessInfo[] | undefined {
    return this.collection.processes.get(`${namespace}/${pod}/${container}`);
  }
}

export function eventTime(ev: Event): string {
  return ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp ?? '';
}
