import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject } from '../src/facts/kube.js';
import { labelsToSatisfy, selectorMatches } from '../src/facts/label-selectors.js';
import type { GpuExporter, PrometheusServer } from '../src/facts/prometheus.js';
import { dcgmExporterDaemonSets, EXPORTER_TITLES, gpuServiceMonitors, KANTALOUPE_METRICS, prometheusServers, serviceMonitorSelection } from '../src/facts/prometheus.js';
import { someNames } from '../src/facts/scheduling.js';
import { findStack, gpuOperatorNamespace, hasStack } from '../src/facts/stacks.js';
import type { Fix, Issue } from '../src/model.js';

const ref = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/**
 * What Prometheus answered for the exporter's series (gpu-metrics-missing's queries): absent confirms the
 * ServiceMonitor is not scraped; present means another job collects them (an additionalScrapeConfig, a
 * PodMonitor, another Prometheus), and the sources disagree.
 */
function seriesOf(facts: Facts, exporter: GpuExporter): { line: string; present: boolean } | undefined {
  const q = facts.prometheusQueries;
  if (!q || q.error) return undefined;
  const endpoint = q.endpoint ?? 'Prometheus';
  const answered = KANTALOUPE_METRICS.filter((m) => m.from === exporter).flatMap((m) => {
    const r = q.results.find((r) => r.query === m.metric);
    return r && r.error === undefined ? [{ metric: m.metric, series: r.series ?? 0 }] : [];
  });
  if (answered.length === 0) return undefined;
  const present = answered.filter((a) => a.series > 0);
  const text = answered.map((a) => `${a.metric}: ${a.series} series`).join(', ');
  return { line: `query at ${endpoint}: ${text}${present.length ? ' — the series are there, so another scrape job collects them' : ' (confirms it: nothing is scraped)'}`, present: present.length > 0 };
}

/** How each chart puts extra labels on its ServiceMonitor, so a relabel survives the next upgrade. */
const CHART_LABELS: Record<GpuExporter, (labels: string) => string> = {
  'dcgm-exporter': (labels) => `helm upgrade gpu-operator nvidia/gpu-operator -n GPU_OPERATOR_NS --reuse-values ${labels.split(',').map((l) => `--set dcgmExporter.serviceMonitor.additionalLabels.${l}`).join(' ')}`,
  hami: (labels) => `helm upgrade hami HAMI_CHART -n HAMI_NS --reuse-values ${labels.split(',').map((l) => `--set-string global.labels.${l}`).join(' ')}`,
};

/** How to turn an exporter's ServiceMonitor on (kantaloupe-prerequisites' install commands). */
const ENABLE: Record<GpuExporter, string> = {
  'dcgm-exporter': 'helm upgrade gpu-operator nvidia/gpu-operator -n GPU_OPERATOR_NS --reuse-values --set dcgmExporter.serviceMonitor.enabled=true',
  hami: 'helm upgrade hami HAMI_CHART -n HAMI_NS --reuse-values --set scheduler.serviceMonitor.enabled=true --set devicePlugin.serviceMonitor.enabled=true',
};

function placeholders(facts: Facts, command: string): string {
  return command
    .replace('GPU_OPERATOR_NS', gpuOperatorNamespace(facts))
    .replace('HAMI_NS', findStack(facts, 'hami')?.namespaces[0] ?? 'hami-system')
    .replace('HAMI_CHART', 'hami.tgz');
}

/** The fix for one unselected ServiceMonitor: its labels (kubectl now, the chart's values for good), or the Prometheus side. */
function relabel(facts: Facts, sm: KubeObject, exporter: GpuExporter, servers: PrometheusServer[]): Fix {
  const commands: string[] = [];
  const server = servers[0];
  const selector = server?.selectors?.serviceMonitor;
  const wanted = selector ? labelsToSatisfy(selector) : undefined;
  const labelsNeeded = wanted && Object.entries(wanted).filter(([k, v]) => sm.metadata.labels?.[k] !== v);
  if (selector && wanted && labelsNeeded?.length && selectorMatches(selector, { ...sm.metadata.labels, ...wanted })) {
    const pairs = labelsNeeded.map(([k, v]) => `${k}=${v}`).join(',');
    commands.push(`kubectl label servicemonitor -n ${sm.metadata.namespace} ${sm.metadata.name} ${pairs.replace(/,/g, ' ')} --overwrite`);
    commands.push(`# keep it across upgrades: ${placeholders(facts, CHART_LABELS[exporter](pairs))}`);
  }
  if (server?.selectors) {
    const ns = server.object.metadata.namespace;
    const name = server.object.metadata.name;
    const verdict = serviceMonitorSelection(facts, server, sm);
    if (/NamespaceSelector|namespaces matching/.test(verdict.why)) {
      commands.push(`kubectl patch prometheus -n ${ns} ${name} --type merge -p '{"spec":{"serviceMonitorNamespaceSelector":{}}}'   # read ServiceMonitors in every namespace`);
    }
    if (server.object.metadata.labels?.release || server.object.metadata.labels?.['app.kubernetes.io/instance']) {
      const release = server.object.metadata.labels?.release ?? server.object.metadata.labels?.['app.kubernetes.io/instance'];
      commands.push(`# or let kube-prometheus-stack select every ServiceMonitor: helm upgrade ${release} prometheus-community/kube-prometheus-stack -n ${ns} --reuse-values --set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false`);
    }
  }
  return {
    summary: "Give the ServiceMonitor the labels the Prometheus selects (in the chart's values, so upgrades keep them), or widen the Prometheus selectors",
    commands,
  };
}

export default defineCheck({
  name: 'servicemonitor-not-selected',
  title: 'Prometheus selects the HAMi and DCGM exporter ServiceMonitors',
  needs: ['Pod', 'Namespace', 'DaemonSet', 'Deployment', 'StatefulSet', 'Prometheus', 'ServiceMonitor', 'prometheus'],
  requires: ['ServiceMonitor', 'Prometheus'],
  stacks: ['hami', 'kantaloupe', 'gpu-operator'],
  ok: 'every HAMi and DCGM exporter ServiceMonitor is selected by a Prometheus',
  explain: {
    detects:
      "HAMi and DCGM exporter ServiceMonitors that no Prometheus Operator `Prometheus` reads: their labels miss its spec.serviceMonitorSelector (kube-prometheus-stack's default is release=RELEASE; a null selector selects nothing), or their namespace misses spec.serviceMonitorNamespaceSelector (null: the Prometheus's own namespace only). With HAMi, also a HAMi or DCGM exporter that has no ServiceMonitor at all.",
    why: 'An unselected ServiceMonitor is silently ignored: Prometheus never scrapes the exporter, DCGM_FI_DEV_GPU_UTIL, HostCoreUtilization and GPUDeviceCoreAllocated stay empty, and Kantaloupe shows no GPU usage.',
    fix: "Add the labels the selector wants to the ServiceMonitor through its chart's values (GPU Operator: dcgmExporter.serviceMonitor.additionalLabels; HAMi: global.labels), or widen the Prometheus selectors (kube-prometheus-stack: prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false).",
  },
  zh: {
    title: 'Prometheus 选中了 HAMi 和 DCGM exporter 的 ServiceMonitor',
    ok: '每个 HAMi 和 DCGM exporter 的 ServiceMonitor 都被某个 Prometheus 选中',
    headline: 'HAMi 或 DCGM exporter 的 ServiceMonitor 没有被任何 Prometheus 选中（或根本不存在）',
    fixSummary: '给 ServiceMonitor 加上 Prometheus 选择的标签（写在 Chart 的 values 中，升级后仍会保留），或放宽 Prometheus 的选择器',
    explain: {
      detects:
        '没有任何 Prometheus Operator 的 `Prometheus` 读取的 HAMi 和 DCGM exporter ServiceMonitor：其标签不匹配 spec.serviceMonitorSelector（kube-prometheus-stack 默认为 release=RELEASE；为 null 的选择器什么都不选），或其命名空间不匹配 spec.serviceMonitorNamespaceSelector（为 null 时只选 Prometheus 自身所在的命名空间）。使用 HAMi 时，还包括根本没有 ServiceMonitor 的 HAMi 或 DCGM exporter。',
      why: '未被选中的 ServiceMonitor 会被悄悄忽略：Prometheus 从不抓取该 exporter，DCGM_FI_DEV_GPU_UTIL、HostCoreUtilization 和 GPUDeviceCoreAllocated 一直为空，Kantaloupe 显示不出 GPU 使用情况。',
      fix: '通过 Chart 的 values 给 ServiceMonitor 加上选择器需要的标签（GPU Operator：dcgmExporter.serviceMonitor.additionalLabels；HAMi：global.labels），或放宽 Prometheus 的选择器（kube-prometheus-stack：prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false）。',
    },
  },
  run(facts) {
    if (facts.notInstalled('ServiceMonitor') && facts.notInstalled('Prometheus')) {
      return { skip: 'the Prometheus Operator is not installed (no ServiceMonitor or Prometheus objects): nothing selects ServiceMonitors' };
    }
    const servers = prometheusServers(facts).filter((s) => s.selectors);
    const monitors = gpuServiceMonitors(facts);
    const issues: Issue[] = [];

    for (const { sm, exporter } of monitors) {
      const subject = { kind: 'ServiceMonitor', name: sm.metadata.name, namespace: sm.metadata.namespace };
      const labels = Object.entries(sm.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
      if (servers.length === 0) {
        issues.push({
          severity: 'warning',
          subject,
          message: `ServiceMonitor ${ref(sm)} (${EXPORTER_TITLES[exporter]}) is read by no Prometheus: the cluster has no Prometheus object (monitoring.coreos.com/v1)`,
          evidence: [`ServiceMonitor ${ref(sm)} labels: ${labels}`, 'Prometheus objects in the cluster: none'],
          fix: {
            summary: 'Install a Prometheus that reads ServiceMonitors (kube-prometheus-stack), as kantaloupe-prerequisites does',
            commands: ['helm install prometheus prometheus-community/kube-prometheus-stack -n monitoring --create-namespace --set grafana.enabled=false --version=75.15.1'],
          },
        });
        continue;
      }
      const verdicts = servers.map((s) => serviceMonitorSelection(facts, s, sm));
      if (verdicts.some((v) => v.selected)) continue;
      const series = seriesOf(facts, exporter);
      const by = servers.length === 1 ? servers[0]!.ref : `any of ${servers.length} Prometheus objects`;
      issues.push({
        severity: series?.present ? 'info' : 'warning',
        subject,
        message: series?.present
          ? `ServiceMonitor ${ref(sm)} (${EXPORTER_TITLES[exporter]}) is not selected by ${by}, yet Prometheus has its series: another scrape job collects them, and this ServiceMonitor does nothing`
          : `ServiceMonitor ${ref(sm)} (${EXPORTER_TITLES[exporter]}) is not selected by ${by}: its metrics are never scraped`,
        evidence: [`ServiceMonitor ${ref(sm)} labels: ${labels}`, ...verdicts.map((v) => v.why), ...(series ? [series.line] : [])],
        fix: relabel(facts, sm, exporter, servers),
      });
    }

    // With HAMi (Kantaloupe's monitoring), an exporter with no ServiceMonitor at all is never scraped either.
    if (hasStack(facts, 'hami') || hasStack(facts, 'kantaloupe')) {
      const hami = findStack(facts, 'hami');
      const missing: { exporter: GpuExporter; subject: Issue['subject']; seen: string }[] = [];
      if (hami && !monitors.some((m) => m.exporter === 'hami')) {
        const scheduler = facts.all('Deployment').find((d) => /hami-scheduler/.test(d.metadata.name));
        missing.push({
          exporter: 'hami',
          subject: scheduler ? { kind: 'Deployment', name: scheduler.metadata.name, namespace: scheduler.metadata.namespace } : { kind: 'Namespace', name: hami.namespaces[0] ?? 'hami-system' },
          seen: `HAMi installed: ${hami.evidence[0]}`,
        });
      }
      const dcgm = dcgmExporterDaemonSets(facts);
      if (dcgm.length > 0 && !monitors.some((m) => m.exporter === 'dcgm-exporter')) {
        missing.push({
          exporter: 'dcgm-exporter',
          subject: { kind: 'DaemonSet', name: dcgm[0]!.metadata.name, namespace: dcgm[0]!.metadata.namespace },
          seen: `DCGM exporter DaemonSet ${someNames(dcgm.map(ref))}`,
        });
      }
      for (const m of missing) {
        issues.push({
          severity: 'warning',
          subject: m.subject,
          message: `${EXPORTER_TITLES[m.exporter]} has no ServiceMonitor: Prometheus does not scrape it, and Kantaloupe shows none of its metrics`,
          evidence: [m.seen, `ServiceMonitors in the cluster: ${someNames(facts.all('ServiceMonitor').map(ref)) || 'none'}`, ...(seriesOf(facts, m.exporter) ? [seriesOf(facts, m.exporter)!.line] : [])],
          fix: { summary: `Enable the ${EXPORTER_TITLES[m.exporter]} ServiceMonitor in its chart (kantaloupe-prerequisites)`, commands: [placeholders(facts, ENABLE[m.exporter])] },
        });
      }
    }
    return issues;
  },
});
