// Events in which the kubelet or an API admission says a container runtime or RuntimeClass is missing.
import type { Facts } from './facts.js';
import { eventTime } from './facts.js';
import type { Event } from './kube.js';

/** kubelet, on FailedCreatePodSandBox: `failed to get sandbox runtime: no runtime for "nvidia" is configured`. */
const NO_RUNTIME = /no runtime for "([^"]+)" is configured/;
/** API admission, on the controller's FailedCreate: `pod rejected: RuntimeClass "nvidia" not found`. */
const RUNTIME_CLASS_NOT_FOUND = /RuntimeClass "([^"]+)" not found/;

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
    const pod = o.kind === 'Pod' ? facts.pods.find((p) => p.metadata.name === o.name && p.metadata.namespace === o.namespace) : undefined;
    const node = event.source?.host ?? pod?.spec?.nodeName;
    out.push({ name: m[1]!, ...(node ? { node } : {}), event });
  }
  return out;
}

export function missingRuntimeEvents(facts: Facts): RuntimeEvent[] {
  return matching(facts, NO_RUNTIME);
}

export function runtimeClassNotFoundEvents(facts: Facts): RuntimeEvent[] {
  return matching(facts, RUNTIME_CLASS_NOT_FOUND);
}

/** One evidence line for an event: who, what, how often, when, the message as Kubernetes wrote it. */
export function eventLine(event: Event): string {
  const o = event.involvedObject ?? {};
  const who = `${o.kind ?? 'object'} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '?'}`;
  const count = event.count && event.count > 1 ? `${event.count}×, ` : '';
  const when = eventTime(event);
  return `event on ${who} (${count}${when ? `last ${when}` : 'time unknown'}): ${event.reason ?? ''}: ${(event.message ?? '').trim()}`;
}
