// The host phase as data: the NVIDIA driver, its holds, the container toolkit and the runtime configuration.
import { hostExists, hostPath, readHostFile } from './host-files.js';
import { DPKG_FRONTEND_LOCK, isDriverPackage, TOOLKIT_PACKAGE } from './host-facts.js';
import { MANUAL_HOST_STEPS, type OsInfo } from './os.js';
import { inspectConfig, nvidiaRuntimeInDump, type RuntimeTarget } from './runtime-targets.js';
import type { Action, Blocker, Gate, InstallContext, Need, Step, Verdict } from './types.js';

export const TOOLKIT_KEY_URL = 'https://nvidia.github.io/libnvidia-container/gpgkey';
export const TOOLKIT_LIST_URL = 'https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list';
export const TOOLKIT_KEYRING = '/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg';
export const TOOLKIT_LIST = '/etc/apt/sources.list.d/nvidia-container-toolkit.list';
export const TOOLKIT_RPM_REPO_URL = 'https://nvidia.github.io/libnvidia-container/stable/rpm/nvidia-container-toolkit.repo';
export const TOOLKIT_RPM_REPO = '/etc/yum.repos.d/nvidia-container-toolkit.repo';
export const NOUVEAU_BLACKLIST = '/etc/modprobe.d/blacklist-nouveau.conf';
/** Markers of configuration changes that wait for a runtime restart: an interrupted run still restarts. */
export const RESTART_MARKERS = '/var/lib/gpuctl/restart-pending';

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };
const INSTALL_TIMEOUT_MS = 30 * 60_000;

const run = (argv: string[], extra: Partial<Extract<Action, { kind: 'run' }>> = {}): Action => ({ kind: 'run', argv, mutating: true, ...extra });
const aptGet = (...args: string[]): Action => run(['apt-get', ...args], { env: APT_ENV, timeoutMs: INSTALL_TIMEOUT_MS });

export const HOST_GATES: Gate[] = [
  {
    id: 'root',
    phase: 'host',
    title: 'Run as root (packages, /etc, systemctl)',
    async check(ctx) {
      // A dry run only reads; a redirected host root (tests) touches no system file.
      if (ctx.options.dryRun || ctx.root || process.getuid === undefined || process.getuid() === 0) return undefined;
      return {
        code: 'not-root',
        message: `the host phase installs packages, edits /etc and restarts services, which needs root (running as uid ${process.getuid?.()})`,
        hint: 'run it with sudo, or look first: gpuctl install --dry-run',
        manual: ['sudo gpuctl install --host'],
      };
    },
  },
  {
    id: 'os-supported',
    phase: 'host',
    hidesCommands: true,
    title: 'Operating system with known install commands',
    async check(ctx) {
      const os = await ctx.host.os();
      if (os.family !== 'unsupported') return undefined;
      return {
        code: 'unsupported-os',
        message: `gpuctl install does not know the driver and toolkit commands of ${os.prettyName} (ID=${os.id || 'unknown'}): it supports Ubuntu and Debian, and RHEL, Rocky and AlmaLinux 8/9`,
        hint: 'set up the host by hand, then run the cluster phase: gpuctl install --cluster',
        manual: MANUAL_HOST_STEPS,
      };
    },
  },
  {
    id: 'nvidia-device',
    phase: 'host',
    title: 'An NVIDIA GPU on the PCI bus',
    async check(ctx) {
      const { lines, problem, lspciMissing } = await ctx.host.nvidiaDevices();
      if (lines.length > 0) return undefined;
      if (lspciMissing) {
        return {
          code: 'lspci-missing',
          message: 'lspci is not installed: gpuctl cannot tell whether this machine has an NVIDIA GPU',
          hint: 'install pciutils (sudo apt-get install -y pciutils on Debian and Ubuntu, sudo dnf install -y pciutils on RHEL), then run gpuctl install again',
          manual: ['sudo apt-get install -y pciutils   # or: sudo dnf install -y pciutils', 'lspci -nn | grep -i 10de'],
        };
      }
      return {
        code: 'no-nvidia-pci-device',
        message: problem
          ? `cannot tell whether this machine has an NVIDIA GPU: ${problem}`
          : 'this machine shows no NVIDIA device on the PCI bus (lspci -nn lists no vendor 10de): there is nothing to install a driver for',
        hint: 'run the host phase on each GPU node (gpuctl install --host) and the cluster phase once from any machine (gpuctl install --cluster); on a VM, check the GPU passthrough',
        manual: ['lspci -nn | grep -i 10de'],
      };
    },
  },
];

async function aptLocked(ctx: InstallContext): Promise<Blocker | undefined> {
  const lock = await ctx.host.aptLock();
  if (!lock) return undefined;
  const who = lock.process ? `process ${lock.pid} (${lock.process})` : `process ${lock.pid}`;
  return {
    code: 'apt-locked',
    message: `apt is busy: ${who} holds ${DPKG_FRONTEND_LOCK}`,
    hint: `wait until it finishes (unattended-upgrades often runs after boot), then run gpuctl install again; do not delete the lock file`,
    manual: [`ps -o pid,etime,cmd -p ${lock.pid}`, `sudo systemctl stop unattended-upgrades   # only if it is unattended-upgrades and you can wait for updates`],
  };
}

/** The driver goes in through DKMS, whose module Secure Boot refuses unless a MOK signs it. */
function unsignedDriverPath(os: OsInfo, driver: string | undefined): string | undefined {
  if (os.family === 'rhel') return 'the CUDA repository\'s nvidia-driver DKMS module';
  if (!os.ubuntu) return 'Debian\'s nvidia-driver (built by DKMS)';
  if (driver) return `nvidia-driver-${driver} (nvidia-dkms-${driver.replace(/-open$/, '')} builds the module)`;
  return undefined; // ubuntu-drivers installs Canonical's signed, prebuilt linux-modules-nvidia packages
}

const driverStep: Step = {
  id: 'driver',
  phase: 'host',
  title: 'NVIDIA driver',
  async needed(ctx) {
    const os = await ctx.host.os();
    const driver = await ctx.host.driver();
    const want = ctx.options.driver;
    if (driver.installed) {
      const branch = driver.version?.split('.')[0];
      const wantPackage = want ? `nvidia-driver-${want}` : undefined;
      if (want && !driver.packages.includes(wantPackage!) && branch && !want.startsWith(branch)) {
        return {
          needed: false,
          reason: driver.evidence.join('; '),
          blocked: {
            code: 'driver-branch-differs',
            message: `driver ${driver.version} is installed but --driver ${want} asks for another branch; gpuctl does not switch driver branches`,
            hint: `keep the installed driver (drop --driver), or remove it first and reboot: sudo apt-get remove --purge '^nvidia-.*' '^libnvidia-.*'`,
          },
        };
      }
      return { needed: false, reason: driver.evidence.join('; ') };
    }
    const need: Need = { needed: true, reason: `no NVIDIA driver: ${driver.evidence.join('; ') || 'no driver package, module or nvidia-smi'}` };
    if (os.family === 'debian' && !os.ubuntu && want) {
      need.blocked = {
        code: 'driver-branch-not-packaged',
        message: `Debian packages one driver branch as nvidia-driver; --driver ${want} is an Ubuntu package name`,
        hint: 'drop --driver to install Debian\'s nvidia-driver, or add NVIDIA\'s CUDA repository by hand for another branch',
      };
      return need;
    }
    const unsigned = unsignedDriverPath(os, want);
    if (unsigned) {
      const sb = await ctx.host.secureBoot();
      const mok = sb.state === 'enabled' ? await ctx.host.mok() : undefined;
      if (sb.state === 'enabled' && !mok!.enrolled) {
        need.blocked = {
          code: 'secure-boot-unsigned-driver',
          message: `Secure Boot is enabled (${sb.evidence}) and ${unsigned} is not signed by a key the firmware trusts (${mok!.evidence}): the kernel would refuse to load it`,
          hint: os.ubuntu
            ? 'install without --driver (ubuntu-drivers picks Canonical\'s signed modules), or enroll a Machine Owner Key (MOK) that DKMS signs with, or disable Secure Boot'
            : 'enroll a Machine Owner Key (MOK) that DKMS signs with, or disable Secure Boot in the firmware setup',
          manual: [
            ...(os.ubuntu ? ['sudo update-secureboot-policy --new-key            # creates /var/lib/shim-signed/mok/MOK.der'] : ['sudo dkms generate_mok                             # creates /var/lib/dkms/mok.pub']),
            `sudo mokutil --import ${os.ubuntu ? '/var/lib/shim-signed/mok/MOK.der' : '/var/lib/dkms/mok.pub'}   # asks for a one-time password`,
            'sudo reboot                                         # MOK Manager: Enroll MOK → Continue → Yes → the password',
            'gpuctl install                                      # again, after the reboot',
          ],
        };
        return need;
      }
    }
    const lock = os.family === 'debian' ? await aptLocked(ctx) : undefined;
    if (lock) need.blocked = lock;
    return need;
  },
  async commands(ctx) {
    const os = await ctx.host.os();
    const want = ctx.options.driver;
    if (os.family === 'rhel') {
      const arch = process.arch === 'arm64' ? 'sbsa' : 'x86_64';
      return [
        run(['dnf', 'config-manager', '--add-repo', `https://developer.download.nvidia.com/compute/cuda/repos/rhel${os.rhelMajor}/${arch}/cuda-rhel${os.rhelMajor}.repo`]),
        run(['dnf', '-y', 'module', 'install', `nvidia-driver:${want ?? 'latest'}-dkms`], { timeoutMs: INSTALL_TIMEOUT_MS }),
      ];
    }
    if (!os.ubuntu) return [aptGet('update'), aptGet('install', '-y', 'nvidia-driver', 'firmware-misc-nonfree')];
    return [aptGet('update'), want ? aptGet('install', '-y', `nvidia-driver-${want}`) : run(['ubuntu-drivers', 'install'], { env: APT_ENV, timeoutMs: INSTALL_TIMEOUT_MS })];
  },
  async verify(ctx) {
    const driver = await ctx.host.driver();
    return driver.installed
      ? { ok: true, detail: `${driver.evidence.join('; ')}${driver.loaded ? '' : ' — reboot to load the kernel module'}` }
      : { ok: false, detail: 'no NVIDIA driver package is installed after the install command' };
  },
};

const holdStep: Step = {
  id: 'driver-hold',
  phase: 'host',
  title: 'Hold the driver packages (no unattended upgrade breaks the driver)',
  async needed(ctx) {
    const unheld = await unheldDriverPackages(ctx);
    if (unheld === 'not-installed') return { needed: true, reason: 'the driver packages are held once installed' };
    if (unheld.all.length === 0) return { needed: false, reason: 'no driver package installed by apt (driver from another source): nothing to hold' };
    if (unheld.missing.length === 0) return { needed: false, reason: `held: ${unheld.all.join(', ')}` };
    const need: Need = { needed: true, reason: `not held: ${unheld.missing.join(', ')}` };
    const lock = await aptLocked(ctx);
    if (lock) need.blocked = lock;
    return need;
  },
  async commands(ctx) {
    const unheld = await unheldDriverPackages(ctx);
    if (unheld !== 'not-installed') return [run(['apt-mark', 'hold', ...unheld.missing])];
    const want = ctx.options.driver;
    const os = await ctx.host.os();
    const first = want ? `nvidia-driver-${want}` : os.ubuntu ? 'nvidia-driver-NNN' : 'nvidia-driver';
    const note = want
      ? `and every other nvidia-*-${want} package the driver pulls in (listed after the install)`
      : `the driver packages ${os.ubuntu ? 'ubuntu-drivers' : 'apt'} installs (listed after the install)`;
    return [run(['apt-mark', 'hold', first], { note })];
  },
  async verify(ctx) {
    const unheld = await unheldDriverPackages(ctx);
    if (unheld === 'not-installed') return { ok: false, detail: 'no driver package to hold' };
    return unheld.missing.length === 0 ? { ok: true, detail: `apt-mark showhold: ${unheld.all.join(', ')}` } : { ok: false, detail: `still not held: ${unheld.missing.join(', ')}` };
  },
};

async function unheldDriverPackages(ctx: InstallContext): Promise<{ all: string[]; missing: string[] } | 'not-installed'> {
  const driver = await ctx.host.driver();
  const packages = [...(await ctx.host.packages()).keys()].filter(isDriverPackage).sort();
  if (!driver.installed && packages.length === 0) return 'not-installed';
  const holds = await ctx.host.holds();
  return { all: packages, missing: packages.filter((p) => !holds.has(p)) };
}

const nouveauStep: Step = {
  id: 'nouveau-blacklist',
  phase: 'host',
  title: 'Keep nouveau from binding the GPU',
  async needed(ctx) {
    const nouveau = await ctx.host.nouveau();
    if (!nouveau.loaded) return { needed: false, reason: 'nouveau is not loaded (/proc/modules)' };
    if (nouveau.blacklist) return { needed: false, reason: `${nouveau.blacklist} blacklists nouveau; it unloads at the next reboot` };
    return { needed: true, reason: `nouveau is loaded (${nouveau.line}) and no modprobe.d file blacklists it` };
  },
  async commands(ctx) {
    const os = await ctx.host.os();
    return [
      { kind: 'write-file', path: NOUVEAU_BLACKLIST, content: 'blacklist nouveau\noptions nouveau modeset=0\n' },
      os.family === 'rhel' ? run(['dracut', '--force'], { timeoutMs: INSTALL_TIMEOUT_MS }) : run(['update-initramfs', '-u'], { timeoutMs: INSTALL_TIMEOUT_MS }),
    ];
  },
  async verify(ctx) {
    const nouveau = await ctx.host.nouveau();
    return nouveau.blacklist ? { ok: true, detail: `${nouveau.blacklist} blacklists nouveau — reboot to unload it` } : { ok: false, detail: 'no blacklist file found' };
  },
};

const toolkitRepoStep: Step = {
  id: 'toolkit-repo',
  phase: 'host',
  title: 'NVIDIA container toolkit repository and its signing key',
  async needed(ctx) {
    const os = await ctx.host.os();
    if ((await ctx.host.toolkit()).installed) return { needed: false, reason: `${TOOLKIT_PACKAGE} is installed already` };
    if (os.family === 'rhel') {
      return (await hostExists(ctx.root, TOOLKIT_RPM_REPO)) ? { needed: false, reason: `${TOOLKIT_RPM_REPO} exists` } : { needed: true, reason: `${TOOLKIT_RPM_REPO} is missing` };
    }
    const list = await readHostFile(ctx.root, TOOLKIT_LIST);
    const key = await hostExists(ctx.root, TOOLKIT_KEYRING);
    if (list !== undefined && key && list.includes(`signed-by=${TOOLKIT_KEYRING}`)) return { needed: false, reason: `${TOOLKIT_LIST} and ${TOOLKIT_KEYRING} exist` };
    const missing = [list === undefined ? TOOLKIT_LIST : !list.includes('signed-by=') ? `signed-by in ${TOOLKIT_LIST}` : '', key ? '' : TOOLKIT_KEYRING].filter(Boolean);
    return { needed: true, reason: `missing: ${missing.join(', ')}` };
  },
  async commands(ctx) {
    const os = await ctx.host.os();
    const at = (p: string) => hostPath(ctx.root, p);
    if (os.family === 'rhel') {
      return [
        { kind: 'mkdir', path: '/etc/yum.repos.d' },
        { kind: 'backup', path: TOOLKIT_RPM_REPO },
        { kind: 'pipe', mutating: true, argvs: [['curl', '-fsSL', TOOLKIT_RPM_REPO_URL], ['tee', at(TOOLKIT_RPM_REPO)]] },
      ];
    }
    return [
      { kind: 'mkdir', path: '/usr/share/keyrings' },
      { kind: 'backup', path: TOOLKIT_KEYRING },
      { kind: 'pipe', mutating: true, argvs: [['curl', '-fsSL', TOOLKIT_KEY_URL], ['gpg', '--batch', '--yes', '--dearmor', '-o', at(TOOLKIT_KEYRING)]] },
      { kind: 'mkdir', path: '/etc/apt/sources.list.d' },
      { kind: 'backup', path: TOOLKIT_LIST },
      {
        kind: 'pipe',
        mutating: true,
        argvs: [['curl', '-fsSL', TOOLKIT_LIST_URL], ['sed', `s#deb https://#deb [signed-by=${TOOLKIT_KEYRING}] https://#g`], ['tee', at(TOOLKIT_LIST)]],
      },
    ];
  },
  async verify(ctx) {
    const os = await ctx.host.os();
    if (os.family === 'rhel') return fileVerdict(await hostExists(ctx.root, TOOLKIT_RPM_REPO), TOOLKIT_RPM_REPO);
    const list = (await readHostFile(ctx.root, TOOLKIT_LIST)) ?? '';
    if (!/^deb \[signed-by=/m.test(list)) return { ok: false, detail: `${TOOLKIT_LIST} has no signed deb line: ${list.trim().slice(0, 200) || '(empty)'}` };
    return fileVerdict(await hostExists(ctx.root, TOOLKIT_KEYRING), TOOLKIT_KEYRING);
  },
};

function fileVerdict(ok: boolean, file: string): Verdict {
  return ok ? { ok: true, detail: `${file} is in place` } : { ok: false, detail: `${file} is missing` };
}

const toolkitStep: Step = {
  id: 'toolkit',
  phase: 'host',
  title: 'NVIDIA container toolkit',
  async needed(ctx) {
    const toolkit = await ctx.host.toolkit();
    if (toolkit.installed) return { needed: false, reason: `${TOOLKIT_PACKAGE} ${toolkit.version} is installed` };
    const need: Need = { needed: true, reason: `${TOOLKIT_PACKAGE} is not installed` };
    if ((await ctx.host.os()).family === 'debian') {
      const lock = await aptLocked(ctx);
      if (lock) need.blocked = lock;
    }
    return need;
  },
  async commands(ctx) {
    if ((await ctx.host.os()).family === 'rhel') return [run(['dnf', 'install', '-y', TOOLKIT_PACKAGE], { timeoutMs: INSTALL_TIMEOUT_MS })];
    return [aptGet('update'), aptGet('install', '-y', TOOLKIT_PACKAGE)];
  },
  async verify(ctx) {
    const toolkit = await ctx.host.toolkit();
    return toolkit.installed ? { ok: true, detail: `${TOOLKIT_PACKAGE} ${toolkit.version}` } : { ok: false, detail: `${TOOLKIT_PACKAGE} is not installed after the install command` };
  },
};

async function runtimeTarget(ctx: InstallContext): Promise<{ target?: RuntimeTarget; evidence: string }> {
  return ctx.host.runtime(ctx.options.runtime);
}

const runtimeConfigStep: Step = {
  id: 'runtime-config',
  phase: 'host',
  title: 'Container runtime knows the nvidia runtime (nvidia-ctk runtime configure)',
  async needed(ctx) {
    const { target, evidence } = await runtimeTarget(ctx);
    if (!target) {
      return {
        needed: false,
        reason: evidence,
        blocked: {
          code: 'no-container-runtime',
          message: `no container runtime found to configure: ${evidence}`,
          hint: 'install containerd (or start k3s/RKE2) first, or name the runtime: --runtime containerd|docker|k3s|rke2',
        },
      };
    }
    const state = await inspectConfig(ctx.root, target);
    if (state.parseError) return { needed: false, reason: `${target.title}: ${evidence}`, blocked: invalidConfig(target, state.parseError) };
    if (state.nvidia) return { needed: false, reason: `${target.title} (${evidence}): nvidia runtime ${state.nvidia}` };
    if (!state.exists && target.seedFrom) {
      const rendered = await inspectConfig(ctx.root, { ...target, configPath: target.seedFrom });
      if (rendered.nvidia) return { needed: false, reason: `${target.title}: ${target.kind} added the nvidia runtime itself: ${rendered.nvidia}` };
      if (rendered.parseError) return { needed: false, reason: target.title, blocked: invalidConfig(target, rendered.parseError) };
    }
    return { needed: true, reason: `${target.title} (${evidence}): ${state.exists ? `no nvidia runtime in ${target.configPath}` : `${target.configPath} does not exist yet`}` };
  },
  async commands(ctx) {
    const { target } = await runtimeTarget(ctx);
    if (!target) return [];
    const actions: Action[] = [{ kind: 'mkdir', path: dirOf(target.configPath) }, { kind: 'backup', path: target.configPath }];
    if (target.seedFrom) actions.push({ kind: 'copy', from: target.seedFrom, to: target.configPath });
    actions.push({ kind: 'mark', marker: target.kind });
    actions.push(run(['nvidia-ctk', 'runtime', 'configure', `--runtime=${target.ctkRuntime}`, `--config=${hostPath(ctx.root, target.configPath)}`]));
    return actions;
  },
  async verify(ctx) {
    const { target } = await runtimeTarget(ctx);
    if (!target) return { ok: false, detail: 'no runtime' };
    const state = await inspectConfig(ctx.root, target);
    if (state.parseError) return { ok: false, detail: `${state.parseError.path} no longer parses: ${state.parseError.message}` };
    if (!state.nvidia) return { ok: false, detail: `nvidia-ctk left no nvidia runtime in ${target.configPath}` };
    if (target.kind !== 'containerd') return { ok: true, detail: `nvidia runtime ${state.nvidia}` };
    // containerd itself must load the file: `config dump` parses it with containerd's own loader.
    const dump = await ctx.exec.probe(['containerd', '--config', hostPath(ctx.root, target.configPath), 'config', 'dump']);
    if (dump.missing) return { ok: true, detail: `nvidia runtime ${state.nvidia} (containerd binary not found: config dump skipped)` };
    if (dump.exitCode !== 0) return { ok: false, detail: `containerd --config ${target.configPath} config dump failed: ${dump.stderr.trim()}` };
    const inDump = nvidiaRuntimeInDump(dump.stdout);
    return inDump ? { ok: true, detail: `containerd config dump: ${inDump}` } : { ok: false, detail: 'containerd config dump shows no nvidia runtime' };
  },
};

function invalidConfig(target: RuntimeTarget, error: { path: string; message: string }): Blocker {
  return {
    code: target.format === 'json' ? 'docker-config-invalid' : 'containerd-config-invalid',
    message: `${error.path} does not parse (${error.message}); gpuctl never overwrites a config it cannot read`,
    hint: target.seedFrom
      ? `nvidia-ctk cannot edit a Go template: move it aside (${target.kind} renders ${target.seedFrom} from it; k3s and RKE2 add the nvidia runtime themselves when they start with the toolkit installed) or add the nvidia runtime to it by hand, then run gpuctl install again`
      : `fix the file (${target.format === 'json' ? 'python3 -m json.tool' : 'containerd config dump'} shows the error), then run gpuctl install again`,
    manual: target.format === 'json' ? [`python3 -m json.tool ${error.path}`] : [`containerd --config ${error.path} config dump`],
  };
}

function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

const runtimeRestartStep: Step = {
  id: 'runtime-restart',
  phase: 'host',
  title: 'Restart the container runtime to load its new configuration',
  async needed(ctx) {
    const { target } = await runtimeTarget(ctx);
    if (!target) return { needed: false, reason: 'no runtime' };
    const unit = await ctx.host.unitFor(target);
    if (await hostExists(ctx.root, `${RESTART_MARKERS}/${target.kind}`)) return { needed: true, reason: `${target.configPath} changed since ${unit} last started` };
    if ((await runtimeConfigStep.needed(ctx)).needed) return { needed: true, reason: `${unit} must restart after its configuration changes` };
    return { needed: false, reason: 'no configuration change waits for a restart' };
  },
  async commands(ctx) {
    const { target } = await runtimeTarget(ctx);
    if (!target) return [];
    return [run(['systemctl', 'restart', await ctx.host.unitFor(target)], { timeoutMs: 5 * 60_000 }), { kind: 'unmark', marker: target.kind }];
  },
  async verify(ctx) {
    const { target } = await runtimeTarget(ctx);
    if (!target) return { ok: false, detail: 'no runtime' };
    const unit = await ctx.host.unitFor(target);
    const state = (await ctx.host.units()).get(unit);
    return state === 'active' ? { ok: true, detail: `${unit} is active` } : { ok: false, detail: `${unit} is ${state} after the restart: journalctl -u ${unit} -n 50` };
  },
};

/** The host steps for this OS, in order. */
export function hostSteps(os: OsInfo): Step[] {
  const steps = [driverStep, holdStep, nouveauStep, toolkitRepoStep, toolkitStep, runtimeConfigStep, runtimeRestartStep];
  // dnf module streams pin the driver branch already; apt-mark is Debian's.
  return os.family === 'rhel' ? steps.filter((s) => s !== holdStep) : steps;
}
