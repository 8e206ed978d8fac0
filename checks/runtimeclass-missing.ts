import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuNodes } from '../src/facts/gpu.js';
import type { KubeObject, Node, RuntimeClass } from '../src/facts/kube.js';
import { isTerminal, podRef } from '../src/facts/pods.js';
import type { RuntimeEvent } from '../src/facts/runtime-events.js';
import { eventLine, handlerNotSupportedEvents, missingRuntimeEvents, runtimeClassNotFoundEvents } from '../src/facts/runtime-events.js';
import type { RuntimeConfig } from '../src/facts/runtime/active-config.js';
import { activeRuntimeConfig, describeSource, hasFatalProblem } from '../src/facts/runtime/active-config.js';
import { runtimeHintsOf } from '../src/facts/runtime/containerd-paths.js';
import { isNvidiaRuntime } from '../src/facts/runtime/runtimes.js';
import { someNames, unmatchedLabels } from '../src/facts/scheduling.js';
import { findStack, gpuOperatorNamespace } from '../src/facts/stacks.js';
import { templateOwner } from '../src/facts/workload-owner.js';
import { operandOf, operandOfDaemonSet } from '../src/facts/operands.js';
import type { Issue } from '../src/model.js';
import { nvidiaRuntimeLookup, restartCommand, runtimeClassYaml } from '../src/remedies/runtime.js';

const WORKLOAD_KINDS = ['Deployment', 'DaemonSet'];

/** The handler a missing RuntimeClass most likely needs: nvidia for NVIDIA-looking names. */
function likelyHandler(name: string): string {
  return /nvidia/i.test(name) ? 'nvidia' : name;
}

/** Who asks for RuntimeClass `name`: pods, workload templates, and controllers whose pods were rejected. */
function usersOf(facts: Facts): Map<string, string[]> {
  // Sets, not arrays searched with includes(): thousands of pods use the same RuntimeClass.
  const sets = new Map<string, Set<string>>();
  const add = (name: string, who: string) => {
    let set = sets.get(name);
    if (!set) sets.set(name, (set = new Set()));
    set.add(who);
  };
  for (const pod of facts.pods) {
    const name = pod.spec?.runtimeClassName;
    if (name && !isTerminal(pod)) add(name, `Pod ${podRef(pod)}`);
  }
  for (const kind of WORKLOAD_KINDS) {
    for (const obj of facts.all<KubeObject>(kind)) {
      const name = obj.spec?.template?.spec?.runtimeClassName;
      if (typeof name === 'string') add(name, `${kind} ${obj.metadata.namespace}/${obj.metadata.name}`);
    }
  }
  return new Map([...sets].map(([name, set]) => [name, [...set]]));
}

function matchesSelector(node: Node, selector: Record<string, string> | undefined): boolean {
  return unmatchedLabels(node.metadata.labels, selector).length === 0;
}

/** Pods must not name a RuntimeClass where the node's runtime injects the GPU without a handler. */
function noHandlerIssue(facts: Facts, name: string, handler: string, node: Node, who: string[], said: RuntimeEvent[], disagree: string[], why: string, config: RuntimeConfig | undefined): Issue {
  // Without a node config, only the kubelet's dockershim words bring us here: the engine is Docker.
  const docker = (config?.engine ?? 'docker') === 'docker';
  const remove = (kind: string, ns: string, obj: string) => `kubectl -n ${ns} patch ${kind} ${obj} --type=json -p '[{"op":"remove","path":"/spec/template/spec/runtimeClassName"}]'`;
  const targets = new Set<string>();
  // The GPU Operator rewrites its own operands: those are fixed through its settings, not patched.
  const managed = (kind: string, ref: string) => kind === 'DaemonSet' && !!facts.all<KubeObject>('DaemonSet').find((d) => `${d.metadata.namespace}/${d.metadata.name}` === ref && operandOfDaemonSet(d));
  for (const w of who) {
    const [kind, ref] = w.split(' ') as [string, string];
    if (/^(Deployment|DaemonSet)$/.test(kind) && !managed(kind, ref)) targets.add(remove(kind.toLowerCase(), ...(ref.split('/') as [string, string])));
  }
  for (const pod of facts.podsOn(node.metadata.name).filter((p) => p.spec?.runtimeClassName === name && !operandOf(p))) {
    const owner = templateOwner(pod);
    if (owner) targets.add(remove(owner.kind, pod.metadata.namespace ?? 'default', owner.name));
  }
  const patches = [...targets].slice(0, 5);
  const operator = findStack(facts, 'gpu-operator');
  return {
    severity: 'error',
    subject: { kind: 'RuntimeClass', name },
    message: `RuntimeClass ${name}: ${why}; pods that name it cannot start there${who.length ? ` (${someNames(who)})` : ''}`,
    evidence: [`RuntimeClass ${name}: handler: ${handler}`, config ? `runtime config read from ${describeSource(config)}` : `node ${node.metadata.name} was not probed: judged from the kubelet's words`, ...said.slice(0, 3).map((e) => eventLine(e.event)), ...disagree],
    fix: {
      summary: `Remove runtimeClassName: ${name} from the GPU pods that run on ${node.metadata.name}${docker ? ' (the nvidia runtime must be docker\'s default-runtime instead)' : ''}${operator && docker ? '; tell the GPU Operator the runtime is docker (operator.defaultRuntime=docker)' : ''}`,
      commands: [...patches, ...(operator && docker ? [`helm upgrade gpu-operator nvidia/gpu-operator -n ${gpuOperatorNamespace(facts)} --reuse-values --set operator.defaultRuntime=docker`] : [])],
    },
  };
}

export default defineCheck({
  name: 'runtimeclass-missing',
  title: 'RuntimeClasses that pods use exist, and their handler is a configured runtime',
  needs: ['Node', 'Pod', 'Event', 'DaemonSet', 'Deployment', 'RuntimeClass', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:docker', 'node-files:crio-config', 'node-files:oci-hooks', 'node-files:os-release', 'node-files:unattended-upgrades', 'node-command:lspci', 'node-command:containerd-config-dump'],
  requires: ['Pod', 'RuntimeClass'],
  ok: 'every runtimeClassName in use names an existing RuntimeClass whose handler is configured where node configs were read',
  explain: {
    detects:
      'Pods or workloads use `runtimeClassName: X` but RuntimeClass X does not exist (pods are rejected with `RuntimeClass "X" not found`), or X\'s handler is not a runtime in the container runtime config of the nodes gpuctl read (`no runtime for "H" is configured`).',
    why: 'A missing RuntimeClass makes the API server reject the pods, so Deployments and DaemonSets show no pods at all; a handler the node does not know fails every sandbox with FailedCreatePodSandBox.',
    fix: 'Create the RuntimeClass (handler nvidia for the NVIDIA runtime); when the handler is wrong, recreate the RuntimeClass with the runtime name the node has (handler is immutable), or add that runtime to the node.',
  },
  zh: {
    title: 'Pod 使用的 RuntimeClass 存在，且其 handler 是已配置的运行时',
    ok: '使用中的每个 runtimeClassName 都指向存在的 RuntimeClass，且在已读取配置的节点上其 handler 已配置',
    headline: 'Pod 使用的 RuntimeClass 不存在，或其 handler 不是节点上配置的运行时',
    fixSummary: '创建 RuntimeClass（NVIDIA 运行时的 handler 为 nvidia），或用节点上已有的运行时名称重建它',
    explain: {
      detects:
        'Pod 或工作负载使用 `runtimeClassName: X`，但 RuntimeClass X 不存在（Pod 被拒绝并报 `RuntimeClass "X" not found`）；或 X 的 handler 不是 gpuctl 读取到的节点容器运行时配置中的运行时（`no runtime for "H" is configured`）。',
      why: 'RuntimeClass 不存在时 API Server 会拒绝创建 Pod，Deployment 和 DaemonSet 因而一个 Pod 都没有；节点不认识的 handler 会让每个沙箱都以 FailedCreatePodSandBox 失败。',
      fix: '创建 RuntimeClass（NVIDIA 运行时的 handler 为 nvidia）；handler 错误时，用节点上实际的运行时名称重建 RuntimeClass（handler 不可修改），或在节点上添加该运行时。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    const classes = new Map(facts.runtimeClasses.map((rc) => [rc.metadata.name, rc]));
    const users = usersOf(facts);
    const rejected = runtimeClassNotFoundEvents(facts);
    for (const e of rejected) {
      const o = e.event.involvedObject ?? {};
      const list = users.get(e.name) ?? [];
      const who = `${o.kind} ${o.namespace}/${o.name}`;
      if (!list.includes(who)) users.set(e.name, [...list, who]);
    }

    // 1. The RuntimeClass itself is absent.
    for (const [name, who] of users) {
      if (classes.has(name)) continue;
      const handler = likelyHandler(name);
      issues.push({
        severity: 'error',
        subject: { kind: 'RuntimeClass', name },
        message: `RuntimeClass "${name}" does not exist, but ${who.length} object${who.length === 1 ? '' : 's'} use${who.length === 1 ? 's' : ''} it (${someNames(who)})`,
        evidence: [
          `RuntimeClasses in the cluster: ${[...classes.keys()].join(', ') || 'none'}`,
          ...who.slice(0, 5).map((w) => `${w}: runtimeClassName: ${name}`),
          ...rejected.filter((e) => e.name === name).slice(0, 3).map((e) => eventLine(e.event)),
        ],
        fix: {
          summary: `Create RuntimeClass ${name} with handler ${handler} (the runtime name in the nodes' runtime config)`,
          commands: [runtimeClassYaml(name, handler)],
        },
      });
    }

    // 2. The RuntimeClass exists but its handler is not a runtime on nodes whose config gpuctl read,
    //    or the kubelet says so. A node with no NVIDIA runtime at all is nvidia-runtime-missing's.
    const failures = missingRuntimeEvents(facts).filter((e) => e.name !== 'nvidia');
    for (const rc of classes.values() as Iterable<RuntimeClass>) {
      const handler = rc.handler ?? '';
      const name = rc.metadata.name;
      const scheduledOn = new Set(facts.pods.filter((p) => p.spec?.runtimeClassName === name && p.spec.nodeName).map((p) => p.spec!.nodeName!));
      const candidates = facts.nodes.filter(
        (n) =>
          scheduledOn.has(n.metadata.name) ||
          (users.has(name) && matchesSelector(n, (rc.scheduling as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector) && (gpuNodes(facts).includes(n) || !/nvidia/i.test(handler))),
      );
      for (const node of candidates) {
        const config = activeRuntimeConfig(facts.host(node.metadata.name), runtimeHintsOf(node));
        if (!config || hasFatalProblem(config)) continue;
        const said = [...missingRuntimeEvents(facts), ...handlerNotSupportedEvents(facts)].filter((e) => e.name === handler && e.node === node.metadata.name);
        // A pod of this RuntimeClass that ran here shows the handler worked, unless the kubelet now says it does not.
        const ran = facts.podsOn(node.metadata.name).filter((p) => p.spec?.runtimeClassName === name && (p.status?.phase === 'Succeeded' || p.status?.phase === 'Running'));
        if (ran.length > 0 && said.length === 0) continue;
        const disagree = ran.length > 0 ? [`sources disagree: ${someNames(ran.map((p) => `Pod ${podRef(p)}`))} ran with this RuntimeClass on ${node.metadata.name}, but the kubelet's newer events say the handler is missing`] : [];
        if (config.engine === 'docker') {
          // dockershim and cri-dockerd take no handler at all: docker's default runtime is the only one.
          issues.push(noHandlerIssue(facts, name, handler, node, users.get(name) ?? [], said, disagree, `node ${node.metadata.name} runs Docker, which takes no RuntimeClass handler: its default runtime (${config.defaultRuntime}) runs every pod`, config));
          continue;
        }
        if (config.runtimes.some((r) => r.name === handler)) continue;
        const nvidia = config.runtimes.filter(isNvidiaRuntime);
        const hooked = config.engine === 'cri-o' && config.nvidiaHooks.length > 0;
        if (hooked && nvidia.length === 0 && /nvidia/i.test(handler)) {
          issues.push(noHandlerIssue(facts, name, handler, node, users.get(name) ?? [], said, disagree, `CRI-O on node ${node.metadata.name} has no "${handler}" handler: it injects the GPU through the NVIDIA OCI hook (${config.nvidiaHooks.join(', ')}) for every handler`, config));
          continue;
        }
        if (handler === 'nvidia' && nvidia.length === 0) continue;
        const events = failures.filter((e) => e.name === handler && e.node === node.metadata.name);
        const replacement = /nvidia/i.test(handler) && nvidia[0] ? nvidia[0].name : undefined;
        issues.push({
          severity: 'error',
          subject: { kind: 'RuntimeClass', name },
          message: `RuntimeClass ${name}: handler "${handler}" is not a runtime of ${config.engine === 'cri-o' ? 'CRI-O' : 'containerd'} on node ${node.metadata.name}${replacement ? ` (its NVIDIA runtime is called "${replacement}")` : ''}`,
          evidence: [
            `RuntimeClass ${name}: handler: ${handler}`,
            `runtime config read from ${describeSource(config)}`,
            `runtimes on ${node.metadata.name}: ${config.runtimes.map((r) => r.name).join(', ')}`,
            ...events.slice(0, 3).map((e) => eventLine(e.event)),
          ],
          fix: replacement
            ? {
                summary: `The handler of a RuntimeClass cannot be changed: recreate ${name} with handler ${replacement}, or add a runtime called ${handler} to the node`,
                commands: [`kubectl delete runtimeclass ${name}`, runtimeClassYaml(name, replacement)],
              }
            : {
                summary: `Add a runtime called ${handler} to ${config.engine === 'cri-o' ? 'CRI-O' : 'containerd'} on ${node.metadata.name} and restart it, or recreate the RuntimeClass with a handler the node has`,
                commands: [restartCommand(config, node)],
              },
        });
      }
      // The kubelet's word where gpuctl has no node config: dockershim refusing any handler.
      const probed = (node?: string) => !!(node && activeRuntimeConfig(facts.host(node), runtimeHintsOf(facts.node(node))));
      const unsupported = handlerNotSupportedEvents(facts).filter((e) => e.name === handler && e.node && !probed(e.node));
      for (const nodeName of new Set(unsupported.map((e) => e.node!))) {
        const node = facts.node(nodeName) ?? ({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } } as Node);
        const why = `the kubelet on node ${nodeName} says its runtime takes no RuntimeClass handler (Docker through dockershim or cri-dockerd: its default runtime runs every pod)`;
        issues.push(noHandlerIssue(facts, name, handler, node, users.get(name) ?? [], unsupported.filter((e) => e.node === nodeName), [], why, undefined));
      }
      const unexplained = failures.filter((e) => e.name === handler && !(e.node && activeRuntimeConfig(facts.host(e.node), runtimeHintsOf(facts.node(e.node)))));
      if (unexplained.length) {
        const nodes = [...new Set(unexplained.map((e) => e.node ?? 'unknown node'))];
        issues.push({
          severity: 'error',
          subject: { kind: 'RuntimeClass', name },
          message: `RuntimeClass ${name}: the kubelet on ${nodes.join(', ')} has no runtime "${handler}" configured`,
          evidence: [`RuntimeClass ${name}: handler: ${handler}`, ...unexplained.slice(0, 3).map((e) => eventLine(e.event))],
          fix: {
            summary: `Add a runtime called ${handler} to the container runtime on ${nodes.join(', ')} and restart it, or recreate the RuntimeClass with a handler the nodes have`,
            commands: [`${nvidiaRuntimeLookup(undefined, unexplained[0]?.node ? facts.node(unexplained[0].node) : undefined, '')}   # on the node: the configured runtime names`],
          },
        });
      }
    }
    return issues;
  },
});
