// How the scheduler decides where a pod may go: taints and tolerations, nodeSelector, and what
// FailedScheduling events say about it. Pure functions over objects.
import { capJoin } from '../bounded.js';
import type { Facts } from './facts.js';
import { podGpuRequest } from './gpu.js';
import type { Event, Node, Pod, Taint, Toleration } from '../collection/kube.js';

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

/** Taint keys whose toleration is conventionally `operator: Exists` (NVIDIA's charts, the homelab seed). */
const TOLERATE_ANY_VALUE = ['nvidia.com/gpu'];

/**
 * The toleration to add for one taint: `Exists` for a taint without value and for nvidia.com/gpu (as
 * NVIDIA's own DaemonSets tolerate it), otherwise `Equal` on the value, so that e.g. `sku=gpu` does not
 * also tolerate `sku=cpu`.
 */
export function tolerationFor(taint: { key: string; value?: string; effect?: string }): Toleration {
  const effect = taint.effect ? { effect: taint.effect } : {};
  return taint.value && !TOLERATE_ANY_VALUE.includes(taint.key)
    ? { key: taint.key, operator: 'Equal', value: taint.value, ...effect }
    : { key: taint.key, operator: 'Exists', ...effect };
}

/** A toleration as one line of flow YAML: `{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}`. */
export function formatToleration(t: Toleration): string {
  const fields = (['key', 'operator', 'value', 'effect'] as const)
    .filter((f) => t[f] !== undefined && t[f] !== '')
    .map((f) => `${f}: ${t[f]}`);
  return `{${fields.join(', ')}}`;
}

/** Entries of a nodeSelector that the labels do not satisfy (key absent or another value). */
export function unmatchedLabels(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): [string, string][] {
  return Object.entries(selector ?? {}).filter(([k, v]) => labels?.[k] !== v);
}

/** The node satisfies the pod's nodeSelector (every key present with the same value). */
export function matchesNodeSelector(pod: Pod, node: Node): boolean {
  return unmatchedLabels(node.metadata.labels, pod.spec?.nodeSelector).length === 0;
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

/** Pods that ask for nvidia.com/gpu and have no node yet. */
export function pendingGpuPods(facts: Facts): Pod[] {
  return facts.pods.filter((p) => isUnscheduled(p) && podGpuRequest(p) > 0);
}

/**
 * Pods bound to the node that ask for nvidia.com/gpu and never started: still Pending there, or
 * rejected at admission (UnexpectedAdmissionError: the kubelet found no device to give them).
 */
export function gpuPodsWaitingOn(facts: Facts, nodeName: string): Pod[] {
  return facts
    .podsOn(nodeName)
    .filter(
      (p) => podGpuRequest(p) > 0 && (p.status?.phase === 'Pending' || p.status?.reason === 'UnexpectedAdmissionError'),
    );
}

/** `ns/a, ns/b, ns/c and 4 more`: a few names of a list for one evidence line. */
export function someNames(refs: string[], shown = 3): string {
  return capJoin(refs, shown);
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** A pod spec's (or pod template's) placement fields that this module reads. */
export interface PlacementSpec {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
}

function requirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number.parseInt(value ?? '', 10);
      const want = Number.parseInt(values[0] ?? '', 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/**
 * Whether a node satisfies a spec's nodeSelector and required node affinity, as the scheduler's
 * NodeAffinity plugin decides (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): terms are
 * ORed, the requirements of a term ANDed, a term with no requirement matches nothing.
 */
export function nodeMatchesPlacement(spec: PlacementSpec | undefined, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  if (unmatchedLabels(labels, spec?.nodeSelector).length > 0) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((term) => {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (expressions.length === 0 && fields.length === 0) return false;
    return (
      expressions.every((r) => requirementHolds(r, labels[r.key])) &&
      fields.every((r) => requirementHolds(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
    );
  });
}
