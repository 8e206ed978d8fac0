// Everything a pod has said in words: container logs (this run and the previous), the messages of
// its container states, and its events — each with where it was read, for quoting.
import type { Facts } from './facts.js';
import type { Pod } from '../collection/kube.js';

export interface PodText {
  kind: 'log' | 'status' | 'event';
  text: string;
  /** "log of ml/train-0 container main (previous run)", "status of container main", "event Failed on pod ml/train-0". */
  source: string;
  container?: string;
}

const NO_TEXTS = Object.freeze([]) as unknown as PodText[];

export function podTexts(facts: Facts, pod: Pod): PodText[] {
  // Asked of every pod by several checks; most pods have said nothing: plain loops, no arrays to spare.
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name;
  let texts: PodText[] | undefined;
  const add = (text: PodText) => (texts ??= []).push(text);
  for (const containers of [pod.spec?.initContainers, pod.spec?.containers]) {
    for (const c of containers ?? []) {
      const log = facts.log(ns, name, c.name, false);
      if (log) add({ kind: 'log', text: log, container: c.name, source: `log of ${ns}/${name} container ${c.name}` });
      const previous = facts.log(ns, name, c.name, true);
      if (previous) add({ kind: 'log', text: previous, container: c.name, source: `log of ${ns}/${name} container ${c.name} (previous run)` });
    }
  }
  for (const statuses of [pod.status?.initContainerStatuses, pod.status?.containerStatuses]) {
    for (const status of statuses ?? []) {
      for (const state of [status.state, status.lastState]) {
        const text = state?.waiting?.message ?? state?.terminated?.message;
        if (text) add({ kind: 'status', text, container: status.name, source: `status of ${ns}/${name} container ${status.name}` });
      }
    }
  }
  // The kubelet's refusal at admission (UnexpectedAdmissionError, OutOf<resource>) and the scheduler's reasons.
  if (pod.status?.message) add({ kind: 'status', text: pod.status.message, source: `status of ${ns}/${name} (${pod.status.reason ?? pod.status.phase ?? 'no reason'})` });
  for (const condition of pod.status?.conditions ?? []) {
    if (condition.status === 'False' && condition.message) add({ kind: 'status', text: condition.message, source: `${condition.type} condition of ${ns}/${name} (${condition.reason ?? 'False'})` });
  }
  for (const ev of facts.eventsFor('Pod', name, ns)) {
    if (ev.message) add({ kind: 'event', text: ev.message, source: `event ${ev.reason ?? 'without reason'} on pod ${ns}/${name}` });
  }
  return texts ?? NO_TEXTS;
}
