// The hami-kantaloupe checks (GPU801–805) on hand-made facts: each fires on its case, stays quiet on a
// good cluster, and skips when its facts are absent.
import { describe, expect, it } from 'vitest';
import gatewayApiMissing from '../../checks/gateway-api-missing.js';
import gpuMetricsMissing from '../../checks/gpu-metrics-missing.js';
import helmTooOld, { helmVersion } from '../../checks/helm-too-old.js';
import prometheusTooOld from '../../checks/prometheus-too-old.js';
import servicemonitorNotSelected from '../../checks/servicemonitor-not-selected.js';
import { isSkip } from '../../src/check.js';
import type { KubeObject, Pod } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import type { PrometheusQueries } from '../../src/collection/collection.js';
import { factsOf, pod } from '../helpers/facts.js';
import { crashStatus, daemonSet, gpuOperator, hami, kubeObject, namespace, readyStatus } from '../helpers/stacks.js';

function issuesOf(result: Issue[] | { skip: string }): Issue[] {
  if (isSkip(result)) throw new Error(`skipped: ${result.skip}`);
  return result;
}

const helm = (stdout: string, exitCode = 0, stderr?: string) => new Map([['helm-version', { stdout, exitCode, stderr }]]);

/** A Prometheus Operator Prometheus as kube-prometheus-stack makes it (release=prometheus selector by default). */
function prometheus(spec: Record<string, unknown> = {}, name = 'prometheus-kube-prometheus-prometheus', ns = 'monitoring'): KubeObject {
  return kubeObject('monitoring.coreos.com/v1', 'Prometheus', name, ns, { release: 'prometheus', app: 'kube-prometheus-stack-prometheus' }, {
    spec: { serviceMonitorSelector: { matchLabels: { release: 'prometheus' } }, serviceMonitorNamespaceSelector: {}, ...spec },
  });
}

function prometheusPod(image: string, name = 'prometheus-kube-prometheus-prometheus', ns = 'monitoring') {
  return pod(ns, `prometheus-${name}-0`, {
    labels: { 'operator.prometheus.io/name': name, 'app.kubernetes.io/name': 'prometheus' },
    spec: { nodeName: 'gpu-1', containers: [{ name: 'prometheus', image }, { name: 'config-reloader', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.51.2' }] },
  });
}

const serviceMonitor = (ns: string, name: string, labels: Record<string, string>) => kubeObject('monitoring.coreos.com/v1', 'ServiceMonitor', name, ns, labels, { spec: {} });
const dcgmMonitor = (labels: Record<string, string> = { app: 'nvidia-dcgm-exporter' }) => serviceMonitor('gpu-operator', 'nvidia-dcgm-exporter', labels);
const hamiMonitor = (labels: Record<string, string> = {}) =>
  serviceMonitor('hami-system', 'hami-scheduler-metrics-monitor', { 'app.kubernetes.io/name': 'hami', 'app.kubernetes.io/component': 'hami-scheduler', ...labels });
const dcgmDaemonSet = () => daemonSet('gpu-operator', 'nvidia-dcgm-exporter', { app: 'nvidia-dcgm-exporter', 'app.kubernetes.io/part-of': 'nvidia-gpu' });

describe('helm-too-old', () => {
  it('reads the client version of Helm 3, 4 and 2', () => {
    expect(helmVersion('v3.13.2+g2a2fb3b\n')).toBe('3.13.2');
    expect(helmVersion('v4.0.1+g12500dd')).toBe('4.0.1');
    expect(helmVersion('Client: v2.16.1+gbbdfe5e\nServer: v2.16.1+gbbdfe5e')).toBe('2.16.1');
    expect(helmVersion('Error: unknown flag: --short')).toBeUndefined();
  });
  it('warns below 3.14 and quotes the output', () => {
    const [issue] = issuesOf(helmTooOld.run(factsOf(hami(), { localCommands: helm('v3.13.2+g2a2fb3b\n') })));
    expect(issue).toMatchObject({ severity: 'warning', subject: { kind: 'Tool', name: 'helm' }, message: 'Helm 3.13.2 on this machine is older than 3.14, the minimum Kantaloupe requires' });
    expect(issue!.evidence).toContain('`helm version --short` on this machine: v3.13.2+g2a2fb3b');
    expect(issue!.fix!.commands[0]).toContain('get-helm-3');
  });
  it('is quiet from 3.14 on, Helm 4 included', () => {
    expect(helmTooOld.run(factsOf(hami(), { localCommands: helm('v3.14.0+g3fc9f4b') }))).toEqual([]);
    expect(helmTooOld.run(factsOf(hami(), { localCommands: helm('v4.0.1+g12500dd') }))).toEqual([]);
  });
  it('says so (info) when helm is not installed', () => {
    const [issue] = issuesOf(helmTooOld.run(factsOf(hami(), { localCommands: helm('', 127, 'helm: command not found') })));
    expect(issue).toMatchObject({ severity: 'info', evidence: ['`helm version --short` on this machine: helm: command not found'] });
  });
  it('skips without the command, when it failed, and when its output has no version', () => {
    expect(helmTooOld.run(factsOf(hami()))).toEqual({ skip: expect.stringContaining('local/commands/helm-version.txt') });
    expect(helmTooOld.run(factsOf(hami(), { localCommands: helm('', 1, 'Error: kubernetes cluster unreachable') }))).toEqual({ skip: '`helm version --short` failed (exit 1): Error: kubernetes cluster unreachable' });
    expect(helmTooOld.run(factsOf(hami(), { localCommands: helm('something else') }))).toEqual({ skip: 'cannot read a version from `helm version --short`: something else' });
  });
});

describe('prometheus-too-old', () => {
  it('reads the version from the running pod first, and warns below 2.37', () => {
    const facts = factsOf([...hami(), prometheus({ version: 'v2.45.0' }), prometheusPod('quay.io/prometheus/prometheus:v2.30.3')]);
    const [issue] = issuesOf(prometheusTooOld.run(facts));
    expect(issue).toMatchObject({
      severity: 'warning',
      subject: { kind: 'Prometheus', name: 'prometheus-kube-prometheus-prometheus', namespace: 'monitoring' },
      message: 'Prometheus monitoring/prometheus-kube-prometheus-prometheus runs Prometheus 2.30.3, older than 2.37, the minimum Kantaloupe requires',
    });
    expect(issue!.evidence![0]).toBe('pod monitoring/prometheus-prometheus-kube-prometheus-prometheus-0 runs quay.io/prometheus/prometheus:v2.30.3');
    expect(issue!.fix!.commands[0]).toBe('helm upgrade prometheus prometheus-community/kube-prometheus-stack -n monitoring --reuse-values --version=75.15.1');
  });
  it('falls back to spec.version, and judges a plain prometheus Deployment by its image', () => {
    const facts = factsOf([...hami(), prometheus({ version: 'v2.36.2' })]);
    expect(issuesOf(prometheusTooOld.run(facts))[0]!.evidence![0]).toBe('Prometheus monitoring/prometheus-kube-prometheus-prometheus spec.version v2.36.2');
    const plain = kubeObject('apps/v1', 'Deployment', 'prometheus-server', 'monitoring', {}, { spec: { template: { spec: { containers: [{ name: 'prometheus-server', image: 'prom/prometheus:v2.26.0' }] } } } });
    const [issue] = issuesOf(prometheusTooOld.run(factsOf([...hami(), plain])));
    expect(issue).toMatchObject({ subject: { kind: 'Deployment', name: 'prometheus-server' }, message: expect.stringContaining('runs Prometheus 2.26.0') });
  });
  it('is quiet at 2.37 and later, and ignores the operator and reloader images', () => {
    const facts = factsOf([...hami(), prometheus(), prometheusPod('quay.io/prometheus/prometheus:v2.37.0')]);
    expect(prometheusTooOld.run(facts)).toEqual([]);
    const operator = kubeObject('apps/v1', 'Deployment', 'prometheus-operator', 'monitoring', {}, { spec: { template: { spec: { containers: [{ name: 'operator', image: 'quay.io/prometheus-operator/prometheus-operator:v0.51.2' }] } } } });
    expect(prometheusTooOld.run(factsOf([...hami(), prometheus(), prometheusPod('quay.io/prometheus/prometheus:v3.1.0'), operator]))).toEqual([]);
  });
  it('gives information when no Prometheus runs, or its tag names no version', () => {
    expect(issuesOf(prometheusTooOld.run(factsOf(hami())))[0]).toMatchObject({ severity: 'info', subject: { kind: 'Cluster' }, fix: { commands: [expect.any(String), expect.stringContaining('kube-prometheus-stack')] } });
    const [latest] = issuesOf(prometheusTooOld.run(factsOf([...hami(), prometheus(), prometheusPod('quay.io/prometheus/prometheus:latest')])));
    expect(latest).toMatchObject({ severity: 'info', evidence: ['pod monitoring/prometheus-prometheus-kube-prometheus-prometheus-0 runs quay.io/prometheus/prometheus:latest, whose tag names no version'] });
  });
});

describe('servicemonitor-not-selected', () => {
  const base = [...gpuOperator(), ...hami(), dcgmDaemonSet(), namespace('monitoring'), namespace('hami-system')];
  it('names the ServiceMonitor whose labels miss serviceMonitorSelector, and the label to add', () => {
    const facts = factsOf([...base, prometheus(), dcgmMonitor(), hamiMonitor({ release: 'prometheus' })]);
    const issues = issuesOf(servicemonitorNotSelected.run(facts));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'warning', subject: { kind: 'ServiceMonitor', name: 'nvidia-dcgm-exporter', namespace: 'gpu-operator' } });
    expect(issues[0]!.evidence).toContain('Prometheus monitoring/prometheus-kube-prometheus-prometheus selects ServiceMonitors by release=prometheus; this one lacks release=prometheus (absent)');
    expect(issues[0]!.fix!.commands[0]).toBe('kubectl label servicemonitor -n gpu-operator nvidia-dcgm-exporter release=prometheus --overwrite');
    expect(issues[0]!.fix!.commands.join('\n')).toContain('dcgmExporter.serviceMonitor.additionalLabels.release=prometheus');
    expect(issues[0]!.fix!.commands.join('\n')).toContain('serviceMonitorSelectorNilUsesHelmValues=false');
  });
  it('reads Prometheus\' answer too: no series confirms it; series present means the sources disagree (info, said)', () => {
    const objects = [...base, prometheus(), dcgmMonitor(), hamiMonitor({ release: 'prometheus' })];
    const queries = (series: number) => ({ prometheus: { endpoint: 'service monitoring/prometheus-operated:web (API server proxy)', results: [{ query: 'DCGM_FI_DEV_GPU_UTIL', series }] } });
    const [absent] = issuesOf(servicemonitorNotSelected.run(factsOf(objects, queries(0))));
    expect(absent).toMatchObject({ severity: 'warning' });
    expect(absent!.evidence).toContain('query at service monitoring/prometheus-operated:web (API server proxy): DCGM_FI_DEV_GPU_UTIL: 0 series (confirms it: nothing is scraped)');
    const [present] = issuesOf(servicemonitorNotSelected.run(factsOf(objects, queries(2))));
    expect(present).toMatchObject({ severity: 'info' });
    expect(present!.message).toBe('ServiceMonitor gpu-operator/nvidia-dcgm-exporter (DCGM exporter) is not selected by Prometheus monitoring/prometheus-kube-prometheus-prometheus, yet Prometheus has its series: another scrape job collects them, and this ServiceMonitor does nothing');
    expect(present!.evidence).toContain('query at service monitoring/prometheus-operated:web (API server proxy): DCGM_FI_DEV_GPU_UTIL: 2 series — the series are there, so another scrape job collects them');
  });
  it('follows the Operator: {} selects all, null selects none, matchExpressions count', () => {
    expect(servicemonitorNotSelected.run(factsOf([...base, prometheus({ serviceMonitorSelector: {} }), dcgmMonitor(), hamiMonitor()]))).toEqual([]);
    const none = issuesOf(servicemonitorNotSelected.run(factsOf([...base, prometheus({ serviceMonitorSelector: null }), dcgmMonitor()])));
    expect(none[0]!.evidence).toContain('Prometheus monitoring/prometheus-kube-prometheus-prometheus has no spec.serviceMonitorSelector: it selects no ServiceMonitor at all');
    const expr = { matchExpressions: [{ key: 'team', operator: 'In', values: ['gpu', 'ml'] }, { key: 'deprecated', operator: 'DoesNotExist' }] };
    expect(servicemonitorNotSelected.run(factsOf([...base, prometheus({ serviceMonitorSelector: expr }), dcgmMonitor({ team: 'ml' }), hamiMonitor({ team: 'gpu' })]))).toEqual([]);
    const dropped = issuesOf(servicemonitorNotSelected.run(factsOf([...base, prometheus({ serviceMonitorSelector: expr }), dcgmMonitor({ team: 'ml', deprecated: 'yes' }), hamiMonitor({ team: 'gpu' })])));
    expect(dropped.map((i) => i.subject.name)).toEqual(['nvidia-dcgm-exporter']);
    expect(dropped[0]!.evidence!.join('\n')).toContain('!deprecated (is yes)');
  });
  it('applies serviceMonitorNamespaceSelector: null means the Prometheus namespace only, labels match Namespace labels', () => {
    const own = issuesOf(servicemonitorNotSelected.run(factsOf([...base, prometheus({ serviceMonitorNamespaceSelector: null }), dcgmMonitor({ release: 'prometheus' }), hamiMonitor({ release: 'prometheus' })])));
    expect(own.map((i) => i.subject.name)).toEqual(['nvidia-dcgm-exporter', 'hami-scheduler-metrics-monitor']);
    expect(own[0]!.evidence).toContain('Prometheus monitoring/prometheus-kube-prometheus-prometheus has no spec.serviceMonitorNamespaceSelector: it reads ServiceMonitors in monitoring only, this one is in gpu-operator');
    expect(own[0]!.fix!.commands[0]).toMatch(/serviceMonitorNamespaceSelector":\{\}/);
    const byName = prometheus({ serviceMonitorNamespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['gpu-operator', 'hami-system'] }] } });
    expect(servicemonitorNotSelected.run(factsOf([...base, byName, dcgmMonitor({ release: 'prometheus' }), hamiMonitor({ release: 'prometheus' })]))).toEqual([]);
  });
  it('is satisfied when any one of several Prometheus objects selects it', () => {
    const second = prometheus({ serviceMonitorSelector: { matchLabels: { app: 'nvidia-dcgm-exporter' } } }, 'gpu', 'monitoring');
    expect(servicemonitorNotSelected.run(factsOf([...base, prometheus(), second, dcgmMonitor(), hamiMonitor({ release: 'prometheus' })]))).toEqual([]);
  });
  it('with HAMi, reports an exporter that has no ServiceMonitor at all', () => {
    const issues = issuesOf(servicemonitorNotSelected.run(factsOf([...base, prometheus(), dcgmMonitor({ app: 'nvidia-dcgm-exporter', release: 'prometheus' })])));
    expect(issues).toMatchObject([{ subject: { kind: 'Deployment', name: 'hami-scheduler', namespace: 'hami-system' }, message: 'HAMi has no ServiceMonitor: Prometheus does not scrape it, and Kantaloupe shows none of its metrics' }]);
    expect(issues[0]!.fix!.commands[0]).toBe('helm upgrade hami hami.tgz -n hami-system --reuse-values --set scheduler.serviceMonitor.enabled=true --set devicePlugin.serviceMonitor.enabled=true');
  });
  it('without HAMi, a GPU Operator cluster only has its DCGM ServiceMonitor judged', () => {
    const facts = factsOf([...gpuOperator(), dcgmDaemonSet(), prometheus(), dcgmMonitor()]);
    expect(issuesOf(servicemonitorNotSelected.run(facts)).map((i) => i.subject.name)).toEqual(['nvidia-dcgm-exporter']);
    expect(servicemonitorNotSelected.run(factsOf([...gpuOperator(), dcgmDaemonSet(), prometheus()]))).toEqual([]);
  });
  it('warns when there is no Prometheus object to read the ServiceMonitors, and skips without the Operator', () => {
    const [issue] = issuesOf(servicemonitorNotSelected.run(factsOf([...base, dcgmMonitor(), hamiMonitor()])));
    expect(issue!.message).toContain('is read by no Prometheus');
    expect(servicemonitorNotSelected.run(factsOf(base))).toEqual({ skip: expect.stringContaining('the Prometheus Operator is not installed') });
  });
});

describe('gateway-api-missing', () => {
  const kantaloupe = [...hami(), hamiMonitor()];
  const gatewayClass = (accepted: boolean) =>
    kubeObject('gateway.networking.k8s.io/v1', 'GatewayClass', 'eg', undefined, {}, { spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' }, status: { conditions: [{ type: 'Accepted', status: accepted ? 'True' : 'False', reason: accepted ? 'Accepted' : 'Waiting' }] } });
  const gateway = (programmed: boolean) =>
    kubeObject('gateway.networking.k8s.io/v1', 'Gateway', 'kantaloupe', 'envoy-gateway-system', {}, { spec: { gatewayClassName: 'eg' }, status: { conditions: [{ type: 'Programmed', status: programmed ? 'True' : 'False', reason: programmed ? 'Programmed' : 'AddressNotAssigned' }] } });

  it('warns where Kantaloupe is prepared and the API is not served (live 404), with Envoy Gateway as the fix', () => {
    const [issue] = issuesOf(gatewayApiMissing.run(factsOf(kantaloupe, { notInstalled: new Set(['Gateway', 'GatewayClass']) })));
    expect(issue).toMatchObject({ severity: 'warning', subject: { kind: 'CustomResourceDefinition', name: 'gateways.gateway.networking.k8s.io' } });
    expect(issue!.evidence![0]).toBe('GET /apis/gateway.networking.k8s.io/v1/gatewayclasses: 404, the API is not served');
    expect(issue!.fix!.commands[0]).toMatch(/^helm install eg oci:\/\/docker\.io\/envoyproxy\/gateway-helm --version v\d/);
  });
  it('is only information where HAMi runs without Kantaloupe signs', () => {
    expect(issuesOf(gatewayApiMissing.run(factsOf(hami())))[0]).toMatchObject({ severity: 'info' });
  });
  it('takes a CRD object in a snapshot as installed, then asks for a GatewayClass', () => {
    const crd = kubeObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gateways.gateway.networking.k8s.io');
    const [issue] = issuesOf(gatewayApiMissing.run(factsOf([...kantaloupe, crd])));
    expect(issue!.message).toBe('The Gateway API CRDs are installed but there is no GatewayClass: no controller implements them');
  });
  it('reports a class not accepted and a gateway not programmed', () => {
    const issues = issuesOf(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(false), gateway(false)])));
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^No GatewayClass is accepted by its controller/),
      expect.stringMatching(/^No Gateway is programmed/),
    ]);
    expect(issues[0]!.evidence).toEqual(['GatewayClass eg: controllerName gateway.envoyproxy.io/gatewayclass-controller, Accepted False (Waiting)', 'Envoy Gateway (the controller of GatewayClass eg): no pod of it in the cluster']);
  });
  const envoyGateway = (status: Pod['status']) => pod('envoy-gateway-system', 'envoy-gateway-5d7f9c8b6-k2x9q', { labels: { 'control-plane': 'envoy-gateway' }, spec: { containers: [{ name: 'envoy-gateway', image: 'docker.io/envoyproxy/gateway:v1.4.2' }] }, status });
  it('names the class\'s controller and what its pods show when the class is not accepted', () => {
    const [none] = issuesOf(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(false)])));
    expect(none!.evidence).toContain('Envoy Gateway (the controller of GatewayClass eg): no pod of it in the cluster');
    const [running] = issuesOf(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(false), envoyGateway(readyStatus())])));
    expect(running!.evidence).toContain('Envoy Gateway: 1 pod(s) running (envoy-gateway-system/envoy-gateway-5d7f9c8b6-k2x9q)');
  });
  it('fires from the controller\'s pods alone when the statuses say it works but its pods fail, quoting their log', () => {
    const status = crashStatus();
    status!.containerStatuses![0]!.name = 'envoy-gateway';
    const crashing = envoyGateway(status);
    const log = new Map([['envoy-gateway-system/envoy-gateway-5d7f9c8b6-k2x9q/envoy-gateway.previous', 'failed to start server: failed to create certificate: open /certs/tls.crt: no such file or directory\n']]);
    const [issue] = issuesOf(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(true), gateway(true), crashing], { logs: log })));
    expect(issue).toMatchObject({ severity: 'warning', subject: { kind: 'Pod', name: 'envoy-gateway-5d7f9c8b6-k2x9q', namespace: 'envoy-gateway-system' } });
    expect(issue!.message).toMatch(/^Envoy Gateway, the controller of GatewayClass eg, has no working pod \(envoy-gateway-system\/envoy-gateway-5d7f9c8b6-k2x9q CrashLoopBackOff\)/);
    expect(issue!.evidence).toContain('log envoy-gateway (previous run): failed to start server: failed to create certificate: open /certs/tls.crt: no such file or directory (pod envoy-gateway-system/envoy-gateway-5d7f9c8b6-k2x9q)');
    expect(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(true), gateway(true), envoyGateway(readyStatus())]))).toEqual([]);
  });
  it('asks for a Gateway when only the class exists, and is quiet with both', () => {
    expect(issuesOf(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(true)])))[0]!.message).toMatch(/^There is no Gateway/);
    expect(gatewayApiMissing.run(factsOf([...kantaloupe, gatewayClass(true), gateway(true)]))).toEqual([]);
  });
});

describe('gpu-metrics-missing', () => {
  const queries = (series: Record<string, number | string>): PrometheusQueries => ({
    endpoint: 'service monitoring/prometheus-operated:web (API server proxy)',
    target: { kind: 'Prometheus', name: 'prometheus-kube-prometheus-prometheus', namespace: 'monitoring' },
    service: { namespace: 'monitoring', name: 'prometheus-operated', port: 'web' },
    results: Object.entries(series).map(([query, n]) => (typeof n === 'number' ? { query, series: n, result: [] } : { query, error: n })),
  });
  const objects = [...gpuOperator(), ...hami(), dcgmDaemonSet(), prometheus(), dcgmMonitor(), hamiMonitor({ release: 'prometheus' })];

  it('names the exporter whose series are missing, and why the objects say so', () => {
    const facts = factsOf(objects, { prometheus: queries({ DCGM_FI_DEV_GPU_UTIL: 0, HostCoreUtilization: 2, GPUDeviceCoreAllocated: 2 }) });
    const issues = issuesOf(gpuMetricsMissing.run(facts));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      severity: 'warning',
      subject: { kind: 'Prometheus', name: 'prometheus-kube-prometheus-prometheus', namespace: 'monitoring' },
      message: "Prometheus has no DCGM_FI_DEV_GPU_UTIL series: the dcgm-exporter's metrics are not collected, so Kantaloupe shows none of them",
    });
    expect(issues[0]!.evidence).toEqual([
      'query DCGM_FI_DEV_GPU_UTIL at service monitoring/prometheus-operated:web (API server proxy): 0 series',
      'DCGM exporter DaemonSet gpu-operator/nvidia-dcgm-exporter',
      'ServiceMonitor gpu-operator/nvidia-dcgm-exporter is not selected by any Prometheus (see servicemonitor-not-selected)',
    ]);
    expect(issues[0]!.fix!.commands).toContain('kubectl port-forward -n monitoring svc/prometheus-operated 9090:web &');
  });
  it('points at the missing ServiceMonitor of HAMi and enables it', () => {
    const facts = factsOf([...gpuOperator(), ...hami(), dcgmDaemonSet(), prometheus(), dcgmMonitor({ app: 'nvidia-dcgm-exporter', release: 'prometheus' })], {
      prometheus: queries({ DCGM_FI_DEV_GPU_UTIL: 2, HostCoreUtilization: 0, GPUDeviceCoreAllocated: 0 }),
    });
    const issues = issuesOf(gpuMetricsMissing.run(facts));
    expect(issues.map((i) => i.message.split(':')[0])).toEqual(['Prometheus has no HostCoreUtilization series', 'Prometheus has no GPUDeviceCoreAllocated series']);
    expect(issues[0]!.evidence).toContain('no ServiceMonitor for the hami-exporter (see servicemonitor-not-selected)');
    expect(issues[0]!.fix!.commands[0]).toContain('--set scheduler.serviceMonitor.enabled=true');
  });
  it('is quiet when every query returns series; a failed query is information', () => {
    expect(gpuMetricsMissing.run(factsOf(objects, { prometheus: queries({ DCGM_FI_DEV_GPU_UTIL: 2, HostCoreUtilization: 1, GPUDeviceCoreAllocated: 1 }) }))).toEqual([]);
    const [issue] = issuesOf(gpuMetricsMissing.run(factsOf(objects, { prometheus: queries({ DCGM_FI_DEV_GPU_UTIL: 2, HostCoreUtilization: 'no answer within 10s (--request-timeout)', GPUDeviceCoreAllocated: 1 }) })));
    expect(issue).toMatchObject({ severity: 'info', evidence: ['query HostCoreUtilization at service monitoring/prometheus-operated:web (API server proxy): no answer within 10s (--request-timeout)'] });
  });
  it('skips when Prometheus was not queried, could not be found, or every query failed', () => {
    expect(gpuMetricsMissing.run(factsOf(objects))).toEqual({ skip: expect.stringContaining('prometheus/queries.json') });
    expect(gpuMetricsMissing.run(factsOf(objects, { prometheus: { error: 'no Prometheus found in the cluster', results: [] } }))).toEqual({ skip: 'Prometheus was not queried: no Prometheus found in the cluster' });
    const forbidden = '403 Forbidden: services "prometheus-operated:web" is forbidden: User "dev" cannot get resource "services/proxy"';
    expect(gpuMetricsMissing.run(factsOf(objects, { prometheus: queries({ DCGM_FI_DEV_GPU_UTIL: forbidden, HostCoreUtilization: forbidden, GPUDeviceCoreAllocated: forbidden }) }))).toEqual({
      skip: `every query to service monitoring/prometheus-operated:web (API server proxy) failed: ${forbidden}`,
    });
  });
  it('queries at a --prometheus-url are checked against that URL', () => {
    const facts = factsOf(objects, { prometheus: { endpoint: 'http://prometheus.example:9090', target: { kind: 'Prometheus', name: 'http://prometheus.example:9090' }, results: [{ query: 'DCGM_FI_DEV_GPU_UTIL', series: 0 }] } });
    const [issue] = issuesOf(gpuMetricsMissing.run(facts));
    expect(issue!.fix!.commands).toContain("curl -s 'http://prometheus.example:9090/api/v1/query?query=DCGM_FI_DEV_GPU_UTIL'");
  });
});

describe('the hami-kantaloupe checks', () => {
  it('declare the stacks they are about', () => {
    for (const check of [helmTooOld, prometheusTooOld, gatewayApiMissing, gpuMetricsMissing]) expect(check.stacks).toEqual(['hami', 'kantaloupe']);
    expect(servicemonitorNotSelected.stacks).toContain('gpu-operator');
  });
});
