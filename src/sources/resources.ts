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
}

export const RESOURCE_TYPES: ResourceType[] = [
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  // Warning events carry every failure the checks quote; Normal ones are the bulk of a busy cluster.
  { kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true, fieldSelector: 'type!=Normal' },
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'RuntimeClass', group: 'node.k8s.io', version: 'v1', plural: 'runtimeclasses', namespaced: false },
  { kind: 'ClusterPolicy', group: 'nvidia.com', version: 'v1', plural: 'clusterpolicies', namespaced: false, crd: true },
  // HAMi / Kantaloupe prerequisites: Prometheus (its version, its ServiceMonitor selectors), the GPU
  // ServiceMonitors, the Gateway API (a 404 on its lists means its CRDs are not installed).
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  { kind: 'Prometheus', group: 'monitoring.coreos.com', version: 'v1', plural: 'prometheuses', namespaced: true, crd: true },
  { kind: 'ServiceMonitor', group: 'monitoring.coreos.com', version: 'v1', plural: 'servicemonitors', namespaced: true, crd: true },
  { kind: 'GatewayClass', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', namespaced: false, crd: true },
  { kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', namespaced: true, crd: true },
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
