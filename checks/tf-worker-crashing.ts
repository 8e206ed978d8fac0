import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { logLines, warningEventLines } from '../src/facts/pod-evidence.js';
import { allStatuses, displayStatus, isReady, podRef, restarts } from '../src/facts/pods.js';
import { WORKER_TEMPLATE_PATH, workerEnvLines, workerPods, workloadOf } from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';
import { workerEnvFix } from '../src/remedies/tensor-fusion.js';

/** A Ready worker that crashed this often still loses its clients' GPU each time. */
const RESTART_WARNING = 3;

function issueFor(facts: Facts, pod: Pod): Issue | undefined {
  const statuses = allStatuses(pod);
  const looping = statuses.find((s) => s.state?.waiting?.reason === 'CrashLoopBackOff' || (s.state?.terminated && s.state.terminated.exitCode !== 0));
  const crashed = statuses.filter((s) => (s.restartCount ?? 0) > 0 && (s.lastState?.terminated?.exitCode ?? 0) !== 0);
  const ready = isReady(pod);
  if (!looping && pod.status?.phase !== 'Failed' && !(crashed.length && (!ready || restarts(pod) >= RESTART_WARNING))) return undefined;
  const container = (looping ?? crashed[0] ?? statuses[0])?.name ?? pod.spec?.containers?.[0]?.name ?? 'worker';
  const workload = workloadOf(pod);
  const ns = pod.metadata.namespace ?? 'default';
  const evidence = [
    `worker pod ${podRef(pod)}${workload ? ` of TensorFusionWorkload ${workload}` : ''}: ${displayStatus(pod)}, ${restarts(pod)} restarts${pod.spec?.nodeName ? `, node ${pod.spec.nodeName}` : ''}`,
  ];
  for (const s of statuses) {
    const last = s.lastState?.terminated ?? s.state?.terminated;
    if (last) evidence.push(`container ${s.name} exited ${last.reason ?? ''} (code ${last.exitCode ?? '?'})${last.finishedAt ? ` at ${last.finishedAt}` : ''}`);
  }
  evidence.push(...logLines(facts, pod, container, (statuses.find((s) => s.name === container)?.restartCount ?? 0) > 0));
  evidence.push(...workerEnvLines(facts, 'TF_ENABLE_LOG'));
  evidence.push(...warningEventLines(facts, pod));
  return {
    severity: ready && !looping ? 'warning' : 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
    message: `TensorFusion GPU worker ${podRef(pod)} is crashing (${displayStatus(pod)}, ${restarts(pod)} restarts): its clients lose their GPU`,
    evidence,
    fix: {
      summary: `Read the crash log; if it says too little, set TF_ENABLE_LOG=1 in the worker Pod template of the TensorFusionCluster (${WORKER_TEMPLATE_PATH}), let the worker crash again, and send that log to the TensorFusion support team`,
      commands: [`kubectl logs -n ${ns} ${pod.metadata.name} -c ${container} --previous`, ...workerEnvFix(facts, 'TF_ENABLE_LOG', '1'), `kubectl delete pod -n ${ns} ${pod.metadata.name}`],
    },
  };
}

export default defineCheck({
  name: 'tf-worker-crashing',
  title: 'TensorFusion GPU workers are not crashing',
  needs: ['Pod'],
  ok: 'no TensorFusion GPU worker is crash-looping or restarting',
  stacks: ['tensor-fusion'],
  explain: {
    detects: 'TensorFusion GPU worker pods (label tensor-fusion.ai/component=worker) that crash-loop, failed, or restarted after non-zero exits; quotes the crash log and says whether TF_ENABLE_LOG is set in the worker template.',
    why: 'The worker holds the GPU share its clients use remotely: each crash drops their CUDA context, and a crash-looping worker leaves them stuck starting.',
    fix: 'Check the crash log; if it is not verbose enough, set TF_ENABLE_LOG=1 in the worker Pod template inside the TensorFusionCluster and send the crash log to the TensorFusion support team.',
  },
  zh: {
    title: 'TensorFusion GPU worker 没有崩溃',
    ok: '没有 TensorFusion GPU worker 处于 CrashLoop 或在重启',
    headline: 'TensorFusion GPU worker 在崩溃，其客户端会失去 GPU',
    fixSummary: '查看崩溃日志；信息不够时在 TensorFusionCluster 的 worker Pod 模板中设置 TF_ENABLE_LOG=1，再把崩溃日志发给 TensorFusion 支持团队',
    explain: {
      detects:
        '处于 CrashLoop、失败，或以非零退出码重启过的 TensorFusion GPU worker Pod（标签 tensor-fusion.ai/component=worker）；引用崩溃日志，并说明 worker 模板中是否设置了 TF_ENABLE_LOG。',
      why: 'worker 持有其客户端远程使用的 GPU 份额：每次崩溃都会让客户端丢失 CUDA 上下文，反复崩溃的 worker 会让客户端一直卡在启动中。',
      fix: '查看崩溃日志；如果不够详细，在 TensorFusionCluster 内的 worker Pod 模板中设置 TF_ENABLE_LOG=1，并把崩溃日志发送给 TensorFusion 支持团队。',
    },
  },
  run(facts) {
    return workerPods(facts).flatMap((pod) => issueFor(facts, pod) ?? []);
  },
});
