import { defineCheck } from '../src/check.js';
import { bitfusionPods, DEPLOY_COMMAND, SECRET_HOME, SECRET_NAME, tokenErrorLines } from '../src/facts/bitfusion.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import type { PodText } from '../src/facts/pod-texts.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';

const SAID_IN: Record<PodText['kind'], string> = { log: 'its log shows', status: 'its container status shows', event: 'its events show' };

function issueFor(facts: Facts, pod: Pod, namespacesWithSecret: string[]): Issue | undefined {
  // Logs (this run and the previous) of init and app containers, their state messages, the pod's events.
  const said = podTexts(facts, pod).flatMap((text) => tokenErrorLines(text.text).slice(-3).map((line) => ({ text, line })));
  if (said.length === 0) return undefined;
  const evidence = said.map(({ text, line }) => `${text.source}: ${line.slice(0, 300)}`);
  const ns = pod.metadata.namespace ?? 'default';
  const stale = [...new Set([SECRET_HOME, ns, ...namespacesWithSecret])];
  return {
    severity: 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
    message: `Bitfusion workload ${podRef(pod)} cannot reach the Bitfusion server: ${SAID_IN[said[0]!.text.kind]} connection or token errors`,
    evidence,
    fix: {
      summary: `Check the Baremetal token in vCenter (Bitfusion plug-in → Tokens), download a valid one, and replace ${SECRET_NAME} everywhere: delete every stale copy first, then create it in ${SECRET_HOME} and redeploy`,
      commands: [
        'mkdir tokens && tar -xvf ./TOKEN.tar -C tokens',
        ...stale.map((n) => `kubectl delete secret -n ${n} ${SECRET_NAME}`),
        `kubectl create secret generic ${SECRET_NAME} --from-file=tokens -n ${SECRET_HOME}`,
        DEPLOY_COMMAND,
        `kubectl delete pod -n ${ns} ${pod.metadata.name}`,
      ],
    },
  };
}

export default defineCheck({
  name: 'bitfusion-token-invalid',
  title: 'Bitfusion workloads reach the Bitfusion server',
  needs: ['Pod', 'Secret', 'logs:workloads', 'Event'],
  requires: ['Pod'],
  ok: 'no Bitfusion workload log shows errors reaching the Bitfusion server',
  stacks: ['bitfusion'],
  explain: {
    detects:
      'Logs of Bitfusion workloads (pods annotated auto-management/bitfusion or asking for bitfusion.io resources) with the client\'s errors reaching its server: "Token expired at: …", and `[ERROR]` lines about the server, servers.conf, the token, authentication, certificates or connections.',
    why: 'The Bitfusion client authenticates to the remote GPU servers with the token in bitfusion-secret; an expired or revoked token, or a servers.conf that no longer matches, fails every `bitfusion run`.',
    fix: 'Check the token in the vCenter Bitfusion plug-in, download a new one, delete bitfusion-secret in every namespace, create it again in kube-system, `make deploy`, and recreate the workload.',
  },
  zh: {
    title: 'Bitfusion 工作负载能连接 Bitfusion 服务器',
    ok: '没有 Bitfusion 工作负载的日志显示连接 Bitfusion 服务器出错',
    headline: 'Bitfusion 工作负载无法连接 Bitfusion 服务器：日志中有连接或令牌错误',
    fixSummary: '在 vCenter 中检查 Baremetal 令牌并下载有效令牌，删除所有旧的 bitfusion-secret，在 kube-system 中重建并重新部署',
    explain: {
      detects:
        'Bitfusion 工作负载（带 auto-management/bitfusion 注解或请求 bitfusion.io 资源的 Pod）的日志中出现客户端连接服务器的错误："Token expired at: …"，以及关于服务器、servers.conf、令牌、认证、证书或连接的 `[ERROR]` 行。',
      why: 'Bitfusion 客户端使用 bitfusion-secret 中的令牌向远程 GPU 服务器认证；令牌过期或被吊销，或 servers.conf 不再匹配，都会让每次 `bitfusion run` 失败。',
      fix: '在 vCenter 的 Bitfusion 插件中检查令牌，下载新令牌，删除每个命名空间中的 bitfusion-secret，在 kube-system 中重新创建，执行 `make deploy`，然后重建工作负载。',
    },
  },
  run(facts) {
    const pods = bitfusionPods(facts.pods);
    const withLogs = pods.filter((p) => podTexts(facts, p).length > 0);
    if (pods.length > 0 && withLogs.length === 0) return { skip: `no log, container message or event of the ${pods.length} Bitfusion workload(s) was collected` };
    const namespacesWithSecret = facts.all('Secret').filter((s) => s.metadata.name === SECRET_NAME).map((s) => s.metadata.namespace ?? '');
    return withLogs.flatMap((pod) => issueFor(facts, pod, namespacesWithSecret) ?? []);
  },
});
