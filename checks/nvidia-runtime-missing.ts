import { capMap } from '../src/bounded.js';
import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuNodes } from '../src/facts/gpu.js';
import type { Node } from '../src/facts/kube.js';
import type { RuntimeEvent } from '../src/facts/runtime-events.js';
import { missingRuntimeEvents, missingRuntimeSaid, runtimeEventLine } from '../src/facts/runtime-events.js';
import type { RuntimeConfig } from '../src/facts/runtime/active-config.js';
import { activeRuntimeConfig, describeSource, hasFatalProblem, runtimeConfigEvidence } from '../src/facts/runtime/active-config.js';
import { runtimeHintsOf } from '../src/facts/runtime/containerd-paths.js';
import { runtimeKind } from '../src/facts/runtime/services.js';
import { isNvidiaRuntime } from '../src/facts/runtime/runtimes.js';
import { someNames } from '../src/facts/scheduling.js';
import type { Fix, Issue } from '../src/model.js';
import type { Pod } from '../src/facts/kube.js';
import { operandPodsOn } from '../src/facts/operands.js';
import { firstUnfinishedInit } from '../src/facts/pod-evidence.js';
import { podRef } from '../src/facts/pods.js';
import { nvidiaRuntimeFix, restartCommand } from '../src/remedies/runtime.js';

const MAX_EVENT_LINES = 3;

function issueFor(node: Node | undefined, nodeName: string | undefined, config: RuntimeConfig | undefined, events: RuntimeEvent[], facts: Facts): Issue | undefined {
  const host = nodeName ? facts.host(nodeName) : undefined;
  const readable = config && !hasFatalProblem(config);
  // CRI-O with the NVIDIA OCI hook (OpenShift) needs no nvidia handler: a pod asking for one is runtimeclass-missing's.
  if (readable && config.engine === 'cri-o' && config.nvidiaHooks.length > 0 && !config.runtimes.some(isNvidiaRuntime)) return undefined;
  const hasNvidia = readable && config.runtimes.some(isNvidiaRuntime);
  // Nothing to judge: no readable config (an unloadable one is containerd-config-invalid's) and no event.
  if ((hasNvidia || !readable) && events.length === 0) return undefined;
  const eventEvidence = capMap(events, MAX_EVENT_LINES, runtimeEventLine, 'such events');
  const pods = [...new Set(events.filter((e) => e.event.involvedObject?.kind === 'Pod').map((e) => `${e.event.involvedObject?.namespace}/${e.event.involvedObject?.name}`))];
  const subject = nodeName ? { kind: 'Node', name: nodeName } : { kind: 'Pod', name: events[0]!.event.involvedObject?.name ?? '?', namespace: events[0]!.event.involvedObject?.namespace };
  const where = nodeName ? `Node ${nodeName}` : `Pod ${pods[0]}`;
  // No config read: the runtime the Node reports (cri-o://, docker://) names it.
  const kind = runtimeKind(config, node);
  const engine = kind === 'docker' ? 'docker' : kind === 'cri-o' ? 'CRI-O' : 'containerd';

  if (hasNvidia) {
    // The file says nvidia, the running runtime says no: it has not re-read its config.
    const defining = config.runtimes.filter(isNvidiaRuntime).map((r) => `${r.name} in ${r.definedIn}`);
    return {
      severity: 'error',
      subject,
      message: `${where}: ${engine} reports no "nvidia" runtime although its config defines one (${defining.join(', ')}): it was not restarted after the change, or the kubelet uses another ${engine}`,
      evidence: [...eventEvidence, ...runtimeConfigEvidence(config)],
      fix: { summary: `Restart ${engine} so that it reads its config, then recreate the failed pods`, commands: [restartCommand(config, node), ...pods.map((p) => `kubectl delete pod -n ${p.split('/')[0]} ${p.split('/')[1]}`)] },
    };
  }
  const evidence = [...eventEvidence, ...(readable ? runtimeConfigEvidence(config) : [])];
  if (config && !readable) evidence.push(`runtime config ${describeSource(config)} does not load (see containerd-config-invalid)`);
  if (!config && nodeName) evidence.push(`no runtime config collected from node ${nodeName}; run with --node-probe to read it`);
  const hidden = config && config.engine !== 'docker' ? config.unused.find((u) => u.runtimes.some(isNvidiaRuntime)) : undefined;
  const message = readable
    ? hidden
      ? `${where}: the nvidia runtime is defined in ${hidden.file}, which ${engine} does not read (${hidden.why})`
      : `${where}: the ${engine} config defines no nvidia runtime, so containers cannot use the GPU through the NVIDIA Container Runtime`
    : `${where}: ${engine} has no "nvidia" runtime: ${pods.length} pod${pods.length === 1 ? '' : 's'} cannot start (${someNames(pods)})`;
  const waiting = nodeName ? toolkitWaitingForDriver(facts, nodeName) : undefined;
  if (waiting) evidence.push(`GPU Operator toolkit pod ${podRef(waiting)} on this node waits in driver-validation: it configures the runtime once the driver works`);
  return { severity: 'error', subject, message, evidence, fix: waiting ? waitForToolkit(waiting, nodeName!) : nvidiaRuntimeFix(config, node, host) };
}

/** The GPU Operator's toolkit pod on the node, when it has not configured the runtime because it waits for the driver. */
function toolkitWaitingForDriver(facts: Facts, nodeName: string): Pod | undefined {
  return operandPodsOn(facts, nodeName).find((o) => o.spec.provider === 'gpu-operator' && o.spec.component === 'toolkit' && firstUnfinishedInit(o.pod)?.name === 'driver-validation')?.pod;
}

/** The runtime is the toolkit's to write: configuring it by hand is not the fix, the driver it waits for is. */
function waitForToolkit(toolkit: Pod, nodeName: string): Fix {
  const ns = toolkit.metadata.namespace ?? 'default';
  return {
    summary: `The GPU Operator's toolkit pod ${toolkit.metadata.name} writes the nvidia runtime on ${nodeName} once the driver works, and waits for it in driver-validation: fix the driver first (see the driver findings on ${nodeName}); the runtime follows by itself`,
    commands: [`kubectl logs -n ${ns} ${toolkit.metadata.name} -c driver-validation --tail=50`, 'gpuctl doctor --checks driver'],
  };
}

export default defineCheck({
  name: 'nvidia-runtime-missing',
  title: 'GPU nodes have the nvidia runtime in their container runtime config',
  needs: ['Node', 'Pod', 'Event', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:docker', 'node-files:crio-config', 'node-files:oci-hooks', 'node-files:os-release', 'node-files:unattended-upgrades', 'node-command:lspci', 'node-command:containerd-config-dump', 'logs:stack', 'logs:workloads', 'node-command:journal-containerd', 'node-command:journal-crio'],
  requires: ['Node'],
  ok: 'every GPU node whose runtime config was read has an nvidia runtime, and no pod failed for lack of one',
  explain: {
    detects:
      'A GPU node whose effective containerd config (config versions 1–3, imports drop-ins, k3s/RKE2/MicroK8s paths, or `containerd config dump`) or docker daemon.json has no nvidia runtime; or pods whose sandbox fails with `no runtime for "nvidia" is configured`.',
    why: 'Pods with runtimeClassName nvidia cannot start (FailedCreatePodSandBox), and the GPU Operator validators and device plugin stay in Init; without the NVIDIA Container Runtime no container sees the GPU.',
    fix: 'Run `nvidia-ctk runtime configure` for the node\'s runtime and restart it; on k3s/RKE2 use their config.toml.tmpl (or let them detect the toolkit at start); import a drop-in that containerd does not read; restart containerd when its config already has the runtime.',
  },
  zh: {
    title: 'GPU 节点的容器运行时配置中有 nvidia 运行时',
    ok: '每个读取了运行时配置的 GPU 节点都有 nvidia 运行时，也没有 Pod 因缺少它而失败',
    headline: 'GPU 节点的容器运行时没有 nvidia 运行时',
    fixSummary: '为节点的容器运行时配置 NVIDIA 运行时（nvidia-ctk runtime configure）并重启它，然后重建失败的 Pod；由 GPU Operator 的工具包负责时，先修复它所等待的驱动程序',
    explain: {
      detects:
        'GPU 节点的有效 containerd 配置（配置版本 1–3、imports 引入的 drop-in、k3s/RKE2/MicroK8s 路径，或 `containerd config dump`）或 docker 的 daemon.json 中没有 nvidia 运行时；或者有 Pod 的沙箱创建失败并报 `no runtime for "nvidia" is configured`。',
      why: '使用 runtimeClassName nvidia 的 Pod 无法启动（FailedCreatePodSandBox），GPU Operator 的验证器和设备插件停在 Init 阶段；没有 NVIDIA Container Runtime，任何容器都看不到 GPU。',
      fix: '针对节点的容器运行时执行 `nvidia-ctk runtime configure` 并重启；k3s/RKE2 使用其 config.toml.tmpl（或让它们在启动时自动检测工具包）；把 containerd 没有读取的 drop-in 加入 imports；配置中已有该运行时的，重启 containerd。',
    },
  },
  run(facts) {
    const events = [...missingRuntimeEvents(facts), ...missingRuntimeSaid(facts)].filter((e) => e.name === 'nvidia');
    const issues: Issue[] = [];
    let judged = 0;
    const unloadable: string[] = [];
    const nodes = new Map(gpuNodes(facts).map((n) => [n.metadata.name, n]));
    for (const e of events) if (e.node && !nodes.has(e.node)) nodes.set(e.node, facts.node(e.node) ?? ({ kind: 'Node', metadata: { name: e.node } } as Node));
    for (const [name, node] of nodes) {
      const config = activeRuntimeConfig(facts.host(name), runtimeHintsOf(node));
      if (config && !hasFatalProblem(config)) judged++;
      else if (config) unloadable.push(name);
      const issue = issueFor(node, name, config, events.filter((e) => e.node === name), facts);
      if (issue) issues.push(issue);
    }
    const unplaced = events.filter((e) => !e.node);
    const byPod = new Map<string, RuntimeEvent[]>();
    for (const e of unplaced) {
      const key = `${e.event.involvedObject?.namespace}/${e.event.involvedObject?.name}`;
      byPod.set(key, [...(byPod.get(key) ?? []), e]);
    }
    for (const podEvents of byPod.values()) issues.push(issueFor(undefined, undefined, undefined, podEvents, facts)!);
    if (issues.length || judged) return issues;
    const eventsRead = facts.unavailable('Event') ? `events could not be read (${facts.unavailable('Event')})` : 'no event reports a missing nvidia runtime';
    const configs = unloadable.length
      ? `the runtime config of ${unloadable.join(', ')} does not load (see containerd-config-invalid)`
      : "no GPU node's runtime config was collected (use --node-probe local|pod, or a snapshot with nodes/NODE/files)";
    return { skip: `${eventsRead}, and ${configs}` };
  },
});
