// The resource types gpuctl reads, as data. Sources list each one once; facts index objects by `kind`.

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
  strip?: string[];
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
  unread?: string[];
  /**
   * String fields whose values repeat across thousands of objects (images, owners, node names): the
   * doctor keeps one copy of each value; JSON.parse makes a new string for every occurrence.
   */
  shared?: string[];
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

export const RESOURCE_TYPES = resourceTypes([
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
  { kind: 'ClusterPolicy', group: 'nvidia.com', version: 'v1', plural: 'clusterpolicies', namespaced: false, crd: true },
  // Admission webhooks inject TensorFusion and Bitfusion into pods; their configurations are small.
  { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingwebhookconfigurations', namespaced: false },
  { kind: 'ValidatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations', namespaced: false },
  // Bitfusion's token secret, by name in every namespace, and only whether it exists: never its data.
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, fieldSelector: 'metadata.name=bitfusion-secret', metadataOnly: true },
  // TensorFusion (tensor-fusion.ai/v1): the cluster, its pools, nodes and GPUs, and what workloads ask for.
  { kind: 'TensorFusionCluster', group: 'tensor-fusion.ai', version: 'v1', plural: 'tensorfusionclusters', namespaced: false, crd: true },
  { kind: 'GPUPool', group: 'tensor-fusion.ai', version: 'v1', plural: 'gpupools', namespaced: false, crd: true },
  { kind: 'GPUNode', group: 'tensor-fusion.ai', version: 'v1', plural: 'gpunodes', namespaced: false, crd: true },
  { kind: 'GPU', group: 'tensor-fusion.ai', version: 'v1', plural: 'gpus', namespaced: false, crd: true },
  { kind: 'TensorFusionWorkload', group: 'tensor-fusion.ai', version: 'v1', plural: 'tensorfusionworkloads', namespaced: true, crd: true },
  { kind: 'TensorFusionConnection', group: 'tensor-fusion.ai', version: 'v1', plural: 'tensorfusionconnections', namespaced: true, crd: true },
  // TensorFusion's NodeDiscovery jobs and the GPU model table they read, in its own namespace only.
  { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', namespaced: true, namespace: 'tensor-fusion-sys' },
  {
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    plural: 'configmaps',
    namespaced: true,
    namespace: 'tensor-fusion-sys',
    fieldSelector: 'metadata.name=tensor-fusion-sys-public-gpu-info',
  },
  // HAMi / Kantaloupe prerequisites: Prometheus (its version, its ServiceMonitor selectors), the GPU
  // ServiceMonitors, the Gateway API (a 404 on its lists means its CRDs are not installed).
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  { kind: 'Prometheus', group: 'monitoring.coreos.com', version: 'v1', plural: 'prometheuses', namespaced: true, crd: true },
  { kind: 'ServiceMonitor', group: 'monitoring.coreos.com', version: 'v1', plural: 'servicemonitors', namespaced: true, crd: true },
  { kind: 'GatewayClass', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', namespaced: false, crd: true },
  { kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', namespaced: true, crd: true },
]);

/** A kind gpuctl lists (the literal kinds of RESOURCE_TYPES): what a check's `needs` may name. */
export type Kind = (typeof RESOURCE_TYPES)[number]['kind'];

/** The list as given, with each `kind` kept as its literal type, so that `Kind` is a union of names, not `string`. */
export function resourceTypes<const K extends string>(types: (ResourceType & { kind: K })[]): (ResourceType & { kind: K })[] {
  return types;
}

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
