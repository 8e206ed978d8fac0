// Events in which the kubelet or an API admission says a container runtime or RuntimeClass is missing.
import type { Facts } from './facts.js';
import type { Event } from '../collection/kube.js';
import { eventOrigin } from './pulls.js';
import { hostSaid, podsSaid, rowsOf, saidLine } from './said.js';

/** kubelet, on FailedCreatePodSandBox: `failed to get sandbox runtime: no runtime for "nvidia" is configured`. */
const NO_RUNTIME = /no runtime for "([^"]+)" is configured/;
/** CRI-O, on FailedCreatePodSandBox: `failed to find runtime handler nvidia from runtime list map[crun:… runc:…]`. */
const CRIO_NO_HANDLER = /failed to find runtime handler (\S+) from runtime list/;
/** dockershim / cri-dockerd, which take no handler at all: `RuntimeHandler "nvidia" not supported`. */
const HANDLER_NOT_SUPPORTED = /RuntimeHandler "([^"]+)" not supported/;
/** API admission, on the controller's FailedCreate: `pod rejected: RuntimeClass "nvidia" not found`. */
/** The kubelet, when the RuntimeClass went away after admission: `runtimeclass.node.k8s.io "nvidia" not found`. */
const RUNTIME_CLASS_NOT_FOUND = /(?:RuntimeClass|runtimeclass\.node\.k8s\.io) "([^"]+)" not found/;

export interface RuntimeEvent {
  /** The runtime handler (kubelet) or RuntimeClass name (admission) the event names. */
  name: string;
  /** The node the kubelet that wrote it runs on, or the pod's node. */
  node?: string;
  event: Event;
  /** The evidence line, where the words were not an event's (a container state, a runtime's journal). */
  line?: string;
}

function matching(facts: Facts, pattern: RegExp): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  for (const event of facts.events) {
    const m = pattern.exec(event.message ?? '');
    if (!m) continue;
    const o = event.involvedObject ?? {};
    const pod = o.kind === 'Pod' ? facts.pod(o.namespace, o.name) : undefined;
    const node = event.source?.host ?? pod?.spec?.nodeName;
    out.push({ name: m[1]!, ...(node ? { node } : {}), event });
  }
  return out;
}

export function missingRuntimeEvents(facts: Facts): RuntimeEvent[] {
  return [...matching(facts, NO_RUNTIME), ...matching(facts, CRIO_NO_HANDLER)];
}

/** The node's runtime takes no RuntimeClass handler (Docker through dockershim or cri-dockerd). */
export function handlerNotSupportedEvents(facts: Facts): RuntimeEvent[] {
  return matching(facts, HANDLER_NOT_SUPPORTED);
}

export function runtimeClassNotFoundEvents(facts: Facts): RuntimeEvent[] {
  return matching(facts, RUNTIME_CLASS_NOT_FOUND);
}

/**
 * The same refusal in other words than an event: a container's waiting message (the runtime went away after
 * the sandbox started) and the runtime's own journal (containerd, CRI-O's default_runtime without its table).
 */
export function missingRuntimeSaid(facts: Facts): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  const rows = rowsOf('nvidia-runtime-missing');
  for (const said of podsSaid(facts, rows)) {
    if (said.source.startsWith('event ') || !said.hit.captures.handler) continue; // events: missingRuntimeEvents
    const pod = said.pod!;
    const event: Event = { apiVersion: 'v1', kind: 'Event', metadata: { name: pod.metadata.name }, involvedObject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace }, message: said.line };
    out.push({ name: said.hit.captures.handler, ...(said.node ? { node: said.node } : {}), event, line: saidLine(said) });
  }
  for (const [node] of facts.hosts()) {
    for (const said of hostSaid(facts, node, rows)) {
      if (!said.hit.captures.handler) continue;
      const event: Event = { apiVersion: 'v1', kind: 'Event', metadata: { name: node }, involvedObject: { kind: 'Node', name: node }, message: said.line };
      out.push({ name: said.hit.captures.handler, node, event, line: saidLine(said) });
    }
  }
  return out;
}

/** The evidence line of a runtime refusal: its own line, or the event's. */
export function runtimeEventLine(e: RuntimeEvent): string {
  return e.line ?? eventLine(e.event);
}

/** One evidence line for an event: its origin (reason, kubelet and node, count, time), the object, the message. */
export function eventLine(event: Event): string {
  const o = event.involvedObject ?? {};
  return `${eventOrigin(event)} on ${o.kind ?? 'object'} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '?'}: ${(event.message ?? '').trim()}`;
}
