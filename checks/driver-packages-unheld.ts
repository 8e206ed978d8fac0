import { defineCheck } from '../src/check.js';
import { commandMissing } from '../src/facts/driver.js';
import { isDriverPackage, parseAptHolds, parseDpkgQuery } from '../src/facts/nvidia-host.js';
import { judgeEachNode, notJudged } from '../src/node-check.js';

const AUTO_UPGRADES = '/etc/apt/apt.conf.d/20auto-upgrades';

/** `APT::Periodic::Unattended-Upgrade "1";` → true, "0" → false, not set → undefined. */
function unattendedEnabled(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*APT::Periodic::Unattended-Upgrade\s+"?(\d+)"?\s*;/m.exec(text);
  return m ? m[1] !== '0' : undefined;
}

export default defineCheck({
  name: 'driver-packages-unheld',
  title: 'Driver packages are held where unattended-upgrades runs',
  needs: ['Node', 'node-probe', 'node-files:unattended-upgrades', 'node-command:lspci', 'node-command:apt-holds', 'node-command:dpkg-nvidia'],
  requires: [],
  ok: 'no probed node lets unattended-upgrades replace its NVIDIA driver packages',
  explain: {
    detects:
      'A node with NVIDIA driver packages installed (dpkg) that are not on hold (`apt-mark showhold`, dpkg selection "hold") while unattended-upgrades is installed and enabled (/etc/apt/apt.conf.d/20auto-upgrades).',
    why: 'unattended-upgrades replaces the driver user-space libraries in the background; the kernel module loaded at boot stays old, and every NVML/CUDA call then fails with "Driver/library version mismatch" until the node reboots (the homelab playbook hit exactly this).',
    fix: 'Hold the driver packages with `apt-mark hold` (and `apt-mark unhold` them for a planned upgrade), or remove unattended-upgrades from GPU nodes.',
  },
  zh: {
    title: '运行 unattended-upgrades 的节点锁定了驱动软件包',
    ok: '没有已探测节点会让 unattended-upgrades 替换其 NVIDIA 驱动软件包',
    headline: '节点上的 NVIDIA 驱动软件包未锁定，unattended-upgrades 会升级它们',
    fixSummary: '用 apt-mark hold 锁定驱动软件包（计划升级时再 unhold）',
    explain: {
      detects:
        '节点上安装了 NVIDIA 驱动软件包（dpkg）但没有锁定（`apt-mark showhold`、dpkg 选择状态 "hold"），同时已安装并启用了 unattended-upgrades（/etc/apt/apt.conf.d/20auto-upgrades）。',
      why: 'unattended-upgrades 会在后台替换驱动程序的用户态库；开机时加载的内核模块仍是旧版本，此后每次 NVML/CUDA 调用都会以 "Driver/library version mismatch" 失败，直到节点重启（homelab 手册正是遇到了这种情况）。',
      fix: '用 `apt-mark hold` 锁定驱动软件包（计划升级时再用 `apt-mark unhold` 解除），或在 GPU 节点上移除 unattended-upgrades。',
    },
  },
  run(facts) {
    return judgeEachNode(facts, (name) => {
      const dpkg = facts.hostCommand(name, 'dpkg-nvidia');
      if (!dpkg) return notJudged();
      // Not a Debian-family host: there is no apt to hold anything with.
      if (commandMissing(dpkg)) return [];
      // dpkg-query exits 1 when one pattern matched nothing ("no packages found matching …"): the rest is valid.
      if (dpkg.exitCode !== 0 && dpkg.exitCode !== 1) return notJudged(`dpkg-query failed (exit ${dpkg.exitCode})`);
      const { packages } = parseDpkgQuery(dpkg.stdout);
      const unattended = packages.find((p) => p.name === 'unattended-upgrades' && p.installed);
      const driver = packages.filter((p) => p.installed && isDriverPackage(p.name));
      if (!unattended || !driver.length) return [];
      const config = facts.hostFile(name, AUTO_UPGRADES);
      if (unattendedEnabled(config) === false) return [];

      const holdsOut = facts.hostCommand(name, 'apt-holds');
      const holds = holdsOut && holdsOut.exitCode === 0 ? parseAptHolds(holdsOut.stdout) : new Set<string>();
      const unheld = driver.filter((p) => !p.held && !holds.has(p.name));
      if (!unheld.length) return [];
      const held = driver.filter((p) => p.held || holds.has(p.name));
      return [
        {
          severity: 'warning',
          subject: { kind: 'Node', name },
          message: `${unheld.length} NVIDIA driver package(s) on node ${name} are not held while unattended-upgrades runs: an upgrade will break the driver until a reboot`,
          evidence: [
            `dpkg on ${name}: unattended-upgrades ${unattended.version} installed`,
            config === undefined
              ? `${AUTO_UPGRADES}: not collected or absent (could not confirm it is enabled)`
              : `${AUTO_UPGRADES}: ${config.trim().split('\n').filter((l) => /Unattended-Upgrade/.test(l)).join(' ') || 'no Unattended-Upgrade line'}`,
            `not held: ${unheld.map((p) => `${p.name} ${p.version}`).slice(0, 12).join(', ')}${unheld.length > 12 ? ` (+${unheld.length - 12})` : ''}`,
            `held already (apt-mark showhold${holdsOut ? '' : ' not collected'}; dpkg "hold"): ${held.length ? held.map((p) => p.name).join(', ') : 'no driver package'}`,
          ],
          fix: {
            summary: `Hold the driver packages on ${name} (unhold them for a planned upgrade)`,
            commands: [`sudo apt-mark hold ${unheld.map((p) => p.name).join(' ')}`, 'apt-mark showhold'],
          },
        },
      ];
    });
  },
});
