// Everything a pod has said in words: container logs (this run and the previous), the messages of
// its container states, and its events — each with where it was read, for quoting.
import type { Facts } from './facts.js';
import type { Pod } from './kube.js';
import { allStatuses } from './pods.js';

export interface PodText {
  kind: 'log' | 'status' | 'event';
  text: string;
  /** "log of ml/train-0 container main (previous run)", "status of container main", "event Failed on pod ml/train-0". */
  source: string;
  container?: string;
}

export function podTexts(facts: Facts, pod: Pod): PodText[] {
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name;
  const texts: PodText[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const previous of [false, true]) {
      const log = facts.log(ns, name, c.name, previous);
      if (log) texts.push({ kind: 'log', text: log, container: c.name, source: `log of ${ns}/${name} container ${c.name}${previous ? ' (previous run)' : ''}` });
    }
  }
  for (const status of allStatuses(pod)) {
    for (const state of [status.state, status.lastState]) {
      const text = state?.waiting?.message ?? state?.terminated?.message;
      if (text) texts.push({ kind: 'status', text, container: status.name, source: `status of ${ns}/${name} container ${status.name}` });
    }
  }
  for (const ev of facts.eventsFor('Pod', name, ns)) {
    if (ev.message) texts.push({ kind: 'event', text: ev.message, source: `event ${ev.reason ?? 'without reason'} on pod ${ns}/${name}` });
  }
  return texts;
}
