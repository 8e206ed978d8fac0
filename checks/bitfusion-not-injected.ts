import { defineCheck } from '../src/check.js';
import {
  annotationProblems,
  BITFUSION_RUN,
  BITFUSION_WEBHOOK_NAMESPACE,
  commandText,
  containersOf,
  INJECTED,
  isManaged,
  MANAGEMENT_ANNOTATION,
  managementOf,
  MUTATING_WEBHOOK_NAME,
  resourceProblems,
  STATUS_ANNOTATION,
  WEBHOOK_DEPLOYMENT_NAME,
} from '../src/facts/bitfusion.js';
import type { WebhookWord } from '../src/facts/bitfusion-webhook.js';
import { refusedCreates, webhookLogWords } from '../src/facts/bitfusion-webhook.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { displayStatus, podRef } from '../src/facts/pods.js';
import type { Fix, Issue } from '../src/model.js';

/** What the webhook side looks like, for the evidence: is anything there to inject? */
function webhookLines(facts: Facts): string[] {
  const lines: string[] = [];
  const deployment = facts.all('Deployment').find((d) => d.metadata.namespace === BITFUSION_WEBHOOK_NAMESPACE && WEBHOOK_DEPLOYMENT_NAME.test(d.metadata.name));
  if (deployment) lines.push(`webhook Deployment ${BITFUSION_WEBHOOK_NAMESPACE}/${deployment.metadata.name}: ${deployment.status?.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 1} ready`);
  else if (!facts.unavailable('Deployment')) lines.push(`no webhook Deployment in ${BITFUSION_WEBHOOK_NAMESPACE} (see bitfusion-components-missing)`);
  const mwc = facts.all('MutatingWebhookConfiguration').find((m) => m.metadata.name === MUTATING_WEBHOOK_NAME);
  if (!mwc && !facts.unavailable('MutatingWebhookConfiguration')) lines.push(`no MutatingWebhookConfiguration ${MUTATING_WEBHOOK_NAME} (see bitfusion-components-missing)`);
  return lines;
}

/** The webhook's log lines about this pod (a pod its owner creates is reviewed before it has a name). */
function saidOf(pod: Pod, words: WebhookWord[]): string[] {
  const ns = pod.metadata.namespace ?? 'default';
  return words
    .filter((w) => w.namespace === ns && (w.name === pod.metadata.name || (!w.name && (pod.metadata.ownerReferences?.length ?? 0) > 0)))
    .slice(-2)
    .map((w) => `${w.source}: ${w.line.slice(0, 300)}`);
}

/** The webhook runs (its Deployment ready) and is registered: then it is not what to fix. */
function webhookRuns(facts: Facts): boolean {
  const deployment = facts.all('Deployment').find((d) => d.metadata.namespace === BITFUSION_WEBHOOK_NAMESPACE && WEBHOOK_DEPLOYMENT_NAME.test(d.metadata.name));
  const mwc = facts.all('MutatingWebhookConfiguration').find((m) => m.metadata.name === MUTATING_WEBHOOK_NAME);
  return !!deployment && (deployment.status?.readyReplicas ?? 0) > 0 && !!mwc;
}

/** Why the webhook skipped the pod, from what the facts show of the pod and the webhook. */
function notInjectedFix(facts: Facts, pod: Pod): Fix {
  const ns = pod.metadata.namespace ?? 'default';
  const recreate = `kubectl delete pod -n ${ns} ${pod.metadata.name}`;
  // The webhook skips a pod whose own annotations or Bitfusion resources are invalid: those are the fix.
  if (annotationProblems(pod.metadata.annotations).length || containersOf(pod).some((c) => resourceProblems(c).length)) {
    return {
      summary: 'The pod\'s own Bitfusion annotations or resources are invalid, so the webhook skipped it (see bitfusion-annotation-invalid): correct them in its workload, then recreate the pod',
      commands: [`kubectl get pod -n ${ns} ${pod.metadata.name} -o jsonpath='{.metadata.annotations}'`, recreate],
    };
  }
  const log = `kubectl logs -n ${BITFUSION_WEBHOOK_NAMESPACE} deployment/bitfusion-webhook-deployment`;
  if (webhookRuns(facts)) {
    return {
      summary: 'The webhook runs and is registered, yet did not mutate this pod: it was created before the webhook, or the webhook refused it (its log says which); recreate the pod',
      commands: [log, recreate],
    };
  }
  return {
    summary: 'The webhook did not mutate the pod when it was created: make sure the Bitfusion webhook runs and its MutatingWebhookConfiguration exists, then recreate the pod',
    commands: [`kubectl get pod -n ${BITFUSION_WEBHOOK_NAMESPACE}`, 'kubectl get MutatingWebhookConfiguration', log, recreate],
  };
}

function issueFor(facts: Facts, pod: Pod, words: WebhookWord[]): Issue | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const mode = managementOf(pod)!.trim().toLowerCase();
  const status = pod.metadata.annotations?.[STATUS_ANNOTATION];
  const containers = pod.spec?.containers ?? [];
  const base = `pod ${podRef(pod)}: ${MANAGEMENT_ANNOTATION}: ${mode}, ${STATUS_ANNOTATION}: ${status ?? '(none)'}, ${displayStatus(pod)}`;
  const commands = containers.map((c) => `container ${c.name} command: ${commandText(c) || '(image default)'}`);
  const subject = { kind: 'Pod', name: pod.metadata.name, namespace: ns };
  if (status?.toLowerCase() !== INJECTED) {
    return {
      severity: 'error',
      subject,
      message: `Pod ${podRef(pod)} asks for Bitfusion (${mode}) but was not injected: no ${STATUS_ANNOTATION}: ${INJECTED}`,
      evidence: [base, ...commands, ...saidOf(pod, words), ...webhookLines(facts)],
      fix: notInjectedFix(facts, pod),
    };
  }
  if (mode !== 'all') return undefined; // injection: the client is installed, the command is the user's
  const rewritten = containers.some((c) => BITFUSION_RUN.test(commandText(c)));
  if (rewritten) return undefined;
  return {
    severity: 'error',
    subject,
    message: `Pod ${podRef(pod)} is marked injected but no container command was rewritten to \`bitfusion run\`: the workload runs without Bitfusion GPUs`,
    evidence: [base, ...commands],
    fix: {
      summary: `With ${MANAGEMENT_ANNOTATION}: all the webhook prefixes the command with \`bitfusion run -n N -p P\`; a container without a command (the image's default) or a command the webhook cannot parse is left as it was: give the container an explicit command, or use injection and call bitfusion run yourself`,
      commands: [`kubectl get pod -n ${ns} ${pod.metadata.name} -o jsonpath='{.spec.containers[*].command}'`, `kubectl delete pod -n ${ns} ${pod.metadata.name}`],
    },
  };
}

/** Pods the API server never created because the webhook refused them (or could not be called): from the owners' events and the webhook's log. */
function refusals(facts: Facts, words: WebhookWord[]): Issue[] {
  const mwc = facts.all('MutatingWebhookConfiguration').find((m) => m.metadata.name === MUTATING_WEBHOOK_NAME);
  const names = new Set(((mwc?.webhooks ?? []) as { name?: string }[]).flatMap((w) => w.name ?? []));
  const refusedIn = (ns: string) => words.filter((w) => w.refused && w.namespace === ns).slice(-2).map((w) => `${w.source}: ${w.line.slice(0, 300)}`);
  const fix = (ns: string): Issue['fix'] => ({
    summary: 'The Bitfusion webhook refused to inject the pods (or could not be reached, with failurePolicy Fail), so they were never created: fix what it says (the client annotations, bitfusion-secret in kube-system) or bring the webhook back, then let the owner retry',
    commands: [`kubectl logs -n ${BITFUSION_WEBHOOK_NAMESPACE} deployment/bitfusion-webhook-deployment`, `kubectl get pod -n ${BITFUSION_WEBHOOK_NAMESPACE}`, `kubectl get events -n ${ns} --field-selector reason=FailedCreate`],
  });
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const r of refusedCreates(facts, names)) {
    const key = `${r.owner.kind}/${r.owner.namespace}/${r.owner.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    seen.add(`ns/${r.owner.namespace}`);
    issues.push({
      severity: 'error',
      subject: { kind: r.owner.kind, name: r.owner.name, namespace: r.owner.namespace },
      message: `${r.owner.kind} ${r.owner.namespace}/${r.owner.name} cannot create its pods: the API server refused them because Bitfusion's webhook ${r.webhook} ${/denied the request/.test(r.line) ? 'denied the request' : 'could not be called'}`,
      evidence: [`${r.source}: ${r.line.slice(0, 300)}`, ...refusedIn(r.owner.namespace)],
      fix: fix(r.owner.namespace),
    });
  }
  // The webhook's own word, when the owner's events are gone (they expire after an hour).
  for (const w of words.filter((w) => w.refused && w.namespace && !seen.has(`ns/${w.namespace}`))) {
    seen.add(`ns/${w.namespace}`);
    issues.push({
      severity: 'error',
      subject: { kind: 'Namespace', name: w.namespace! },
      message: `Bitfusion's webhook refused to inject a pod in namespace ${w.namespace}${w.name ? ` (${w.name})` : ''}, so the API server did not create it`,
      evidence: refusedIn(w.namespace!),
      fix: fix(w.namespace!),
    });
  }
  return issues;
}

export default defineCheck({
  name: 'bitfusion-not-injected',
  title: 'Bitfusion pods were injected by the webhook',
  needs: ['Pod', 'Deployment', 'MutatingWebhookConfiguration', 'logs:stack', 'Event'],
  requires: ['Pod'],
  ok: 'every pod asking for Bitfusion was injected',
  stacks: ['bitfusion'],
  explain: {
    detects: `Pods annotated auto-management/bitfusion: all or injection without ${STATUS_ANNOTATION}: ${INJECTED}, pods with all whose container commands were not rewritten to \`bitfusion run\`, and pods the API server never created because the webhook refused them (the owner's FailedCreate events, the webhook's log).`,
    why: 'The webhook installs the Bitfusion client (init container, LD_LIBRARY_PATH, token) and rewrites the command at pod creation; a pod it skipped runs its program on no GPU at all.',
    fix: 'Check the webhook (pods in bwki, MutatingWebhookConfiguration bwki-webhook-cfg, its log), then recreate the pod.',
  },
  zh: {
    title: 'Bitfusion Pod 已被 Webhook 注入',
    ok: '每个请求 Bitfusion 的 Pod 都已被注入',
    headline: '请求 Bitfusion 的 Pod 没有被 Webhook 注入',
    fixSummary: '找出 Webhook 跳过该 Pod 的原因（Pod 自身的注解或资源无效，或 Webhook 没有运行、没有注册），修正后重建 Pod',
    explain: {
      detects:
        '带有 auto-management/bitfusion: all 或 injection 注解、却没有 auto-management/status: injected 的 Pod；注解为 all、但容器命令没有被改写为 `bitfusion run` 的 Pod；以及因 Webhook 拒绝而从未被 API server 创建的 Pod（属主的 FailedCreate 事件、Webhook 的日志）。',
      why: 'Webhook 在创建 Pod 时安装 Bitfusion 客户端（init 容器、LD_LIBRARY_PATH、令牌）并改写命令；被它跳过的 Pod 会在完全没有 GPU 的情况下运行程序。',
      fix: '检查 Webhook（bwki 中的 Pod、MutatingWebhookConfiguration bwki-webhook-cfg、其日志），然后重建 Pod。',
    },
  },
  run(facts) {
    const words = webhookLogWords(facts);
    return [...facts.pods.filter(isManaged).flatMap((pod) => issueFor(facts, pod, words) ?? []), ...refusals(facts, words)];
  },
});
