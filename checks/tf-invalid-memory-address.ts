import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { podRef } from '../src/facts/pods.js';
import type { PodText } from '../src/facts/pod-texts.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { isTensorFusionPod, isWorker, WORKER_TEMPLATE_PATH, workerEnvLines } from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';
import { workerEnvFix } from '../src/remedies/tensor-fusion.js';

const INVALID_MEMORY_ADDRESS = /invalid memory address/i;
/** A Go nil-pointer panic (the operator's own bug), not the GPU memory manager. */
const GO_NIL_POINTER = /invalid memory address or nil pointer dereference/i;
const VARIABLE = 'TF_DISABLE_MEMORY_MANAGER';

function hits(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => INVALID_MEMORY_ADDRESS.test(l) && !GO_NIL_POINTER.test(l));
}

/** Logs (this run and the previous) and state messages of the pod's containers, and its events. */
function textsOf(facts: Facts, pod: Pod): PodText[] {
  return podTexts(facts, pod);
}

function issueFor(facts: Facts, pod: Pod): Issue | undefined {
  const evidence = textsOf(facts, pod).flatMap((t) => hits(t.text).slice(-3).map((line) => `${t.source}: ${line.slice(0, 300)}`));
  if (evidence.length === 0) return undefined;
  const disabled = evidence.length > 0 && workerEnvLines(facts, VARIABLE).some((l) => l.startsWith(`${VARIABLE}=1 `));
  return {
    severity: 'error',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
    message: `${isWorker(pod) ? 'TensorFusion GPU worker' : 'TensorFusion workload'} ${podRef(pod)} hit "Invalid Memory Address": the TensorFusion GPU memory manager (special MMIO with cuMemMap) is the known cause`,
    evidence: [...evidence, ...workerEnvLines(facts, VARIABLE)],
    fix: {
      summary: disabled
        ? `${VARIABLE}=1 is already set: send the log to the TensorFusion support team`
        : `Set ${VARIABLE}=1 in the GPU worker Pod template of the TensorFusionCluster (${WORKER_TEMPLATE_PATH}). Trade-off: with the memory manager disabled, memory freeze and VRAM expansion/tiering stop working`,
      commands: [...workerEnvFix(facts, VARIABLE, '1'), `kubectl delete pod -n ${pod.metadata.namespace} ${pod.metadata.name}`],
    },
  };
}

export default defineCheck({
  name: 'tf-invalid-memory-address',
  title: 'No "Invalid Memory Address" from the TensorFusion memory manager',
  needs: ['Pod', 'logs:stack', 'logs:workloads', 'Event'],
  ok: 'no TensorFusion log shows "Invalid Memory Address"',
  stacks: ['tensor-fusion'],
  explain: {
    detects: 'Logs (and terminated messages) of TensorFusion workers and workloads with "Invalid Memory Address" (Go\'s "invalid memory address or nil pointer dereference" panics are left out: that is a crash, see tf-operator-restarting and tf-worker-crashing).',
    why: 'TensorFusion virtualises GPUs with a special MMIO; CUDA cuMemMap behaves oddly there, and the GPU memory manager written for it causes "Invalid Memory Address" in rare cases: the CUDA program fails.',
    fix: 'Set TF_DISABLE_MEMORY_MANAGER=1 in the GPU worker Pod template of the TensorFusionCluster. The trade-off: memory freeze and VRAM expansion/tiering no longer work.',
  },
  zh: {
    title: 'TensorFusion 内存管理器没有报 "Invalid Memory Address"',
    ok: '没有 TensorFusion 日志出现 "Invalid Memory Address"',
    headline: 'TensorFusion 工作负载出现 "Invalid Memory Address"（GPU 内存管理器的已知问题）',
    fixSummary: '在 TensorFusionCluster 的 GPU worker Pod 模板中设置 TF_DISABLE_MEMORY_MANAGER=1（代价：内存冻结和显存扩展/分层将不可用）',
    explain: {
      detects:
        'TensorFusion worker 和工作负载的日志（及终止消息）中出现 "Invalid Memory Address"（Go 的 "invalid memory address or nil pointer dereference" panic 不计入：那是崩溃，见 tf-operator-restarting 和 tf-worker-crashing）。',
      why: 'TensorFusion 的底层虚拟化使用了针对 GPU 的特殊 MMIO，CUDA 的 cuMemMap 在这种情况下行为异常；为此开发的 GPU 内存管理器在极少数情况下会导致 "Invalid Memory Address"：CUDA 程序因此失败。',
      fix: '在 TensorFusionCluster 的 GPU worker Pod 模板中设置环境变量 TF_DISABLE_MEMORY_MANAGER=1。代价是内存冻结和显存（VRAM）扩展/分层功能将无法使用。',
    },
  },
  run(facts) {
    const pods = facts.pods.filter(isTensorFusionPod);
    const withLogs = pods.filter((p) => textsOf(facts, p).length > 0);
    if (withLogs.length === 0) return pods.length === 0 ? [] : { skip: `no log, container message or event of the ${pods.length} TensorFusion pod(s) was collected` };
    return withLogs.flatMap((pod) => issueFor(facts, pod) ?? []);
  },
});
