import semver from 'semver';
import { defineCheck } from '../src/check.js';
import { TOOLKIT_SUPPORT, toolkitVersionOfImage } from '../src/data/toolkit-support.js';
import { matchWordings, wordingsFor } from '../src/data/wordings/index.js';
import type { Facts } from '../src/facts/facts.js';
import type { Node, Pod } from '../src/facts/kube.js';
import { operandPodsOn } from '../src/facts/operands.js';
import type { PodText } from '../src/facts/pod-texts.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { podRef } from '../src/facts/pods.js';
import type { ContainerdConfig } from '../src/facts/runtime/containerd-config.js';
import { readContainerdConfig } from '../src/facts/runtime/containerd-config.js';
import { CONTAINERD_DUMP_COMMAND, runtimeHintsOf } from '../src/facts/runtime/containerd-paths.js';
import { CRIO_DROP_IN_DIR, readCrioConfig } from '../src/facts/runtime/crio-config.js';
import { isNvidiaRuntime } from '../src/facts/runtime/runtimes.js';
import { findStack, gpuOperatorNamespace } from '../src/facts/stacks.js';
import type { Fix, Issue } from '../src/model.js';
import { restartCommand } from '../src/remedies/runtime.js';

/** The probe command that captures containerd's journal (src/sources/probe-commands.ts). */
const CONTAINERD_JOURNAL_COMMAND = 'journal-containerd';
const ROWS = wordingsFor('toolkit-config-unsupported').filter((w) => w.finding === 'toolkit-config-unsupported');

interface Reason {
  message: string;
  evidence: string[];
  fix: Fix;
}

function texts(facts: Facts, node: Node): PodText[] {
  const out = facts.podsOn(node.metadata.name).flatMap((pod) => podTexts(facts, pod));
  const dump = facts.hostCommand(node.metadata.name, CONTAINERD_DUMP_COMMAND);
  if (dump?.stderr) out.push({ kind: 'log', text: dump.stderr, source: `\`containerd config dump\` on ${node.metadata.name} (exit ${dump.exitCode})` });
  // containerd's journal: the refusal of a drop-in, the migration of an older root config
  const journal = facts.hostCommand(node.metadata.name, CONTAINERD_JOURNAL_COMMAND);
  if (journal?.stdout) out.push({ kind: 'log', text: journal.stdout, source: `containerd journal on ${node.metadata.name}` });
  return out;
}

function hit(all: PodText[], id: string): { text: PodText; line: string; captures: Record<string, string> } | undefined {
  for (const text of all) {
    const m = matchWordings(text.text, ROWS).find((h) => h.wording.id === id);
    if (m) return { text, line: m.line, captures: m.captures };
  }
  return undefined;
}

function toolkitPod(facts: Facts, node: string): Pod | undefined {
  return operandPodsOn(facts, node).find((o) => o.spec.component === 'toolkit')?.pod;
}

function operatorToolkitFix(facts: Facts, extra: string, hostCommands: string[]): Fix {
  const ns = gpuOperatorNamespace(facts);
  return findStack(facts, 'gpu-operator')
    ? { summary: extra, commands: [`helm upgrade gpu-operator nvidia/gpu-operator -n ${ns} --reuse-values --set toolkit.version=v${TOOLKIT_SUPPORT.containerdConfigV3}-ubuntu20.04   # or drop a toolkit.version override`] }
    : { summary: extra, commands: hostCommands };
}

function reasonsOn(facts: Facts, node: Node, config: ContainerdConfig | undefined): Reason[] {
  const name = node.metadata.name;
  const all = texts(facts, node);
  const reasons: Reason[] = [];
  const pod = toolkitPod(facts, name);
  const image = pod?.spec?.containers?.find((c) => /toolkit/.test(c.name))?.image ?? pod?.spec?.containers?.[0]?.image;
  const version = toolkitVersionOfImage(image);

  // 1. A toolkit older than the config version it must edit.
  const v3 = hit(all, 'nvidia-ctk/unsupported-containerd-config-version');
  const tooOld = config && config.version >= 3 && version && semver.lt(version, TOOLKIT_SUPPORT.containerdConfigV3);
  if (v3 || tooOld) {
    reasons.push({
      message: `Node ${name}: the NVIDIA Container Toolkit${version ? ` ${version}` : ''} cannot edit containerd's config version ${v3?.captures.version ?? config?.version} (supported from toolkit ${TOOLKIT_SUPPORT.containerdConfigV3}), so the nvidia runtime is never added`,
      evidence: [
        ...(v3 ? [`${v3.text.source}: ${v3.line}`] : []),
        ...(config ? [`${config.mainFile}: version = ${config.version} (containerd ${config.containerdMajor}.x)`] : []),
        ...(image ? [`toolkit image ${image}${pod ? ` (pod ${podRef(pod)})` : ''}`] : []),
      ],
      fix: operatorToolkitFix(facts, `Use NVIDIA Container Toolkit ${TOOLKIT_SUPPORT.containerdConfigV3} or later on ${name} (drop an older toolkit.version override)`, [
        'sudo apt-get install -y --only-upgrade nvidia-container-toolkit',
        'sudo nvidia-ctk runtime configure --runtime=containerd',
        restartCommand(config, node),
      ]),
    });
  }

  // 2. A drop-in of a config version the root config does not allow (containerd 2.3 refuses to start).
  const higher = config?.problems.find((p) => p.rule === 'drop-in-version-above-main' && /nvidia/.test(p.file));
  const refused = hit(all, 'containerd/drop-in-version-higher');
  const migrated = hit(all, 'containerd/config-migrated');
  if (higher || refused) {
    const ns = gpuOperatorNamespace(facts);
    reasons.push({
      message: `Node ${name}: the toolkit's drop-in ${higher ? `${higher.file} ` : ''}declares a newer config version than ${config?.mainFile ?? "containerd's root config"}${refused ? ', and containerd refuses to load it' : ''}`,
      evidence: [
        ...(higher ? [`${higher.file}: ${higher.message}`] : []),
        ...(refused ? [`${refused.text.source}: ${refused.line}`] : []),
        ...(migrated ? [`${migrated.text.source}: ${migrated.line} (the root config on disk is version ${migrated.captures.from})`] : []),
      ],
      fix: findStack(facts, 'gpu-operator')
        ? {
            summary: 'Make the toolkit build its drop-in from the config file instead of `containerd config dump` (RUNTIME_CONFIG_SOURCE=file), or migrate the root config to the current version',
            commands: [`helm upgrade gpu-operator nvidia/gpu-operator -n ${ns} --reuse-values --set 'toolkit.env[0].name=RUNTIME_CONFIG_SOURCE' --set 'toolkit.env[0].value=file'`, `sudo containerd config migrate > /tmp/config.toml && sudo mv /tmp/config.toml ${config?.mainFile ?? '/etc/containerd/config.toml'}   # on the node, then restart containerd`],
          }
        : { summary: 'Rewrite the drop-in with the root config\'s version, or migrate the root config', commands: [`sudo nvidia-ctk runtime configure --runtime=containerd --config-source=file`, restartCommand(config, node)] },
    });
  }

  // 3. A toolkit drop-in where containerd's imports do not look.
  const hidden = config?.unused.find((u) => u.why.startsWith('not imported') && u.runtimes.some(isNvidiaRuntime));
  if (hidden && !higher) {
    const dir = hidden.file.slice(0, hidden.file.lastIndexOf('/'));
    reasons.push({
      message: `Node ${name}: the toolkit wrote its nvidia runtime to ${hidden.file}, where ${config!.mainFile}'s imports do not look`,
      evidence: [`${hidden.file} defines ${hidden.runtimes.filter(isNvidiaRuntime).map((r) => r.name).join(', ')}; ${hidden.why}`],
      fix: {
        summary: `Have containerd import ${dir}/*.toml (see nvidia-runtime-missing's fix), or point the toolkit's drop-in (nvidia-ctk --drop-in-config, RUNTIME_DROP_IN_CONFIG) at a directory ${config!.mainFile} imports`,
        commands: [`grep -n '^imports' ${config!.mainFile}`, `sudo nvidia-ctk runtime configure --runtime=containerd --drop-in-config=${dir}/99-nvidia.toml`],
      },
    });
  }

  // 3b. The same on CRI-O: nvidia-ctk 1.18.0–1.19.0 wrote its drop-in to /etc/crio/conf.d, which CRI-O never reads.
  const crio = readCrioConfig(facts.host(name));
  const stray = crio?.unused.find((u) => u.runtimes.some(isNvidiaRuntime));
  if (stray) {
    reasons.push({
      message: `Node ${name}: the toolkit wrote its CRI-O drop-in to ${stray.file}, where CRI-O does not look (${stray.why})`,
      evidence: [`${stray.file} defines ${stray.runtimes.filter(isNvidiaRuntime).map((r) => r.name).join(', ')}`, `CRI-O runtimes: ${crio!.runtimes.map((r) => r.name).join(', ')} (from ${crio!.files.join(', ') || crio!.mainFile})`],
      fix: {
        summary: `Upgrade the NVIDIA Container Toolkit to 1.19.1 or later (nvidia-ctk 1.18.0–1.19.0 used the wrong CRI-O drop-in directory), and move the drop-in to ${CRIO_DROP_IN_DIR}`,
        commands: [`sudo mv ${stray.file} ${CRIO_DROP_IN_DIR}/`, 'sudo systemctl restart crio', 'sudo apt-get install -y --only-upgrade nvidia-container-toolkit'],
      },
    });
  }

  // 4. libnvidia-container too old for the host, or configured for another distribution.
  const cgroup = hit(all, 'nvidia-container-cli/cgroup-devices-not-found');
  if (cgroup) {
    reasons.push({
      message: `Node ${name}: the NVIDIA Container Toolkit is too old for this cgroup v2 host (cgroup v2 support from ${TOOLKIT_SUPPORT.cgroupV2})`,
      evidence: [`${cgroup.text.source}: ${cgroup.line}`],
      fix: { summary: `Upgrade the NVIDIA Container Toolkit to ${TOOLKIT_SUPPORT.cgroupV2} or later on ${name}`, commands: ['sudo apt-get install -y --only-upgrade nvidia-container-toolkit libnvidia-container1 libnvidia-container-tools'] },
    });
  }
  const ldconfig = hit(all, 'nvidia-container-cli/ldcache-ldconfig-missing');
  if (ldconfig) {
    reasons.push({
      message: `Node ${name}: the toolkit's config names ldconfig ${ldconfig.captures.ldconfig}, which this host does not have`,
      evidence: [`${ldconfig.text.source}: ${ldconfig.line}`],
      fix: { summary: 'Point the toolkit at this distribution\'s ldconfig (ldconfig = "@/sbin/ldconfig" in /etc/nvidia-container-runtime/config.toml)', commands: [`sudo sed -i 's|^ldconfig = .*|ldconfig = "@/sbin/ldconfig"|' /etc/nvidia-container-runtime/config.toml`] },
    });
  }
  return reasons;
}

export default defineCheck({
  name: 'toolkit-config-unsupported',
  title: "The NVIDIA Container Toolkit understands the node's container runtime config",
  needs: ['Node', 'Pod', 'Event', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:registry-mirrors', 'node-files:docker', 'node-files:crio-config', 'node-files:oci-hooks', 'node-files:os-release', 'node-files:unattended-upgrades', 'logs:stack', 'logs:workloads', 'node-command:containerd-config-dump', 'node-command:journal-containerd'],
  requires: ['Node', 'Pod'],
  ok: "no node's toolkit is too old for its containerd config or host, or writes a drop-in containerd does not read",
  explain: {
    detects:
      "A toolkit too old for the node: containerd's config version 3 (containerd 2.x) before toolkit 1.17.4 (\"unsupported config version: 3\"), cgroup v2 before libnvidia-container 1.8 (\"cgroup subsystem devices not found\"), or an ldconfig path from another distribution; or a toolkit drop-in that containerd will not read: a newer config version than the root config (containerd 2.3 refuses it: \"drop-in config version 4 higher than root config version 2\"), or a directory the root config's imports do not cover. Toolkit logs, container states, events and the `containerd config dump` exit code and stderr are read.",
    why: 'The toolkit then never adds the nvidia runtime, or adds it where containerd does not look, or breaks containerd altogether: every operand and GPU pod that needs the nvidia runtime waits, while the toolkit pod merely restarts.',
    fix: 'Use a toolkit release that supports the node (1.17.4+ for containerd 2.x), let it read the config from the file (RUNTIME_CONFIG_SOURCE=file) or migrate the root config, and write the drop-in where containerd imports.',
  },
  zh: {
    title: 'NVIDIA Container Toolkit 能识别节点的容器运行时配置',
    ok: '没有节点的 toolkit 版本过旧，也没有写入 containerd 不读取的 drop-in',
    headline: 'NVIDIA Container Toolkit 不支持节点的运行时配置',
    fixSummary: '升级 toolkit（containerd 2.x 需 1.17.4 及以上），让它从配置文件读取配置，并把 drop-in 写到 containerd 会 import 的位置',
    explain: {
      detects:
        'toolkit 对节点来说过旧：containerd 配置 version 3（containerd 2.x）而 toolkit 早于 1.17.4（"unsupported config version: 3"），cgroup v2 主机而 libnvidia-container 早于 1.8（"cgroup subsystem devices not found"），或 ldconfig 路径属于其他发行版；或者 toolkit 写的 drop-in containerd 不会读取：版本高于根配置（containerd 2.3 拒绝启动："drop-in config version 4 higher than root config version 2"），或所在目录不在根配置的 imports 中。会读取 toolkit 日志、容器状态、事件以及 `containerd config dump` 的退出码和 stderr。',
      why: 'toolkit 因此从未添加 nvidia 运行时，或添加到了 containerd 不读取的位置，甚至让 containerd 无法启动：所有需要 nvidia 运行时的组件和 GPU Pod 都在等待，而 toolkit Pod 只是在不断重启。',
      fix: '使用支持该节点的 toolkit 版本（containerd 2.x 需 1.17.4+），让它从文件读取配置（RUNTIME_CONFIG_SOURCE=file）或迁移根配置，并把 drop-in 写到 containerd import 的目录。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    for (const node of facts.nodes) {
      const config = readContainerdConfig(facts.host(node.metadata.name), runtimeHintsOf(node));
      const reasons = reasonsOn(facts, node, config);
      if (reasons.length === 0) continue;
      const [first, ...more] = reasons;
      issues.push({
        severity: 'error',
        subject: { kind: 'Node', name: node.metadata.name },
        message: first!.message,
        evidence: [...first!.evidence, ...more.map((r) => `also: ${r.message}`), ...more.flatMap((r) => r.evidence)],
        fix: { summary: [first!, ...more].map((r) => r.fix.summary).join('; '), commands: [...new Set([first!, ...more].flatMap((r) => r.fix.commands))] },
      });
    }
    return issues;
  },
});
