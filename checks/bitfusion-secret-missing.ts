import { defineCheck } from '../src/check.js';
import { cannotList } from '../src/facts/availability.js';
import { isManaged, SECRET_HOME, SECRET_NAME } from '../src/facts/bitfusion.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { someNames } from '../src/facts/scheduling.js';
import type { Issue } from '../src/model.js';

const UNPACK_TOKEN = ['mkdir tokens', 'tar -xvf ./TOKEN.tar -C tokens   # the Baremetal token downloaded from vCenter → Bitfusion → Tokens'];
const create = (ns: string) => `kubectl create secret generic ${SECRET_NAME} --from-file=tokens -n ${ns}`;

/** Kubelet events of pods that could not mount the secret. */
function mountFailures(facts: Facts, pods: Pod[]): string[] {
  return pods.flatMap((p) =>
    facts
      .eventsFor('Pod', p.metadata.name, p.metadata.namespace)
      .filter((e) => (e.message ?? '').includes(`"${SECRET_NAME}" not found`))
      .slice(-1)
      .map((e) => `event ${e.reason ?? 'Warning'} on pod ${p.metadata.name}: ${e.message}`),
  );
}

export default defineCheck({
  name: 'bitfusion-secret-missing',
  title: `Bitfusion token secret (${SECRET_NAME}) exists where it is needed`,
  needs: ['Pod', 'Event', 'Secret'],
  requires: ['Pod'],
  ok: `${SECRET_NAME} exists in ${SECRET_HOME} and in every namespace with Bitfusion workloads`,
  stacks: ['bitfusion'],
  explain: {
    detects: `Where Bitfusion is in use: Secret ${SECRET_NAME} missing in ${SECRET_HOME} (where the device plugin and webhook read it), or in a namespace with pods annotated auto-management/bitfusion: all or injection. Secrets are read as metadata only: their content never leaves the cluster.`,
    why: 'The secret holds the Bitfusion token (ca.crt, client.yaml, servers.conf). The webhook copies it into each workload namespace at injection; without it the client cannot authenticate to the Bitfusion servers and the pod cannot mount it.',
    fix: `Unpack the Bitfusion Baremetal token from vCenter into tokens/ and create the secret: \`kubectl create secret generic ${SECRET_NAME} --from-file=tokens -n NAMESPACE\` (in ${SECRET_HOME} first).`,
  },
  zh: {
    title: 'Bitfusion 令牌 Secret（bitfusion-secret）存在于需要它的命名空间',
    ok: 'bitfusion-secret 存在于 kube-system 以及每个有 Bitfusion 工作负载的命名空间中',
    headline: 'Bitfusion 令牌 Secret bitfusion-secret 缺失',
    fixSummary: '用 Bitfusion Baremetal 令牌创建该 Secret（先在 kube-system 中创建），然后重建 Pod',
    explain: {
      detects:
        '在使用 Bitfusion 的地方：kube-system（设备插件和 Webhook 从这里读取）中，或某个有 auto-management/bitfusion: all 或 injection 注解的 Pod 所在的命名空间中，缺少 Secret bitfusion-secret。Secret 只读取元数据：其内容不会离开集群。',
      why: '该 Secret 保存 Bitfusion 令牌（ca.crt、client.yaml、servers.conf）。Webhook 在注入时把它复制到每个工作负载命名空间；没有它，客户端无法向 Bitfusion 服务器认证，Pod 也无法挂载它。',
      fix: '把从 vCenter 下载的 Bitfusion Baremetal 令牌解压到 tokens/ 并创建 Secret：`kubectl create secret generic bitfusion-secret --from-file=tokens -n NAMESPACE`（先在 kube-system 中创建）。',
    },
  },
  run(facts) {
    const cannot = cannotList(facts, ['Secret']);
    if (cannot) return { skip: cannot };
    const present = new Set(facts.all('Secret').filter((s) => s.metadata.name === SECRET_NAME).map((s) => s.metadata.namespace ?? ''));
    const issues: Issue[] = [];
    const homeMissing = !present.has(SECRET_HOME);
    if (homeMissing) {
      issues.push({
        severity: 'error',
        subject: { kind: 'Secret', name: SECRET_NAME, namespace: SECRET_HOME },
        message: `Secret ${SECRET_NAME} is missing in ${SECRET_HOME}: Bitfusion has no token to authenticate with, and the webhook has none to copy into workload namespaces`,
        evidence: [`no Secret ${SECRET_NAME} in ${SECRET_HOME}${present.size ? `; present in ${[...present].sort().join(', ')}` : ''}`],
        fix: { summary: 'Create the secret from the Bitfusion Baremetal token', commands: [...UNPACK_TOKEN, create(SECRET_HOME)] },
      });
    }
    const byNamespace = new Map<string, Pod[]>();
    for (const pod of facts.pods.filter(isManaged)) {
      const ns = pod.metadata.namespace ?? 'default';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), pod]);
    }
    for (const [ns, pods] of [...byNamespace].sort()) {
      if (present.has(ns) || ns === SECRET_HOME) continue;
      issues.push({
        severity: 'error',
        subject: { kind: 'Secret', name: SECRET_NAME, namespace: ns },
        message: `Secret ${SECRET_NAME} is missing in namespace ${ns}, which has ${pods.length} Bitfusion pod(s)${homeMissing ? '' : `: the webhook did not copy it from ${SECRET_HOME}`}`,
        evidence: [`Bitfusion pods in ${ns}: ${someNames(pods.map((p) => p.metadata.name))}`, ...mountFailures(facts, pods)],
        fix: {
          summary: `Create the secret in ${ns} from the same token, then recreate the pods`,
          commands: [...(homeMissing ? [...UNPACK_TOKEN, create(SECRET_HOME)] : []), create(ns), ...pods.slice(0, 3).map((p) => `kubectl delete pod -n ${ns} ${p.metadata.name}`)],
        },
      });
    }
    return issues;
  },
});
