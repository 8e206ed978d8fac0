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
import { isNvidiaRuntime } from '../src/facts/runtime/runtimes.js';
import { someNames } from '../src/facts/scheduling.js';
import type { Issue } from '../src/model.js';
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
  const engine = config?.engine === 'docker' ? 'docker' : config?.engine === 'cri-o' ? 'CRI-O' : 'containerd';

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
  return { severity: 'error', subject, message, evidence, fix: nvidiaRuntimeFix(config, node, host) };
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
