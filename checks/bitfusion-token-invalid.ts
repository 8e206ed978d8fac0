import { defineCheck } from '../src/check.js';
import { bitfusionPods, DEPLOY_COMMAND, SECRET_HOME, SECRET_NAME, tokenErrorLines } from '../src/facts/bitfusion.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';

function logsOf(facts: Facts, pod: Pod): { container: string; previous: boolean; text: string }[] {
  const ns = pod.metadata.namespace ?? 'default';
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c) =>
    [true, false].flatMap((previous) => {
      const text = facts.log(ns, pod.metadata.name, c.name, previous);
      return text === undefined ? [] : [{ container: c.name, previous, text }];
    }),
  );
}

function issueFor(facts: Facts, pod: Pod, namespacesWithSecret: string[]): Issue | undefined {
  const evidence = logsOf(facts, pod).flatMap(({ container, previous, text }) =>
    tokenErrorLines(text)
      .slice(-3)
      .map((line) => `log ${container}${previous ? ' (previous run)' : ''}: ${line.slice(0, 300)}`),
  );
  if (evidence.length === 0) return undefined;
  const ns = pod.metadata.namespace ?? 'default';
  const stale = [...new Set([SECRET_HOME, ns, ...namespacesWithSecret])];
  return {
    severity: 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
    message: `Bitfusion workload ${podRef(pod)} cannot reach the Bitfusion server: its log shows connection or token errors`,
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
  needs: ['Pod', 'Secret', 'logs:workloads'],
  requires: ['Pod'],
  ok: 'no Bitfusion workload log shows errors reaching the Bitfusion server',
  stacks: ['bitfusion'],
  explain: {
    detects:
      'Logs of Bitfusion workloads (pods annotated auto-management/bitfusion or asking for bitfusion.io resources) with the client\'s errors reaching its server: "Token expired at: …", and `[ERROR]` lines about the server, servers.conf, the token, authentication, certificates or connections.',
    why: 'The Bitfusion client authenticates to the remote GPU servers with the token in bitfusion-secret; an expired or revoked token, or a servers.conf that no longer matches, fails every `bitfusion run`.',
    fix: 'Check the token in the vCenter Bitfusion plug-in, download a new one, delete bitfusion-secret in every namespace, create it again in kube-system, `make deploy`, and recreate the workload.',
  },
  run(facts) {
    const pods = bitfusionPods(facts.pods);
    const withLogs = pods.filter((p) => logsOf(facts, p).length > 0);
    if (pods.length > 0 && withLogs.length === 0) return { skip: `no log of the ${pods.length} Bitfusion workload(s) was collected` };
    const namespacesWithSecret = facts.all('Secret').filter((s) => s.metadata.name === SECRET_NAME).map((s) => s.metadata.namespace ?? '');
    return withLogs.flatMap((pod) => issueFor(facts, pod, namespacesWithSecret) ?? []);
  },
});
