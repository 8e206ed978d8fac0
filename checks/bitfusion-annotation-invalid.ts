import { defineCheck } from '../src/check.js';
import {
  annotationProblems,
  bitfusionPods,
  GPU_AMOUNT,
  GPU_MEMORY,
  GPU_PERCENT,
  MANAGEMENT_ANNOTATION,
  OS_ANNOTATION,
  resourceProblems,
  VALID_ANNOTATION_VALUES,
  VERSION_ANNOTATION,
} from '../src/facts/bitfusion.js';
import type { Facts } from '../src/facts/facts.js';
import type { Container, KubeObject } from '../src/facts/kube.js';
import { ownerName } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';

const VALID = `valid: ${MANAGEMENT_ANNOTATION} ${VALID_ANNOTATION_VALUES[MANAGEMENT_ANNOTATION]!.join('|')}; ${OS_ANNOTATION} ${VALID_ANNOTATION_VALUES[OS_ANNOTATION]!.join('|')}; ${VERSION_ANNOTATION} ${VALID_ANNOTATION_VALUES[VERSION_ANNOTATION]!.join('|')}; ${GPU_AMOUNT} plus exactly one of ${GPU_PERCENT} (1–100) or ${GPU_MEMORY} (e.g. 8000M)`;

function problemsOf(meta: KubeObject['metadata'] | undefined, containers: Container[]): string[] {
  return [...annotationProblems(meta?.annotations), ...containers.flatMap(resourceProblems)];
}

function issue(kind: string, name: string, namespace: string, problems: string[], recreate: string): Issue {
  return {
    severity: 'error',
    subject: { kind, name, namespace },
    message: `${kind} ${namespace}/${name} has invalid Bitfusion settings: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    evidence: [...problems, VALID],
    fix: {
      summary: 'Correct the annotations and bitfusion.io resources in the manifest and create the pod again: the webhook reads them only when a pod is created',
      commands: [`kubectl get ${kind.toLowerCase()} -n ${namespace} ${name} -o yaml | grep -E 'auto-management|bitfusion'`, recreate],
    },
  };
}

/** A DaemonSet owns its pods; a Deployment's pods belong to a ReplicaSet named after it. */
function hasPods(facts: Facts, w: KubeObject): boolean {
  return facts.pods.some((p) => {
    const owner = ownerName(p);
    return p.metadata.namespace === w.metadata.namespace && (owner === w.metadata.name || !!owner?.startsWith(`${w.metadata.name}-`));
  });
}

export default defineCheck({
  name: 'bitfusion-annotation-invalid',
  title: 'Bitfusion annotations and resources have valid values',
  needs: ['Pod', 'DaemonSet', 'Deployment'],
  requires: ['Pod'],
  ok: 'every Bitfusion pod has valid annotations and resources',
  stacks: ['bitfusion'],
  explain: {
    detects: `Pods (and Deployment or DaemonSet templates without pods) whose ${MANAGEMENT_ANNOTATION} is not all/injection/none, ${OS_ANNOTATION} not ubuntu18/ubuntu20/centos7/centos8, ${VERSION_ANNOTATION} not 250; or whose containers ask for ${GPU_AMOUNT} without a positive integer, or with both or neither of ${GPU_PERCENT} and ${GPU_MEMORY}.`,
    why: 'The webhook turns these into the client install and the `bitfusion run -n N -p P` command: a wrong value leaves the pod uninjected, with the wrong client, or with a resource request the device plugin cannot serve.',
    fix: 'Use the documented values, give GPU count plus one of percent or memory, and recreate the pod.',
  },
  zh: {
    title: 'Bitfusion 注解和资源的取值有效',
    ok: '每个 Bitfusion Pod 的注解和资源都有效',
    headline: 'Pod 的 Bitfusion 注解或资源设置无效',
    fixSummary: '在清单中改正注解和 bitfusion.io 资源，然后重新创建 Pod（Webhook 只在创建 Pod 时读取它们）',
    explain: {
      detects:
        'Pod（以及尚无 Pod 的 Deployment 或 DaemonSet 模板）的 auto-management/bitfusion 不是 all/injection/none，bitfusion-client/os 不是 ubuntu18/ubuntu20/centos7/centos8，bitfusion-client/version 不是 250；或其容器请求 bitfusion.io/gpu-amount 时不是正整数，或 bitfusion.io/gpu-percent 与 bitfusion.io/gpu-memory 同时给出或都没有给出。',
      why: 'Webhook 根据这些值安装客户端并生成 `bitfusion run -n N -p P` 命令：取值错误会使 Pod 未被注入、装上错误的客户端，或提出设备插件无法满足的资源请求。',
      fix: '使用文档规定的取值，给出 GPU 数量，并在百分比与显存中二选一，然后重建 Pod。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    for (const pod of bitfusionPods(facts.pods)) {
      const problems = problemsOf(pod.metadata, [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]);
      const ns = pod.metadata.namespace ?? 'default';
      const owner = ownerName(pod);
      if (problems.length) issues.push(issue('Pod', pod.metadata.name, ns, problems, owner ? `kubectl delete pod -n ${ns} ${pod.metadata.name}   # after fixing the template of ${owner}` : `kubectl replace --force -f POD.yaml   # after fixing it`));
    }
    for (const kind of ['Deployment', 'DaemonSet']) {
      for (const w of facts.all(kind)) {
        const template = w.spec?.template;
        if (!template || hasPods(facts, w)) continue;
        const problems = problemsOf(template.metadata, template.spec?.containers ?? []);
        const ns = w.metadata.namespace ?? 'default';
        if (problems.length) issues.push(issue(kind, w.metadata.name, ns, problems, `kubectl edit ${kind.toLowerCase()} -n ${ns} ${w.metadata.name}`));
      }
    }
    return issues;
  },
});
