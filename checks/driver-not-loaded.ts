import { defineCheck } from '../src/check.js';
import { commandMissing, commandText, operatorDriverPods, PROC_VERSION_PATH } from '../src/facts/driver.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuEvidence } from '../src/facts/gpu.js';
import { nvidiaGpus, parseDevNvidia, parseLsmod, parseLspci, parseProcDriverVersion } from '../src/facts/nvidia-host.js';
import { findNvmlError } from '../src/facts/nvidia-smi.js';
import type { Issue } from '../src/model.js';
import { judgeEachNode, notJudged, type NotJudged } from '../src/node-check.js';
import type { Fix } from '../src/model.js';
import { WORDINGS } from '../src/data/wordings/index.js';
import type { Said } from '../src/facts/said.js';
import { hostSaid, podsSaid, rowsOf, saidLine } from '../src/facts/said.js';

/** The texts that mean the driver is not loaded: nvidia-smi's exit 9 and 12 texts, nvidia-container-cli's NVML errors. */
const ROWS = rowsOf('driver-not-loaded');
const SAID_SHOWN = 3;

/** What the node's probe outputs and the pods on it (workloads, validators, the driver pod) said of the driver. */
function saidOn(facts: Facts, node: string): Said[] {
  return [...hostSaid(facts, node, ROWS), ...podsSaid(facts, ROWS, facts.podsOn(node))];
}

/**
 * Without lsmod or the /dev listing, the words decide: the node's own nvidia-smi, or the container toolkit's
 * hook (it runs on the host), is an error; a pod's own nvidia-smi that is not found is a warning (the runtime
 * may not have injected it: nvidia-runtime-not-selected).
 */
function saidIssue(facts: Facts, node: string, said: Said[]): Issue {
  const strong = said.some((s) => !s.pod || s.hit.wording.component.startsWith('nvidia-container-cli') || s.hit.wording.id === 'nvidia-smi/cannot-communicate');
  return {
    severity: strong ? 'error' : 'warning',
    subject: { kind: 'Node', name: node },
    message: `The NVIDIA driver is not loaded on node ${node}, by what ${said[0]!.pod ? 'its pods say' : 'its probe says'}${facts.host(node) ? '' : ' (the node was not probed: lsmod and /dev not read)'}`,
    evidence: said.slice(0, SAID_SHOWN).map(saidLine),
    fix: notLoadedFix(facts, node),
  };
}

/** One of the three signs of a loaded driver: true, false, or undefined when it was not collected. */
interface Sign {
  seen: boolean | undefined;
  text: string;
}

function moduleSign(facts: Facts, node: string): Sign & { nouveau?: string } {
  const out = facts.hostCommand(node, 'lsmod');
  if (!out || commandMissing(out) || out.exitCode !== 0) return { seen: undefined, text: `lsmod: ${out ? `not usable (exit ${out.exitCode})` : 'not collected'}` };
  const modules = parseLsmod(out.stdout);
  const nvidia = modules.get('nvidia');
  const nouveau = modules.get('nouveau');
  return {
    seen: !!nvidia,
    text: nvidia ? `lsmod: ${nvidia.line}` : `lsmod: no nvidia module (${modules.size} modules listed)`,
    ...(nouveau ? { nouveau: `lsmod: ${nouveau.line} — nouveau holds the GPU (see nouveau-loaded)` } : {}),
  };
}

function procSign(facts: Facts, node: string): Sign {
  const text = facts.hostFile(node, PROC_VERSION_PATH);
  if (text === undefined) return { seen: false, text: `${PROC_VERSION_PATH}: absent` };
  const parsed = parseProcDriverVersion(text);
  return parsed ? { seen: true, text: `${PROC_VERSION_PATH}: ${parsed.line}` } : { seen: true, text: `${PROC_VERSION_PATH}: present but without an NVRM version line` };
}

function devSign(facts: Facts, node: string): Sign {
  const out = facts.hostCommand(node, 'dev-nvidia');
  if (!out) return { seen: undefined, text: '/dev/nvidia*: not collected' };
  const nodes = parseDevNvidia(out.stdout);
  // grep exits 1 when nothing matched: that is the answer "none", not a failure.
  if (out.exitCode !== 0 && !(out.exitCode === 1 && !out.stdout.trim())) return { seen: undefined, text: `/dev/nvidia*: listing failed (exit ${out.exitCode})` };
  return nodes.all.length
    ? { seen: nodes.gpus.length > 0 && nodes.control, text: `/dev: ${nodes.all.join(' ')}${nodes.gpus.length && nodes.control ? '' : ' (no /dev/nvidiaN or nvidiactl)'}` }
    : { seen: false, text: '/dev/nvidia*: none' };
}

export default defineCheck({
  name: 'driver-not-loaded',
  title: 'The NVIDIA driver is loaded on GPU nodes',
  needs: ['Node', 'Pod', 'node-probe', 'node-files:driver', 'node-command:nvidia-smi', 'node-command:lsmod', 'node-command:lspci', 'node-command:dev-nvidia', 'node-command:nvidia-smi-query', 'logs:stack', 'logs:workloads', 'Event'],
  requires: [],
  ok: 'the NVIDIA driver is loaded on every probed GPU node',
  explain: {
    detects:
      'A node with an NVIDIA GPU (lspci, labels or capacity) where the driver is not loaded: no `nvidia` module in lsmod, no /proc/driver/nvidia/version, no /dev/nvidia* device nodes. It says which of the three it saw; a loaded module without device nodes is a warning.',
    why: 'Without the kernel driver the container toolkit has nothing to inject, the device plugin finds no GPU (NVML fails to initialise), and GPU pods stay Pending or crash.',
    fix: 'Install the driver for the running kernel (or let the GPU Operator driver DaemonSet do it) and load it; check `dmesg` for the reason it did not load: Secure Boot rejecting an unsigned module, a DKMS build missing for the new kernel, nouveau holding the card.',
  },
  zh: {
    title: 'GPU 节点已加载 NVIDIA 驱动程序',
    ok: '每个已探测的 GPU 节点都已加载 NVIDIA 驱动程序',
    headline: 'GPU 节点没有加载 NVIDIA 驱动程序（或缺少 /dev/nvidia* 设备节点）',
    fixSummary: '为当前内核安装并加载驱动程序（由 GPU Operator 安装时，查看其驱动 Pod 为何没有加载）；dmesg 会说明加载失败的原因',
    explain: {
      detects:
        '有 NVIDIA GPU（lspci、标签或容量）的节点没有加载驱动程序：lsmod 中没有 `nvidia` 模块，没有 /proc/driver/nvidia/version，也没有 /dev/nvidia* 设备节点。会说明三者中看到了哪些；模块已加载但没有设备节点时为警告。',
      why: '没有内核驱动，容器工具包无从注入，设备插件找不到 GPU（NVML 初始化失败），GPU Pod 一直 Pending 或崩溃。',
      fix: '为当前运行的内核安装驱动程序（或让 GPU Operator 的驱动 DaemonSet 安装）并加载它；用 `dmesg` 查看加载失败的原因：安全启动（Secure Boot）拒绝未签名的模块、新内核缺少 DKMS 编译结果、nouveau 占用了显卡。',
    },
  },
  run(facts) {
    return judgeEachNode(facts, (name): Issue[] | NotJudged => {
      const said = saidOn(facts, name);
      if (!facts.host(name)) return said.length ? [saidIssue(facts, name, said)] : notJudged();
      const lspci = facts.hostCommand(name, 'lspci');
      const pciGpus = lspci && lspci.exitCode === 0 ? nvidiaGpus(parseLspci(lspci.stdout)) : [];
      const node = facts.node(name);
      const claims = node ? gpuEvidence(node).filter((e) => !e.startsWith('lspci:')) : [];
      // A probed node without any sign of a GPU needs no driver.
      if (!pciGpus.length && !claims.length) return [];
      const mod = moduleSign(facts, name);
      const proc = procSign(facts, name);
      const dev = devSign(facts, name);
      const signs = [mod, proc, dev];
      // /proc/driver/nvidia/version being absent proves nothing unless the probe also read the driver's other signs.
      if (mod.seen === undefined && dev.seen === undefined) {
        return said.length ? [saidIssue(facts, name, said)] : notJudged('neither lsmod nor the /dev listing was collected');
      }
      const loaded = mod.seen === true || proc.seen === true;
      if (loaded && dev.seen !== false) return [];

      const gpuLines = pciGpus.length ? pciGpus.map((d) => `lspci: ${d.line}`) : claims;
      const smiError = findNvmlError(commandText(facts.hostCommand(name, 'nvidia-smi')));
      const evidence = [
        ...gpuLines,
        ...signs.map((s) => s.text),
        ...(mod.nouveau ? [mod.nouveau] : []),
        ...(smiError ? [`nvidia-smi on ${name}: ${smiError.line}`] : []),
        ...said.filter((x) => x.pod).slice(0, SAID_SHOWN).map(saidLine),
        // why the GPU Operator's driver container did not load it, in its own words (any row: build, install, load)
        ...podsSaid(facts, WORDINGS, operatorDriverPods(facts, name)).slice(0, SAID_SHOWN).map((x) => `driver pod says (${x.hit.wording.finding}): ${saidLine(x)}`),
      ];
      if (loaded) {
        return [
          {
            severity: 'warning',
            subject: { kind: 'Node', name },
            message: `The NVIDIA module is loaded on node ${name} but its device nodes /dev/nvidia* are missing`,
            evidence,
            fix: {
              summary: 'Create the device nodes (nvidia-modprobe does it; running nvidia-smi once as root also does)',
              commands: ['sudo nvidia-modprobe -u -c=0', 'sudo nvidia-smi', 'ls -l /dev/nvidia*'],
            },
          },
        ];
      }
      const stale = dev.seen === true;
      return [
        {
          severity: 'error',
          subject: { kind: 'Node', name },
          message: `The NVIDIA driver is not loaded on node ${name}${stale ? ' (only stale device nodes remain)' : ''}`,
          evidence,
          fix: notLoadedFix(facts, name),
        },
      ];
    });
  },
});

function notLoadedFix(facts: Facts, name: string): Fix {
  const driverPod = operatorDriverPods(facts, name)[0];
  return driverPod
    ? {
        summary: `The GPU Operator installs the driver here: read why its driver pod ${driverPod.metadata.name} did not load it`,
        commands: [
          `kubectl -n ${driverPod.metadata.namespace} logs ${driverPod.metadata.name} --all-containers --tail=100`,
          `kubectl -n ${driverPod.metadata.namespace} describe pod ${driverPod.metadata.name}`,
        ],
      }
    : {
        summary: 'Install the driver for the running kernel and load it; dmesg says why it did not load',
        commands: [
          "sudo dmesg | grep -i -E 'nvrm|nvidia|nouveau'   # 'Key was rejected by service' = Secure Boot",
          'mokutil --sb-state',
          'dkms status; uname -r                           # a module built for this kernel?',
          'sudo ubuntu-drivers install                     # Ubuntu; or: sudo apt-get install -y nvidia-driver-<branch>',
          'sudo modprobe nvidia && nvidia-smi',
        ],
      };
}
