import { defineCheck } from '../src/check.js';
import { commandLine } from '../src/facts/exec-tree.js';
import type { Facts } from '../src/facts/facts.js';
import { eventTime } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { displayStatus, isReady, isTerminal, podRef } from '../src/facts/pods.js';
import { findWorkload, isWorker, WORKLOAD_LABEL, workersOf, workloadOf } from '../src/facts/tensor-fusion.js';
import { workloadInjections } from '../src/facts/workload-injection.js';
import type { Issue } from '../src/model.js';

const PYTORCH_ASSERT = /DeferredCudaCallError|device >= 0 && device < num_gpus/;

function stuckStarting(pod: Pod): boolean {
  return !isWorker(pod) && !!workloadOf(pod) && !isTerminal(pod) && !pod.metadata.deletionTimestamp && !isReady(pod);
}

function workerLine(worker: Pod): string {
  return `worker ${podRef(worker)}: ${displayStatus(worker)}, ${isReady(worker) ? 'Ready' : 'not Ready'}${worker.spec?.nodeName ? `, node ${worker.spec.nodeName}` : ''}`;
}

/** Branch 1: no worker runs, so no GPU was given to the workload. */
function noGpu(facts: Facts, pod: Pod, workload: string, workers: Pod[]): Issue {
  const ns = pod.metadata.namespace ?? 'default';
  const evidence = [`pod ${podRef(pod)}: ${displayStatus(pod)}, not Ready, label ${WORKLOAD_LABEL}=${workload}`];
  evidence.push(...(workers.length ? workers.map(workerLine) : [`no worker pod of TensorFusionWorkload ${workload} in ${ns}`]));
  const tfw = findWorkload(facts, ns, workload);
  if (tfw?.status) evidence.push(`TensorFusionWorkload ${ns}/${workload}: phase ${tfw.status.phase ?? '?'}, ${tfw.status.readyWorkers ?? 0}/${tfw.spec?.replicas ?? tfw.status.workerCount ?? '?'} workers ready`);
  const failed = facts.eventsFor('TensorFusionWorkload', workload, ns).filter((e) => /Failed to schedule GPU/.test(e.message ?? ''));
  const last = failed[failed.length - 1];
  if (last) evidence.push(`event ${last.reason ?? 'Warning'}${eventTime(last) ? ` at ${eventTime(last)}` : ''}: ${last.message} (see tf-schedule-failed)`);
  return {
    severity: 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
    message: `Pod ${podRef(pod)} is stuck starting and the worker of its TensorFusionWorkload ${workload} is not running: no GPU is available to it${last ? ' ("Failed to schedule GPU")' : ''}`,
    evidence,
    fix: {
      summary: 'Find why no GPU was allocated: "Failed to schedule GPU" means too little free (lower requests); total TFlops 0 or GPUs missing means TensorFusion did not discover them',
      commands: [`kubectl describe tensorfusionworkload -n ${ns} ${workload}`, 'kubectl get gpu', `kubectl get jobs -n tensor-fusion-sys`, `kubectl get pods -n ${ns} -l ${WORKLOAD_LABEL}=${workload} --show-labels`],
    },
  };
}

/** Branch 2: the worker runs, so the client side failed: the runtime was not injected into the process. */
function injectionFailed(facts: Facts, pod: Pod, workload: string, running: Pod[]): Issue {
  const ns = pod.metadata.namespace ?? 'default';
  const container = pod.spec?.containers?.[0]?.name ?? 'main';
  const evidence = [`pod ${podRef(pod)}: ${displayStatus(pod)}, not Ready, label ${WORKLOAD_LABEL}=${workload}`, ...running.map(workerLine)];
  const captured = workloadInjections(facts).filter((w) => w.namespace === ns && w.pod === pod.metadata.name);
  for (const w of captured) {
    for (const d of w.analysis.drops) evidence.push(`process table of ${w.container}: ${d.variable} lost at pid ${d.to.pid} \`${commandLine(d.to, 60)}\`${d.shell ? ` below ${d.shell}` : ''}`);
    if (w.analysis.neverInjected.length) evidence.push(`process table of ${w.container}: first process lacks ${w.analysis.neverInjected.map((q) => q.variable).join(', ')}`);
  }
  for (const c of pod.spec?.containers ?? []) {
    const log = [facts.log(ns, pod.metadata.name, c.name, true), facts.log(ns, pod.metadata.name, c.name)].filter(Boolean).join('\n');
    // the exception line, not the traceback's `raise DeferredCudaCallError(msg)` above it
    const line = log.split('\n').filter((l) => PYTORCH_ASSERT.test(l)).pop();
    if (line) evidence.push(`log ${c.name}: ${line.trim().slice(0, 300)}`);
  }
  return {
    severity: 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
    message: `Pod ${podRef(pod)} is stuck starting although its worker is running: the TensorFusion client runtime was not injected into its process${captured.some((w) => w.analysis.drops.length) ? ' (see the injection findings)' : ''}`,
    evidence,
    fix: {
      summary:
        'Check that PATH, LD_LIBRARY_PATH and LD_PRELOAD contain /tensor-fusion in the process that uses the GPU; bash/zsh may drop LD_PRELOAD: run them through `sh -c "bash …"` or use sh',
      commands: [
        `gpuctl exec-check ${pod.metadata.name} -n ${ns} -c ${container} --strace`,
        `kubectl exec -it -n ${ns} ${pod.metadata.name} -c ${container} -- sh -c 'echo $PATH; echo $LD_LIBRARY_PATH; echo $LD_PRELOAD'`,
        '# expected: /tensor-fusion:/root/.local/bin/:/usr/local/nvidia/bin:… (TensorFusion takes effect once all three contain /tensor-fusion)',
      ],
    },
  };
}

export default defineCheck({
  name: 'tf-worker-not-running',
  title: 'TensorFusion pods do not hang while starting',
  needs: ['Pod', 'Event', 'TensorFusionWorkload', 'logs:workloads', 'process-tables'],
  requires: ['Pod'],
  ok: 'no TensorFusion workload pod is stuck starting',
  stacks: ['tensor-fusion'],
  explain: {
    detects: `Pods with label ${WORKLOAD_LABEL} (not workers) that are not Ready, split as the troubleshooting page does: their workload's worker is not running (1: no GPU available) or is running and Ready (2: the client injection failed).`,
    why: 'A TensorFusion pod starts only with a worker that holds its GPU share and with the TensorFusion libraries injected into its process; either missing leaves it hanging in its start.',
    fix: 'Branch 1: `kubectl describe tensorfusionworkload` for "Failed to schedule GPU", `kubectl get gpu` for free and total resources. Branch 2: make PATH, LD_LIBRARY_PATH and LD_PRELOAD reach the GPU process (`gpuctl exec-check POD`; `sh -c "bash …"` instead of bash).',
  },
  zh: {
    title: 'TensorFusion Pod 没有卡在启动中',
    ok: '没有 TensorFusion 工作负载 Pod 卡在启动中',
    headline: 'TensorFusion Pod 卡在启动中（没有可用的 GPU，或客户端运行时注入失败）',
    fixSummary: 'worker 未运行：查明为何没有分配到 GPU；worker 已运行：让 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD 到达 GPU 进程',
    explain: {
      detects:
        '带有 tensor-fusion.ai/workload 标签（不是 worker）且未 Ready 的 Pod，按排查手册分为两种情况：其工作负载的 worker 没有运行（1：没有可用的 GPU 资源），或 worker 已运行且 Ready（2：客户端注入失败）。',
      why: 'TensorFusion Pod 只有在持有其 GPU 份额的 worker 已运行、且 TensorFusion 库已注入其进程时才能启动；缺少任何一个都会卡在启动中。',
      fix: '情况 1：用 `kubectl describe tensorfusionworkload` 查看是否有 "Failed to schedule GPU"，用 `kubectl get gpu` 查看空闲和总资源。情况 2：让 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD 到达 GPU 进程（`gpuctl exec-check POD`；用 `sh -c "bash …"` 代替直接运行 bash）。',
    },
  },
  run(facts) {
    return facts.pods.filter(stuckStarting).map((pod) => {
      const workload = workloadOf(pod)!;
      const workers = workersOf(facts, pod.metadata.namespace ?? 'default', workload);
      const running = workers.filter((w) => w.status?.phase === 'Running' && isReady(w));
      return running.length ? injectionFailed(facts, pod, workload, running) : noGpu(facts, pod, workload, workers);
    });
  },
});
