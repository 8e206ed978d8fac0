// Events in which the kubelet or an API admission says a container runtime or RuntimeClass is missing.
import type { Facts } from './facts.js';
import type { Event } from '../collection/kube.js';
import { eventOrigin } from './pulls.js';

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

/** One evidence line for an event: its origin (reason, kubelet and node, count, time), the object, the message. */
export function eventLine(event: Event): string {
  const o = event.involvedObject ?? {};
  return `${eventOrigin(event)} on ${o.kind ?? 'object'} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '?'}: ${(event.message ?? '').trim()}`;
}
