import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { warningEventLines } from '../src/facts/pod-evidence.js';
import { allStatuses, displayStatus, isReady, podRef, restarts } from '../src/facts/pods.js';
import { CONTROLLER_LABEL, containerLogs, controllerPods, errorLines, TENSOR_FUSION_NAMESPACE } from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';

const LOGS_COMMAND = `kubectl logs -n ${TENSOR_FUSION_NAMESPACE} -l ${CONTROLLER_LABEL.key}=${CONTROLLER_LABEL.value}`;

function issueFor(facts: Facts, pod: Pod): Issue | undefined {
  const count = restarts(pod);
  const crashLooping = allStatuses(pod).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
  if (count === 0 && !crashLooping && pod.status?.phase !== 'Failed') return undefined;
  const ready = isReady(pod);
  const evidence = [`pod ${podRef(pod)}: ${displayStatus(pod)}, ${count} restarts, ${ready ? 'Ready' : 'not Ready'}`];
  for (const s of allStatuses(pod)) {
    const last = s.lastState?.terminated;
    if (last) evidence.push(`container ${s.name} last exited ${last.reason ?? ''} (code ${last.exitCode ?? '?'})${last.finishedAt ? ` at ${last.finishedAt}` : ''}`);
  }
  let quoted = 0;
  let collected = false;
  for (const c of pod.spec?.containers ?? []) {
    for (const { text, previous } of containerLogs(facts, pod, c.name)) {
      collected = true;
      for (const line of errorLines(text, 5)) {
        evidence.push(`log ${c.name}${previous ? ' (previous run)' : ''}: ${line}`);
        quoted++;
      }
    }
  }
  if (!collected) evidence.push(`log: not collected (run \`${LOGS_COMMAND} --previous\`)`);
  else if (quoted === 0) evidence.push('log: no error lines in the collected logs');
  evidence.push(...warningEventLines(facts, pod));
  return {
    // A Ready controller that restarted is recovering; one that is down stops all TensorFusion scheduling.
    severity: ready && !crashLooping ? 'warning' : 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
    message: `TensorFusion operator pod ${podRef(pod)} is restarting (${count} restarts, ${displayStatus(pod)})${quoted ? ': its log names the error' : ''}`,
    evidence,
    fix: {
      summary:
        'Read the error: a configuration error points at a TensorFusion custom resource (TensorFusionCluster, GPUPool, SchedulingConfigTemplate) to correct; otherwise ask the TensorFusion support team (Discord) with this log',
      commands: [`${LOGS_COMMAND} --previous --tail=100`, LOGS_COMMAND, `kubectl describe pod -n ${pod.metadata.namespace} ${pod.metadata.name}`, 'kubectl get tensorfusioncluster -o yaml'],
    },
  };
}

export default defineCheck({
  name: 'tf-operator-restarting',
  title: 'TensorFusion operator is not restarting',
  needs: ['Pod', 'Event', 'logs:stack'],
  requires: ['Pod'],
  ok: 'the TensorFusion operator pods are not restarting',
  stacks: ['tensor-fusion'],
  explain: {
    detects: `Controller pods of the TensorFusion operator (namespace ${TENSOR_FUSION_NAMESPACE}, label ${CONTROLLER_LABEL.key}=${CONTROLLER_LABEL.value}) that restarted, crash-loop or failed; quotes the error lines of their logs (the previous run first).`,
    why: 'The operator schedules GPUs for TensorFusionWorkloads, starts workers and keeps GPUNode and GPU status: while it restarts, new TensorFusion pods stay stuck starting.',
    fix: 'Read the error lines: a configuration error names the custom resource to fix (see the TensorFusion custom resource reference); anything else goes to the TensorFusion support team with the log.',
  },
  zh: {
    title: 'TensorFusion Operator 没有在重启',
    ok: 'TensorFusion Operator 的 Pod 没有在重启',
    headline: 'TensorFusion Operator 的 Pod 在反复重启',
    fixSummary: '查看日志中的错误行：配置错误按 TensorFusion 自定义资源文档修正，其他错误把日志交给 TensorFusion 支持团队',
    explain: {
      detects:
        'TensorFusion Operator（命名空间 tensor-fusion-sys，标签 app.kubernetes.io/component=controller）的控制器 Pod 发生重启、CrashLoop 或失败；引用其日志中的错误行（先看上一次运行的日志）。',
      why: 'Operator 为 TensorFusionWorkload 调度 GPU、启动 worker，并维护 GPUNode 和 GPU 的状态：它重启期间，新的 TensorFusion Pod 会一直卡在启动中。',
      fix: '查看错误行：配置错误会指出需要修正的自定义资源（见 TensorFusion 自定义资源参考文档）；其他情况请把日志交给 TensorFusion 支持团队。',
    },
  },
  run(facts) {
    return controllerPods(facts).flatMap((pod) => issueFor(facts, pod) ?? []);
  },
});
