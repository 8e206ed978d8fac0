import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuNodes, nodeAllocatableGpus, nvidiaResources, podGpuRequest } from '../src/facts/gpu.js';
import type { Pod, Taint, Toleration } from '../src/facts/kube.js';
import { podRef } from '../src/facts/pods.js';
import {
  failedSchedulingEvents,
  formatTaint,
  formatToleration,
  isNodeConditionTaint,
  isUnscheduled,
  matchesNodeSelector,
  mentionsUntoleratedTaint,
  sameTaint,
  someNames,
  taintsInMessage,
  tolerationFor,
  untoleratedTaints,
} from '../src/facts/scheduling.js';
import { templateOwner } from '../src/facts/workload-owner.js';
import type { Fix, Issue } from '../src/model.js';

type PodToleration = Toleration & { tolerationSeconds?: number };

/** Why this pod is meant for a GPU node, or undefined when it is not. */
function gpuIntent(pod: Pod, facts: Facts, gpuNodeNames: Set<string>): string | undefined {
  const resources = nvidiaResources(pod);
  if (resources.length > 0) return `the pod requests ${resources.join(', ')}`;
  const selector = pod.spec?.nodeSelector ?? {};
  if (Object.keys(selector).length === 0) return undefined;
  const selected = facts.nodes.filter((n) => matchesNodeSelector(pod, n));
  if (selected.length > 0 && selected.every((n) => gpuNodeNames.has(n.metadata.name))) {
    return `the pod's nodeSelector ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')} selects only GPU nodes`;
  }
  return undefined;
}

/** Tolerations the admission plugin DefaultTolerationSeconds adds to every pod: not part of any template. */
function isDefaultToleration(t: PodToleration): boolean {
  return (
    (t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable') &&
    t.operator === 'Exists' &&
    t.effect === 'NoExecute' &&
    t.tolerationSeconds === 300
  );
}

function tolerationFix(pod: Pod, taints: { key: string; value?: string; effect?: string }[]): Fix {
  const wanted = taints.map(tolerationFor);
  const yaml = `tolerations: [${wanted.map(formatToleration).join(', ')}]`;
  const ns = pod.metadata.namespace ?? 'default';
  const existing = (pod.spec?.tolerations ?? []) as PodToleration[];
  const owner = templateOwner(pod);
  const patch = (path: string, list: Toleration[]) => `'${JSON.stringify([{ op: 'add', path, value: list }])}'`;
  if (owner) {
    const list = [...existing.filter((t) => !isDefaultToleration(t)), ...wanted];
    return {
      summary: `Add to the pod template of ${owner.kind} ${ns}/${owner.name}: ${yaml}`,
      commands: [`kubectl -n ${ns} patch ${owner.kind} ${owner.name} --type=json -p ${patch('/spec/template/spec/tolerations', list)}`],
    };
  }
  // A pod may gain tolerations in place (only additions are allowed); a Job's pods also need its manifest fixed.
  return {
    summary: `Add to the pod (and to the manifest that creates it): ${yaml}`,
    commands: [`kubectl -n ${ns} patch pod ${pod.metadata.name} --type=json -p ${patch('/spec/tolerations', [...existing, ...wanted])}`],
  };
}

function uniqueTaints(lists: Taint[][]): Taint[] {
  const out: Taint[] = [];
  for (const t of lists.flat()) if (!out.some((o) => sameTaint(o, t))) out.push(t);
  return out;
}

export default defineCheck({
  name: 'gpu-taint-untolerated',
  title: 'Pending GPU pods tolerate the taints of the GPU nodes',
  needs: ['Node', 'Pod', 'Event', 'node-command:lspci'],
  requires: ['Pod'],
  ok: 'no pending GPU pod is kept off the GPU nodes by a taint',
  explain: {
    detects:
      'A Pending pod meant for a GPU node (it requests nvidia.com/… resources, or its nodeSelector picks only GPU nodes) that every GPU node able to host it keeps off with a NoSchedule/NoExecute taint the pod does not tolerate, such as nvidia.com/gpu=present:NoSchedule. Tolerations are matched exactly as Kubernetes does; without Node objects the FailedScheduling event is read instead.',
    why: 'GPU node pools are often tainted so that only GPU workloads land there. A pod without the matching toleration stays Pending with "node(s) had untolerated taint", even though GPUs are free.',
    fix: "Add the toleration to the pod template of the workload (the fix shows it as YAML and as a kubectl patch); condition taints such as node.kubernetes.io/not-ready are never the thing to tolerate.",
  },
  zh: {
    title: 'Pending 的 GPU Pod 能容忍 GPU 节点的污点',
    ok: '没有 Pending 的 GPU Pod 因污点而无法调度到 GPU 节点',
    headline: 'Pending 的 GPU Pod 不容忍 GPU 节点的污点',
    fixSummary: '在工作负载的 Pod 模板中添加对应的容忍（toleration）',
    explain: {
      detects:
        '一个面向 GPU 节点的 Pending Pod（它请求 nvidia.com/… 资源，或其 nodeSelector 只选中 GPU 节点），而所有能承载它的 GPU 节点都带有它不容忍的 NoSchedule/NoExecute 污点，例如 nvidia.com/gpu=present:NoSchedule。容忍的匹配方式与 Kubernetes 完全一致；没有 Node 对象时改为读取 FailedScheduling 事件。',
      why: 'GPU 节点池常常带有污点，只让 GPU 工作负载调度上去。没有对应容忍的 Pod 会以 "node(s) had untolerated taint" 一直 Pending，即使 GPU 是空闲的。',
      fix: '在工作负载的 Pod 模板中添加容忍（修复建议会以 YAML 和 kubectl patch 两种形式给出）；node.kubernetes.io/not-ready 这类表示节点状态的污点永远不应被容忍。',
    },
  },
  run(facts) {
    const nodesReadable = !facts.unavailable('Node');
    const gpu = nodesReadable ? gpuNodes(facts) : [];
    const gpuNames = new Set(gpu.map((n) => n.metadata.name));
    const issues: Issue[] = [];

    for (const pod of facts.pods.filter(isUnscheduled)) {
      const intent = gpuIntent(pod, facts, gpuNames);
      // The scheduler's words: its latest FailedScheduling event, else the pod's PodScheduled condition.
      const event = failedSchedulingEvents(facts, pod).at(-1);
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.message);
      const lastEvent = event ?? (condition ? { message: condition.message } : undefined);
      const eventMentionsTaint = mentionsUntoleratedTaint(lastEvent?.message);
      if (!intent && !eventMentionsTaint) continue;
      const eventLine = event ? [`event FailedScheduling: ${event.message ?? ''}`.trim()] : condition ? [`PodScheduled condition (${condition.reason ?? 'Unschedulable'}): ${condition.message}`] : [];
      const tolerationsLine = `pod tolerations: ${pod.spec?.tolerations?.length ? pod.spec.tolerations.map(formatToleration).join(', ') : 'none'}`;

      if (!nodesReadable) {
        // Without nodes, trust the scheduler's own words, and only for taints that name a GPU.
        const named = taintsInMessage(lastEvent?.message).filter((t) => /gpu|nvidia/i.test(t.key));
        if (!eventMentionsTaint || named.length === 0) continue;
        issues.push({
          severity: 'error',
          subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
          message: `Pod ${podRef(pod)} is Pending: it does not tolerate the GPU taint ${named.map((t) => `${t.key}=${t.value}`).join(', ')}`,
          evidence: [...eventLine, tolerationsLine, `nodes could not be listed (${facts.unavailable('Node')}): taints taken from the event`],
          fix: tolerationFix(pod, named),
        });
        continue;
      }
      if (!intent) continue; // the pod does not want a GPU: a GPU node keeping it off is the taint doing its job

      const request = podGpuRequest(pod);
      const blocked: { node: (typeof gpu)[number]; taints: Taint[] }[] = [];
      let admitted = false;
      for (const node of gpu) {
        if (!matchesNodeSelector(pod, node) || node.spec?.unschedulable || (request > 0 && nodeAllocatableGpus(node) < request)) continue;
        const taints = untoleratedTaints(pod.spec?.tolerations, node.spec?.taints);
        // A node held off by its own condition (not-ready, cordoned…) cannot host the pod whatever it tolerates.
        if (taints.some(isNodeConditionTaint)) continue;
        // One host that takes the pod is enough to clear the taints: stop there (thousands of GPU nodes).
        if (taints.length === 0) {
          admitted = true;
          break;
        }
        blocked.push({ node, taints });
      }
      if (admitted || blocked.length === 0) continue;

      const common = blocked[0]!.taints.filter((t) => blocked.every(({ taints }) => taints.some((o) => sameTaint(o, t))));
      const all = uniqueTaints(blocked.map(({ taints }) => taints));
      const names = someNames(blocked.map(({ node }) => node.metadata.name));
      issues.push({
        severity: 'error',
        subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
        message:
          common.length > 0
            ? `Pod ${podRef(pod)} is Pending: it does not tolerate the taint ${common.map(formatTaint).join(', ')} of every GPU node that could host it (${names})`
            : `Pod ${podRef(pod)} is Pending: each GPU node that could host it (${names}) has a taint it does not tolerate`,
        evidence: [
          intent,
          ...blocked.slice(0, 5).map(({ node, taints }) => `node ${node.metadata.name}: untolerated taint ${taints.map(formatTaint).join(', ')}`),
          tolerationsLine,
          ...eventLine,
        ],
        fix: tolerationFix(pod, common.length > 0 ? common : all),
      });
    }
    return issues;
  },
});
