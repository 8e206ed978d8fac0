import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import type { Event } from '../src/facts/kube.js';
import { IMAGE_PULL_REASONS, warningEventLines } from '../src/facts/pod-evidence.js';
import { allStatuses, displayStatus, isReady, podRef, restarts } from '../src/facts/pods.js';
import { CONTROLLER_LABEL, containerLogs, controllerPods, errorLines, TENSOR_FUSION_NAMESPACE } from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';

const LOGS_COMMAND = `kubectl logs -n ${TENSOR_FUSION_NAMESPACE} -l ${CONTROLLER_LABEL.key}=${CONTROLLER_LABEL.value}`;

/** Kubelet's words while an image does not pull: `Failed to pull image "x": …`, `Back-off pulling image "x"`. */
const PULL_EVENT = /^(Failed to pull image|Back-off pulling image|Error: (ErrImagePull|ImagePullBackOff))\b/;

/**
 * Why a restarted operator is down when it is its image: a container waiting on the pull, or (no container
 * crash-looping) kubelet's pull events for the pod. The reason and one evidence line.
 */
function imagePull(facts: Facts, pod: Pod, crashLooping: boolean): { reason: string; line: string } | undefined {
  for (const s of allStatuses(pod)) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason)) {
      const image = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === s.name)?.image ?? s.image ?? '?';
      return { reason: waiting.reason, line: `container ${s.name} image ${image}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
    }
  }
  if (crashLooping) return undefined;
  const event: Event | undefined = facts.eventsFor('Pod', pod.metadata.name, pod.metadata.namespace).filter((e) => e.type === 'Warning' && PULL_EVENT.test(e.message ?? '')).at(-1);
  return event && { reason: /^Back-off|ImagePullBackOff/.test(event.message ?? '') ? 'ImagePullBackOff' : 'ErrImagePull', line: `event ${event.reason ?? 'Failed'}: ${event.message}` };
}

function issueFor(facts: Facts, pod: Pod): Issue | undefined {
  const count = restarts(pod);
  const crashLooping = allStatuses(pod).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
  if (count === 0 && !crashLooping && pod.status?.phase !== 'Failed') return undefined;
  const ready = isReady(pod);
  const evidence = [`pod ${podRef(pod)}: ${displayStatus(pod)}, ${count} restarts, ${ready ? 'Ready' : 'not Ready'}`];
  const pull = imagePull(facts, pod, crashLooping);
  if (pull) {
    // Restarted, and the new container cannot get its image: the pull is the fault, not a crash of the operator.
    return {
      severity: ready ? 'warning' : 'error',
      subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
      message: `TensorFusion operator pod ${podRef(pod)} restarted (${count} restarts) and cannot pull its image (${pull.reason}): it stays down until the image pulls (see image-pull-failing)`,
      evidence: [...evidence, pull.line, ...warningEventLines(facts, pod)],
      fix: {
        summary: 'Make the operator\'s image pull: image-pull-failing names the registry error and its fix; the operator starts by itself once the image pulls',
        commands: ['gpuctl doctor --checks image-pull-failing', `kubectl describe pod -n ${pod.metadata.namespace} ${pod.metadata.name}`],
      },
    };
  }
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
    detects: `Controller pods of the TensorFusion operator (namespace ${TENSOR_FUSION_NAMESPACE}, label ${CONTROLLER_LABEL.key}=${CONTROLLER_LABEL.value}) that restarted, crash-loop or failed; quotes the error lines of their logs (the previous run first). A restarted pod whose container now waits on its image (ErrImagePull, ImagePullBackOff, or kubelet's pull events) is reported as that image pull, which image-pull-failing explains.`,
    why: 'The operator schedules GPUs for TensorFusionWorkloads, starts workers and keeps GPUNode and GPU status: while it restarts, new TensorFusion pods stay stuck starting.',
    fix: 'Read the error lines: a configuration error names the custom resource to fix (see the TensorFusion custom resource reference); anything else goes to the TensorFusion support team with the log. An image that does not pull is fixed as image-pull-failing says; the operator starts by itself once it pulls.',
  },
  zh: {
    title: 'TensorFusion Operator 没有在重启',
    ok: 'TensorFusion Operator 的 Pod 没有在重启',
    headline: 'TensorFusion Operator 的 Pod 在反复重启（或重启后拉不到镜像）',
    fixSummary: '查看日志中的错误行：配置错误按 TensorFusion 自定义资源文档修正，其他错误把日志交给 TensorFusion 支持团队；重启后拉不到镜像时按 image-pull-failing 修复镜像拉取',
    explain: {
      detects:
        'TensorFusion Operator（命名空间 tensor-fusion-sys，标签 app.kubernetes.io/component=controller）的控制器 Pod 发生重启、CrashLoop 或失败；引用其日志中的错误行（先看上一次运行的日志）。重启后容器在等待拉取镜像（ErrImagePull、ImagePullBackOff 或 kubelet 的拉取事件）时，按镜像拉取失败报告，由 image-pull-failing 解释。',
      why: 'Operator 为 TensorFusionWorkload 调度 GPU、启动 worker，并维护 GPUNode 和 GPU 的状态：它重启期间，新的 TensorFusion Pod 会一直卡在启动中。',
      fix: '查看错误行：配置错误会指出需要修正的自定义资源（见 TensorFusion 自定义资源参考文档）；其他情况请把日志交给 TensorFusion 支持团队。镜像拉取失败按 image-pull-failing 的说明修复，镜像能拉取后 Operator 会自行启动。',
    },
  },
  run(facts) {
    return controllerPods(facts).flatMap((pod) => issueFor(facts, pod) ?? []);
  },
});
