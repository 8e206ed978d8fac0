import { defineCheck } from '../src/check.js';
import { PROVIDER_TITLES } from '../src/data/operands.js';
import { stepLayer, VALIDATION_STEPS } from '../src/data/validation-steps.js';
import type { Facts } from '../src/facts/facts.js';
import type { ContainerStatus, Pod } from '../src/facts/kube.js';
import type { OperandPod } from '../src/facts/operands.js';
import { operandPods, operandPodsOn } from '../src/facts/operands.js';
import { firstUnfinishedInit, IMAGE_PULL_REASONS, logLines, warningEventLines } from '../src/facts/pod-evidence.js';
import { allStatuses, displayStatus, isReady, podRef, restarts } from '../src/facts/pods.js';
import type { Fix, Issue } from '../src/model.js';
import { eitherOf } from '../src/model.js';
import { eventCauses } from '../src/remedies/event-causes.js';
import { hostSaid, ownWords, rowsOf, saidLine } from '../src/facts/said.js';
import type { OperandContext } from '../src/remedies/operands.js';
import { imagePullPointer, logsCommand, operandFix, restartPod } from '../src/remedies/operands.js';
import { nodeRuntime } from '../src/remedies/runtime.js';

/** nvidia-smi's words for a GPU that fell off the bus or an NVML that fails: the node's side of an operand failure. */
const NODE_ROWS = rowsOf('operand-unhealthy').filter((w) => w.channels.includes('node-command'));

/** A Ready operand that restarted this often (after failing, not after a node reboot) is worth a warning. */
const RESTART_WARNING = 3;

interface Trouble {
  severity: Issue['severity'];
  /** What is wrong, for the message. */
  state: string;
  container: string;
  /** Read the previous run's log: the container restarted. */
  previous: boolean;
  imagePull?: boolean;
  /** The component an operand's own init container waits for (toolkit-validation waits for the toolkit). */
  waitsFor?: string;
}

function crashed(status: ContainerStatus): boolean {
  const last = status.lastState?.terminated;
  // exit code 0 and "Unknown" (node rebooted) are not failures of the operand
  return !!last && last.exitCode !== 0 && last.reason !== 'Unknown';
}

function describeContainer(status: ContainerStatus): string {
  const s = status.state;
  const now = s?.waiting
    ? `waiting ${s.waiting.reason ?? ''}${s.waiting.message ? ` (${s.waiting.message})` : ''}`
    : s?.terminated
      ? `terminated ${s.terminated.reason ?? ''} (exit ${s.terminated.exitCode ?? '?'})`
      : s?.running
        ? `running${status.ready === false ? ', not ready' : ''}`
        : 'no state';
  const last = status.lastState?.terminated;
  const before = last ? `; last exit ${last.reason ?? ''} (code ${last.exitCode ?? '?'})${last.finishedAt ? ` at ${last.finishedAt}` : ''}` : '';
  return `container ${status.name}: ${now}, ${status.restartCount ?? 0} restarts${before}`;
}

function troubleOf(pod: Pod, mainContainer: string): Trouble | undefined {
  if (pod.status?.phase === 'Succeeded') return undefined;
  const statuses = allStatuses(pod);
  const pulling = statuses.find((s) => IMAGE_PULL_REASONS.has(s.state?.waiting?.reason ?? ''));
  if (pulling) {
    return { severity: 'info', state: `waiting on an image pull (${pulling.state!.waiting!.reason})`, container: pulling.name, previous: false, imagePull: true };
  }
  if (!pod.spec?.nodeName && (pod.status?.phase ?? 'Pending') === 'Pending') {
    return { severity: 'warning', state: `not scheduled (${pod.status?.phase ?? 'Pending'})`, container: mainContainer, previous: false };
  }
  const init = firstUnfinishedInit(pod);
  if (init) {
    const waiting = init.state?.waiting?.reason;
    if (init.state?.terminated || (waiting && waiting !== 'PodInitializing')) {
      return { severity: 'error', state: `failing in init container ${init.name} (${displayStatus(pod)})`, container: init.name, previous: (init.restartCount ?? 0) > 0 };
    }
    if (init.state?.running) {
      const waitsFor = VALIDATION_STEPS[init.name]?.component;
      return { severity: 'warning', state: `stuck in init container ${init.name} (${displayStatus(pod)})`, container: init.name, previous: false, waitsFor };
    }
  }
  const main = pod.status?.containerStatuses ?? [];
  const failing = main.find((s) => s.state?.terminated || (s.state?.waiting?.reason && !['ContainerCreating', 'PodInitializing'].includes(s.state.waiting.reason)));
  if (pod.status?.phase === 'Failed' || failing) {
    const container = failing?.name ?? mainContainer;
    const status = main.find((s) => s.name === container);
    return { severity: 'error', state: `${displayStatus(pod)} (${restarts(pod)} restarts)`, container, previous: (status?.restartCount ?? 0) > 0 };
  }
  if (!isReady(pod)) {
    const notReady = main.find((s) => !s.ready) ?? main.find((s) => s.name === mainContainer);
    const container = notReady?.name ?? mainContainer;
    const many = (notReady?.restartCount ?? 0) >= RESTART_WARNING;
    return { severity: many ? 'error' : 'warning', state: `not Ready (${displayStatus(pod)}, ${restarts(pod)} restarts)`, container, previous: (notReady?.restartCount ?? 0) > 0 };
  }
  const restarted = main.filter((s) => (s.restartCount ?? 0) >= RESTART_WARNING && crashed(s)).sort((a, b) => (b.restartCount ?? 0) - (a.restartCount ?? 0))[0];
  if (restarted) {
    return { severity: 'warning', state: `Ready but restarting (${restarted.restartCount} restarts of ${restarted.name})`, container: restarted.name, previous: true };
  }
  return undefined;
}

function issueFor({ pod, spec }: OperandPod, facts: Facts): Issue | undefined {
  const trouble = troubleOf(pod, spec.containers[0]!);
  if (!trouble) return undefined;
  const ns = pod.metadata.namespace ?? '';
  const node = pod.spec?.nodeName;
  const what = `${PROVIDER_TITLES[spec.provider]} ${spec.title} pod ${podRef(pod)}${node ? ` on node ${node}` : ''}`;
  const subject = { kind: 'Pod', name: pod.metadata.name, namespace: ns };

  if (trouble.imagePull) return { severity: 'info', ...imagePullPointer(pod, what, allStatuses(pod).find((s) => s.name === trouble.container)) };

  const evidence = [`pod status: ${displayStatus(pod)}, phase ${pod.status?.phase ?? 'Unknown'}, ${restarts(pod)} restarts${node ? `, node ${node}` : ''}`];
  for (const status of allStatuses(pod)) {
    if (status.name === trouble.container || !status.ready) evidence.push(describeContainer(status));
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (scheduled?.message) evidence.push(`PodScheduled condition: ${scheduled.message}`);
  if (pod.spec?.nodeName) evidence.push(...logLines(facts, pod, trouble.container, trouble.previous));
  // What the node's own probe says about its GPUs (nvidia-smi: GPU lost, NVML unknown error): why the operand fails.
  if (node) evidence.push(...hostSaid(facts, node, NODE_ROWS).slice(0, 2).map((said) => `on the node: ${saidLine(said)}`));
  evidence.push(...warningEventLines(facts, pod));
  evidence.push(...eventCauses(facts, pod));

  let message = `${what} is ${trouble.state}`;
  if (trouble.waitsFor) {
    // the real fault is upstream: point at the operand this one waits for, on the same node
    const upstream = (node ? operandPodsOn(facts, node) : []).filter((o) => o.spec.component === trouble.waitsFor && o.spec.provider === spec.provider);
    const known = VALIDATION_STEPS[trouble.container];
    const upstreamTitle = known ? stepLayer(known, nodeRuntime(facts, node)?.name) : trouble.waitsFor;
    message += `: it waits for ${upstreamTitle}`;
    for (const o of upstream) evidence.push(`${o.spec.title} pod on the same node: ${podRef(o.pod)} ${displayStatus(o.pod)}${isReady(o.pod) ? ', Ready' : ', not Ready'}`);
    if (upstream.length === 0) evidence.push(`no ${trouble.waitsFor} pod of the ${PROVIDER_TITLES[spec.provider]} on ${node}`);
  }
  const ctx = { namespace: ns, pod: pod.metadata.name, container: trouble.container, node, previous: trouble.previous, runtime: nodeRuntime(facts, node) };
  return { severity: trouble.severity, subject, message, evidence, fix: fixFor(facts, pod, spec, trouble, ctx) };
}

/**
 * The operand's own fix, unless the facts point elsewhere: a pod waiting in a validation init container needs
 * nothing of its own (what it waits for is the fix), and a pod whose own words name a cause points there.
 */
function fixFor(facts: Facts, pod: Pod, spec: OperandPod['spec'], trouble: Trouble, ctx: OperandContext): Fix {
  const step = trouble.waitsFor ? VALIDATION_STEPS[trouble.container] : undefined;
  if (step) {
    return {
      summary: `Nothing to fix in this pod: it waits in ${trouble.container} for ${stepLayer(step, ctx.runtime?.name)}; fix that on ${ctx.node ?? 'its node'} first, and the pod goes on by itself`,
      commands: [logsCommand(ctx), `gpuctl doctor --checks ${step.stage === 'driver' ? 'driver' : 'runtime'}`],
    };
  }
  const said = ownWords(facts, [pod]).map((w) => ({ ...w, findings: w.findings.filter((n) => n !== 'operand-unhealthy') })).find((w) => w.findings.length);
  if (said) {
    return {
      summary: `Its own words point at ${eitherOf(said.findings)} ("${said.quote}"): fix that first (see that finding's fix), then let the DaemonSet recreate the pod`,
      commands: [logsCommand(ctx), `gpuctl doctor --checks ${eitherOf(said.findings, ',')}`, restartPod(ctx)],
    };
  }
  return operandFix(spec, ctx);
}

export default defineCheck({
  name: 'operand-unhealthy',
  title: 'GPU Operator and device plugin operands are healthy',
  needs: ['Pod', 'Event', 'Node', 'logs:stack', 'node-probe', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query'],
  // The Node only names the runtime in a fix command (CRI-O's config, not containerd's): not needed to judge.
  requires: ['Pod'],
  ok: 'every GPU Operator / device plugin operand pod is Ready and not restarting',
  explain: {
    detects:
      'An operand pod of the NVIDIA GPU Operator (driver, container toolkit, device plugin, GPU Feature Discovery, DCGM, DCGM exporter, MIG manager, NFD) or of the standalone or HAMi device plugin that is not Ready, crash-looping, restarting, stuck in an init container, unscheduled or Failed. Validator pods are validator-failed\'s; image pulls are image-pull-failing\'s.',
    why: 'Each operand is a layer the next one waits for: a crashing driver leaves the toolkit, device plugin and validators waiting in their init containers, and the node never advertises nvidia.com/gpu.',
    fix: 'Read the failing container\'s log (the previous run\'s after a restart) and fix by operand: the driver needs kernel headers and no Secure Boot block, the toolkit needs the right containerd config path and socket, the device plugin needs the nvidia runtime. Fix the lowest broken layer first; the pods waiting on it recover by themselves.',
  },
  zh: {
    title: 'GPU Operator 和设备插件的 operand 运行正常',
    ok: '每个 GPU Operator / 设备插件的 operand Pod 都已 Ready 且没有重启',
    headline: 'GPU Operator 或设备插件的 operand Pod 不健康',
    fixSummary: '查看失败容器的日志（重启过则看上一次运行的日志），从最底层坏掉的组件修起',
    explain: {
      detects:
        'NVIDIA GPU Operator 的 operand Pod（驱动程序、容器工具包、设备插件、GPU Feature Discovery、DCGM、DCGM exporter、MIG manager、NFD），或独立部署的设备插件、HAMi 设备插件的 Pod，处于未 Ready、CrashLoop、反复重启、卡在 init 容器、无法调度或 Failed 状态。验证器 Pod 由 validator-failed 负责，镜像拉取由 image-pull-failing 负责。',
      why: '每个 operand 都是下一层所等待的基础：驱动程序崩溃会让工具包、设备插件和验证器都停在 init 容器中，节点永远不会上报 nvidia.com/gpu。',
      fix: '查看失败容器的日志（重启过则看上一次运行的日志），按 operand 修复：驱动程序需要内核头文件且不能被安全启动阻止，工具包需要正确的 containerd 配置路径和 socket，设备插件需要 nvidia 运行时。先修复最底层坏掉的组件，等待它的 Pod 会自行恢复。',
    },
  },
  run(facts) {
    return operandPods(facts)
      .filter((e) => !e.spec.validator)
      .flatMap((e) => issueFor(e, facts) ?? []);
  },
});
