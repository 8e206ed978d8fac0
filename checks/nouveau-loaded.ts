import { defineCheck } from '../src/check.js';
import type { Issue } from '../src/model.js';
import type { Said } from '../src/facts/said.js';
import { hostSaid, rowsOf, saidLine } from '../src/facts/said.js';
import { commandMissing } from '../src/facts/driver.js';
import { parseLsmod } from '../src/facts/nvidia-host.js';
import { judgeEachNode, notJudged } from '../src/node-check.js';
import { initramfsCommand } from '../src/remedies/driver.js';

/** Files that blacklist nouveau: the one people write by hand and the one NVIDIA's .run installer writes. */
const BLACKLIST_FILES = ['/etc/modprobe.d/blacklist-nouveau.conf', '/etc/modprobe.d/nvidia-installer-disable-nouveau.conf'];
const BLACKLIST_PATH = BLACKLIST_FILES[0]!;

/** NVRM saying another driver took the device. */
const ROWS = rowsOf('nouveau-loaded');

/** The kernel says the nvidia module never got the device: another driver (nouveau, vfio-pci) owns it. */
function probeNotCalled(name: string, said: Said[], lsmod: string): Issue {
  return {
    severity: 'warning',
    subject: { kind: 'Node', name },
    message: `The NVIDIA driver never got the GPU on node ${name}: another driver (nouveau, vfio-pci) owns it, by what the kernel says`,
    evidence: [...said.map(saidLine), lsmod],
    fix: {
      summary: `Find the driver that holds the GPU on ${name} (lspci -k); blacklist nouveau or unbind vfio-pci, then reboot`,
      commands: ['lspci -nnk -d 10de:                      # "Kernel driver in use"', 'lsmod | grep -E "^(nouveau|vfio_pci|nvidia) "'],
    },
  };
}

export default defineCheck({
  name: 'nouveau-loaded',
  title: 'The nouveau driver does not hold the GPU',
  needs: ['Node', 'node-probe', 'node-files:driver', 'node-command:lsmod', 'node-command:lspci', 'node-command:kernel-nvidia'],
  requires: [],
  ok: 'nouveau is not loaded on any probed node',
  explain: {
    detects: 'The open-source `nouveau` kernel module is loaded on a node (lsmod), and whether a blacklist file already exists (then the initramfs was not rebuilt or the node not rebooted).',
    why: 'nouveau binds the NVIDIA card first, so the proprietary or open `nvidia` module cannot load: nvidia-smi fails and the GPU is invisible to Kubernetes.',
    fix: 'Blacklist nouveau in /etc/modprobe.d, rebuild the initramfs (update-initramfs -u; dracut --force on RHEL-like systems) and reboot the node.',
  },
  zh: {
    title: 'nouveau 驱动没有占用 GPU',
    ok: '没有已探测节点加载 nouveau',
    headline: '节点加载了 nouveau 内核模块，NVIDIA 驱动程序无法加载',
    fixSummary: '将 nouveau 加入黑名单，重建 initramfs，然后重启节点（先 drain 排空节点）',
    explain: {
      detects: '节点上加载了开源的 `nouveau` 内核模块（lsmod），并检查是否已有黑名单文件（若已有，说明没有重建 initramfs 或没有重启节点）。',
      why: 'nouveau 会先绑定 NVIDIA 显卡，导致专有或开源的 `nvidia` 模块无法加载：nvidia-smi 失败，Kubernetes 看不到 GPU。',
      fix: '在 /etc/modprobe.d 中将 nouveau 加入黑名单，重建 initramfs（update-initramfs -u；RHEL 系发行版用 dracut --force），然后重启节点。',
    },
  },
  run(facts) {
    return judgeEachNode(facts, (name) => {
      // The kernel's words (kernel-nvidia): "NVRM: The NVIDIA probe routine was not called for 1 device(s)".
      const said = hostSaid(facts, name, ROWS);
      const lsmod = facts.hostCommand(name, 'lsmod');
      if (!lsmod || commandMissing(lsmod) || lsmod.exitCode !== 0) {
        if (said.length) return [probeNotCalled(name, said, 'lsmod was not read')];
        if (!lsmod) return notJudged();
        return notJudged(`lsmod failed (exit ${lsmod.exitCode})`);
      }
      const modules = parseLsmod(lsmod.stdout);
      const nouveau = modules.get('nouveau');
      if (!nouveau) return said.length ? [probeNotCalled(name, said, 'lsmod lists no nouveau: another driver (vfio-pci?) holds the GPU')] : [];

      const blacklists = BLACKLIST_FILES.map((path) => [path, facts.hostFile(name, path)] as const).filter(([, text]) => text !== undefined);
      const active = blacklists.filter(([, text]) => /^\s*blacklist\s+nouveau\b/m.test(text!));
      const cmdline = facts.hostFile(name, '/proc/cmdline');
      const evidence = [
        `lsmod on ${name}: ${nouveau.line}`,
        ...(modules.has('nvidia') ? [`lsmod: nvidia is loaded too (${modules.get('nvidia')!.line})`] : ['lsmod: no nvidia module']),
        ...blacklists.map(([path, text]) => `${path}: ${text!.trim().split('\n').join(' / ')}`),
        ...(cmdline !== undefined ? [`/proc/cmdline: ${/nouveau/.test(cmdline) ? cmdline.trim() : 'no nouveau option'}`] : []),
        ...said.map(saidLine),
      ];
      const node = facts.node(name);
      return [
        {
          severity: 'error',
          subject: { kind: 'Node', name },
          message: active.length
            ? `nouveau is loaded on node ${name} although ${active[0]![0]} blacklists it: the initramfs was not rebuilt or the node not rebooted`
            : `nouveau is loaded on node ${name} and keeps the NVIDIA driver from binding the GPU`,
          evidence,
          fix: {
            summary: `Blacklist nouveau, rebuild the initramfs and reboot ${name} (drain it first)`,
            commands: [
              ...(active.length ? [] : [`printf 'blacklist nouveau\\noptions nouveau modeset=0\\n' | sudo tee ${BLACKLIST_PATH}`]),
              initramfsCommand(node),
              `kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`,
              'sudo reboot',
              'lsmod | grep -E "^(nouveau|nvidia) "     # after the reboot: nvidia, no nouveau',
              `kubectl uncordon ${name}`,
            ],
          },
        },
      ];
    });
  },
});
