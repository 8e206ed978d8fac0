import { describe, expect, it } from 'vitest';
import { formatSelector, labelsToSatisfy, selectorMatches, unmetRequirements } from '../../src/facts/label-selectors.js';
import { gpuExporterOf, prometheusServers, prometheusToQuery, serviceProxyQueryPath, versionOf } from '../../src/facts/prometheus.js';
import { detectStacks } from '../../src/facts/stacks.js';
import { factsOf, pod } from '../helpers/facts.js';
import { hami, kubeObject } from '../helpers/stacks.js';

describe('LabelSelector matching (metav1.LabelSelector)', () => {
  const labels = { app: 'dcgm', release: 'prometheus', tier: 'gpu' };
  it('matchLabels: every pair must be there with that value', () => {
    expect(selectorMatches({ matchLabels: { release: 'prometheus' } }, labels)).toBe(true);
    expect(unmetRequirements({ matchLabels: { release: 'kps', team: 'ml' } }, labels)).toEqual(['release=kps (is prometheus)', 'team=ml (absent)']);
  });
  it('In, NotIn, Exists, DoesNotExist, as the API server reads them (NotIn holds for an absent key)', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['cpu', 'gpu'] }] }, labels)).toBe(true);
    expect(unmetRequirements({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['cpu'] }] }, labels)).toEqual(['tier in (cpu) (is gpu)']);
    expect(unmetRequirements({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels)).toEqual(['zone in (a) (absent)']);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(unmetRequirements({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['dcgm'] }] }, labels)).toEqual(['app notin (dcgm) (is dcgm)']);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
    expect(unmetRequirements({ matchExpressions: [{ key: 'legacy', operator: 'Exists' }] }, labels)).toEqual(['legacy exists (absent)']);
    expect(unmetRequirements({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toEqual(['!app (is dcgm)']);
    expect(unmetRequirements({ matchExpressions: [{ key: 'app', operator: 'Matches' }] }, labels)).toEqual(['app: operator "Matches" is not valid (selects nothing)']);
  });
  it('{} matches everything; matchLabels and matchExpressions are ANDed', () => {
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'dcgm' }, matchExpressions: [{ key: 'release', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });
  it('prints selectors the way kubectl -l takes them', () => {
    expect(formatSelector(null)).toBe('none (null)');
    expect(formatSelector({})).toBe('{} (everything)');
    expect(formatSelector({ matchLabels: { release: 'prometheus' }, matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }, { key: 'y', operator: 'DoesNotExist' }] })).toBe(
      'release=prometheus,team in (a, b),x,!y',
    );
  });
  it('derives the labels to add, or none when relabelling cannot satisfy it', () => {
    expect(labelsToSatisfy({ matchLabels: { release: 'prometheus' }, matchExpressions: [{ key: 'team', operator: 'In', values: ['gpu', 'ml'] }] })).toEqual({ release: 'prometheus', team: 'gpu' });
    expect(labelsToSatisfy({ matchExpressions: [{ key: 'team', operator: 'Gt', values: ['1'] }] })).toBeUndefined();
  });
});

describe('Prometheus servers', () => {
  const prom = (spec: Record<string, unknown>, name = 'k8s') => kubeObject('monitoring.coreos.com/v1', 'Prometheus', name, 'monitoring', {}, { spec });
  it('reads x.y.z from tags and versions', () => {
    expect(versionOf('v2.30.3')).toBe('2.30.3');
    expect(versionOf('2.45.0-distroless')).toBe('2.45.0');
    expect(versionOf('v3.1')).toBe('3.1.0');
    expect(versionOf('latest')).toBeUndefined();
  });
  it('prefers the running pod over the StatefulSet over spec.image over spec.version', () => {
    const sts = kubeObject('apps/v1', 'StatefulSet', 'prometheus-k8s', 'monitoring', {}, { spec: { template: { spec: { containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.35.0' }] } } } });
    const running = pod('monitoring', 'prometheus-k8s-0', { labels: { prometheus: 'k8s' }, spec: { containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.34.0' }] } });
    const p = prom({ image: 'quay.io/prometheus/prometheus:v2.36.0', version: 'v2.33.0' });
    expect(prometheusServers(factsOf([p, sts, running]))[0]!.version).toEqual({ version: '2.34.0', source: 'pod monitoring/prometheus-k8s-0 runs quay.io/prometheus/prometheus:v2.34.0' });
    expect(prometheusServers(factsOf([p, sts]))[0]!.version!.source).toBe('StatefulSet monitoring/prometheus-k8s runs quay.io/prometheus/prometheus:v2.35.0');
    expect(prometheusServers(factsOf([p]))[0]!.version!.version).toBe('2.36.0');
    expect(prometheusServers(factsOf([prom({ version: 'v2.33.0' })]))[0]!.version!.version).toBe('2.33.0');
    expect(prometheusServers(factsOf([prom({})]))[0]!.version).toBeUndefined();
  });
  it('does not count the StatefulSet of an Operator Prometheus twice; a plain Deployment is its own server', () => {
    const sts = kubeObject('apps/v1', 'StatefulSet', 'prometheus-k8s', 'monitoring', {}, { spec: { template: { spec: { containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.35.0' }] } } } });
    const plain = kubeObject('apps/v1', 'Deployment', 'prometheus-server', 'tools', {}, { spec: { template: { spec: { containers: [{ name: 'prometheus-server', image: 'prom/prometheus:v2.40.1' }] } } } });
    const servers = prometheusServers(factsOf([prom({}), sts, plain]));
    expect(servers.map((s) => s.ref)).toEqual(['Prometheus monitoring/k8s', 'Deployment tools/prometheus-server']);
    expect(servers[1]!.service).toEqual({ namespace: 'tools', name: 'prometheus-server', port: 'http' });
    expect(servers[1]!.selectors).toBeUndefined();
  });
  it('queries the Prometheus that selects a GPU ServiceMonitor, through prometheus-operated:web', () => {
    const dcgm = kubeObject('monitoring.coreos.com/v1', 'ServiceMonitor', 'nvidia-dcgm-exporter', 'gpu-operator', { app: 'nvidia-dcgm-exporter', team: 'gpu' });
    const other = prom({ serviceMonitorSelector: { matchLabels: { team: 'web' } }, serviceMonitorNamespaceSelector: {} }, 'apps');
    const gpu = prom({ serviceMonitorSelector: { matchLabels: { team: 'gpu' } }, serviceMonitorNamespaceSelector: {} }, 'gpu');
    const target = prometheusToQuery(factsOf([other, gpu, dcgm]))!;
    expect(target.ref).toBe('Prometheus monitoring/gpu');
    expect(serviceProxyQueryPath(target.service, 'DCGM_FI_DEV_GPU_UTIL')).toBe('/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/query?query=DCGM_FI_DEV_GPU_UTIL');
    expect(serviceProxyQueryPath(target.service, 'sum(rate(x[5m]))')).toBe('/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/query?query=sum%28rate%28x%5B5m%5D%29%29');
  });
});

describe('GPU ServiceMonitors and the Kantaloupe stack', () => {
  const sm = (name: string, labels: Record<string, string> = {}) => kubeObject('monitoring.coreos.com/v1', 'ServiceMonitor', name, 'ns', labels);
  it('tells the exporters apart by the names and labels their charts give them', () => {
    expect(gpuExporterOf(sm('nvidia-dcgm-exporter'))).toBe('dcgm-exporter');
    expect(gpuExporterOf(sm('metrics', { 'app.kubernetes.io/name': 'dcgm-exporter' }))).toBe('dcgm-exporter');
    expect(gpuExporterOf(sm('hami-device-plugin-metrics-monitor'))).toBe('hami');
    expect(gpuExporterOf(sm('vgpu-scheduler'))).toBe('hami');
    expect(gpuExporterOf(sm('x', { 'app.kubernetes.io/component': 'hami-scheduler' }))).toBe('hami');
    expect(gpuExporterOf(sm('node-exporter', { app: 'prometheus-node-exporter' }))).toBeUndefined();
  });
  it('detects Kantaloupe from HAMi ServiceMonitors or its own components', () => {
    expect(detectStacks(factsOf([...hami(), sm('hami-scheduler-metrics-monitor')])).map((s) => s.id)).toEqual(['hami', 'kantaloupe']);
    expect(detectStacks(factsOf([kubeObject('v1', 'Namespace', 'kantaloupe-system')])).map((s) => s.id)).toEqual(['kantaloupe']);
    expect(detectStacks(factsOf(hami())).map((s) => s.id)).toEqual(['hami']);
  });
});
