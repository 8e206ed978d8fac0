import { defineCheck } from '../src/check.js';
import { wordingsFor, matchWordings } from '../src/data/wordings/index.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject, Node, Pod, RuntimeClass } from '../src/facts/kube.js';
import { operandOf } from '../src/facts/operands.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { templateOwner } from '../src/facts/workload-owner.js';
import { isTerminal, podRef } from '../src/facts/pods.js';
import type { RuntimeConfig } from '../src/facts/runtime/active-config.js';
import { activeRuntimeConfig, describeSource, hasFatalProblem } from '../src/facts/runtime/active-config.js';
import { runtimeHintsOf } from '../src/facts/runtime/containerd-paths.js';
import { isNvidiaRuntime } from '../src/facts/runtime/runtimes.js';
import { hasStack } from '../src/facts/stacks.js';
import { someNames } from '../src/facts/scheduling.js';
import type { Issue } from '../src/model.js';
import { defaultRuntimeCommands, runtimeClassYaml } from '../src/remedies/runtime.js';
import { nvidiaResources } from '../src/facts/gpu.js';

const MAX_PODS = 5;
const SYMPTOMS = wordingsFor('nvidia-runtime-not-selected');

/** Why the pod opens the GPU itself: an nvidia.com/… resource, or an operand that talks to NVML. */
function gpuUse(pod: Pod): string | undefined {
  const resources = nvidiaResources(pod);
  if (resources.length) return `requests ${resources.join(', ')}`;
  const operand = operandOf(pod);
  return operand?.usesGpu ? `${operand.title} (opens the GPU through NVML)` : undefined;
}

/** Devices handed to runc by containerd's CDI support: the device plugin's cdi-cri strategy, or the operator's CDI default. */
function cdiInjects(facts: Facts, pods: Pod[]): string | undefined {
  for (const pod of pods) {
    if (!operandOf(pod)?.advertisesGpus) continue;
    for (const c of pod.spec?.containers ?? []) {
      const env = c.env?.find((e) => e.name === 'DEVICE_LIST_STRATEGY')?.value ?? '';
      const arg = [...(c.args ?? []), ...(c.command ?? [])].find((a) => a.startsWith('--device-list-strategy')) ?? '';
      if (/cdi-cri|cdi-annotations/.test(env + arg)) return `the device plugin ${podRef(pod)} hands devices over by CDI (${env ? `DEVICE_LIST_STRATEGY=${env}` : arg})`;
    }
  }
  for (const policy of facts.all<KubeObject>('ClusterPolicy')) {
    const cdi = policy.spec?.cdi as { enabled?: boolean; default?: boolean } | undefined;
    if (cdi?.enabled && cdi.default) return `ClusterPolicy ${policy.metadata.name}: cdi.enabled and cdi.default`;
  }
  return undefined;
}

interface Misrouted {
  pod: Pod;
  use: string;
  handler: string;
  how: string;
}

function misroutedPods(facts: Facts, node: Node, config: RuntimeConfig, classes: Map<string, RuntimeClass>): Misrouted[] {
  // A pod that failed counts too (a CUDA sample exits at once); one that succeeded evidently had its GPU.
  const pods = facts.podsOn(node.metadata.name).filter((p) => !isTerminal(p) || p.status?.phase === 'Failed');
  const cdi = cdiInjects(facts, pods);
  const out: Misrouted[] = [];
  for (const pod of pods) {
    const use = gpuUse(pod);
    if (!use) continue;
    const operand = operandOf(pod);
    if (cdi && !operand) continue; // a workload's devices come by CDI under runc: nothing to select
    const rcName = pod.spec?.runtimeClassName;
    let handler: string;
    let how: string;
    if (rcName) {
      const rc = classes.get(rcName);
      if (!rc?.handler || config.engine === 'docker') continue; // a missing RuntimeClass is runtimeclass-missing's
      handler = rc.handler;
      how = `runtimeClassName: ${rcName} → handler ${handler}`;
    } else {
      handler = config.defaultRuntime;
      how = `no runtimeClassName → the default runtime ${handler}`;
    }
    const runtime = config.runtimes.find((r) => r.name === handler);
    if (!runtime || isNvidiaRuntime(runtime)) continue; // an undefined handler is runtimeclass-missing's or containerd-config-invalid's
    out.push({ pod, use, handler, how });
  }
  return out;
}

/** What the misrouted pods said that shows they ran without the NVIDIA runtime (NVML not found, no driver…). */
function symptomLines(facts: Facts, pods: Pod[]): string[] {
  const lines: string[] = [];
  for (const pod of pods) {
    for (const text of podTexts(facts, pod)) {
      const hit = matchWordings(text.text, SYMPTOMS)[0];
      if (!hit) continue;
      lines.push(`${text.source}: ${hit.line}`);
      break;
    }
    if (lines.length >= 3) break;
  }
  return lines;
}

function ownerPatch(pod: Pod, runtimeClass: string): string | undefined {
  const owner = templateOwner(pod);
  return owner && `kubectl -n ${pod.metadata.namespace ?? 'default'} patch ${owner.kind} ${owner.name} --type=merge -p '{"spec":{"template":{"spec":{"runtimeClassName":"${runtimeClass}"}}}}'`;
}

export default defineCheck({
  name: 'nvidia-runtime-not-selected',
  title: 'GPU pods run under the nvidia runtime that their node configures',
  needs: ['Node', 'Pod', 'Event', 'RuntimeClass', 'ClusterPolicy', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:docker', 'node-files:crio-config', 'node-files:oci-hooks', 'node-files:os-release', 'node-files:unattended-upgrades', 'logs:stack', 'logs:workloads', 'node-command:containerd-config-dump'],
  requires: ['Node', 'Pod', 'RuntimeClass'],
  ok: 'every GPU pod on a node whose runtime config was read runs under an NVIDIA runtime (its RuntimeClass or the default)',
  explain: {
    detects:
      'A node whose container runtime config defines an NVIDIA runtime, but whose GPU pods (pods requesting nvidia.com/… and the device plugin, GFD, DCGM and validators) run under another handler: the pod names no RuntimeClass and `default_runtime_name` is runc, or its RuntimeClass points at a non-NVIDIA handler. Device plugin and workload logs that say NVML or the driver is missing are quoted as evidence.',
    why: 'k3s, RKE2 and `nvidia-ctk runtime configure` without --set-as-default add nvidia as an extra handler only. A pod that does not select it gets no driver libraries: the device plugin logs "could not load NVML library" and advertises no GPU, CUDA apps say "no CUDA-capable device" or "driver version is insufficient" although the node is fine.',
    fix: 'Give the GPU pods `runtimeClassName: nvidia` (create the RuntimeClass with handler nvidia if it is missing; the device plugin chart has a runtimeClassName value), or make nvidia the node\'s default runtime (k3s/RKE2: `default-runtime: nvidia` in config.yaml; containerd: `nvidia-ctk runtime configure --set-as-default`).',
  },
  zh: {
    title: 'GPU Pod 使用节点上已配置的 nvidia 运行时',
    ok: '在已读取运行时配置的节点上，每个 GPU Pod 都运行在 NVIDIA 运行时下（通过 RuntimeClass 或默认运行时）',
    headline: '节点已配置 nvidia 运行时，但 GPU Pod 没有使用它',
    fixSummary: '给 GPU Pod 设置 runtimeClassName: nvidia，或把 nvidia 设为节点的默认运行时',
    explain: {
      detects:
        '节点的容器运行时配置里有 NVIDIA 运行时，但 GPU Pod（请求 nvidia.com/… 资源的 Pod，以及设备插件、GFD、DCGM、验证器）运行在其他 handler 下：Pod 没有指定 RuntimeClass 而 default_runtime_name 是 runc，或其 RuntimeClass 指向非 NVIDIA 的 handler。设备插件和工作负载日志中"找不到 NVML / 驱动"的报错会作为证据引用。',
      why: 'k3s、RKE2 以及不带 --set-as-default 的 nvidia-ctk runtime configure 只把 nvidia 添加为额外的 handler。没有选择它的 Pod 拿不到驱动库：设备插件报 "could not load NVML library"，不上报 GPU；CUDA 程序报 "no CUDA-capable device" 或 "driver version is insufficient"，尽管节点本身没有问题。',
      fix: '给 GPU Pod 设置 runtimeClassName: nvidia（没有该 RuntimeClass 时先创建，handler 为 nvidia；设备插件 chart 有 runtimeClassName 参数），或把 nvidia 设为节点默认运行时（k3s/RKE2：在 config.yaml 中设置 default-runtime: nvidia；containerd：nvidia-ctk runtime configure --set-as-default）。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    const classes = new Map(facts.runtimeClasses.map((rc) => [rc.metadata.name, rc]));
    for (const node of facts.nodes) {
      const config = activeRuntimeConfig(facts.host(node.metadata.name), runtimeHintsOf(node));
      if (!config || hasFatalProblem(config)) continue;
      if (config.engine === 'cri-o' && config.nvidiaHooks.length > 0) continue; // the OCI hook injects the GPU under any handler
      const nvidia = config.runtimes.filter(isNvidiaRuntime);
      if (nvidia.length === 0) continue; // no NVIDIA runtime at all is nvidia-runtime-missing's
      const misrouted = misroutedPods(facts, node, config, classes);
      if (misrouted.length === 0) continue;

      const preferred = nvidia.find((r) => r.name === 'nvidia') ?? nvidia[0]!;
      const rc = [...classes.values()].find((c) => c.handler === preferred.name);
      const rcName = rc?.metadata.name ?? 'nvidia';
      const name = node.metadata.name;
      const handlers = [...new Set(misrouted.map((m) => m.handler))];
      const pods = misrouted.map((m) => `Pod ${podRef(m.pod)}`);
      const patches = [...new Set(misrouted.map((m) => ownerPatch(m.pod, rcName)).filter((c): c is string => !!c))].slice(0, MAX_PODS);
      const create = rc ? [] : [runtimeClassYaml('nvidia', preferred.name)];
      const operatorToolkit = hasStack(facts, 'gpu-operator');
      issues.push({
        severity: 'error',
        subject: { kind: 'Node', name },
        message: `Node ${name}: the ${preferred.name} runtime is configured but not used: ${misrouted.length} GPU pod${misrouted.length === 1 ? '' : 's'} run${misrouted.length === 1 ? 's' : ''} under ${handlers.join(', ')} without the NVIDIA libraries (${someNames(pods)})`,
        evidence: [
          `runtime config read from ${describeSource(config)}`,
          `default runtime: ${config.defaultRuntime}; NVIDIA runtimes: ${nvidia.map((r) => `${r.name}${r.binary ? ` (${r.binary})` : ''} in ${r.definedIn}`).join(', ')}`,
          rc ? `RuntimeClass ${rc.metadata.name} selects handler ${preferred.name}` : `no RuntimeClass has handler ${preferred.name}`,
          ...misrouted.slice(0, MAX_PODS).map((m) => `Pod ${podRef(m.pod)} ${m.use}: ${m.how}`),
          ...(misrouted.length > MAX_PODS ? [`… and ${misrouted.length - MAX_PODS} more GPU pods`] : []),
          ...symptomLines(facts, misrouted.map((m) => m.pod)),
        ],
        fix: {
          summary: `Run the GPU pods with runtimeClassName: ${rcName}${rc ? '' : ' (create the RuntimeClass first)'}, or make ${preferred.name} the default runtime on node ${name}; then recreate the pods`,
          commands: [...create, ...patches, ...defaultRuntimeCommands(config, node, preferred.name, operatorToolkit)],
        },
      });
    }
    return issues;
  },
});
