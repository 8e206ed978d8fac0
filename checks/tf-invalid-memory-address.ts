import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { podRef } from '../src/facts/pods.js';
import { containerLogs, isTensorFusionPod, isWorker, WORKER_TEMPLATE_PATH, workerEnvLines } from '../src/facts/tensor-fusion.js';
import type { Issue } from '../src/model.js';
import { workerEnvFix } from '../src/remedies/tensor-fusion.js';

const INVALID_MEMORY_ADDRESS = /invalid memory address/i;
/** A Go nil-pointer panic (the operator's own bug), not the GPU memory manager. */
const GO_NIL_POINTER = /invalid memory address or nil pointer dereference/i;
const VARIABLE = 'TF_DISABLE_MEMORY_MANAGER';

function hits(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => INVALID_MEMORY_ADDRESS.test(l) && !GO_NIL_POINTER.test(l));
}

function issueFor(facts: Facts, pod: Pod): Issue | undefined {
  const evidence: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const { text, previous } of containerLogs(facts, pod, c.name)) {
      for (const line of hits(text).slice(-3)) evidence.push(`log ${c.name}${previous ? ' (previous run)' : ''}: ${line.slice(0, 300)}`);
    }
  }
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
  needs: ['Pod', 'logs:stack', 'logs:workloads'],
  ok: 'no TensorFusion log shows "Invalid Memory Address"',
  stacks: ['tensor-fusion'],
  explain: {
    detects: 'Logs of TensorFusion workers and workloads with "Invalid Memory Address" (Go\'s "invalid memory address or nil pointer dereference" panics are left out: that is a crash, see tf-operator-restarting and tf-worker-crashing).',
    why: 'TensorFusion virtualises GPUs with a special MMIO; CUDA cuMemMap behaves oddly there, and the GPU memory manager written for it causes "Invalid Memory Address" in rare cases: the CUDA program fails.',
    fix: 'Set TF_DISABLE_MEMORY_MANAGER=1 in the GPU worker Pod template of the TensorFusionCluster. The trade-off: memory freeze and VRAM expansion/tiering no longer work.',
  },
  run(facts) {
    const pods = facts.pods.filter(isTensorFusionPod);
    const withLogs = pods.filter((p) => (p.spec?.containers ?? []).some((c) => containerLogs(facts, p, c.name).length > 0));
    if (withLogs.length === 0) return pods.length === 0 ? [] : { skip: `no log of the ${pods.length} TensorFusion pod(s) was collected` };
    return withLogs.flatMap((pod) => issueFor(facts, pod) ?? []);
  },
});
