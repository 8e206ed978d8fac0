// What a pod's init containers, events and logs say, as evidence lines for findings about it.
import type { Facts } from './facts.js';
import { eventTime } from './facts.js';
import type { ContainerStatus, Event, Pod } from '../collection/kube.js';
import { lastLines } from './pods.js';

/** Waiting reasons that mean an image could not be pulled: image-pull-failing reports them. */
export const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/** The first init container that has not exited 0, if the pod is still initialising. */
export function firstUnfinishedInit(pod: Pod): ContainerStatus | undefined {
  return (pod.status?.initContainerStatuses ?? []).find(
    (s) => !(s.state?.terminated && s.state.terminated.exitCode === 0),
  );
}

export function countSuffix(ev: Event): string {
  return ev.count && ev.count > 1 ? ` ×${ev.count}` : '';
}

/** The last Warning events about a pod, newest last, as evidence lines. */
export function warningEventLines(facts: Facts, pod: Pod, limit = 3): string[] {
  return facts
    .eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)
    .filter((ev) => ev.type === 'Warning')
    .slice(-limit)
    .map((ev) => `event ${ev.reason ?? 'Warning'}${countSuffix(ev)}${eventTime(ev) ? ` at ${eventTime(ev)}` : ''}: ${oneLine(ev.message ?? '')}`);
}

/** The last lines of a container's log (the previous run's when it restarted), as evidence lines. */
export function logLines(facts: Facts, pod: Pod, container: string, previous: boolean, limit = 5): string[] {
  const ns = pod.metadata.namespace ?? '';
  const text = (previous ? facts.log(ns, pod.metadata.name, container, true) : undefined) ?? facts.log(ns, pod.metadata.name, container);
  const usedPrevious = previous && facts.log(ns, pod.metadata.name, container, true) !== undefined;
  const lines = lastLines(text, limit);
  if (lines.length === 0) return [`log ${container}: not collected`];
  return lines.map((line) => `log ${container}${usedPrevious ? ' (previous run)' : ''}: ${line}`);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
