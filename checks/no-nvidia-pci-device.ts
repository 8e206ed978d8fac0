import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { operandPodsOn } from '../src/facts/operands.js';
import { hostSaid, podsSaid, rowsOf, saidLine } from '../src/facts/said.js';
import { commandMissing } from '../src/facts/driver.js';
import { gpuEvidence } from '../src/facts/gpu.js';
import { NVIDIA_VENDOR_ID, nvidiaGpus, parseLspci } from '../src/facts/nvidia-host.js';
import { judgeEachNode, notJudged } from '../src/node-check.js';

/** nvidia-smi's "No devices were found" (exit 6). */
const ROWS = rowsOf('no-nvidia-pci-device');

/** Pods that run nvidia-smi against the host's driver: the GPU Operator's driver container and driver validator. */
function hostDriverPods(facts: Facts, node: string): Pod[] {
  return operandPodsOn(facts, node)
    .filter((o) => o.spec.component === 'driver' || o.spec.component === 'operator-validator')
    .map((o) => o.pod);
}

export default defineCheck({
  name: 'no-nvidia-pci-device',
  title: 'Probed GPU nodes show an NVIDIA device on the PCI bus',
  needs: ['Node', 'node-probe', 'node-command:lspci', 'Pod', 'logs:stack', 'Event', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query'],
  requires: [],
  ok: 'every probed node lists its NVIDIA GPU in lspci',
  explain: {
    detects:
      '`lspci -nn` on a node lists no NVIDIA display device (vendor 10de, class 03xx) — an error when the node is labelled or advertised as a GPU node, a note when it was probed and simply has none.',
    why: 'Without the card on the PCI bus nothing above it can work: no driver binds, no device plugin advertises a GPU, and GPU pods stay Pending. Labels left by Node Feature Discovery or GFD can make such a node still look like a GPU node.',
    fix: 'Check the hardware: the card seated and powered, PCI passthrough to the VM (cloud instance type, hypervisor config), the Thunderbolt cable of an eGPU. Then confirm with `lspci -nn | grep 10de` on the host.',
  },
  zh: {
    title: '已探测的 GPU 节点在 PCI 总线上有 NVIDIA 设备',
    ok: '每个已探测节点的 lspci 都列出了其 NVIDIA GPU',
    headline: 'lspci 在节点上没有列出 NVIDIA GPU',
    fixSummary: '让显卡出现在主机的 PCI 总线上：检查硬件、直通配置或线缆',
    explain: {
      detects:
        '节点上的 `lspci -nn` 没有列出 NVIDIA 显示设备（厂商 10de，类别 03xx）——节点被标记或上报为 GPU 节点时为错误；只是被探测且本来就没有 GPU 时仅作提示。',
      why: '显卡不在 PCI 总线上，上层的一切都无法工作：没有驱动程序绑定，设备插件不上报 GPU，GPU Pod 一直 Pending。Node Feature Discovery 或 GFD 遗留的标签可能让这样的节点看起来仍像 GPU 节点。',
      fix: '检查硬件：显卡是否插好并通电、是否已 PCI 直通给虚拟机（云主机规格、虚拟化配置）、eGPU 的雷电线缆。然后在主机上用 `lspci -nn | grep 10de` 确认。',
    },
  },
  run(facts) {
    return judgeEachNode(facts, (name) => {
      const lspci = facts.hostCommand(name, 'lspci');
      if (!lspci) {
        // Without lspci: nvidia-smi on the host (the probe's, or the one the driver validator runs) finding none.
        const said = [...hostSaid(facts, name, ROWS), ...podsSaid(facts, ROWS, hostDriverPods(facts, name))];
        const node = facts.node(name);
        const claims = node ? gpuEvidence(node).filter((e) => !e.startsWith('lspci:')) : [];
        if (!said.length || !claims.length) return notJudged();
        return [
          {
            severity: 'warning' as const,
            subject: { kind: 'Node', name },
            message: `Node ${name} is labelled or advertised as a GPU node, but nvidia-smi on it finds no GPU (lspci was not read to tell a missing card from one the driver does not own)`,
            evidence: [...claims, ...said.slice(0, 3).map(saidLine)],
            fix: { summary: 'Look at the PCI bus of the host: no card, or a card bound to another driver', commands: ['lspci -nnk -d 10de:                      # on the host: "Kernel driver in use"', "sudo dmesg | grep -i -E 'pci.*10de|nvidia|NVRM'"] },
          },
        ];
      }
      if (commandMissing(lspci)) return notJudged('lspci is not installed on the host: install pciutils');
      const devices = parseLspci(lspci.stdout);
      if (lspci.exitCode !== 0 || devices.length === 0) {
        return notJudged(`lspci listed no devices (exit ${lspci.exitCode}): the probe could not read the PCI bus`);
      }
      if (nvidiaGpus(devices).length) return [];

      const node = facts.node(name);
      const claims = node ? gpuEvidence(node).filter((e) => !e.startsWith('lspci:')) : [];
      const otherNvidia = devices.filter((d) => d.vendorId === NVIDIA_VENDOR_ID);
      const evidence = [
        ...claims,
        `lspci -nn on ${name}: ${devices.length} devices, none with vendor ${NVIDIA_VENDOR_ID} and a display class (0300/0302/0380)`,
        ...otherNvidia.map((d) => `lspci: ${d.line} (an NVIDIA function, but not a GPU)`),
      ];
      const fix = {
        summary: 'Make the card visible on the PCI bus of the host: hardware, passthrough or cable',
        commands: [
          'lspci -nn | grep -i 10de                     # on the host',
          "sudo dmesg | grep -i -E 'pci.*10de|nvidia|NVRM'",
          'sudo lspci -vvv -d 10de:                      # link state of any NVIDIA function',
        ],
      };
      return [
        claims.length
          ? {
              severity: 'error' as const,
              subject: { kind: 'Node', name },
              message: `Node ${name} is labelled or advertised as a GPU node, but lspci shows no NVIDIA GPU on it`,
              evidence,
              fix,
            }
          : {
              severity: 'info' as const,
              subject: { kind: 'Node', name },
              message: `Node ${name} was probed and lspci shows no NVIDIA GPU: if it should have one, the card is not on the PCI bus`,
              evidence,
              fix,
            },
      ];
    });
  },
});
