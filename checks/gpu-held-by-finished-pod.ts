import { capJoin, capMap } from '../src/bounded.js';
import { defineCheck } from '../src/check.js';
import { describeHolder, gpuHolders, isCrashLoopingGpuPod, isFinishedGpuPod, podsWaitingForGpu } from '../src/facts/gpu-holders.js';
import { templateOwner } from '../src/facts/workload-owner.js';
import { GPU_RESOURCE, nodeAllocatableGpus } from '../src/facts/gpu.js';
import { displayStatus, podRef, restarts } from '../src/facts/pods.js';
import type { Pod } from '../src/facts/kube.js';
import type { Fix, Issue } from '../src/model.js';

/** Enough waiters to make the point without flooding the report. */
const WAITERS_SHOWN = 5;
/** The pods bound on the node, named in each finding: a few, or 1,000 findings each name 1,000 pods. */
const HOLDERS_SHOWN = 10;

function finishedFix(pod: Pod, ns: string): Fix {
  return {
    summary: 'Delete the finished pod to release its GPU (save its logs first if you need them); then recreate pods that failed admission',
    commands: [`kubectl logs -n ${ns} ${pod.metadata.name} --all-containers > ${pod.metadata.name}.log`, `kubectl delete pod -n ${ns} ${pod.metadata.name}`],
  };
}

/** Its controller would recreate it, GPU and crash included: stop the workload, keep the crash's log. */
function crashLoopFix(pod: Pod, ns: string): Fix {
  const owner = templateOwner(pod);
  const keepLog = `kubectl logs -n ${ns} ${pod.metadata.name} --all-containers --previous > ${pod.metadata.name}.previous.log`;
  return owner && owner.kind !== 'daemonset'
    ? {
        summary: `Stop ${owner.kind} ${ns}/${owner.name} until its crash is fixed (the log of the last crash first): each new pod would take the GPU and crash again`,
        commands: [keepLog, `kubectl -n ${ns} scale ${owner.kind} ${owner.name} --replicas=0`],
      }
    : {
        summary: 'Save the log of the last crash, then delete the pod to release its GPU; fix the crash before starting it again',
        commands: [keepLog, `kubectl delete pod -n ${ns} ${pod.metadata.name}`],
      };
}

export default defineCheck({
  name: 'gpu-held-by-finished-pod',
  title: 'No finished pod holds a GPU that others wait for',
  needs: ['Node', 'Pod'],
  requires: ['Pod'],
  ok: 'no finished pod holds a GPU that another pod waits for',
  explain: {
    detects: `A pod that has finished (Completed, Error, or NotReady with its GPU containers exited), or whose GPU container is crash-looping (CrashLoopBackOff: the devices stay allocated between restarts), but is still bound to its node with a ${GPU_RESOURCE} request, on a node where other pods wait for a GPU: refused with UnexpectedAdmissionError, Pending with "Insufficient ${GPU_RESOURCE}", or a GPU Operator validator that cannot get its GPU.`,
    why: 'On a node with one GPU (a passthrough card) a leftover test pod such as cuda-vectoradd keeps the device: after a reboot the kubelet admits it first, the device plugin validator then finds 0 GPUs available and fails, and real workloads stay Pending. Whether the kubelet frees the devices of terminated pods depends on its version; deleting the pod always does.',
    fix: 'Delete the finished pod (its logs go with it: save them first if needed); the waiting pods are admitted or scheduled on the next try. Run one-off GPU tests as Jobs with ttlSecondsAfterFinished so they clean up after themselves.',
  },
  zh: {
    title: '没有已结束的 Pod 占用其他 Pod 在等待的 GPU',
    ok: '没有已结束的 Pod 占用其他 Pod 在等待的 GPU',
    headline: '已结束的 Pod 仍占用 GPU，而节点上有其他 Pod 在等待 GPU',
    fixSummary: '删除已结束的 Pod 以释放 GPU（需要时先保存其日志），然后重建准入失败的 Pod',
    explain: {
      detects:
        '一个已结束（Completed、Error，或 GPU 容器已退出的 NotReady）或 GPU 容器处于 CrashLoopBackOff（重启之间设备仍被占用）、但仍绑定在节点上、请求了 nvidia.com/gpu 的 Pod，而该节点上有其他 Pod 在等待 GPU：以 UnexpectedAdmissionError 被拒绝、以 "Insufficient nvidia.com/gpu" Pending，或 GPU Operator 验证器拿不到 GPU。',
      why: '在只有一块 GPU 的节点（直通显卡）上，遗留的测试 Pod（如 cuda-vectoradd）会一直占着设备：节点重启后 kubelet 先准入它，设备插件验证器随后发现可用 GPU 为 0 而失败，真正的工作负载一直 Pending。kubelet 是否释放已终止 Pod 的设备取决于其版本；删除 Pod 则总能释放。',
      fix: '删除已结束的 Pod（其日志会一并删除：需要的话先保存）；等待的 Pod 会在下一次重试时被准入或调度。一次性的 GPU 测试请用带 ttlSecondsAfterFinished 的 Job 运行，让它们自行清理。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    // the nodes come from the pods' spec.nodeName: Node objects are not needed to judge, only to quote
    const nodeNames = new Set(facts.pods.filter((p) => isFinishedGpuPod(p) || isCrashLoopingGpuPod(p)).map((p) => p.spec!.nodeName!));
    for (const name of nodeNames) {
      const node = facts.node(name);
      const holders = gpuHolders(facts, name);
      // A crash-looping pod keeps its devices between restarts as firmly as a finished one.
      const finished = holders.filter((h) => h.finished || h.crashLooping);
      if (finished.length === 0) continue;
      // quiet when nobody waits: a finished pod on an idle node harms no one
      const waiters = podsWaitingForGpu(facts, name).filter((w) => !finished.some((h) => h.pod === w.pod));
      if (waiters.length === 0) continue;
      const held = holders.reduce((sum, h) => sum + h.gpus, 0);
      for (const holder of finished) {
        const pod = holder.pod;
        const ns = pod.metadata.namespace ?? 'default';
        issues.push({
          severity: 'error',
          subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
          message: `${holder.finished ? 'Finished' : 'Crash-looping'} pod ${podRef(pod)} (${displayStatus(pod)}${holder.finished ? '' : `, ${restarts(pod)} restarts`}) still holds ${holder.gpus} ${GPU_RESOURCE} on node ${name}, where ${waiters.length} pod(s) wait for a GPU`,
          evidence: [
            `pod ${podRef(pod)}: phase ${pod.status?.phase ?? 'Unknown'}, status ${displayStatus(pod)}, requests ${holder.gpus} ${GPU_RESOURCE}, spec.nodeName ${name}`,
            `node ${name}: allocatable ${GPU_RESOURCE} ${node ? nodeAllocatableGpus(node) : 'unknown (Node not read)'}, requested by bound pods ${held}: ${capJoin(holders, HOLDERS_SHOWN, describeHolder)}`,
            ...capMap(waiters, WAITERS_SHOWN, (w) => `waiting: ${podRef(w.pod)}: ${w.why}`, 'waiting'),
          ],
          fix: holder.finished ? finishedFix(pod, ns) : crashLoopFix(pod, ns),
        });
      }
    }
    return issues;
  },
});
