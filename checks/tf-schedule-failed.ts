import { defineCheck } from '../src/check.js';
import { cannotList } from '../src/facts/availability.js';
import type { Facts } from '../src/facts/facts.js';
import { eventTime } from '../src/facts/facts.js';
import type { Event, KubeObject, Pod } from '../src/facts/kube.js';
import { formatBytes } from '../src/facts/quantity.js';
import { someNames } from '../src/facts/scheduling.js';
import type { GpuResources } from '../src/facts/tensor-fusion.js';
import { containerLogs, controllerPods, findWorkload, GPU_POOL_LABEL, nodeOfGpu, resourcesOf, WORKLOAD_LABEL } from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';

/** The event TensorFusionWorkload's controller records when the allocator finds no GPU (reason ScheduleGPUFailed). */
const SCHEDULE_FAILED = /Failed to schedule GPU/;
/** Its scheduler plugin's event on the pod (internal/scheduler/gpuresources/gpuresources.go, v1.40+). */
const PLUGIN_EVENT_REASON = 'GPUQuotaOrCapacityNotEnough';
const PLUGIN_EVENT = /TensorFusion schedule failed, no enough resource or quotas: /;

const workloadOf = (pod: Pod) => pod.metadata.labels?.[WORKLOAD_LABEL];

/**
 * The controller's log lines about a workload it could not give a GPU: controller-runtime's "Reconciler error"
 * for a TensorFusionWorkload whose error says `schedule GPU:` (v1.0, 2025-03: the error went back to the
 * reconciler), and the scheduler plugin's "failed to check quota and filter" for a pod (mapped to the pod's
 * workload by its tensor-fusion.ai/workload label).
 */
function controllerScheduleFailures(facts: Facts): { workload: { namespace: string; name: string }; line: string; source: string }[] {
  const out: { workload: { namespace: string; name: string }; line: string; source: string }[] = [];
  for (const pod of controllerPods(facts)) {
    for (const c of pod.spec?.containers ?? []) {
      for (const { text, previous } of containerLogs(facts, pod, c.name)) {
        const source = `log of ${pod.metadata.namespace}/${pod.metadata.name} container ${c.name}${previous ? ' (previous run)' : ''}`;
        for (const raw of text.split('\n')) {
          const line = raw.trim();
          if (/Reconciler error/.test(line) && /schedule GPU: /.test(line)) {
            const m = /"TensorFusionWorkload":\s*\{"name":"(?<name>[^"]+)","namespace":"(?<ns>[^"]+)"\}/.exec(line);
            if (m) out.push({ workload: { namespace: m.groups!.ns!, name: m.groups!.name! }, line, source });
          } else if (/failed to check quota and filter/.test(line)) {
            const name = /\bpod[=":\s]+"?(?<pod>[a-z0-9][-a-z0-9.]*)/.exec(line.slice(line.indexOf('failed to check quota and filter')))?.groups?.pod;
            const target = name ? facts.pods.find((p) => p.metadata.name === name && workloadOf(p)) : undefined;
            if (target) out.push({ workload: { namespace: target.metadata.namespace ?? 'default', name: workloadOf(target)! }, line, source });
          }
        }
      }
    }
  }
  return out;
}

interface GpuFit {
  gpu: KubeObject;
  available: GpuResources;
  capacity: GpuResources;
}

const fits = (have: GpuResources, want: GpuResources) => (want.tflops ?? 0) <= (have.tflops ?? 0) && (want.vram ?? 0) <= (have.vram ?? 0);

function describeGpu({ gpu, available, capacity }: GpuFit): string {
  const vram = (r: GpuResources) => (r.vram === undefined ? '?' : formatBytes(r.vram));
  return `GPU ${gpu.metadata.name} (${gpu.status?.gpuModel ?? 'unknown model'}${nodeOfGpu(gpu) ? ` on ${nodeOfGpu(gpu)}` : ''}): available ${available.tflops ?? '?'} TFlops, ${vram(available)} of ${capacity.tflops ?? '?'} TFlops, ${vram(capacity)}`;
}

/** Where a workload's scheduling failure was read: the newest line first, already worded as evidence. */
type Said = string[];

function issueFor(facts: Facts, workload: KubeObject, said: Said): Issue {
  const ns = workload.metadata.namespace ?? 'default';
  const name = workload.metadata.name;
  const pool: string | undefined = workload.spec?.poolName;
  const request = resourcesOf(workload.spec?.resources?.requests);
  const gpuCount: number = workload.spec?.gpuCount ?? 1;
  const evidence = [
    ...said.slice(0, 2),
    `requests per GPU: ${request.text}${gpuCount > 1 ? `, ${gpuCount} GPUs` : ''}${pool ? `, pool ${pool}` : ''}`,
  ];
  const gpus: GpuFit[] = facts
    .all('GPU')
    .filter((g) => !pool || !g.metadata.labels?.[GPU_POOL_LABEL] || g.metadata.labels[GPU_POOL_LABEL] === pool)
    .map((gpu) => ({ gpu, available: resourcesOf(gpu.status?.available), capacity: resourcesOf(gpu.status?.capacity) }));
  const cannot = cannotList(facts, ['GPU']);
  let why: string;
  if (cannot) {
    why = 'the GPUs could not be read to compare';
    evidence.push(cannot);
  } else if (gpus.length === 0) {
    why = `TensorFusion lists no GPU${pool ? ` in pool ${pool}` : ''}: its GPUs were not discovered (see tf-gpus-undiscovered)`;
    evidence.push(`kubectl get gpu: no GPU${pool ? ` labelled ${GPU_POOL_LABEL}=${pool}` : ''}`);
  } else {
    const free = gpus.filter((g) => fits(g.available, request));
    const bigEnough = gpus.filter((g) => fits(g.capacity, request));
    const byFree = [...gpus].sort((a, b) => (b.available.tflops ?? 0) - (a.available.tflops ?? 0));
    for (const g of byFree.slice(0, 4)) evidence.push(describeGpu(g));
    if (byFree.length > 4) evidence.push(`and ${byFree.length - 4} more GPUs`);
    if (bigEnough.length < gpuCount) {
      why = `no${bigEnough.length ? ` ${gpuCount} ` : ' '}GPU${pool ? ` in pool ${pool}` : ''} is that big, even idle: ${bigEnough.length} of ${gpus.length} could hold ${request.text}`;
    } else if (free.length < gpuCount) {
      why = `other workloads hold the capacity: ${free.length} of ${gpus.length} GPUs have ${request.text} available`;
    } else {
      why = `GPUs have enough available now (${someNames(free.map((g) => g.gpu.metadata.name))}): the failure may be past, or other filters (GPU model, node affinity, quota) excluded them`;
    }
  }
  const stale = why.startsWith('GPUs have enough');
  return {
    severity: stale ? 'warning' : 'error',
    subject: { kind: 'TensorFusionWorkload', name, namespace: ns },
    message: `TensorFusionWorkload ${ns}/${name} cannot get a GPU ("Failed to schedule GPU"): ${why}`,
    evidence,
    fix: {
      summary: 'Lower the TFlops/VRAM requests of this workload or of others in the pool (the tensor-fusion.ai/tflops-request and vram-request annotations of their pod templates), or add GPUs to the pool',
      commands: [
        `kubectl describe tensorfusionworkload -n ${ns} ${name}`,
        'kubectl get gpu',
        `kubectl get pods -n ${ns} -l tensor-fusion.ai/workload=${name}`,
        '# then lower tensor-fusion.ai/tflops-request / tensor-fusion.ai/vram-request on the pod template that created them',
      ],
    },
  };
}

export default defineCheck({
  name: 'tf-schedule-failed',
  title: 'TensorFusion workloads get their GPUs',
  needs: ['Event', 'GPU', 'TensorFusionWorkload', 'Pod', 'logs:stack'],
  requires: [],
  ok: 'no TensorFusionWorkload reports "Failed to schedule GPU"',
  stacks: ['tensor-fusion'],
  explain: {
    detects: 'TensorFusionWorkload Warning events "Failed to schedule GPU" (reason ScheduleGPUFailed), its scheduler plugin\'s GPUQuotaOrCapacityNotEnough events on pods, or the controller\'s log saying the same, and compares the workload\'s TFlops/VRAM requests with what each GPU of its pool has available and in total.',
    why: 'No worker starts for the workload, so its pods stay stuck starting (the first branch of the troubleshooting page).',
    fix: 'Lower the GPU requests of this or other applications, or add GPUs; if no GPU is listed at all, TensorFusion has not discovered them (tf-gpus-undiscovered).',
  },
  zh: {
    title: 'TensorFusion 工作负载能获得 GPU',
    ok: '没有 TensorFusionWorkload 报告 "Failed to schedule GPU"',
    headline: 'TensorFusionWorkload 无法获得 GPU（"Failed to schedule GPU"）',
    fixSummary: '降低本应用或池中其他应用的 TFlops/显存请求，或为池增加 GPU',
    explain: {
      detects: 'TensorFusionWorkload 的 Warning 事件 "Failed to schedule GPU"（原因 ScheduleGPUFailed）、其调度插件写在 Pod 上的 GPUQuotaOrCapacityNotEnough 事件，或控制器日志中的同样内容，并把工作负载的 TFlops/显存请求与其所在池中每块 GPU 的可用量和总量对比。',
      why: '该工作负载没有 worker 启动，其 Pod 会一直卡在启动中（排查手册中的第一种情况）。',
      fix: '降低本应用或其他应用的 GPU 请求，或增加 GPU；如果一块 GPU 都没有列出，说明 TensorFusion 没有发现它们（tf-gpus-undiscovered）。',
    },
  },
  run(facts) {
    const failing = new Map<string, Said>();
    const add = (ns: string, name: string, line: string) => failing.set(`${ns}/${name}`, [...(failing.get(`${ns}/${name}`) ?? []), line]);
    // 1. The workload controller's event (TensorFusion before its scheduler plugin, 2025-03 to 2025-06).
    const byWorkload = new Map<string, Event[]>();
    for (const ev of facts.events) {
      const o = ev.involvedObject;
      if (o?.kind !== 'TensorFusionWorkload' || !SCHEDULE_FAILED.test(ev.message ?? '')) continue;
      const key = `${o.namespace ?? 'default'}/${o.name}`;
      byWorkload.set(key, [...(byWorkload.get(key) ?? []), ev]);
    }
    for (const [key, events] of byWorkload) {
      const last = [...events].sort((a, b) => eventTime(a).localeCompare(eventTime(b))).at(-1)!;
      const [ns, name] = key.split('/') as [string, string];
      add(ns, name, `event ${last.reason ?? 'Warning'}${(last.count ?? 1) > 1 ? ` (×${last.count})` : ''}${eventTime(last) ? ` at ${eventTime(last)}` : ''}: ${last.message ?? ''}`);
    }
    // 2. Its scheduler plugin's event on the pod (GPUQuotaOrCapacityNotEnough), for the pod's workload.
    for (const pod of facts.pods) {
      const workload = workloadOf(pod);
      if (!workload) continue;
      for (const ev of facts.eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)) {
        if (ev.reason === PLUGIN_EVENT_REASON || PLUGIN_EVENT.test(ev.message ?? '')) add(pod.metadata.namespace ?? 'default', workload, `event ${ev.reason ?? 'Warning'} on pod ${pod.metadata.namespace}/${pod.metadata.name}: ${ev.message ?? ''}`);
      }
    }
    // 3. The controller's log (it runs the allocator and, since mid-2025, the scheduler plugin).
    for (const { workload, line, source } of controllerScheduleFailures(facts)) add(workload.namespace, workload.name, `${source}: ${line.slice(0, 300)}`);
    return [...failing].map(([key, said]) => {
      const [ns, name] = key.split('/') as [string, string];
      const workload = findWorkload(facts, ns, name) ?? {
        apiVersion: 'tensor-fusion.ai/v1',
        kind: 'TensorFusionWorkload',
        metadata: { name, namespace: ns },
      };
      return issueFor(facts, workload, [...new Set(said)]);
    });
  },
});
