import { defineCheck } from '../src/check.js';
import type { KubeObject } from '../src/facts/kube.js';
import type { PrometheusServer } from '../src/facts/prometheus.js';
import { isBelowKantaloupeMinimum, KANTALOUPE_MIN_PROMETHEUS, prometheusServers } from '../src/facts/prometheus.js';
import type { Fix, Issue } from '../src/model.js';

const MINIMUM = KANTALOUPE_MIN_PROMETHEUS.replace(/\.0$/, '');
/** The chart version kantaloupe-prerequisites installs (its Prometheus is far above the minimum). */
const KUBE_PROMETHEUS_STACK = { chart: 'prometheus-community/kube-prometheus-stack', version: '75.15.1' };
const INSTALL: Fix = {
  summary: `Install kube-prometheus-stack (as kantaloupe-prerequisites does), or give Kantaloupe an external Prometheus ${MINIMUM} or newer`,
  commands: [
    'helm repo add prometheus-community https://prometheus-community.github.io/helm-charts && helm repo update',
    `helm install prometheus ${KUBE_PROMETHEUS_STACK.chart} -n monitoring --create-namespace --set grafana.enabled=false --version=${KUBE_PROMETHEUS_STACK.version}`,
  ],
};

/** The Helm release that made an object (kube-prometheus-stack labels its Prometheus `release=NAME`). */
function helmRelease(o: KubeObject): string | undefined {
  const labels = o.metadata.labels ?? {};
  return labels.release ?? labels['app.kubernetes.io/instance'];
}

function upgrade(server: PrometheusServer): Fix {
  const ns = server.object.metadata.namespace ?? 'monitoring';
  const release = helmRelease(server.object);
  if (server.selectors) {
    return {
      summary: `Upgrade the Prometheus Operator's Prometheus to ${MINIMUM} or newer: upgrade the kube-prometheus-stack release, or set spec.version (the operator must support it)`,
      commands: [
        release
          ? `helm upgrade ${release} ${KUBE_PROMETHEUS_STACK.chart} -n ${ns} --reuse-values --version=${KUBE_PROMETHEUS_STACK.version}`
          : `helm list -n ${ns}   # find the release that installed the Prometheus Operator, then helm upgrade it`,
        `# without Helm: kubectl patch prometheus -n ${ns} ${server.object.metadata.name} --type merge -p '{"spec":{"version":"v${KANTALOUPE_MIN_PROMETHEUS}"}}'`,
      ],
    };
  }
  return {
    summary: `Upgrade the Prometheus server image to ${MINIMUM} or newer`,
    commands: [
      release ? `helm upgrade ${release} prometheus-community/prometheus -n ${ns} --reuse-values` : `helm list -n ${ns}   # the release that installed ${server.ref}`,
      `# or: kubectl set image -n ${ns} ${server.object.kind.toLowerCase()}/${server.object.metadata.name} CONTAINER=quay.io/prometheus/prometheus:v${KANTALOUPE_MIN_PROMETHEUS}`,
    ],
  };
}

export default defineCheck({
  name: 'prometheus-too-old',
  title: `Prometheus is ${MINIMUM} or newer (Kantaloupe)`,
  needs: ['Pod', 'Deployment', 'StatefulSet', 'Prometheus'],
  requires: ['Prometheus'],
  stacks: ['hami', 'kantaloupe'],
  ok: `every Prometheus in the cluster is ${MINIMUM} or newer`,
  explain: {
    detects: `A Prometheus older than ${MINIMUM} — the version read from its running pods' image, its StatefulSet, or the Prometheus object's spec.image / spec.version — or no Prometheus at all, on a cluster with HAMi or Kantaloupe's prerequisites.`,
    why: `Kantaloupe reads GPU metrics (DCGM, HAMi) from Prometheus and requires ${MINIMUM} or newer; an older one lacks the API Kantaloupe queries, so its monitoring pages stay empty.`,
    fix: `Upgrade kube-prometheus-stack (or the Prometheus image), or point Kantaloupe at an external Prometheus ${MINIMUM} or newer.`,
  },
  zh: {
    title: 'Prometheus 为 2.37 或更高版本（Kantaloupe）',
    ok: '集群中每个 Prometheus 都是 2.37 或更高版本',
    headline: '没有 Prometheus，或其版本低于 Kantaloupe 要求的最低版本',
    fixSummary: '升级 kube-prometheus-stack（或 Prometheus 镜像），或让 Kantaloupe 使用一个版本足够新的外部 Prometheus',
    explain: {
      detects:
        '在部署了 HAMi 或 Kantaloupe 前置组件的集群上，Prometheus 低于 2.37（版本来自运行中 Pod 的镜像、其 StatefulSet，或 Prometheus 对象的 spec.image / spec.version），或者根本没有 Prometheus。',
      why: 'Kantaloupe 从 Prometheus 读取 GPU 指标（DCGM、HAMi），要求 2.37 或更高版本；旧版本缺少 Kantaloupe 查询的 API，其监控页面会一直为空。',
      fix: '升级 kube-prometheus-stack（或 Prometheus 镜像），或让 Kantaloupe 使用一个 2.37 或更高版本的外部 Prometheus。',
    },
  },
  run(facts) {
    const servers = prometheusServers(facts);
    const cluster = facts.clusterName;
    if (servers.length === 0) {
      return [
        {
          severity: 'info',
          subject: { kind: 'Cluster', name: cluster },
          message: `No Prometheus runs in the cluster: Kantaloupe needs one (${MINIMUM} or newer), installed here or external`,
          evidence: [
            facts.notInstalled('Prometheus') ? 'no Prometheus objects (monitoring.coreos.com/v1): the Prometheus Operator is not installed' : 'no Prometheus objects (monitoring.coreos.com/v1)',
            'no Deployment or StatefulSet runs a prometheus image',
          ],
          fix: INSTALL,
        },
      ];
    }
    const issues: Issue[] = [];
    for (const server of servers) {
      const subject = { kind: server.object.kind, name: server.object.metadata.name, namespace: server.object.metadata.namespace };
      if (!server.version) {
        if (!server.unreadableVersion) continue; // the operator's default version: nothing to judge
        issues.push({
          severity: 'info',
          subject,
          message: `Cannot tell the version of ${server.ref}: Kantaloupe needs Prometheus ${MINIMUM} or newer`,
          evidence: [server.unreadableVersion],
          fix: { summary: 'Read the version from the running server', commands: [`kubectl exec -n ${subject.namespace} ${server.object.kind === 'Prometheus' ? `prometheus-${subject.name}-0` : `${server.object.kind.toLowerCase()}/${subject.name}`} -c prometheus -- prometheus --version`] },
        });
        continue;
      }
      if (!isBelowKantaloupeMinimum(server.version.version)) continue;
      issues.push({
        severity: 'warning',
        subject,
        message: `${server.ref} runs Prometheus ${server.version.version}, older than ${MINIMUM}, the minimum Kantaloupe requires`,
        evidence: [server.version.source, `kantaloupe-prerequisites: Prometheus ${KANTALOUPE_MIN_PROMETHEUS} or newer`],
        fix: upgrade(server),
      });
    }
    return issues;
  },
});
