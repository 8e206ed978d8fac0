// Causes that a pod's Warning events name outright, each pointing to the check that owns it: a pod
// stuck for one of them is that check's to explain (operand-unhealthy and validator-failed say "see …").
import type { CheckName } from '../catalogue.js';
import type { Facts } from '../facts/facts.js';
import type { Pod } from '../collection/kube.js';

/**
 * Known causes that events name outright, each pointing to the check that owns it.
 * `blocksStart`: the pod's sandbox or containers cannot start at all, so no validation stage ran.
 */
export const EVENT_CAUSES: { pattern: RegExp; cause: string; check: CheckName; blocksStart?: boolean }[] = [
  { pattern: /no runtime for "nvidia" is configured/, cause: 'containerd has no "nvidia" runtime', check: 'nvidia-runtime-missing', blocksStart: true },
  { pattern: /RuntimeClass "[^"]+" not found|runtimeclass\.node\.k8s\.io "[^"]+" not found/i, cause: 'the RuntimeClass is missing', check: 'runtimeclass-missing', blocksStart: true },
  { pattern: /Back-off pulling image|ErrImagePull|ImagePullBackOff|Failed to pull image/, cause: 'the image cannot be pulled', check: 'image-pull-failing' },
  { pattern: /UnexpectedAdmissionError|Allocate failed due to requested number of devices unavailable/, cause: 'the kubelet found no free GPU at admission', check: 'unexpected-admission-error' },
];

/** Causes named by the pod's Warning events. */
export function eventCauseEntries(facts: Facts, pod: Pod): (typeof EVENT_CAUSES)[number][] {
  const messages = facts
    .eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)
    .filter((ev) => ev.type === 'Warning')
    .map((ev) => `${ev.reason ?? ''} ${ev.message ?? ''}`);
  return EVENT_CAUSES.filter((c) => messages.some((m) => c.pattern.test(m)));
}

/** Causes named by the pod's Warning events, as "see CHECK" lines. */
export function eventCauses(facts: Facts, pod: Pod): string[] {
  return eventCauseEntries(facts, pod).map((c) => `${c.cause}: see ${c.check}`);
}
