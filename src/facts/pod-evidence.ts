// What a pod's init containers, events and logs say, as evidence lines for findings about it.
import type { Facts } from './facts.js';
import { eventTime } from './facts.js';
import type { ContainerStatus, Event, Pod } from '../collection/kube.js';
import { displayStatus, isReady, lastLines, podRef } from './pods.js';

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

/** A pod that plainly does not work: its Ready condition False, or a container waiting or exited with an error. */
export function plainlyFailing(p: Pod): boolean {
  if (p.status?.phase === 'Succeeded' || isReady(p)) return false;
  const notReady = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false;
  const stuck = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].some((s) => (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing' && s.state.waiting.reason !== 'ContainerCreating') || (s.state?.terminated?.exitCode ?? 0) !== 0);
  return notReady || stuck || p.status?.phase === 'Failed';
}

/** What the component's failing pods show: their status, waiting messages, warning events and the log's last lines. */
export function failingPodLines(facts: Facts, pods: Pod[]): string[] {
  return pods.filter(plainlyFailing).slice(0, 2).flatMap((p) => {
    const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
    const bad = statuses.find((s) => !s.ready && (s.restartCount ?? 0) > 0) ?? statuses.find((s) => !s.ready);
    const waiting = statuses.flatMap((s) => (s.state?.waiting?.message ? [`status of ${podRef(p)} container ${s.name}: ${s.state.waiting.reason ?? 'Waiting'}: ${s.state.waiting.message.slice(0, 300)}`] : []));
    return [
      `pod ${podRef(p)}: ${displayStatus(p)}${bad?.restartCount ? `, ${bad.restartCount} restarts` : ''}`,
      ...waiting,
      ...warningEventLines(facts, p, 2).map((l) => `${l} (pod ${podRef(p)})`),
      ...(bad ? logLines(facts, p, bad.name, (bad.restartCount ?? 0) > 0, 2).filter((l) => !l.endsWith('not collected')).map((l) => `${l} (pod ${podRef(p)})`) : []),
    ];
  });
}
