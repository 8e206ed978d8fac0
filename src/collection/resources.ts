// The resource types gpuctl reads, as data. Sources list each one once; facts index objects by `kind`.
// A stack's own types (CRDs, its secret, its namespace's jobs) are in its module under src/stacks/.
import { STACKS, type StackResourceType } from '../stacks/index.js';

export interface ResourceType {
  /** The kind of the objects, as in a snapshot file. */
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** List only this namespace (a stack's own namespace): the LIST goes to /namespaces/NS/PLURAL. */
  namespace?: string;
  /** Server-side selectors applied to the LIST. */
  fieldSelector?: string;
  labelSelector?: string;
  /** A CRD: a 404 means "not installed", not an error. */
  crd?: boolean;
  /** Drop these fields as soon as an object arrives (size, secrecy). */
  strip?: readonly string[];
  /**
   * Ask the API server for metadata only (PartialObjectMetadataList), so the objects' contents never
   * leave the cluster: for Secrets, whose existence is all a check needs to know.
   */
  metadataOnly?: boolean;
  /**
   * Fields no check reads: the doctor does not keep them (`gpuctl collect` does, for a whole snapshot).
   * `a.b[].c` is field c of every element of the array a.b. At 100,000 pods they are ~150 MB of heap.
   * A check that starts to read one must take it off this list; test/scale/unread-fields.test.ts runs
   * every check with and without them on the example snapshots and fixtures.
   */
  unread?: readonly string[];
  /**
   * String fields whose values repeat across thousands of objects (images, owners, node names): the
   * doctor keeps one copy of each value; JSON.parse makes a new string for every occurrence.
   */
  shared?: readonly string[];
}

/** What a pod carries that no check reads: probes, mounts, addresses, bookkeeping. */
const POD_UNREAD = [
  'metadata.resourceVersion',
  'metadata.generateName',
  'metadata.uid',
  'metadata.ownerReferences[].uid',
  'metadata.ownerReferences[].blockOwnerDeletion',
  'spec.volumes',
  'spec.serviceAccountName',
  'spec.serviceAccount',
  'spec.securityContext',
  'spec.dnsPolicy',
  'spec.enableServiceLinks',
  'spec.terminationGracePeriodSeconds',
  'spec.preemptionPolicy',
  'spec.priority',
  ...['containers', 'initContainers'].flatMap((list) =>
    ['volumeMounts', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe'].map((f) => `spec.${list}[].${f}`),
  ),
  'status.podIP',
  'status.podIPs',
  'status.hostIP',
  'status.hostIPs',
  'status.qosClass',
  'status.startTime',
  'status.containerStatuses[].imageID',
  'status.initContainerStatuses[].imageID',
  // A container's id is read from containerStatuses (exec); the copies in terminated states are not.
  'status.initContainerStatuses[].containerID',
  ...['containerStatuses', 'initContainerStatuses'].flatMap((list) => ['state', 'lastState'].map((s) => `status.${list}[].${s}.terminated.containerID`)),
  'status.conditions[].lastProbeTime',
];

/** What every cluster is read for, whatever stacks it runs. */
const CORE_RESOURCE_TYPES = [
  // A node's image list is most of its size on a real cluster (tens of KB each).
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false, unread: ['metadata.resourceVersion', 'status.images'] },
  {
    kind: 'Pod',
    group: '',
    version: 'v1',
    plural: 'pods',
    namespaced: true,
    unread: POD_UNREAD,
    shared: [
      'spec.nodeName',
      'metadata.ownerReferences[].name',
      ...['spec.containers', 'spec.initContainers', 'status.containerStatuses', 'status.initContainerStatuses'].map((list) => `${list}[].image`),
    ],
  },
  // Warning events carry every failure the checks quote; Normal ones are the bulk of a busy cluster.
  { kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true, fieldSelector: 'type!=Normal' },
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'RuntimeClass', group: 'node.k8s.io', version: 'v1', plural: 'runtimeclasses', namespaced: false },
  // Admission webhooks inject TensorFusion and Bitfusion into pods; their configurations are small.
  { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingwebhookconfigurations', namespaced: false },
  { kind: 'ValidatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations', namespaced: false },
] as const satisfies readonly ResourceType[];

/**
 * Every type gpuctl lists: the core ones, then each stack's own (src/stacks/<id>.ts `resources`), in the
 * order of the stacks.
 */
export const RESOURCE_TYPES: ResourceType[] = [...CORE_RESOURCE_TYPES, ...STACKS.flatMap((s): readonly ResourceType[] => ('resources' in s ? s.resources : []))];
/** The kinds of RESOURCE_TYPES as a union of literals (the core list's and the stacks' `as const` specs). */
export type ResourceKind = (typeof CORE_RESOURCE_TYPES)[number]['kind'] | StackResourceType['kind'];

/** A kind gpuctl lists (the literal kinds of the core list and of the stacks' specs): what a check's `needs` may name. */
export type Kind = ResourceKind;

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function resourceName(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** A kind as the API names its objects: `pods`, `runtimeclasses`, `clusterpolicies`, `ingresses`. */
export function pluralOf(kind: string): string {
  const type = resourceTypeOfKind(kind);
  if (type) return type.plural;
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

export function resourceTypeOfKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}
