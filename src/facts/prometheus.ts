// Prometheus as Kantaloupe reads it: which Prometheus servers run (Prometheus Operator `Prometheus`
// objects, or a plain prometheus workload), their versions, which ServiceMonitors each one selects, the
// GPU exporters' ServiceMonitors, and where to query it. Pure functions over objects.
import semver from 'semver';
import { isDcgmExporterServiceMonitor } from '../stacks/gpu-operator.js';
import { isHamiServiceMonitor } from '../stacks/hami.js';
import type { Facts } from './facts.js';
import { isInvalid, parseImageReference } from './images.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import type { LabelSelector } from './label-selectors.js';
import { formatSelector, unmetRequirements } from './label-selectors.js';

export const PROMETHEUS_GROUP = 'monitoring.coreos.com';
/** kantaloupe-prerequisites: 如果使用外部 Prometheus，请确保其版本为 2.37.0 或更高版本. */
export const KANTALOUPE_MIN_PROMETHEUS = '2.37.0';
/** The governing Service the Prometheus Operator creates in the namespace of every Prometheus, and its port. */
export const OPERATED_SERVICE = { name: 'prometheus-operated', port: 'web' };
/** The prometheus-community/prometheus chart names its Service like the server Deployment, port `http`. */
const PLAIN_SERVER_PORT = 'http';
/** Namespaces label themselves with their name (Kubernetes ≥ 1.21): selectors may use it. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface VersionFact {
  /** x.y.z */
  version: string;
  /** Where it was read, for evidence: `pod monitoring/prometheus-k8s-0 runs quay.io/prometheus/prometheus:v2.30.3`. */
  source: string;
}

export interface PrometheusServer {
  /** The Prometheus object, or the Deployment/StatefulSet running Prometheus without the Operator. */
  object: KubeObject;
  /** `Prometheus monitoring/k8s`, `Deployment monitoring/prometheus-server`. */
  ref: string;
  version?: VersionFact;
  /** A tag that says no version (latest, a digest), quoted when no version could be read. */
  unreadableVersion?: string;
  /** The Operator's ServiceMonitor selectors; undefined without the Operator (ServiceMonitors do not apply). */
  selectors?: { serviceMonitor: LabelSelector | null; namespace: LabelSelector | null };
  /** Its HTTP API inside the cluster, for the API server's service proxy. */
  service: { namespace: string; name: string; port: string };
}

const refOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const isPrometheusObject = (o: KubeObject) => o.kind === 'Prometheus' && (o.apiVersion ?? '').startsWith(`${PROMETHEUS_GROUP}/`);

interface ContainerLike {
  name?: string;
  image?: string;
}

/** The Prometheus server container of a pod spec: its image's last path component is `prometheus`. */
function prometheusContainer(containers: ContainerLike[] | undefined): ContainerLike | undefined {
  return containers?.find((c) => {
    if (!c.image) return false;
    const ref = parseImageReference(c.image);
    return !isInvalid(ref) && ref.repository.split('/').pop() === 'prometheus';
  });
}

/** x.y.z from a tag or version string (`v2.30.3`, `2.45.0-distroless`); undefined for `latest`, digests… */
export function versionOf(tagOrVersion: string | undefined): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tagOrVersion ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3] ?? 0}` : undefined;
}

function imageVersion(image: string, source: string): VersionFact | string {
  const ref = parseImageReference(image);
  const tag = isInvalid(ref) ? undefined : ref.tag;
  const version = versionOf(tag);
  return version ? { version, source: `${source} runs ${image}` } : `${source} runs ${image}, whose tag names no version`;
}

/** Pods of an Operator-managed Prometheus: labelled with its name (operator.prometheus.io/name, or the older prometheus=NAME). */
function podsOfPrometheus(facts: Facts, prom: KubeObject): Pod[] {
  const { name, namespace } = prom.metadata;
  return facts.pods.filter(
    (p) =>
      p.metadata.namespace === namespace &&
      (p.metadata.labels?.['operator.prometheus.io/name'] === name || p.metadata.labels?.prometheus === name) &&
      !!prometheusContainer(p.spec?.containers),
  );
}

function ownedByPrometheus(o: KubeObject): boolean {
  return o.metadata.ownerReferences?.some((r) => r.kind === 'Prometheus') ?? false;
}

/** The version of an Operator-managed Prometheus: running pods first, then its StatefulSet, spec.image, spec.version. */
function operatedVersion(facts: Facts, prom: KubeObject): Pick<PrometheusServer, 'version' | 'unreadableVersion'> {
  const candidates: (VersionFact | string)[] = [];
  for (const pod of podsOfPrometheus(facts, prom)) {
    const c = prometheusContainer(pod.spec?.containers)!;
    candidates.push(imageVersion(c.image!, `pod ${pod.metadata.namespace}/${pod.metadata.name}`));
  }
  const sts = facts
    .all('StatefulSet')
    .filter((s) => s.metadata.namespace === prom.metadata.namespace && (s.metadata.name === `prometheus-${prom.metadata.name}` || s.metadata.ownerReferences?.some((r) => r.kind === 'Prometheus' && r.name === prom.metadata.name)));
  for (const s of sts) {
    const c = prometheusContainer(s.spec?.template?.spec?.containers);
    if (c) candidates.push(imageVersion(c.image!, refOf(s)));
  }
  if (typeof prom.spec?.image === 'string') candidates.push(imageVersion(prom.spec.image, `${refOf(prom)} spec.image`));
  if (typeof prom.spec?.version === 'string') {
    const version = versionOf(prom.spec.version);
    candidates.push(version ? { version, source: `${refOf(prom)} spec.version ${prom.spec.version}` } : `${refOf(prom)} spec.version ${prom.spec.version}`);
  }
  const found = candidates.find((c): c is VersionFact => typeof c !== 'string');
  if (found) return { version: found };
  const unreadable = candidates.find((c): c is string => typeof c === 'string');
  return unreadable ? { unreadableVersion: unreadable } : {};
}

/** Every Prometheus server the objects show: Operator `Prometheus` objects, then prometheus workloads without one. */
export function prometheusServers(facts: Facts): PrometheusServer[] {
  const servers: PrometheusServer[] = [];
  for (const prom of facts.all('Prometheus').filter(isPrometheusObject)) {
    servers.push({
      object: prom,
      ref: refOf(prom),
      ...operatedVersion(facts, prom),
      selectors: { serviceMonitor: prom.spec?.serviceMonitorSelector ?? null, namespace: prom.spec?.serviceMonitorNamespaceSelector ?? null },
      service: { namespace: prom.metadata.namespace ?? 'default', name: OPERATED_SERVICE.name, port: OPERATED_SERVICE.port },
    });
  }
  for (const kind of ['Deployment', 'StatefulSet']) {
    for (const workload of facts.all(kind)) {
      if (ownedByPrometheus(workload) || operatorManagedName(facts, workload)) continue;
      const c = prometheusContainer(workload.spec?.template?.spec?.containers);
      if (!c) continue;
      const v = imageVersion(c.image!, refOf(workload));
      servers.push({
        object: workload,
        ref: refOf(workload),
        ...(typeof v === 'string' ? { unreadableVersion: v } : { version: v }),
        service: { namespace: workload.metadata.namespace ?? 'default', name: workload.metadata.name, port: PLAIN_SERVER_PORT },
      });
    }
  }
  return servers;
}

/** A StatefulSet `prometheus-NAME` next to a Prometheus object NAME (a snapshot may lack the owner reference). */
function operatorManagedName(facts: Facts, workload: KubeObject): boolean {
  return facts
    .all('Prometheus')
    .some((p) => p.metadata.namespace === workload.metadata.namespace && workload.metadata.name.startsWith(`prometheus-${p.metadata.name}`));
}

export function isBelowKantaloupeMinimum(version: string): boolean {
  return semver.lt(version, KANTALOUPE_MIN_PROMETHEUS);
}

// ---- ServiceMonitor selection ------------------------------------------------------------------------

export interface SelectionVerdict {
  selected: boolean;
  /** Why not (or how), quoting the selector. */
  why: string;
}

function namespaceLabels(facts: Facts, name: string): Record<string, string> {
  const ns = facts.all('Namespace').find((n) => n.metadata.name === name);
  return { ...(ns?.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

/**
 * Whether an Operator-managed Prometheus reads a ServiceMonitor, by the Operator's rules: a null
 * serviceMonitorSelector selects none and `{}` selects all; a null serviceMonitorNamespaceSelector means
 * the Prometheus's own namespace only, `{}` every namespace.
 */
export function serviceMonitorSelection(facts: Facts, server: PrometheusServer, sm: KubeObject): SelectionVerdict {
  if (!server.selectors) return { selected: false, why: `${server.ref} runs without the Prometheus Operator: it reads no ServiceMonitor` };
  const { serviceMonitor, namespace } = server.selectors;
  const smNamespace = sm.metadata.namespace ?? 'default';
  const promNamespace = server.object.metadata.namespace ?? 'default';
  if (serviceMonitor === null) {
    return { selected: false, why: `${server.ref} has no spec.serviceMonitorSelector: it selects no ServiceMonitor at all` };
  }
  const unmet = unmetRequirements(serviceMonitor, sm.metadata.labels);
  if (unmet.length > 0) {
    return { selected: false, why: `${server.ref} selects ServiceMonitors by ${formatSelector(serviceMonitor)}; this one lacks ${unmet.join(', ')}` };
  }
  if (namespace === null) {
    if (smNamespace !== promNamespace) {
      return { selected: false, why: `${server.ref} has no spec.serviceMonitorNamespaceSelector: it reads ServiceMonitors in ${promNamespace} only, this one is in ${smNamespace}` };
    }
  } else {
    const nsUnmet = unmetRequirements(namespace, namespaceLabels(facts, smNamespace));
    if (nsUnmet.length > 0) {
      return { selected: false, why: `${server.ref} reads ServiceMonitors in namespaces matching ${formatSelector(namespace)}; namespace ${smNamespace} lacks ${nsUnmet.join(', ')}` };
    }
  }
  return { selected: true, why: `${server.ref} selects it (${formatSelector(serviceMonitor)})` };
}

// ---- the GPU exporters and their metrics -------------------------------------------------------------

export type GpuExporter = 'dcgm-exporter' | 'hami';

export const EXPORTER_TITLES: Record<GpuExporter, string> = {
  'dcgm-exporter': 'DCGM exporter',
  hami: 'HAMi',
};

/** Which GPU exporter a ServiceMonitor scrapes, by the names and labels the charts give it; undefined for others. */
export function gpuExporterOf(sm: KubeObject): GpuExporter | undefined {
  if (isDcgmExporterServiceMonitor(sm)) return 'dcgm-exporter';
  if (isHamiServiceMonitor(sm)) return 'hami';
  return undefined;
}

export function gpuServiceMonitors(facts: Facts): { sm: KubeObject; exporter: GpuExporter }[] {
  return facts
    .all('ServiceMonitor')
    .map((sm) => ({ sm, exporter: gpuExporterOf(sm) }))
    .filter((e): e is { sm: KubeObject; exporter: GpuExporter } => !!e.exporter);
}

export interface ExpectedMetric {
  metric: string;
  /** The exporter as kantaloupe-prerequisites names it (验证 … 数据). */
  exporter: string;
  from: GpuExporter;
}

/** The three queries of kantaloupe-prerequisites (ServiceMonitor 配置 › 验证监控数据), in its order. */
export const KANTALOUPE_METRICS: ExpectedMetric[] = [
  { metric: 'DCGM_FI_DEV_GPU_UTIL', exporter: 'dcgm-exporter', from: 'dcgm-exporter' },
  { metric: 'HostCoreUtilization', exporter: 'hami-exporter', from: 'hami' },
  { metric: 'GPUDeviceCoreAllocated', exporter: 'hami-device-plugin-exporter', from: 'hami' },
];

/** DaemonSets running a DCGM exporter (the GPU Operator's nvidia-dcgm-exporter, or the standalone chart's). */
export function dcgmExporterDaemonSets(facts: Facts): KubeObject[] {
  return facts.all('DaemonSet').filter((ds) => /dcgm-exporter/.test(ds.metadata.name));
}

/**
 * The Prometheus to query for the metric checks: an Operator-managed one that selects a GPU ServiceMonitor,
 * else the first Operator-managed one, else the first plain server.
 */
export function prometheusToQuery(facts: Facts): PrometheusServer | undefined {
  const servers = prometheusServers(facts);
  const monitors = gpuServiceMonitors(facts);
  return (
    servers.find((s) => monitors.some(({ sm }) => serviceMonitorSelection(facts, s, sm).selected)) ??
    servers.find((s) => s.selectors) ??
    servers[0]
  );
}

/** The API server path that proxies a Prometheus query to a Service: GET /api/v1/namespaces/NS/services/NAME:PORT/proxy/api/v1/query. */
export function serviceProxyQueryPath(service: PrometheusServer['service'], query: string): string {
  // NAME:PORT stays literal, as kubectl writes it: both are DNS labels.
  return `/api/v1/namespaces/${service.namespace}/services/${service.name}:${service.port}/proxy/api/v1/query?${new URLSearchParams({ query })}`;
}
