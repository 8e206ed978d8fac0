import { defineCheck } from '../src/check.js';
import { cannotList } from '../src/facts/availability.js';
import {
  BITFUSION_WEBHOOK_NAMESPACE,
  DEPLOY_COMMAND,
  DEVICE_PLUGIN_NAME,
  DEVICE_PLUGIN_NAMESPACE,
  MUTATING_WEBHOOK_NAME,
  VALIDATING_WEBHOOK_NAME,
  WEBHOOK_DEPLOYMENT_NAME,
} from '../src/facts/bitfusion.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject, Pod } from '../src/facts/kube.js';
import { failingPodLines, plainlyFailing } from '../src/facts/pod-evidence.js';
import { displayStatus } from '../src/facts/pods.js';
import { findStack } from '../src/facts/stacks.js';
import type { Issue, Severity } from '../src/model.js';

interface Component {
  kind: string;
  title: string;
  /** Where `make deploy` puts it, and its name there. */
  namespace?: string;
  name: string;
  severity: Exclude<Severity, 'ok'>;
  find(facts: Facts): KubeObject | undefined;
  /** Why a present component does not work, or undefined. */
  unready?(o: KubeObject): string | undefined;
  verify: string;
}

/** A webhook configuration of Bitfusion: by its name, or by the bwki service it calls. */
function webhookConfiguration(facts: Facts, kind: string, name: string): KubeObject | undefined {
  const all = facts.all(kind);
  return (
    all.find((o) => o.metadata.name === name) ??
    all.find((o) => ((o.webhooks ?? []) as { clientConfig?: { service?: { namespace?: string } } }[]).some((w) => w.clientConfig?.service?.namespace === BITFUSION_WEBHOOK_NAMESPACE))
  );
}

const COMPONENTS: Component[] = [
  {
    kind: 'DaemonSet',
    title: 'Bitfusion device plugin',
    namespace: DEVICE_PLUGIN_NAMESPACE,
    name: 'bitfusion-device-plugin',
    severity: 'error',
    find: (facts) => facts.all('DaemonSet').find((d) => d.metadata.namespace === DEVICE_PLUGIN_NAMESPACE && DEVICE_PLUGIN_NAME.test(d.metadata.name)),
    unready: (ds) => {
      const desired = ds.status?.desiredNumberScheduled ?? 0;
      const ready = ds.status?.numberReady ?? 0;
      if (!ds.status) return undefined;
      if (desired === 0) return 'it is scheduled on no node (desiredNumberScheduled 0)';
      return ready < desired ? `${ready} of ${desired} pods ready` : undefined;
    },
    verify: `kubectl get pods -n ${DEVICE_PLUGIN_NAMESPACE} | grep bitfusion-device-plugin`,
  },
  {
    kind: 'Deployment',
    title: 'Bitfusion webhook',
    namespace: BITFUSION_WEBHOOK_NAMESPACE,
    name: 'bitfusion-webhook-deployment',
    severity: 'error',
    find: (facts) => facts.all('Deployment').find((d) => d.metadata.namespace === BITFUSION_WEBHOOK_NAMESPACE && WEBHOOK_DEPLOYMENT_NAME.test(d.metadata.name)),
    unready: (d) => {
      if (!d.status) return undefined;
      const wanted = d.spec?.replicas ?? 1;
      const ready = d.status.readyReplicas ?? 0;
      return ready < wanted ? `${ready} of ${wanted} replicas ready` : undefined;
    },
    verify: `kubectl get pod -n ${BITFUSION_WEBHOOK_NAMESPACE}`,
  },
  {
    kind: 'MutatingWebhookConfiguration',
    title: 'Bitfusion mutating webhook configuration (injects the client into pods)',
    name: MUTATING_WEBHOOK_NAME,
    severity: 'error',
    find: (facts) => webhookConfiguration(facts, 'MutatingWebhookConfiguration', MUTATING_WEBHOOK_NAME),
    verify: 'kubectl get MutatingWebhookConfiguration',
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    title: 'Bitfusion validating webhook configuration',
    name: VALIDATING_WEBHOOK_NAME,
    severity: 'warning',
    find: (facts) => webhookConfiguration(facts, 'ValidatingWebhookConfiguration', VALIDATING_WEBHOOK_NAME),
    verify: 'kubectl get ValidatingWebhookConfiguration',
  },
];

/** The pods of a DaemonSet or Deployment: in its namespace, named after it (`NAME-…`). */
function podsOf(facts: Facts, o: KubeObject): Pod[] {
  return facts.pods.filter((p) => p.metadata.namespace === o.metadata.namespace && p.metadata.name.startsWith(`${o.metadata.name}-`));
}

function issueFor(facts: Facts, c: Component, stackEvidence: string[]): Issue | undefined {
  const where = c.namespace ? `${c.namespace}/${c.name}` : c.name;
  const subject = { kind: c.kind, name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) };
  const fix = { summary: 'Deploy the Bitfusion components again from bitfusion-with-kubernetes-integration', commands: [DEPLOY_COMMAND, c.verify] };
  const cannot = cannotList(facts, [c.kind]);
  if (cannot) return undefined; // said once, in the skip line of the check, below
  const found = c.find(facts);
  if (!found) {
    return {
      severity: c.severity,
      subject,
      message: `VMware Bitfusion is in use but its ${c.title} ${c.kind} ${where} is missing`,
      evidence: [`no ${c.kind}${c.namespace ? ` in ${c.namespace}` : ''} named like ${c.name}`, ...stackEvidence.map((e) => `Bitfusion seen as: ${e}`)],
      fix,
    };
  }
  // The object's status, or (where it has none, or is not yet updated) its pods' own state.
  const pods = c.unready ? podsOf(facts, found) : [];
  const down = pods.filter(plainlyFailing);
  const fromStatus = c.unready?.(found);
  const why = fromStatus ?? (down.length > 0 ? `${down.length} of ${pods.length} pods not ready (${[...new Set(down.map(displayStatus))].join(', ')})` : undefined);
  if (!why) return undefined;
  return {
    severity: 'error',
    subject: { ...subject, name: found.metadata.name },
    message: `${c.title} ${c.kind} ${found.metadata.namespace ? `${found.metadata.namespace}/` : ''}${found.metadata.name} is not ready: ${why}`,
    evidence: [fromStatus ? `${c.kind} ${found.metadata.name} status: ${why}` : `its pods: ${why}`, ...failingPodLines(facts, pods)],
    fix: { summary: 'Find why its pods do not become ready, then redeploy', commands: [c.verify, `kubectl describe ${c.kind.toLowerCase()} -n ${found.metadata.namespace} ${found.metadata.name}`, DEPLOY_COMMAND] },
  };
}

export default defineCheck({
  name: 'bitfusion-components-missing',
  title: 'Bitfusion device plugin, webhook and webhook configurations are deployed',
  needs: ['DaemonSet', 'Deployment', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'Pod', 'Event', 'logs:stack'],
  requires: [],
  ok: 'the Bitfusion components are deployed and ready',
  stacks: ['bitfusion'],
  explain: {
    detects: `Where Bitfusion is in use (its namespace ${BITFUSION_WEBHOOK_NAMESPACE}, pods annotated auto-management/bitfusion, or any of its parts): a missing or unready device plugin DaemonSet in ${DEVICE_PLUGIN_NAMESPACE}, webhook Deployment in ${BITFUSION_WEBHOOK_NAMESPACE}, MutatingWebhookConfiguration ${MUTATING_WEBHOOK_NAME} or ValidatingWebhookConfiguration ${VALIDATING_WEBHOOK_NAME}.`,
    why: 'Without the device plugin no node offers bitfusion.io/gpu; without the webhook and its configuration pods are never injected with the Bitfusion client and their commands never become `bitfusion run`.',
    fix: 'Run `make deploy` in bitfusion_device_plugin of bitfusion-with-kubernetes-integration, then check the pods in kube-system and bwki.',
  },
  zh: {
    title: '已部署 Bitfusion 设备插件、Webhook 及其 Webhook 配置',
    ok: 'Bitfusion 组件已部署并就绪',
    headline: '正在使用 Bitfusion，但其组件缺失或未就绪',
    fixSummary: '从 bitfusion-with-kubernetes-integration 重新部署 Bitfusion 组件（make deploy），然后检查 kube-system 和 bwki 中的 Pod',
    explain: {
      detects:
        '在使用 Bitfusion 的地方（存在其命名空间 bwki、带有 auto-management/bitfusion 注解的 Pod，或其任何组件）：kube-system 中的设备插件 DaemonSet、bwki 中的 Webhook Deployment、MutatingWebhookConfiguration bwki-webhook-cfg 或 ValidatingWebhookConfiguration validation.bitfusion.io-cfg 缺失或未就绪。',
      why: '没有设备插件，就没有节点提供 bitfusion.io/gpu；没有 Webhook 及其配置，Pod 永远不会被注入 Bitfusion 客户端，其命令也不会变成 `bitfusion run`。',
      fix: '在 bitfusion-with-kubernetes-integration 的 bitfusion_device_plugin 目录中执行 `make deploy`，然后检查 kube-system 和 bwki 中的 Pod。',
    },
  },
  run(facts) {
    const stack = findStack(facts, 'bitfusion');
    if (!stack) return [];
    const issues = COMPONENTS.flatMap((c) => issueFor(facts, c, stack.evidence) ?? []);
    const cannot = cannotList(facts, COMPONENTS.map((c) => c.kind));
    // Components that could be read were judged; one that could not makes the check say so.
    return cannot && issues.length === 0 ? { skip: cannot } : issues;
  },
});
