import { defineCheck } from '../src/check.js';
import { matchWordings, wordingsFor } from '../src/data/wordings/index.js';
import { nodeDriver, operatorDriverPods } from '../src/facts/driver.js';
import { fabricNeed } from '../src/facts/fabric.js';
import type { Facts } from '../src/facts/facts.js';
import type { Node } from '../src/facts/kube.js';
import { parseLsmod } from '../src/facts/nvidia-host.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { hostSaid } from '../src/facts/said.js';
import { gpuOperatorNamespace } from '../src/facts/stacks.js';
import type { Fix, Issue } from '../src/model.js';

const FM_LOG = '/var/log/fabricmanager.log';
const ROWS = wordingsFor('fabric-manager-not-running').filter((w) => w.finding === 'fabric-manager-not-running');
const CUDA_802 = 'cuda/system-not-yet-initialized';

interface Hit {
  id: string;
  line: string;
  source: string;
  captures: Record<string, string>;
}

/** Every place on the node that may say the fabric is not up: pod logs and states, events, the FM log file. */
function hitsOn(facts: Facts, node: Node): Hit[] {
  const hits: Hit[] = [];
  const texts = facts.podsOn(node.metadata.name).flatMap((pod) => podTexts(facts, pod));
  const fmLog = facts.hostFile(node.metadata.name, FM_LOG);
  if (fmLog) texts.push({ kind: 'log', text: fmLog, source: `${FM_LOG} on ${node.metadata.name}` });
  for (const text of texts) {
    for (const { wording, captures, line } of matchWordings(text.text, ROWS)) {
      if (hits.some((h) => h.id === wording.id && h.source === text.source)) continue;
      hits.push({ id: wording.id, line, source: text.source, captures });
    }
  }
  // The fabric manager's journal (journal-fabricmanager) and any other probe output that names it.
  for (const said of hostSaid(facts, node.metadata.name, ROWS)) hits.push({ id: said.hit.wording.id, line: said.line, source: said.source, captures: said.hit.captures });
  return hits;
}

function fixFor(facts: Facts, node: Node, driver: string | undefined, blackwell: boolean, mismatch: boolean): Fix {
  const name = node.metadata.name;
  const driverPods = operatorDriverPods(facts, name);
  const branch = driver?.split('.')[0];
  const ibModules = blackwell && !parseLsmod(facts.hostCommand(name, 'lsmod')?.stdout ?? '').has('ib_umad');
  const ib = ibModules ? ['sudo modprobe ib_umad   # Blackwell: the fabric manager and NVLSM reach the NVLink switches through the InfiniBand stack'] : [];
  if (driverPods.length > 0) {
    const ns = gpuOperatorNamespace(facts);
    return {
      summary: mismatch
        ? `The GPU Operator's driver container starts the fabric manager on ${name}: use a driver image whose fabric manager is of the driver's version${driver ? ` (${driver})` : ''}, then restart the driver pod`
        : `The GPU Operator's driver container could not start the fabric manager on ${name}: read why in its log${ibModules ? ', load the InfiniBand modules it needs' : ''}, then restart the driver pod`,
      commands: [...ib, `kubectl -n ${ns} logs ${driverPods[0]!.metadata.name} -c nvidia-driver-ctr | grep -i fabric`, 'kubectl edit clusterpolicy    # spec.driver.version / spec.driver.image', `kubectl -n ${ns} delete pod ${driverPods[0]!.metadata.name}`],
    };
  }
  return {
    summary: `Install the fabric manager of the driver's exact version${driver ? ` (${driver})` : ''} on ${name} and start it`,
    commands: [
      ...ib,
      branch ? `sudo apt-get install -y nvidia-fabricmanager-${branch}=${driver}-1   # RHEL: sudo dnf install nvidia-fabric-manager-${driver}` : 'sudo apt-get install -y nvidia-fabricmanager-<driver branch>',
      'sudo systemctl enable --now nvidia-fabricmanager',
      'nvidia-smi -q | grep -A2 -i "fabric"   # State: Completed',
    ],
  };
}

export default defineCheck({
  name: 'fabric-manager-not-running',
  title: 'NVSwitch systems run a fabric manager of the driver\'s version',
  needs: ['Node', 'Pod', 'Event', 'node-files:driver', 'logs:stack', 'logs:workloads', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query', 'node-command:lsmod', 'node-command:lspci', 'node-probe', 'node-command:journal-fabricmanager'],
  requires: ['Node', 'Pod'],
  ok: 'no NVSwitch node shows a fabric manager failure or CUDA error 802 in the logs, events and node files gpuctl read',
  explain: {
    detects:
      'A node whose GPUs connect through NVSwitch (lspci lists NVSwitch devices, or 8 × A100/H100/H200/B200 SXM) where the fabric manager is not up: its log says its version does not match the driver or that it failed to start, the driver container found no fabricmanager.cfg, or CUDA programs on the node fail with error 802 "system not yet initialized". Pod logs (current and previous), container states, events and /var/log/fabricmanager.log are read.',
    why: 'On NVSwitch systems CUDA hands out no device until the fabric manager has trained the NVLink fabric. Without it nvidia-smi and the driver pod look healthy, the device plugin advertises every GPU, and yet every CUDA program, the GPU Operator\'s CUDA validator included, fails with 802.',
    fix: 'Install and start nvidia-fabricmanager of exactly the driver\'s version (host driver), or use a GPU Operator driver image that carries the matching one; on Blackwell HGX load the InfiniBand modules (ib_umad) that fabric manager and NVLSM need.',
  },
  zh: {
    title: 'NVSwitch 系统运行着与驱动版本一致的 fabric manager',
    ok: '在读取到的日志、事件和节点文件中，没有 NVSwitch 节点出现 fabric manager 故障或 CUDA 802 错误',
    headline: 'NVSwitch 系统上的 fabric manager 没有运行',
    fixSummary: '安装并启动与驱动版本完全一致的 nvidia-fabricmanager，或使用带有匹配版本的驱动镜像',
    explain: {
      detects:
        'GPU 通过 NVSwitch 互联的节点（lspci 列出 NVSwitch 设备，或 8 × A100/H100/H200/B200 SXM）上 fabric manager 没有运行：其日志显示版本与驱动不一致或启动失败，驱动容器找不到 fabricmanager.cfg，或节点上的 CUDA 程序报错误 802 "system not yet initialized"。会读取 Pod 日志（当前与上一次）、容器状态、事件以及 /var/log/fabricmanager.log。',
      why: '在 NVSwitch 系统上，fabric manager 完成 NVLink 拓扑训练之前 CUDA 不会分配设备。此时 nvidia-smi 和驱动 Pod 看起来都正常，设备插件也上报了所有 GPU，但所有 CUDA 程序（包括 GPU Operator 的 CUDA 验证器）都会失败。',
      fix: '安装并启动与驱动版本完全一致的 nvidia-fabricmanager（主机驱动），或使用带有匹配 fabric manager 的 GPU Operator 驱动镜像；Blackwell HGX 上还需加载 fabric manager 和 NVLSM 所需的 InfiniBand 模块（ib_umad）。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    for (const node of facts.nodes) {
      const hits = hitsOn(facts, node);
      if (hits.length === 0) continue;
      const need = fabricNeed(facts, node);
      const fmOwn = hits.filter((h) => h.id !== CUDA_802);
      // CUDA's 802 alone, on a node gpuctl cannot show to be an NVSwitch system, is only a strong hint.
      if (!need && fmOwn.length === 0) {
        issues.push({
          severity: 'warning',
          subject: { kind: 'Node', name: node.metadata.name },
          message: `Node ${node.metadata.name}: CUDA reports error 802 "system not yet initialized", which on NVSwitch systems means the fabric manager is not running`,
          evidence: [...hits.slice(0, 3).map((h) => `${h.source}: ${h.line}`), 'gpuctl could not tell whether this node has NVSwitch (no lspci with NVSwitch, GPU model unknown or not an SXM board)'],
          fix: { summary: `Check the fabric manager on ${node.metadata.name}`, commands: ['systemctl status nvidia-fabricmanager', 'nvidia-smi -q | grep -A2 -i "fabric"'] },
        });
        continue;
      }
      const driver = nodeDriver(facts, node.metadata.name).driver?.value ?? hits.find((h) => h.captures.driver_version)?.captures.driver_version;
      const mismatch = hits.find((h) => h.captures.fm_version);
      const workloads = [...new Set(hits.filter((h) => h.id === CUDA_802).map((h) => h.source))];
      const name = node.metadata.name;
      issues.push({
        severity: 'error',
        subject: { kind: 'Node', name },
        message: mismatch
          ? `Node ${name}: the fabric manager (${mismatch.captures.fm_version}) does not match the driver (${mismatch.captures.driver_version}) and does not run, so CUDA cannot use the GPUs of this ${need?.title ?? 'NVSwitch system'}`
          : `Node ${name}: the fabric manager is not running, so CUDA cannot use the GPUs of this ${need?.title ?? 'NVSwitch system'}${workloads.length ? ` (error 802 in ${workloads.length} log${workloads.length === 1 ? '' : 's'})` : ''}`,
        evidence: [
          ...(need ? [need.because] : []),
          ...(driver ? [`driver ${driver}`] : []),
          ...hits.slice(0, 4).map((h) => `${h.source}: ${h.line}`),
          ...(hits.length > 4 ? [`… and ${hits.length - 4} more such lines`] : []),
        ],
        fix: fixFor(facts, node, driver, /B200|B300|GB200|GB300/.test(need?.title ?? ''), !!mismatch),
      });
    }
    return issues;
  },
});
