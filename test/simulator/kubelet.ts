// A tiny kubelet for pods created through the simulator: after a short delay it starts the pod (Running),
// or leaves it Pending (node missing, NotReady, or listed as stuck), or fails the image pull the way
// kubelet and containerd report it (ErrImagePull, then ImagePullBackOff, with the Failed event), or
// deletes the node under it (a node that vanishes mid-run; the pod goes with it, as pod GC does).
import type { Event, KubeObject, Node, Pod } from '../../src/facts/kube.js';
import { isInvalid, parseImageReference } from '../../src/facts/images.js';
import type { Catalog, TypeIndex } from './catalog.js';

export interface KubeletOptions {
  /** Images whose pull fails with an i/o timeout to the registry (exact spec text, e.g. `busybox:1.36`). */
  unpullableImages?: string[];
  /** Nodes whose kubelet never starts a pod: it stays Pending. */
  stuckNodes?: string[];
  /** Nodes deleted as soon as a pod is bound to them (the pod is then removed too). */
  vanishingNodes?: string[];
  /** How long kubelet takes to act on a pod (default 50 ms). */
  startDelayMs?: number;
}

export class SimKubelet {
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly options: KubeletOptions,
    private readonly nextResourceVersion: () => string,
  ) {}

  private index(group: string, plural: string): TypeIndex {
    return this.catalog.lookup(group, 'v1', plural)!;
  }

  private later(fn: () => void, ms = this.options.startDelayMs ?? 50): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private current(pod: Pod): Pod | undefined {
    return this.index('', 'pods').byKey.get(`${pod.metadata.namespace}/${pod.metadata.name}`) as Pod | undefined;
  }

  private update(pod: Pod, status: Pod['status']): void {
    const now = this.current(pod);
    if (!now) return; // deleted meanwhile
    this.catalog.put(this.index('', 'pods'), { ...now, metadata: { ...now.metadata, resourceVersion: this.nextResourceVersion() }, status } as KubeObject);
  }

  /** A pod was created: act on it as its node's kubelet would. */
  admit(pod: Pod): void {
    this.later(() => this.step(pod));
  }

  private step(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || !this.current(pod)) return;
    const nodes = this.index('', 'nodes');
    const node = nodes.byKey.get(`/${nodeName}`) as Node | undefined;
    if (this.options.vanishingNodes?.includes(nodeName)) {
      this.catalog.remove(nodes, undefined, nodeName);
      this.later(() => this.catalog.remove(this.index('', 'pods'), pod.metadata.namespace, pod.metadata.name));
      return;
    }
    const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
    if (!node || (ready && ready.status !== 'True') || this.options.stuckNodes?.includes(nodeName)) return; // no kubelet: stays Pending
    const container = pod.spec?.containers?.[0];
    const image = container?.image ?? '';
    const started = new Date().toISOString();
    if (this.options.unpullableImages?.includes(image)) {
      const message = pullError(image);
      this.update(pod, pendingStatus(container!.name, image, { reason: 'ErrImagePull', message }, started));
      this.event(pod, nodeName, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      this.event(pod, nodeName, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.later(() => {
        this.update(pod, pendingStatus(container!.name, image, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }, started));
        this.event(pod, nodeName, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      });
      return;
    }
    this.update(pod, {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: started } },
      })),
    } as Pod['status']);
  }

  private event(pod: Pod, node: string, type: string, reason: string, message: string): void {
    const now = new Date().toISOString();
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${(++this.seq).toString(16).padStart(16, '0')}`, namespace: pod.metadata.namespace, resourceVersion: this.nextResourceVersion() } as Event['metadata'],
      involvedObject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'kubelet', host: node },
    };
    (event.involvedObject as Record<string, unknown>).fieldPath = `spec.containers{${pod.spec?.containers?.[0]?.name}}`;
    this.catalog.put(this.index('', 'events'), event);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function pendingStatus(container: string, image: string, waiting: { reason: string; message: string }, startTime: string): Pod['status'] {
  return {
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Initialized', status: 'True' },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]` },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]` },
    ],
    containerStatuses: [{ name: container, image, ready: false, restartCount: 0, state: { waiting } }],
    startTime,
  } as Pod['status'];
}

/** containerd's words for a registry that cannot be reached (as kubelet quotes them). */
function pullError(image: string): string {
  const ref = parseImageReference(image);
  if (isInvalid(ref)) return `rpc error: code = Unknown desc = failed to pull and unpack image "${image}": invalid reference format`;
  const registry = ref.host === 'docker.io' ? 'registry-1.docker.io' : ref.host;
  const tag = ref.tag ?? 'latest';
  return (
    `rpc error: code = Unknown desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": ` +
    `failed to do request: Head "https://${registry}/v2/${ref.repository}/manifests/${tag}": dial tcp 54.236.113.205:443: i/o timeout`
  );
}
