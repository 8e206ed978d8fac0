// The resource types gpuctl reads, as data. Sources list each one once; facts index objects by `kind`.

export interface ResourceType {
  /** The kind of the objects, as in a snapshot file. */
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Server-side selectors applied to the cluster-wide LIST. */
  fieldSelector?: string;
  labelSelector?: string;
  /** A CRD: a 404 means "not installed", not an error. */
  crd?: boolean;
  /** Drop these fields as soon as an object arrives (size, secrecy). */
  strip?: string[];
  /**
   * Fields no check reads: the doctor does not keep them (`gpuctl collect` does, for a whole snapshot).
   * `a.b[].c` is field c of every element of the array a.b. At 100,000 pods they are ~150 MB of heap.
   * A check that starts to read one must take it off this list; test/scale/unread-fields.test.ts runs
   * every check with and without them on the example snapshots and fixtures.
   */
  unread?: string[];
}

/** What a pod carries that no check reads: probes, mounts, addresses, bookkeeping. */
const POD_UNREAD = [
  'metadata.resourceVersion',
  'metadata.generateName',
  'spec.volumes',
  'spec.dnsPolicy',
  'spec.enableServiceLinks',
  'spec.terminationGracePeriodSeconds',
  'spec.preemptionPolicy',
  'spec.priority',
  ...['containers', 'initContainers'].flatMap((list) =>
    ['volumeMounts', 'terminationMessagePath', 'terminationMessagePolicy', 'livenessProbe', 'readinessProbe', 'startupProbe'].map((f) => `spec.${list}[].${f}`),
  ),
  'status.podIP',
  'status.podIPs',
  'status.hostIP',
  'status.hostIPs',
  'status.qosClass',
  'status.startTime',
  'status.containerStatuses[].imageID',
  'status.initContainerStatuses[].imageID',
  'status.conditions[].lastProbeTime',
];

export const RESOURCE_TYPES: ResourceType[] = [
  // A node's image list is most of its size on a real cluster (tens of KB each).
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false, unread: ['metadata.resourceVersion', 'status.images'] },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true, unread: POD_UNREAD },
  // Warning events carry every failure the checks quote; Normal ones are the bulk of a busy cluster.
  { kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true, fieldSelector: 'type!=Normal' },
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'RuntimeClass', group: 'node.k8s.io', version: 'v1', plural: 'runtimeclasses', namespaced: false },
  { kind: 'ClusterPolicy', group: 'nvidia.com', version: 'v1', plural: 'clusterpolicies', namespaced: false, crd: true },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export function resourceName(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function resourceTypeOfKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}
