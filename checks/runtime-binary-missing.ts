import { defineCheck } from '../src/check.js';
import type { Node } from '../src/facts/kube.js';
import type { RuntimeConfig } from '../src/facts/runtime/active-config.js';
import { activeRuntimeConfig, describeSource, hasFatalProblem } from '../src/facts/runtime/active-config.js';
import { binaryExists, listedRuntimeBinaries, RUNTIME_BINARIES_COMMAND } from '../src/facts/runtime/binaries.js';
import { runtimeHintsOf } from '../src/facts/runtime/containerd-paths.js';
import type { RuntimeEntry } from '../src/facts/runtime/runtimes.js';
import { isNvidiaRuntime } from '../src/facts/runtime/runtimes.js';
import type { Fix, Issue } from '../src/model.js';
import { ctkRuntime, restartCommand } from '../src/remedies/runtime.js';
import { pushAll } from '../src/bounded.js';
import type { Facts } from '../src/facts/facts.js';
import type { Said } from '../src/facts/said.js';
import { hostSaid, podsSaid, rowsOf, saidLine } from '../src/facts/said.js';

const GPU_OPERATOR_TOOLKIT_DIR = '/usr/local/nvidia/toolkit/';

function fixFor(runtime: RuntimeEntry, config: RuntimeConfig, node: Node | undefined, alternatives: string[]): Fix {
  const restart = restartCommand(config, node);
  const binary = runtime.binary!;
  if (binary.startsWith(GPU_OPERATOR_TOOLKIT_DIR)) {
    return {
      summary: `${GPU_OPERATOR_TOOLKIT_DIR} is installed by the GPU Operator's toolkit pod: make it run on the node, or (toolkit.enabled=false) point the runtime at the host's nvidia-container-toolkit`,
      commands: [
        `kubectl get pods -A -l app=nvidia-container-toolkit-daemonset -o wide --field-selector spec.nodeName=${node?.metadata.name ?? 'NODE'}`,
        ...(alternatives.length ? [] : ['sudo apt-get install -y nvidia-container-toolkit']),
        `sudo nvidia-ctk runtime configure --runtime=${ctkRuntime(config, node)}`,
        restart,
      ],
    };
  }
  if (isNvidiaRuntime(runtime)) {
    return {
      summary: 'Install the NVIDIA Container Toolkit on the node (NVIDIA apt/yum repository), then restart the runtime',
      commands: ['sudo apt-get install -y nvidia-container-toolkit   # or: sudo dnf install -y nvidia-container-toolkit', `ls -l ${binary}`, restart],
    };
  }
  return {
    summary: `Install the package that provides ${binary}, or correct the runtime's path in ${runtime.definedIn}, then restart the runtime`,
    commands: [`ls -l ${binary}`, restart],
  };
}

/** What the runtime itself said when it could not run its binary: go-runc's exec errors, CRI-O's runtime_path, the hook's. */
const ROWS = rowsOf('runtime-binary-missing');
const SAID_SHOWN = 3;

/**
 * The runtime's own words, from pods' events and states and the node's journals (CRI-O refuses to start on a
 * missing runtime_path): one issue per node not already judged from its config, or per pod without a node.
 */
function saidIssues(facts: Facts, reported: Set<string>): Issue[] {
  const said = [...podsSaid(facts, ROWS), ...facts.hosts().flatMap(([name]) => hostSaid(facts, name, ROWS))];
  const byNode = new Map<string, Said[]>();
  for (const s of said) {
    const key = s.node ?? `pod ${s.pod!.metadata.namespace}/${s.pod!.metadata.name}`;
    if (s.node && reported.has(s.node)) continue;
    byNode.set(key, [...(byNode.get(key) ?? []), s]);
  }
  return [...byNode].map(([key, words]) => {
    const first = words[0]!;
    const { binary, path, handler } = first.hit.captures;
    const missing = binary ?? path ?? (first.hit.wording.id === 'nvidia-container-runtime-hook/cli-not-found' ? 'nvidia-container-cli' : undefined);
    const what = missing ? `${missing} does not exist there` : `runtime handler "${handler ?? '?'}" has no binary`;
    const subject = first.node ? { kind: 'Node', name: first.node } : { kind: 'Pod', name: first.pod!.metadata.name, namespace: first.pod!.metadata.namespace };
    const node = first.node ? facts.node(first.node) : undefined;
    const config = first.node ? facts.host(first.node) && activeRuntimeConfig(facts.host(first.node)!, runtimeHintsOf(node)) : undefined;
    return {
      severity: 'error' as const,
      subject,
      message: `${first.node ? `Node ${first.node}` : key}: the container runtime could not run a configured binary: ${what}`,
      evidence: [...words.slice(0, SAID_SHOWN).map(saidLine), ...(facts.host(first.node ?? '') ? [] : [`the node's runtime config was not probed: judged from the runtime's own words`])],
      fix: {
        summary: missing?.startsWith(GPU_OPERATOR_TOOLKIT_DIR)
          ? `${GPU_OPERATOR_TOOLKIT_DIR} is installed by the GPU Operator's toolkit pod: make it run on the node, or point the runtime at the host's nvidia-container-toolkit`
          : 'Install the NVIDIA Container Toolkit on the node (or correct the binary path in the runtime config), then restart the runtime',
        commands: [
          ...(missing?.startsWith('/') ? [`ls -l ${missing}`] : ['command -v nvidia-container-runtime nvidia-container-cli runc']),
          'sudo apt-get install -y nvidia-container-toolkit   # or: sudo dnf install -y nvidia-container-toolkit',
          restartCommand(config || undefined, node),
        ],
      },
    };
  });
}

export default defineCheck({
  name: 'runtime-binary-missing',
  title: 'Configured runtime binaries exist on the node',
  needs: ['Node', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:docker', 'node-files:crio-config', 'node-files:oci-hooks', 'node-files:os-release', 'node-files:unattended-upgrades', 'node-command:containerd-config-dump', 'node-command:runtime-binaries', 'Pod', 'logs:stack', 'logs:workloads', 'Event', 'node-command:journal-containerd', 'node-command:journal-crio'],
  ok: 'every runtime binary configured on the probed nodes exists',
  explain: {
    detects:
      'A runtime in the effective containerd config (options.BinaryName) or docker daemon.json (`path`) names a binary that does not exist on the node, judged from the `runtime-binaries` probe or copied files.',
    why: 'containerd accepts the config, but every pod that uses that runtime fails to start with an OCI "executable file not found" error; typical after removing the toolkit or the GPU Operator (whose toolkit lives in /usr/local/nvidia/toolkit).',
    fix: 'Install nvidia-container-toolkit (or let the GPU Operator\'s toolkit pod run on the node), or point the runtime at a binary that exists, and restart the runtime.',
  },
  zh: {
    title: '配置的运行时二进制文件在节点上存在',
    ok: '已探测节点上配置的每个运行时二进制文件都存在',
    headline: '容器运行时配置的运行时二进制文件在节点上不存在',
    fixSummary: '安装提供该二进制文件的 NVIDIA Container Toolkit（或修正运行时的路径），然后重启容器运行时',
    explain: {
      detects:
        '有效 containerd 配置（options.BinaryName）或 docker daemon.json（`path`）中的某个运行时指向节点上不存在的二进制文件，依据 `runtime-binaries` 探测结果或复制来的文件判断。',
      why: 'containerd 接受该配置，但所有使用该运行时的 Pod 都会以 OCI "executable file not found" 错误启动失败；常见于卸载容器工具包或 GPU Operator 之后（GPU Operator 的工具包位于 /usr/local/nvidia/toolkit）。',
      fix: '安装 nvidia-container-toolkit（或让 GPU Operator 的 toolkit Pod 在该节点上运行），或把运行时指向一个存在的二进制文件，然后重启容器运行时。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    let configs = 0;
    let judged = 0;
    const unknown = new Set<string>();
    for (const [name, host] of facts.hosts()) {
      const node = facts.node(name);
      const config = activeRuntimeConfig(host, runtimeHintsOf(node));
      if (!config || hasFatalProblem(config)) continue;
      configs++;
      const listed = listedRuntimeBinaries(host);
      const existing = listed ?? [];
      for (const runtime of config.runtimes) {
        if (!runtime.binary) continue;
        const exists = binaryExists(host, runtime.binary);
        if (exists === undefined) {
          unknown.add(name);
          continue;
        }
        judged++;
        if (exists) continue;
        const used = runtime.name === config.defaultRuntime || isNvidiaRuntime(runtime);
        const alternatives = existing.filter((p) => p !== runtime.binary && p.split('/').pop() === runtime.binary!.split('/').pop());
        issues.push({
          severity: used ? 'error' : 'warning',
          subject: { kind: 'Node', name },
          message: `Node ${name}: runtime "${runtime.name}" runs ${runtime.binary}, which does not exist on the node`,
          evidence: [
            `${runtime.definedIn}: runtime "${runtime.name}"${runtime.type ? ` (${runtime.type})` : ''} → ${runtime.binary}`,
            `runtime config read from ${describeSource(config)}`,
            listed
              ? `probe ${RUNTIME_BINARIES_COMMAND} lists the runtime binaries that exist: ${existing.join(', ') || 'none'}`
              : `${runtime.binary} is not among the node's copied files`,
            ...(alternatives.length ? [`the same binary exists at ${alternatives.join(', ')}`] : []),
            ...(runtime.name === config.defaultRuntime ? [`"${runtime.name}" is the default runtime: every pod without a runtimeClassName uses it`] : []),
          ],
          fix: fixFor(runtime, config, node, alternatives),
        });
      }
    }
    pushAll(issues, saidIssues(facts, new Set(issues.map((i) => i.subject.name))));
    if (!configs) return issues.length ? issues : { skip: 'no node runtime config was collected (use --node-probe local|pod, or a snapshot with nodes/NODE/files)' };
    if (issues.length || judged || unknown.size === 0) return issues;
    return { skip: `no facts about which runtime binaries exist on ${[...unknown].join(', ')}: the ${RUNTIME_BINARIES_COMMAND} probe output is missing (nodes/NODE/commands/${RUNTIME_BINARIES_COMMAND}.txt)` };
  },
});
