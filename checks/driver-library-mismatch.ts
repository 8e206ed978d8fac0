import { defineCheck } from '../src/check.js';
import { commandText, nodeNamesToJudge, PROC_VERSION_PATH } from '../src/facts/driver.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuNodes } from '../src/facts/gpu.js';
import type { Pod } from '../src/facts/kube.js';
import { isDriverPackage, parseDpkgQuery, parseProcDriverVersion, upstreamDriverVersion } from '../src/facts/nvidia-host.js';
import { findNvmlError } from '../src/facts/nvidia-smi.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { podRef } from '../src/facts/pods.js';
import { matchWordings } from '../src/data/wordings/index.js';
import { hostSaid, rowsOf, saidLine } from '../src/facts/said.js';
import type { Issue } from '../src/model.js';
import { finishNodeCheck, NO_NODE_FACTS, type NodeWithoutFacts } from '../src/node-check.js';

/** Mismatch lines about one pod: its containers' logs (this run and the previous), statuses and events. */
function podMismatches(facts: Facts, pod: Pod): string[] {
  return podTexts(facts, pod).flatMap((t) => {
    const err = findNvmlError(t.text);
    if (err?.kind === 'library-mismatch') return [`${t.source}: ${err.line.slice(0, 300)}`];
    // the same mismatch in other words: CUDA's error 803, nvidia-container-cli's NVML error
    const hit = matchWordings(t.text, ROWS)[0];
    return hit ? [`${t.source}: ${hit.line.slice(0, 300)}`] : [];
  });
}

/** Every text that means the module and the libraries differ (NVML, CUDA 803, NVRM's API mismatch). */
const ROWS = rowsOf('driver-library-mismatch');

/** Installed driver packages whose version differs from the loaded kernel module: the mismatch to come. */
function pendingMismatch(facts: Facts, node: string, moduleVersion: string): string[] {
  const out = facts.hostCommand(node, 'dpkg-nvidia');
  if (!out || (out.exitCode !== 0 && out.exitCode !== 1)) return [];
  return parseDpkgQuery(out.stdout)
    .packages.filter((p) => p.installed && isDriverPackage(p.name))
    .filter((p) => {
      const upstream = upstreamDriverVersion(p.version);
      return upstream !== undefined && upstream !== moduleVersion;
    })
    .map((p) => `dpkg on ${node}: ${p.name} ${p.version} installed`);
}

function driverPackages(facts: Facts, node: string): string[] {
  const out = facts.hostCommand(node, 'dpkg-nvidia');
  if (!out) return [];
  return parseDpkgQuery(out.stdout).packages.filter((p) => p.installed && isDriverPackage(p.name)).map((p) => p.name);
}

export default defineCheck({
  name: 'driver-library-mismatch',
  title: 'The loaded driver and its user-space libraries agree',
  needs: ['Node', 'Pod', 'Event', 'node-probe', 'node-files:driver', 'logs:stack', 'logs:workloads', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query', 'node-command:lspci', 'node-command:dpkg-nvidia', 'node-command:kernel-nvidia'],
  requires: [],
  ok: 'no driver/library version mismatch in nvidia-smi output or container logs',
  explain: {
    detects:
      '`Failed to initialize NVML: Driver/library version mismatch` in nvidia-smi on a node, or in the logs, statuses and events of pods (the driver, toolkit and device-plugin operands first of all); and installed driver packages whose version differs from the loaded kernel module (the mismatch the next NVML call will hit).',
    why: 'The kernel module still loaded is older than the libnvidia-ml/libcuda now on disk, typically after unattended-upgrades updated the driver packages without a reboot: every NVML and CUDA call fails, the device plugin advertises nothing and GPU pods crash.',
    fix: 'Reboot the node (drain it first) or unload and reload the nvidia modules so the module matches the libraries; then hold the driver packages so it does not happen again.',
  },
  zh: {
    title: '已加载的驱动程序与其用户态库版本一致',
    ok: 'nvidia-smi 输出和容器日志中没有驱动程序与库版本不匹配',
    headline: '驱动程序与库版本不匹配（Driver/library version mismatch）',
    fixSummary: '重启节点（先 drain），或卸载并重新加载 nvidia 模块，使内核模块与库一致；之后锁定驱动软件包版本',
    explain: {
      detects:
        '节点上的 nvidia-smi，或 Pod（首先是驱动程序、工具包和设备插件 operand）的日志、状态和事件中出现 `Failed to initialize NVML: Driver/library version mismatch`；以及已安装的驱动软件包版本与已加载的内核模块不同（下一次 NVML 调用就会遇到的不匹配）。',
      why: '仍在运行的内核模块比磁盘上新的 libnvidia-ml/libcuda 旧，通常是 unattended-upgrades 更新了驱动软件包却没有重启：所有 NVML 和 CUDA 调用都会失败，设备插件不上报任何资源，GPU Pod 崩溃。',
      fix: '重启节点（先 drain），或卸载并重新加载 nvidia 模块，使模块与库版本一致；然后锁定（hold）驱动软件包，避免再次发生。',
    },
  },
  run(facts) {
    const byNode = new Map<string, { lines: string[]; pods: string[]; pending: string[]; module?: string; library?: string }>();
    const entry = (node: string) => {
      let e = byNode.get(node);
      if (!e) byNode.set(node, (e = { lines: [], pods: [], pending: [] }));
      return e;
    };
    const judged: string[] = [];
    const without: NodeWithoutFacts[] = [];
    for (const name of nodeNamesToJudge(facts, gpuNodes(facts))) {
      const smi = facts.hostCommand(name, 'nvidia-smi') ?? facts.hostCommand(name, 'nvidia-smi-query');
      const proc = facts.hostFile(name, PROC_VERSION_PATH);
      const module = proc !== undefined ? parseProcDriverVersion(proc)?.version : undefined;
      // the kernel's own words (kernel-nvidia: "NVRM: API mismatch"), and any other probe output that says it
      const said = hostSaid(facts, name, ROWS).filter((x) => !x.source.startsWith('nvidia-smi '));
      if (said.length) entry(name).lines.push(...said.map(saidLine));
      if (!smi && !module) {
        if (!said.length) without.push({ node: name });
        else judged.push(name);
        continue;
      }
      judged.push(name);
      const err = smi ? findNvmlError(commandText(smi)) : undefined;
      if (err?.kind === 'library-mismatch') {
        const e = entry(name);
        e.lines.push(`nvidia-smi on ${name}: ${err.line}${err.libraryVersion ? ` (NVML library version: ${err.libraryVersion})` : ''}`);
        if (err.libraryVersion) e.library = err.libraryVersion;
        if (module) e.module = module;
      } else if (module && !(smi && smi.exitCode === 0 && !err)) {
        // nvidia-smi did not prove the libraries match: compare the module with the installed packages.
        const pending = pendingMismatch(facts, name, module);
        if (pending.length) Object.assign(entry(name), { pending, module });
      }
    }
    for (const pod of facts.pods) {
      const lines = podMismatches(facts, pod);
      if (!lines.length) continue;
      const e = entry(pod.spec?.nodeName ?? `pod:${podRef(pod)}`);
      e.lines.push(...lines);
      e.pods.push(podRef(pod));
    }

    const issues: Issue[] = [];
    for (const [key, e] of byNode) {
      const isPod = key.startsWith('pod:');
      const node = isPod ? undefined : key;
      const packages = node ? driverPackages(facts, node) : [];
      const versions = e.module
        ? [`${PROC_VERSION_PATH} on ${node}: kernel module ${e.module}${e.library ? `, user-space NVML ${e.library}` : ''}`]
        : [];
      const holdCommand = packages.length
        ? `sudo apt-mark hold ${packages.join(' ')}`
        : "dpkg-query -W --showformat='${Package} ${Status}\\n' | grep -v deinstall | awk '{ print $1 }' | grep -E 'nvidia.*-[0-9]+$' | xargs -r sudo apt-mark hold";
      const fix = {
        summary: node
          ? `Reboot ${node} so the kernel module matches the libraries (or reload the modules), then hold the driver packages`
          : 'Find the node of the pod, reboot it (or reload the nvidia modules), then hold the driver packages',
        commands: [
          ...(node ? [`kubectl drain ${node} --ignore-daemonsets --delete-emptydir-data`, 'sudo reboot', `kubectl uncordon ${node}`] : []),
          '# without a reboot, when no process uses the GPU:',
          'sudo systemctl stop nvidia-persistenced; sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && sudo modprobe nvidia && nvidia-smi',
          holdCommand,
        ],
      };
      if (e.lines.length) {
        issues.push({
          severity: 'error',
          subject: isPod ? { kind: 'Pod', name: key.slice(4).split('/')[1]!, namespace: key.slice(4).split('/')[0]! } : { kind: 'Node', name: key },
          message: isPod
            ? `Pod ${key.slice(4)} fails with an NVIDIA driver/library version mismatch`
            : `NVIDIA driver/library version mismatch on node ${key}${e.pods.length ? ` (seen by ${e.pods.length} pod${e.pods.length > 1 ? 's' : ''})` : ''}`,
          evidence: [...e.lines.slice(0, 8), ...versions, ...(e.lines.length > 8 ? [`… and ${e.lines.length - 8} more`] : [])],
          fix,
        });
      } else if (e.pending.length) {
        issues.push({
          severity: 'warning',
          subject: { kind: 'Node', name: key },
          message: `Driver packages on node ${key} are newer than the loaded kernel module ${e.module}: NVML will fail with a driver/library version mismatch`,
          evidence: [...versions, ...e.pending.slice(0, 6)],
          fix,
        });
      }
    }
    if (issues.length) return issues;
    // Logs of the operands can show the mismatch without any node probe; without either there is nothing to judge.
    if (facts.hasLogs && !judged.length) return [];
    const result = finishNodeCheck(issues, judged, without);
    if (!Array.isArray(result) && result.skip === NO_NODE_FACTS) return { skip: `${NO_NODE_FACTS}; no container logs either` };
    return result;
  },
});
