import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject, Pod } from '../src/facts/kube.js';
import { failingPodLines, plainlyFailing } from '../src/facts/pod-evidence.js';
import { displayStatus, podRef } from '../src/facts/pods.js';
import { GATEWAY_IMPLEMENTATIONS } from '../src/facts/gateway-controllers.js';
import { someNames } from '../src/facts/scheduling.js';
import { findStack } from '../src/facts/stacks.js';
import type { Fix, Issue, Severity } from '../src/model.js';

const GROUP = 'gateway.networking.k8s.io';
const GATEWAY_CRD = `gateways.${GROUP}`;
/** Envoy Gateway, kantaloupe-prerequisites' option B (gateway.envoyproxy.io/docs/install/install-helm). */
const ENVOY_GATEWAY_VERSION = 'v1.4.2';
const ENVOY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

const gatewayClassYaml = (name: string) =>
  `kubectl apply -f - <<'EOF'\napiVersion: ${GROUP}/v1\nkind: GatewayClass\nmetadata:\n  name: ${name}\nspec:\n  controllerName: ${ENVOY_CONTROLLER}\nEOF`;
const gatewayYaml = (className: string) =>
  `kubectl apply -f - <<'EOF'\napiVersion: ${GROUP}/v1\nkind: Gateway\nmetadata:\n  name: kantaloupe\n  namespace: envoy-gateway-system\nspec:\n  gatewayClassName: ${className}\n  listeners:\n  - name: http\n    protocol: HTTP\n    port: 80\nEOF`;

const INSTALL_ENVOY_GATEWAY: Fix = {
  summary: "Install a Gateway API implementation — Envoy Gateway brings the CRDs and a controller (kantaloupe-prerequisites, option B) — or give Kantaloupe the endpoint of an existing Istio/Envoy gateway (option A)",
  commands: [
    `helm install eg oci://docker.io/envoyproxy/gateway-helm --version ${ENVOY_GATEWAY_VERSION} -n envoy-gateway-system --create-namespace`,
    'kubectl wait --timeout=5m -n envoy-gateway-system deployment/envoy-gateway --for=condition=Available',
    gatewayClassYaml('eg'),
    gatewayYaml('eg'),
  ],
};

/** The controller of a GatewayClass and its pods, where the implementation is known. */
function controllerOf(facts: Facts, gc: KubeObject): { title: string; pods: Pod[] } | undefined {
  const name: string = gc.spec?.controllerName ?? '';
  const impl = GATEWAY_IMPLEMENTATIONS.find((i) => i.controller.test(name));
  return impl && { title: impl.title, pods: facts.pods.filter((p) => impl.pods.test(p.metadata.name)) };
}

/** What the controllers' pods show: none running, or failing ones with their state, events and log. */
function controllerLines(facts: Facts, classes: KubeObject[]): string[] {
  const seen = new Set<string>();
  return classes.flatMap((gc) => {
    const c = controllerOf(facts, gc);
    if (!c || seen.has(c.title)) return [];
    seen.add(c.title);
    if (c.pods.length === 0) return facts.unavailable('Pod') ? [] : [`${c.title} (the controller of GatewayClass ${gc.metadata.name}): no pod of it in the cluster`];
    const failing = failingPodLines(facts, c.pods);
    return failing.length ? failing : [`${c.title}: ${c.pods.length} pod(s) running (${someNames(c.pods.map((p) => podRef(p)))})`];
  });
}

const conditionTrue = (o: KubeObject, type: string) =>
  (o.status?.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === type && c.status === 'True') ?? false;
const ref = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/** Whether the Gateway API CRDs are there: served lists, objects, or the CRD objects a snapshot may carry. */
function crdsInstalled(facts: Facts): boolean {
  if (facts.all('CustomResourceDefinition').some((c) => c.metadata.name === GATEWAY_CRD)) return true;
  return !facts.notInstalled('Gateway') || !facts.notInstalled('GatewayClass');
}

export default defineCheck({
  name: 'gateway-api-missing',
  title: 'A Gateway API implementation and a Gateway exist (Kantaloupe)',
  needs: ['GatewayClass', 'Gateway', 'Pod', 'Event', 'logs:gateway'],
  stacks: ['hami', 'kantaloupe'],
  ok: 'the Gateway API is installed with an accepted GatewayClass and a programmed Gateway',
  explain: {
    detects: `No Gateway API (${GROUP}/v1 CRDs not served), no GatewayClass (no controller implements it), no accepted GatewayClass, or no programmed Gateway, on a cluster with HAMi or Kantaloupe's prerequisites. A warning where Kantaloupe's prerequisites are being prepared, information where only HAMi runs.`,
    why: "Kantaloupe routes the VSCode, SSH and Jupyter sessions of its workloads through a Gateway API gateway; the cluster's onboarding asks for the gateway endpoint (网关地址), and without one those sessions cannot be opened.",
    fix: 'Give Kantaloupe the endpoint of an existing gateway (Istio, Envoy) that supports the Gateway API, or install Envoy Gateway with Helm and create a GatewayClass and a Gateway.',
  },
  zh: {
    title: '存在 Gateway API 实现和 Gateway（Kantaloupe）',
    ok: '已安装 Gateway API，并有被接受的 GatewayClass 和已生效（programmed）的 Gateway',
    headline: '没有可用的 Gateway API 网关：Kantaloupe 无法打开 VSCode、SSH 和 Jupyter 会话',
    fixSummary: '安装 Gateway API 实现（如 Envoy Gateway）并创建 GatewayClass 和 Gateway，或为 Kantaloupe 提供已有网关的地址',
    explain: {
      detects:
        '在部署了 HAMi 或 Kantaloupe 前置组件的集群上：没有 Gateway API（未提供 gateway.networking.k8s.io/v1 CRD），没有 GatewayClass（没有控制器实现它），没有被接受的 GatewayClass，或没有已生效（programmed）的 Gateway。正在准备 Kantaloupe 前置组件时为警告，仅运行 HAMi 时仅作提示。',
      why: 'Kantaloupe 通过 Gateway API 网关转发其工作负载的 VSCode、SSH 和 Jupyter 会话；接入集群时需要填写网关地址，没有网关，这些会话就无法打开。',
      fix: '为 Kantaloupe 提供一个支持 Gateway API 的现有网关（Istio、Envoy）的地址，或用 Helm 安装 Envoy Gateway 并创建 GatewayClass 和 Gateway。',
    },
  },
  run(facts) {
    // Where only HAMi runs, Kantaloupe may never come: say it, without raising the alarm.
    const kantaloupe = findStack(facts, 'kantaloupe');
    const severity: Exclude<Severity, 'ok'> = kantaloupe ? 'warning' : 'info';
    const why = kantaloupe ? `Kantaloupe prerequisites seen: ${kantaloupe.evidence[0]}` : 'HAMi runs but no Kantaloupe sign: needed only to connect this cluster to Kantaloupe';
    const cluster = { kind: 'Cluster', name: facts.clusterName };
    const classes = facts.all('GatewayClass');
    const gateways = facts.all('Gateway');

    if (!crdsInstalled(facts)) {
      const served = facts.notServed('GatewayClass');
      return [
        {
          severity,
          subject: { kind: 'CustomResourceDefinition', name: GATEWAY_CRD },
          message: `The Gateway API is not installed (no ${GROUP} CRDs): Kantaloupe has no gateway for VSCode, SSH and Jupyter`,
          evidence: [
            served ? `GET /apis/${GROUP}/v1/gatewayclasses: 404, the API is not served` : `no GatewayClass, Gateway or ${GATEWAY_CRD} CRD object in the snapshot`,
            why,
          ],
          fix: INSTALL_ENVOY_GATEWAY,
        },
      ];
    }

    const issues: Issue[] = [];
    if (classes.length === 0) {
      issues.push({
        severity,
        subject: cluster,
        message: 'The Gateway API CRDs are installed but there is no GatewayClass: no controller implements them',
        evidence: [`GatewayClasses: none; Gateways: ${gateways.length ? someNames(gateways.map(ref)) : 'none'}`, why],
        fix: { summary: 'Install a Gateway API controller (Envoy Gateway) and its GatewayClass', commands: [INSTALL_ENVOY_GATEWAY.commands[0]!, INSTALL_ENVOY_GATEWAY.commands[1]!, gatewayClassYaml('eg')] },
      });
      return issues;
    }
    const accepted = classes.filter((c) => conditionTrue(c, 'Accepted'));
    if (accepted.length === 0) {
      issues.push({
        severity,
        subject: { kind: 'GatewayClass', name: classes[0]!.metadata.name },
        message: `No GatewayClass is accepted by its controller (${someNames(classes.map(ref))}): the controller is not running or does not know the class`,
        evidence: [...classes.map((c) => `GatewayClass ${c.metadata.name}: controllerName ${c.spec?.controllerName ?? '?'}, Accepted ${conditionStatus(c, 'Accepted')}`), ...controllerLines(facts, classes)],
        fix: { summary: "Check the controller named in spec.controllerName: its pods and logs", commands: ['kubectl get gatewayclass -o wide', 'kubectl get pods -A | grep -i -e gateway -e envoy -e istio'] },
      });
    }
    const className = (accepted[0] ?? classes[0])!.metadata.name;
    const programmed = gateways.filter((g) => conditionTrue(g, 'Programmed'));
    if (gateways.length === 0) {
      issues.push({
        severity,
        subject: cluster,
        message: `There is no Gateway: Kantaloupe needs a gateway endpoint (网关地址) when the cluster is connected`,
        evidence: [`GatewayClasses: ${someNames(classes.map(ref))}; Gateways: none`, why],
        fix: { summary: `Create a Gateway of class ${className} and give its address to Kantaloupe`, commands: [gatewayYaml(className).replace('envoy-gateway-system', 'default'), 'kubectl get gateway -A'] },
      });
    } else if (programmed.length === 0) {
      issues.push({
        severity,
        subject: { kind: 'Gateway', name: gateways[0]!.metadata.name, namespace: gateways[0]!.metadata.namespace },
        message: `No Gateway is programmed (${someNames(gateways.map(ref))}): none has an address Kantaloupe could use`,
        evidence: [...gateways.map((g) => `Gateway ${ref(g)}: class ${g.spec?.gatewayClassName ?? '?'}, Programmed ${conditionStatus(g, 'Programmed')}`), ...controllerLines(facts, classes.filter((c) => gateways.some((g) => g.spec?.gatewayClassName === c.metadata.name)))],
        fix: { summary: 'Look at the Gateway status and its controller', commands: gateways.slice(0, 3).map((g) => `kubectl describe gateway -n ${g.metadata.namespace} ${g.metadata.name}`) },
      });
    }
    // The statuses say it works, but the controller that wrote them is failing now: they are from before it.
    if (issues.length === 0) {
      for (const gc of accepted) {
        const c = controllerOf(facts, gc);
        const down = c?.pods.filter(plainlyFailing) ?? [];
        if (!c || down.length === 0 || down.length < c.pods.length) continue;
        issues.push({
          severity,
          subject: { kind: 'Pod', name: down[0]!.metadata.name, namespace: down[0]!.metadata.namespace },
          message: `${c.title}, the controller of GatewayClass ${gc.metadata.name}, has no working pod (${someNames(down.map((p) => `${podRef(p)} ${displayStatus(p)}`))}): the Accepted and Programmed statuses are from before, and new routes for Kantaloupe's sessions are not programmed`,
          evidence: [`GatewayClass ${gc.metadata.name}: Accepted ${conditionStatus(gc, 'Accepted')} (written by ${gc.spec?.controllerName ?? '?'})`, ...failingPodLines(facts, down)],
          fix: { summary: `Find why ${c.title}'s pods fail (their log, events), then restart them`, commands: down.slice(0, 1).flatMap((p) => [`kubectl logs -n ${p.metadata.namespace} ${p.metadata.name} --previous`, `kubectl describe pod -n ${p.metadata.namespace} ${p.metadata.name}`]) },
        });
        break;
      }
    }
    return issues;
  },
});

function conditionStatus(o: KubeObject, type: string): string {
  const c = (o.status?.conditions as { type: string; status: string; reason?: string }[] | undefined)?.find((x) => x.type === type);
  return c ? `${c.status}${c.reason ? ` (${c.reason})` : ''}` : 'not reported';
}
