// How the scheduler decides where a pod may go: taints and tolerations, nodeSelector, and what
// FailedScheduling events say about it. Pure functions over objects.
import type { Facts } from './facts.js';
import type { Event, Node, Pod, Taint, Toleration } from './kube.js';

/** Only these effects keep a pod off a node; PreferNoSchedule is a preference the scheduler may ignore. */
export const BLOCKING_EFFECTS = ['NoSchedule', 'NoExecute'];

/**
 * Taints the node lifecycle controller sets from node conditions. Tolerating them is never the fix:
 * the node itself is unhealthy, cordoned or not yet initialised.
 */
export const NODE_CONDITION_TAINT_PREFIXES = ['node.kubernetes.io/', 'node.cloudprovider.kubernetes.io/uninitialized'];

export function isNodeConditionTaint(taint: Taint): boolean {
  return NODE_CONDITION_TAINT_PREFIXES.some((p) => taint.key.startsWith(p));
}

/**
 * Kubernetes' Toleration.ToleratesTaint (k8s.io/api/core/v1/toleration.go), rule for rule:
 * an empty effect matches every effect; an empty key matches every key; Exists ignores the value;
 * Equal (or no operator) compares values, an empty value equalling an empty value; any other
 * operator tolerates nothing.
 */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** The node's NoSchedule/NoExecute taints that none of the tolerations tolerate. */
export function untoleratedTaints(tolerations: Toleration[] | undefined, taints: Taint[] | undefined): Taint[] {
  return (taints ?? []).filter(
    (taint) => BLOCKING_EFFECTS.includes(taint.effect) && !(tolerations ?? []).some((t) => tolerates(t, taint)),
  );
}

/** `key=value:Effect`, as `kubectl taint` writes it. */
export function formatTaint(taint: Taint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;
}

/** The narrowest toleration of one taint: Equal on the value when there is one, Exists when there is none. */
export function tolerationFor(taint: Taint): Toleration {
  return taint.value
    ? { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect }
    : { key: taint.key, operator: 'Exists', effect: taint.effect };
}

/** A toleration as one line of flow YAML: `{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}`. */
export function formatToleration(t: Toleration): string {
  const fields = (['key', 'operator', 'value', 'effect'] as const)
    .filter((f) => t[f] !== undefined && t[f] !== '')
    .map((f) => `${f}: ${t[f]}`);
  return `{${fields.join(', ')}}`;
}

/** The node satisfies the pod's nodeSelector (every key present with the same value). */
export function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  return Object.entries(pod.spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Not yet bound to a node: what `kubectl get pods` shows as Pending with no NODE. */
export function isUnscheduled(pod: Pod): boolean {
  return (pod.status?.phase ?? 'Pending') === 'Pending' && !pod.spec?.nodeName && !pod.metadata.deletionTimestamp;
}

/** FailedScheduling events of a pod, newest last. */
export function failedSchedulingEvents(facts: Facts, pod: Pod): Event[] {
  return facts.eventsFor('Pod', pod.metadata.name, pod.metadata.namespace).filter((e) => e.reason === 'FailedScheduling');
}

/** The scheduler's wording for a taint filter failure, old (`that the pod didn't tolerate`) and new. */
export function mentionsUntoleratedTaint(message: string | undefined): boolean {
  return !!message && /untolerated taint|that the pod didn't tolerate/.test(message);
}

/**
 * Taints a FailedScheduling message names: `had untolerated taint {nvidia.com/gpu: present}` and the
 * older `had taint {k: v}, that the pod didn't tolerate`. Newer schedulers write `untolerated taint(s)`
 * without naming any: then this is empty. The effect is not in the message.
 */
export function taintsInMessage(message: string | undefined): { key: string; value: string }[] {
  if (!message) return [];
  return [...message.matchAll(/taint \{([^{}:]+):\s?([^{}]*)\}/g)].map((m) => ({ key: m[1]!.trim(), value: m[2]!.trim() }));
}
