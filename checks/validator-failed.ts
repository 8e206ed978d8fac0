import { defineCheck } from '../src/check.js';
import type { OperandSpec } from '../src/data/operands.js';
import { stepLayer, validationStep } from '../src/data/validation-steps.js';
import type { Facts } from '../src/facts/facts.js';
import type { GpuHolder } from '../src/facts/gpu-holders.js';
import { describeHolder, gpuHolders, isUnexpectedAdmission } from '../src/facts/gpu-holders.js';
import { GPU_RESOURCE } from '../src/facts/gpu.js';
import type { ContainerStatus, Pod } from '../src/facts/kube.js';
import type { OperandPod } from '../src/facts/operands.js';
import { operandPods, operandPodsOn } from '../src/facts/operands.js';
import { firstUnfinishedInit, IMAGE_PULL_REASONS, logLines, warningEventLines } from '../src/facts/pod-evidence.js';
import { displayStatus, isReady, podRef } from '../src/facts/pods.js';
import type { Fix, Issue } from '../src/model.js';
import { eitherOf } from '../src/model.js';
import { ownWords } from '../src/facts/said.js';
import { nodeDriver } from '../src/facts/driver.js';
import { eventCauseEntries, eventCauses } from '../src/remedies/event-causes.js';
import { devicePluginPodsOn } from '../src/facts/device-plugins.js';
import { imagePullPointer } from '../src/remedies/operands.js';
import { stepRemedy } from '../src/remedies/validation.js';
import { nodeRuntime } from '../src/remedies/runtime.js';

/** A finished pod holding the node's GPU is the first thing to remove (the seed's cuda-vectoradd). */
function withFreedGpus(fix: Fix, finished: GpuHolder[]): Fix {
  if (finished.length === 0) return fix;
  const deletes = finished.map((h) => `kubectl delete pod -n ${h.pod.metadata.namespace} ${h.pod.metadata.name}   # finished, still holds the GPU`);
  return { summary: `Delete the finished pod that holds the GPU, then run the validation again`, commands: [...deletes, fix.commands[0]!, fix.commands.at(-1)!] };
}

/** "the device plugin pod X is Running and node N advertises 1 nvidia.com/gpu", when both hold. */
function healthyPlugin(facts: Facts, node: string): string | undefined {
  const allocatable = Number.parseInt(facts.node(node)?.status?.allocatable?.[GPU_RESOURCE] ?? '0', 10);
  const plugin = devicePluginPodsOn(facts, node).find(({ pod }) => isReady(pod));
  if (!plugin || !(allocatable > 0)) return undefined;
  return `the device plugin pod ${podRef(plugin.pod)} is ${displayStatus(plugin.pod)} and node ${node} advertises ${allocatable} ${GPU_RESOURCE}`;
}

/** "the driver works on node N (nvidia-smi there: driver 570.86)", when the node's own nvidia-smi says so. */
function healthyDriver(facts: Facts, node: string): string | undefined {
  const d = nodeDriver(facts, node);
  const smi = d.seen.find((s) => s.source.startsWith('nvidia-smi'));
  if (!smi || d.notes.some((n) => n.startsWith('nvidia-smi'))) return undefined;
  return `the driver works on node ${node} (${smi.source}: driver ${smi.value})`;
}

/** The driver works on the host: what fails is the validator's own view of it, which its log tells. */
function driverWorksFix(fix: Fix): Fix {
  return {
    summary: "The driver works on the host, so it is not what to fix: the validator's own log says why its nvidia-smi in the driver root fails (the driver root it is given, the runtime it runs under)",
    commands: [fix.commands[0]!, fix.commands.at(-1)!],
  };
}

interface Verdict {
  severity: Issue['severity'];
  /** "failed at", "stuck in", … followed by the step. */
  state: string;
  step: string;
  status?: ContainerStatus;
}

function verdictOf(pod: Pod, spec: OperandSpec, facts: Facts): Verdict | undefined {
  if (pod.status?.phase === 'Succeeded' || isReady(pod)) return undefined;
  const inits = pod.status?.initContainerStatuses ?? [];
  const fallbackStep = spec.step ?? pod.spec?.initContainers?.[0]?.name ?? 'validation';
  if (isUnexpectedAdmission(pod)) {
    return { severity: 'error', state: 'was refused by the kubelet at admission before', step: fallbackStep };
  }
  if (!pod.spec?.nodeName) return { severity: 'warning', state: 'is not scheduled, so never ran', step: fallbackStep };
  const init = firstUnfinishedInit(pod);
  if (init) {
    const waiting = init.state?.waiting?.reason;
    if (waiting && IMAGE_PULL_REASONS.has(waiting)) return { severity: 'info', state: `cannot pull the image (${waiting}) for`, step: init.name, status: init };
    if (init.state?.terminated || (waiting && waiting !== 'PodInitializing')) {
      return { severity: 'error', state: 'failed at', step: init.name, status: init };
    }
    if (init.state?.running) return { severity: 'warning', state: 'is stuck in', step: init.name, status: init };
    // not started yet: the sandbox or the containers cannot be created; the events say why
    const blocked = eventCauses(facts, pod).length > 0;
    return { severity: blocked ? 'error' : 'warning', state: 'cannot start', step: init.name, status: init };
  }
  if (inits.length === 0 && pod.spec?.initContainers?.length) {
    const blocked = eventCauses(facts, pod).length > 0;
    return { severity: blocked ? 'error' : 'warning', state: 'cannot start', step: fallbackStep };
  }
  // every step passed but the pod is not Ready, or it Failed after them
  const main = pod.status?.containerStatuses?.find((s) => !s.ready);
  return { severity: pod.status?.phase === 'Failed' ? 'error' : 'warning', state: `is ${displayStatus(pod)} after`, step: inits.at(-1)?.name ?? fallbackStep, status: main };
}

function issueFor({ pod, spec }: OperandPod, facts: Facts): Issue | undefined {
  const verdict = verdictOf(pod, spec, facts);
  if (!verdict) return undefined;
  const step = validationStep(verdict.step);
  const remedy = stepRemedy(verdict.step);
  const ns = pod.metadata.namespace ?? '';
  const node = pod.spec?.nodeName;
  const container = verdict.status?.name ?? verdict.step;
  const previous = (verdict.status?.restartCount ?? 0) > 0;
  const where = `${spec.title} pod ${podRef(pod)}${node ? ` on node ${node}` : ''}`;

  if (verdict.severity === 'info') return { severity: 'info', ...imagePullPointer(pod, `${where} (step ${verdict.step})`, verdict.status) };

  const evidence = [
    `pod status: ${displayStatus(pod)}, phase ${pod.status?.phase ?? 'Unknown'}${node ? `, node ${node}` : ''}`,
    `step ${verdict.step} (stage ${step.stage}) ${step.does}`,
  ];
  if (pod.status?.reason) evidence.push(`pod ${pod.status.reason}: ${pod.status.message ?? ''}`.trim());
  const s = verdict.status;
  if (s) {
    const state = s.state?.terminated
      ? `terminated ${s.state.terminated.reason ?? ''} (exit ${s.state.terminated.exitCode ?? '?'})`
      : s.state?.waiting
        ? `waiting ${s.state.waiting.reason ?? ''}${s.state.waiting.message ? `: ${s.state.waiting.message}` : ''}`
        : s.state?.running
          ? `running since ${s.state.running.startedAt ?? '?'}`
          : 'no state';
    evidence.push(`container ${s.name}: ${state}, ${s.restartCount ?? 0} restarts`);
  }
  if (node && s && (s.state?.running || s.state?.terminated || s.restartCount)) evidence.push(...logLines(facts, pod, container, previous));
  evidence.push(...warningEventLines(facts, pod));
  const causes = eventCauses(facts, pod);
  evidence.push(...causes);

  // what the layer looks like on the same node: the operand the step validates, the workload validator it started
  for (const other of node ? operandPodsOn(facts, node) : []) {
    if (other.pod === pod) continue;
    const sameLayer = other.spec.component === step.component && !other.spec.validator;
    const workload = spec.component === 'operator-validator' && other.spec.step === verdict.step;
    if (sameLayer || workload) {
      const status = displayStatus(other.pod);
      const reason = other.pod.status?.reason && other.pod.status.reason !== status ? ` (${other.pod.status.reason})` : '';
      evidence.push(`${other.spec.title} pod on the same node: ${podRef(other.pod)} ${status}${reason}`);
    }
  }
  const finished = step.stage === 'plugin' && node ? gpuHolders(facts, node).filter((h) => h.finished) : [];
  if (step.stage === 'plugin' && node) {
    const allocatable = facts.node(node)?.status?.allocatable?.[GPU_RESOURCE];
    evidence.push(`node ${node} allocatable ${GPU_RESOURCE}: ${allocatable ?? 'none'}`);
    for (const h of finished) evidence.push(`finished pod still holding a GPU: ${describeHolder(h)} (see gpu-held-by-finished-pod)`);
  }
  evidence.push(`related checks: ${remedy.related.join(', ')}`);

  // A pod that cannot even start ran no stage: blame what blocks it, not the stage it would have run first.
  const blocker = eventCauseEntries(facts, pod).find((c) => c.blocksStart);
  if (blocker) {
    return {
      severity: verdict.severity,
      subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
      scope: { tags: ['cannot-start', `blocked-by:${blocker.check}`] },
      message: `${where} cannot start, so no validation stage ran: ${blocker.cause} (see ${blocker.check})`,
      evidence,
      fix: {
        summary: `Fix what keeps the pod from starting first (${blocker.check}), then let the validation run again`,
        commands: [`gpuctl doctor --checks ${blocker.check}`, `kubectl delete pod -n ${ns} ${pod.metadata.name}   # after the fix: the validation runs again`],
      },
    };
  }
  // Never tell the user to fix a layer the facts show healthy: say what is healthy and what does fail.
  const healthy = !node ? undefined : step.stage === 'plugin' ? healthyPlugin(facts, node) : step.stage === 'driver' ? healthyDriver(facts, node) : undefined;
  const runtime = nodeRuntime(facts, node);
  const fix = remedy.fix({ namespace: ns, pod: pod.metadata.name, container, node, previous, runtime });
  // What the validator (or the workload validator it waits for) said in its components' words names the cause.
  const workloads = spec.component === 'operator-validator' && node ? operandPodsOn(facts, node).filter((o) => o.pod !== pod && o.spec.step === verdict.step).map((o) => o.pod) : [];
  const said = finished.length || healthy ? undefined : ownWords(facts, [pod, ...workloads]).map((w) => ({ ...w, findings: w.findings.filter((n) => n !== 'validator-failed') })).find((w) => w.findings.length);
  if (said) {
    return {
      severity: verdict.severity,
      subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
      scope: { stage: step.stage },
      message: `${where} ${verdict.state} ${verdict.step}: the ${step.stage} stage fails: ${said.quote} (see ${eitherOf(said.findings)})`,
      evidence,
      fix: {
        summary: `The validator's own words point at ${eitherOf(said.findings)}: fix that first (see that finding's fix), then run the validation again`,
        commands: [fix.commands[0]!, `gpuctl doctor --checks ${eitherOf(said.findings, ',')}`, fix.commands.at(-1)!],
      },
    };
  }
  const cause = finished.length
    ? `: no GPU was free, ${finished.length === 1 ? `finished pod ${podRef(finished[0]!.pod)} holds it` : `${finished.length} finished pods hold them`} (see gpu-held-by-finished-pod)`
    : causes.length > 0
      ? `: ${causes[0]}`
      : '';
  const verdictText = healthy ? `the ${step.stage} stage fails although ${healthy}` : `the ${step.stage} stage fails, fix ${stepLayer(step, runtime?.name)}`;
  return {
    severity: verdict.severity,
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
    scope: { stage: step.stage },
    message: `${where} ${verdict.state} ${verdict.step}: ${verdictText}${cause}`,
    evidence,
    fix: healthy && step.stage === 'driver' ? driverWorksFix(fix) : withFreedGpus(fix, finished),
  };
}

export default defineCheck({
  name: 'validator-failed',
  title: 'GPU Operator validators pass',
  needs: ['Node', 'Pod', 'Event', 'logs:stack', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query', 'node-files:driver'],
  requires: ['Pod'],
  ok: 'no GPU Operator validator pod failed or is stuck',
  explain: {
    detects:
      'A validator pod of the GPU Operator (nvidia-operator-validator, nvidia-cuda-validator, nvidia-device-plugin-validator) that failed, was refused at admission, or is stuck in an init container; names the step (driver-validation, toolkit-validation, cuda-validation, plugin-validation) and the layer it proves.',
    why: 'The validators gate the stack: the operands wait on the files they write under /run/nvidia/validations, and the ClusterPolicy stays notReady until they pass. The step that fails tells which layer is broken: driver, container runtime, CUDA, or device plugin.',
    fix: 'Fix the layer of the failing step (driver → driver checks, toolkit → container runtime, cuda → driver/CUDA compatibility, plugin → device plugin and allocatable GPUs), then delete the validator pod so the validation runs again.',
  },
  zh: {
    title: 'GPU Operator 验证器通过',
    ok: '没有 GPU Operator 验证器 Pod 失败或卡住',
    headline: 'GPU Operator 验证器 Pod 失败或卡住',
    fixSummary: '按失败步骤及其日志找出原因（该层本身，或它所等待的组件；事实表明健康的层不必修），修复后删除验证器 Pod 让验证重新运行',
    explain: {
      detects:
        'GPU Operator 的验证器 Pod（nvidia-operator-validator、nvidia-cuda-validator、nvidia-device-plugin-validator）失败、在准入时被拒绝，或卡在 init 容器中；指出失败的步骤（driver-validation、toolkit-validation、cuda-validation、plugin-validation）及其所验证的层。',
      why: '验证器是整个软件栈的关卡：operand 等待它们写入 /run/nvidia/validations 的文件，ClusterPolicy 在它们通过之前一直是 notReady。失败的步骤说明了哪一层坏了：驱动程序、容器运行时、CUDA 或设备插件。',
      fix: '修复失败步骤所对应的层（driver → 驱动程序相关检查，toolkit → 容器运行时，cuda → 驱动程序与 CUDA 的兼容性，plugin → 设备插件和可分配的 GPU），然后删除验证器 Pod 让验证重新运行。',
    },
  },
  run(facts) {
    return operandPods(facts)
      .filter((e) => e.spec.validator)
      .flatMap((e) => issueFor(e, facts) ?? []);
  },
});
