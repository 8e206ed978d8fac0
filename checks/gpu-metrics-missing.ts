import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { ExpectedMetric } from '../src/facts/prometheus.js';
import { dcgmExporterDaemonSets, gpuServiceMonitors, KANTALOUPE_METRICS, prometheusServers, serviceMonitorSelection } from '../src/facts/prometheus.js';
import { someNames } from '../src/facts/scheduling.js';
import { findStack, gpuOperatorNamespace } from '../src/facts/stacks.js';
import type { Issue } from '../src/model.js';
import type { PrometheusQueries } from '../src/collection/collection.js';

const ref = (o: { metadata: { name: string; namespace?: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

/** What the objects say about why an exporter's series are missing: the exporter itself, then its ServiceMonitor. */
function causes(facts: Facts, expected: ExpectedMetric): string[] {
  const lines: string[] = [];
  if (expected.from === 'dcgm-exporter') {
    const daemonSets = dcgmExporterDaemonSets(facts);
    const policy = facts.all('ClusterPolicy')[0];
    if (daemonSets.length === 0) {
      lines.push(
        policy?.spec?.dcgmExporter?.enabled === false
          ? `no DCGM exporter runs: ClusterPolicy ${policy.metadata.name} has dcgmExporter.enabled=false`
          : 'no DCGM exporter DaemonSet found (the GPU Operator runs nvidia-dcgm-exporter)',
      );
    } else lines.push(`DCGM exporter DaemonSet ${someNames(daemonSets.map(ref))}`);
  } else {
    const hami = findStack(facts, 'hami');
    lines.push(hami ? `HAMi installed: ${hami.evidence[0]}` : 'HAMi not found in the cluster');
  }
  const monitors = gpuServiceMonitors(facts).filter((m) => m.exporter === expected.from);
  if (monitors.length === 0) lines.push(`no ServiceMonitor for the ${expected.exporter} (see servicemonitor-not-selected)`);
  const servers = prometheusServers(facts).filter((s) => s.selectors);
  for (const { sm } of monitors) {
    const verdicts = servers.map((s) => serviceMonitorSelection(facts, s, sm));
    const selected = verdicts.find((v) => v.selected);
    lines.push(
      selected
        ? `ServiceMonitor ${ref(sm)} is selected (${selected.why}): look at its targets in Prometheus (Status › Targets)`
        : `ServiceMonitor ${ref(sm)} is not selected by any Prometheus (see servicemonitor-not-selected)`,
    );
  }
  return lines;
}

function fixCommands(facts: Facts, expected: ExpectedMetric, q: PrometheusQueries): string[] {
  // With no ServiceMonitor, enable it (the seed's install flags); with one, servicemonitor-not-selected has the relabel.
  const hasMonitor = gpuServiceMonitors(facts).some((m) => m.exporter === expected.from);
  const enable = hasMonitor
    ? []
    : [
        expected.from === 'dcgm-exporter'
          ? `helm upgrade gpu-operator nvidia/gpu-operator -n ${gpuOperatorNamespace(facts)} --reuse-values --set dcgmExporter.serviceMonitor.enabled=true`
          : `helm upgrade hami hami.tgz -n ${findStack(facts, 'hami')?.namespaces[0] ?? 'hami-system'} --reuse-values --set scheduler.serviceMonitor.enabled=true --set devicePlugin.serviceMonitor.enabled=true`,
      ];
  // Through a port-forward when gpuctl went through the API server, else at the URL it was given.
  const base = q.service ? 'http://localhost:9090' : /^https?:\/\//.test(q.endpoint ?? '') ? q.endpoint!.replace(/\/+$/, '') : 'http://PROMETHEUS:9090';
  return [
    ...enable,
    ...(q.service ? [`kubectl port-forward -n ${q.service.namespace} svc/${q.service.name} 9090:${q.service.port} &`] : []),
    `curl -s '${base}/api/v1/targets?state=active' | grep -o '"job":"[^"]*"' | sort -u`,
    `curl -s '${base}/api/v1/query?query=${expected.metric}'`,
  ];
}

export default defineCheck({
  name: 'gpu-metrics-missing',
  title: 'Prometheus has the GPU metrics Kantaloupe reads (DCGM, HAMi)',
  needs: ['Pod', 'DaemonSet', 'Deployment', 'ClusterPolicy', 'StatefulSet', 'Prometheus', 'ServiceMonitor', 'prometheus'],
  requires: [],
  stacks: ['hami', 'kantaloupe'],
  ok: `Prometheus returns series for ${KANTALOUPE_METRICS.map((m) => m.metric).join(', ')}`,
  explain: {
    detects: `Queries Prometheus — through the API server's service proxy, or --prometheus-url — for ${KANTALOUPE_METRICS.map((m) => `${m.metric} (${m.exporter})`).join(', ')}, as kantaloupe-prerequisites' verification does, and reports each exporter whose series are missing, with what the objects say about why (exporter not running, ServiceMonitor absent or not selected).`,
    why: 'Kantaloupe draws GPU utilisation and HAMi allocation from these series; when an exporter is not scraped its pages stay empty even though every pod runs.',
    fix: "Make Prometheus scrape the exporter: enable its ServiceMonitor (dcgmExporter.serviceMonitor.enabled, HAMi's scheduler/devicePlugin serviceMonitor), make the Prometheus select it, then look at the targets in Prometheus.",
  },
  zh: {
    title: 'Prometheus 中有 Kantaloupe 读取的 GPU 指标（DCGM、HAMi）',
    ok: 'Prometheus 能返回 DCGM_FI_DEV_GPU_UTIL、HostCoreUtilization 和 GPUDeviceCoreAllocated 的时间序列',
    headline: 'Prometheus 中缺少 Kantaloupe 需要的 GPU 指标',
    fixSummary: '让 Prometheus 抓取该 exporter：启用其 ServiceMonitor，让 Prometheus 选中它，然后检查 targets',
    explain: {
      detects:
        '通过 API Server 的服务代理（或 --prometheus-url）向 Prometheus 查询 DCGM_FI_DEV_GPU_UTIL（dcgm-exporter）、HostCoreUtilization（hami-exporter）和 GPUDeviceCoreAllocated（hami-device-plugin-exporter），与 kantaloupe-prerequisites 的验证步骤一致；报告每个缺少时间序列的 exporter，并结合集群对象说明原因（exporter 未运行、ServiceMonitor 缺失或未被选中）。',
      why: 'Kantaloupe 从这些时间序列中获取 GPU 利用率和 HAMi 的分配情况；exporter 没有被抓取时，即使所有 Pod 都在运行，其页面也一直为空。',
      fix: '让 Prometheus 抓取该 exporter：启用其 ServiceMonitor（dcgmExporter.serviceMonitor.enabled、HAMi 的 scheduler/devicePlugin serviceMonitor），让 Prometheus 选中它，然后在 Prometheus 中查看 targets。',
    },
  },
  run(facts) {
    const q = facts.prometheusQueries;
    if (!q) return { skip: 'Prometheus was not queried: a live run queries it through the API server (or --prometheus-url); a snapshot carries prometheus/queries.json' };
    if (q.error) return { skip: `Prometheus was not queried: ${q.error}` };
    const endpoint = q.endpoint ?? 'Prometheus';
    const answered = KANTALOUPE_METRICS.map((expected) => ({ expected, result: q.results.find((r) => r.query === expected.metric) })).filter(
      (a): a is { expected: ExpectedMetric; result: NonNullable<typeof a.result> } => !!a.result,
    );
    if (answered.length === 0) return { skip: `none of ${KANTALOUPE_METRICS.map((m) => m.metric).join(', ')} was queried at ${endpoint}` };
    const failed = answered.filter((a) => a.result.error !== undefined);
    if (failed.length === answered.length) return { skip: `every query to ${endpoint} failed: ${failed[0]!.result.error}` };

    const subject = q.target ?? { kind: 'Prometheus', name: endpoint };
    const issues: Issue[] = [];
    for (const { expected, result } of answered) {
      if (result.error !== undefined) {
        issues.push({
          severity: 'info',
          subject,
          message: `The query ${expected.metric} (${expected.exporter}) failed at ${endpoint}: cannot tell whether its series are there`,
          evidence: [`query ${expected.metric} at ${endpoint}: ${result.error}`],
        });
        continue;
      }
      if ((result.series ?? 0) > 0) continue;
      issues.push({
        severity: 'warning',
        subject,
        message: `Prometheus has no ${expected.metric} series: the ${expected.exporter}'s metrics are not collected, so Kantaloupe shows none of them`,
        evidence: [`query ${expected.metric} at ${endpoint}: 0 series`, ...causes(facts, expected)],
        fix: {
          summary: gpuServiceMonitors(facts).some((m) => m.exporter === expected.from)
            ? `Make the Prometheus select the ${expected.exporter}'s ServiceMonitor (see servicemonitor-not-selected), then check its targets`
            : `Enable the ${expected.exporter}'s ServiceMonitor, then check the Prometheus targets`,
          commands: fixCommands(facts, expected, q),
        },
      });
    }
    return issues;
  },
});

