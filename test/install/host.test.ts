// gpuctl install --host against recording stand-ins (test/standins) and a fake host root; real containerd reads the config.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { ALPINE, DEBIAN_12, freshUbuntuGpuNode, LSPCI_NO_GPU, makeSandbox, ROCKY_9, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await makeSandbox();
});
afterEach(() => sb.cleanup());

const KEYRING = '/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg';
const join = (calls: string[][]) => calls.map((c) => c.join(' '));

/** The changes a fresh Ubuntu GPU node needs, in order, as the stand-ins recorded them. */
function freshInstallSequence(root: string): string[] {
  return [
    'apt-get update',
    'apt-get install -y nvidia-driver-535',
    'apt-mark hold libnvidia-compute-535 nvidia-dkms-535 nvidia-driver-535 nvidia-kernel-common-535 nvidia-utils-535',
    `gpg --batch --yes --dearmor -o ${root}${KEYRING}`,
    'apt-get update',
    'apt-get install -y nvidia-container-toolkit',
    `nvidia-ctk runtime configure --runtime=containerd --config=${root}/etc/containerd/config.toml`,
    'systemctl restart containerd',
  ];
}

function containerdDump(file: string): Record<string, any> {
  return parseToml(execFileSync('containerd', ['--config', file, 'config', 'dump'], { encoding: 'utf8' })) as Record<string, any>;
}

describe('gpuctl install --host on a fresh Ubuntu GPU node', () => {
  it('installs driver, holds, toolkit repository, toolkit and the containerd runtime in order; real containerd loads the result', async () => {
    await freshUbuntuGpuNode(sb);
    const before = (await sb.read('etc/containerd/config.toml'))!;
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(join(await sb.mutating())).toEqual(freshInstallSequence(sb.root));

    // The repository line is signed by the keyring, as NVIDIA's sed writes it.
    expect(await sb.read('etc/apt/sources.list.d/nvidia-container-toolkit.list')).toContain(`deb [signed-by=${KEYRING}] https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH) /`);
    expect(await sb.read(KEYRING.slice(1))).toContain('dearmored');

    // Real containerd loads what nvidia-ctk wrote: the nvidia runtime beside runc, the original settings kept.
    const dump = containerdDump(`${sb.root}/etc/containerd/config.toml`);
    const runtimes = dump.plugins['io.containerd.grpc.v1.cri'].containerd.runtimes;
    expect(runtimes.nvidia.runtime_type).toBe('io.containerd.runc.v2');
    expect(runtimes.nvidia.options.BinaryName).toBe('/usr/bin/nvidia-container-runtime');
    expect(runtimes.runc.options.SystemdCgroup).toBe(true);

    // The file was backed up before nvidia-ctk touched it; the summary says how to put it back.
    const backup = /\/etc\/containerd\/config\.toml → (\/var\/lib\/gpuctl\/backups\/\d{8}T\d{6}Z\/etc\/containerd\/config\.toml)/.exec(r.stdout);
    expect(backup, r.stdout).not.toBeNull();
    expect(await sb.read(backup![1]!.slice(1))).toBe(before);
    expect(r.stdout).toContain('reboot the node to load the NVIDIA driver');
    expect(r.stdout).toMatch(/Result: 6 step\(s\) done, 1 already satisfied/);
  });

  it('a second run on the installed node runs no mutating command and says each step is satisfied', async () => {
    await freshUbuntuGpuNode(sb);
    expect((await sb.run(['install', '--host', '--yes', '--driver', '535'])).exitCode).toBe(0);
    await sb.put('proc/driver/nvidia/version', 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.183.01  Sun May 12 19:39:15 UTC 2024\n');
    await sb.clearLog();
    const config = await sb.read('etc/containerd/config.toml');

    const r = await sb.run(['install', '--host', '--driver', '535']); // no --yes needed: nothing to confirm
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(await sb.mutating()).toEqual([]);
    expect((await sb.calls()).length).toBeGreaterThan(0); // it did look
    for (const id of ['driver', 'driver-hold', 'nouveau-blacklist', 'toolkit-repo', 'toolkit', 'runtime-config', 'runtime-restart']) {
      expect(r.stdout).toMatch(new RegExp(`✓ ${id} [^\\n]*\\n\\s+already satisfied: `));
    }
    expect(r.stdout).toContain('nothing to do: all 7 steps are already satisfied');
    expect(r.stdout).toContain('package nvidia-driver-535 535.183.01');
    expect(await sb.read('etc/containerd/config.toml')).toBe(config);
  });

  it('--dry-run prints every command in the order a real run executes them and executes none of them', async () => {
    await freshUbuntuGpuNode(sb);
    const dry = await sb.run(['install', '--host', '--dry-run', '--driver', '535']);
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(await sb.mutating()).toEqual([]);
    const printed = dry.stdout
      .split('\n')
      .filter((l) => /^\s+\$ /.test(l))
      .map((l) => l.replace(/^\s+\$ /, '').replace(/\s+#.*$/, '').replace('DEBIAN_FRONTEND=noninteractive ', ''));
    expect(printed).toEqual([
      'apt-get update',
      'apt-get install -y nvidia-driver-535',
      'apt-mark hold nvidia-driver-535',
      `curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey | gpg --batch --yes --dearmor -o ${sb.root}${KEYRING}`,
      `curl -fsSL https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list | sed 's#deb https://#deb [signed-by=${KEYRING}] https://#g' | tee ${sb.root}/etc/apt/sources.list.d/nvidia-container-toolkit.list`,
      'apt-get update',
      'apt-get install -y nvidia-container-toolkit',
      `nvidia-ctk runtime configure --runtime=containerd --config=${sb.root}/etc/containerd/config.toml`,
      'systemctl restart containerd',
    ]);
    expect(dry.stdout).toContain('and every other nvidia-*-535 package the driver pulls in');
    expect(dry.stdout).toMatch(/dry run: 6 step\(s\) would run \d+ command\(s\); nothing was changed/);
    expect(await sb.read('etc/apt/sources.list.d/nvidia-container-toolkit.list')).toBeUndefined();

    // The real run then executes the same programs in the same order.
    expect((await sb.run(['install', '--host', '--yes', '--driver', '535'])).exitCode).toBe(0);
    const ran = join(await sb.calls()).filter((c) => /^(apt-get|apt-mark hold|gpg|nvidia-ctk|systemctl restart)/.test(c));
    expect(ran).toEqual(freshInstallSequence(sb.root));
  });

  it('-o json --dry-run prints one JSON object with every step, its status and the argv of its commands', async () => {
    await freshUbuntuGpuNode(sb);
    const r = await sb.run(['install', '--host', '--dry-run', '-o', 'json', '--driver', '550']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe('planned');
    expect(out.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'driver:needed',
      'driver-hold:needed',
      'nouveau-blacklist:satisfied',
      'toolkit-repo:needed',
      'toolkit:needed',
      'runtime-config:needed',
      'runtime-restart:needed',
    ]);
    const driver = out.steps.find((s: { id: string }) => s.id === 'driver');
    expect(driver.commands.map((c: { argv: string[] }) => c.argv)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'nvidia-driver-550'],
    ]);
    expect(await sb.mutating()).toEqual([]);
  });

  it('without --driver, ubuntu-drivers picks the driver', async () => {
    await freshUbuntuGpuNode(sb);
    const r = await sb.run(['install', '--host', '--yes']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(join(await sb.mutating()).slice(0, 3)).toEqual([
      'apt-get update',
      'ubuntu-drivers install',
      'apt-mark hold libnvidia-compute-535 nvidia-dkms-535 nvidia-driver-535 nvidia-kernel-common-535 nvidia-utils-535',
    ]);
  });

  it('refuses to change anything without a terminal and without --yes (exit 2)', async () => {
    await freshUbuntuGpuNode(sb);
    const r = await sb.run(['install', '--host']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('refusing to change the system without confirmation');
    expect(r.stderr).toContain('--yes');
    expect(await sb.mutating()).toEqual([]);
  });
});

describe('a failure in the middle, resume and roll back', () => {
  it('stops at the failing command with its stderr, lists what was done, and a re-run finishes the rest', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.failOn('apt-get', 'install -y nvidia-container-toolkit', 100, 'E: Sub-process /usr/bin/dpkg returned an error code (1)');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('step toolkit failed: apt-get install -y nvidia-container-toolkit exited with 100');
    expect(r.stdout).toContain('E: Sub-process /usr/bin/dpkg returned an error code (1)');
    expect(r.stdout).toMatch(/Done before it:\n\s+✓ driver: .*apt-get install -y nvidia-driver-535\n\s+✓ driver-hold: apt-mark hold .*\n\s+✓ toolkit-repo: curl/);
    expect(r.stdout).toContain('To resume: fix the cause and run the same command again');
    expect(r.stdout).toContain(`rm -f ${sb.root}${KEYRING}`); // the files it created, with how to remove them
    // Nothing after the failure ran.
    expect(join(await sb.mutating())).toEqual(freshInstallSequence(sb.root).slice(0, 6));

    await sb.clearState('fail');
    await sb.clearLog();
    const again = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(join(await sb.mutating())).toEqual(freshInstallSequence(sb.root).slice(4));
  });

  it('a failed restart leaves the exact cp that restores the config, and the re-run restarts once more', async () => {
    await freshUbuntuGpuNode(sb);
    const original = (await sb.read('etc/containerd/config.toml'))!;
    await sb.failOn('systemctl', 'restart containerd', 1, 'Job for containerd.service failed because the control process exited with error code.\nSee "systemctl status containerd.service" and "journalctl -xeu containerd.service" for details.');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('step runtime-restart failed: systemctl restart containerd exited with 1');
    expect(r.stdout).toContain('Job for containerd.service failed');
    const cp = new RegExp(`\\$ (cp -p ${sb.root}/var/lib/gpuctl/backups/\\d{8}T\\d{6}Z/etc/containerd/config\\.toml ${sb.root}/etc/containerd/config\\.toml)`).exec(r.stdout);
    expect(cp, r.stdout).not.toBeNull();

    // Resume: the configuration is done, only the pending restart is left.
    await sb.clearState('fail');
    await sb.clearLog();
    const again = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(join(await sb.mutating())).toEqual(['systemctl restart containerd']);

    // Roll back with the printed command: the original file is back byte for byte.
    execFileSync('sh', ['-c', cp![1]!]);
    expect(await sb.read('etc/containerd/config.toml')).toBe(original);
  });
});

describe('Ctrl-C', () => {
  it('between steps: the running command finishes, no later step starts, exit 130, and a re-run resumes', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.interruptOn('apt-get', 'install -y nvidia-driver-535');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(130);
    expect(r.stdout).toContain('stopped by Ctrl-C');
    expect(join(await sb.mutating())).toEqual(['apt-get update', 'apt-get install -y nvidia-driver-535']);
    expect(r.stdout).toContain('Ctrl-C: stopping after the current command');

    await sb.clearState('sigint');
    await sb.clearLog();
    const again = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(join(await sb.mutating())).toEqual(freshInstallSequence(sb.root).slice(2));
  });

  it('inside a step: stops after the current command, before the next one of the same step', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.interruptOn('apt-get', '^apt-get update');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(130);
    expect(join(await sb.mutating())).toEqual(['apt-get update']);
    expect(r.stdout).toContain('during step driver, after its current command finished');
  });
});

describe('bad input: gpuctl stops before changing anything', () => {
  it('unsupported OS: names the OS and prints the manual steps', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.put('etc/os-release', ALPINE);
    const r = await sb.run(['install', '--host', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: unsupported-os');
    expect(r.stdout).toContain('Alpine Linux v3.19');
    expect(r.stdout).toContain('nvidia-ctk runtime configure --runtime=containerd');
    expect(await sb.mutating()).toEqual([]);
  });

  it('no NVIDIA device on the PCI bus: no-nvidia-pci-device', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.stateFile('lspci', LSPCI_NO_GPU);
    const r = await sb.run(['install', '--host', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: no-nvidia-pci-device');
    expect(r.stdout).toContain('lspci -nn lists no vendor 10de');
    expect(r.stdout).toContain('gpuctl install --cluster');
    expect(await sb.mutating()).toEqual([]);
  });

  it('Secure Boot with a DKMS driver and no enrolled MOK: the MOK instructions', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.stateFile('sb-state', 'SecureBoot enabled\n');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: secure-boot-unsigned-driver');
    expect(r.stdout).toContain('Secure Boot is enabled (mokutil --sb-state: SecureBoot enabled)');
    expect(r.stdout).toContain('nvidia-dkms-535');
    expect(r.stdout).toContain('sudo mokutil --import /var/lib/shim-signed/mok/MOK.der');
    expect(r.stdout).toContain('install without --driver');
    expect(await sb.mutating()).toEqual([]);
  });

  it('Secure Boot with an enrolled MOK, or with ubuntu-drivers\' signed modules, goes ahead', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.stateFile('sb-state', 'SecureBoot enabled\n');
    const signed = await sb.run(['install', '--host', '--dry-run']);
    expect(signed.exitCode, signed.stdout).toBe(0);
    expect(signed.stdout).toContain('$ DEBIAN_FRONTEND=noninteractive ubuntu-drivers install');

    await sb.put('var/lib/shim-signed/mok/MOK.der', 'key');
    await sb.stateFile('mok-enrolled', '');
    const enrolled = await sb.run(['install', '--host', '--dry-run', '--driver', '535']);
    expect(enrolled.exitCode, enrolled.stdout).toBe(0);
    expect(await sb.mutating()).toEqual([]);
  });

  it('apt locked by another process: who holds it and what to do', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.stateFile('lock-pid', '4242\n');
    await sb.put('proc/4242/comm', 'unattended-upgr\n');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: apt-locked');
    expect(r.stdout).toContain('process 4242 (unattended-upgr) holds /var/lib/dpkg/lock-frontend');
    expect(r.stdout).toContain('do not delete the lock file');
    expect(await sb.mutating()).toEqual([]);
  });

  it('apt locked while the run is under way: the apt error is explained', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.failOn(
      'apt-get',
      'install -y nvidia-container-toolkit',
      100,
      'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 5151 (apt-get)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
    );
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('cause: apt is locked by another process (5151, apt-get)');
  });

  it('no network to the repositories: a clear message and the offline route', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.stateFile('offline', '');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("Temporary failure resolving 'archive.ubuntu.com'");
    expect(r.stdout).toContain('cause: this node cannot reach the package repositories; use the offline route');
    expect(r.stdout).toContain('apt-get install --download-only -y PACKAGES');
    expect(r.stdout).toContain('sudo apt-get install -y ./*.deb');
    expect(r.stdout).toContain('local mirror');
    expect(join(await sb.mutating())).toEqual(['apt-get update', 'apt-get install -y nvidia-driver-535']);
  });

  it('a containerd config that does not parse is never overwritten', async () => {
    const broken = 'version = 2\n[plugins."io.containerd.grpc.v1.cri"\n  sandbox_image = "registry.k8s.io/pause:3.9"\n';
    await freshUbuntuGpuNode(sb, { containerdConfig: broken });
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: containerd-config-invalid');
    expect(r.stdout).toMatch(/\/etc\/containerd\/config\.toml does not parse \(.+\); gpuctl never overwrites a config it cannot read/);
    expect(await sb.read('etc/containerd/config.toml')).toBe(broken);
    expect(await sb.mutating()).toEqual([]);
  });

  it('an invalid --driver is a usage error', async () => {
    const r = await sb.run(['install', '--host', '--driver', 'latest']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('invalid --driver "latest"');
  });
});

describe('other runtimes and distributions', () => {
  it('k3s: the config template starts from the rendered config and k3s restarts', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.clearState('units/containerd');
    await sb.stateFile('units/k3s', 'active\n');
    const rendered = (await sb.read('etc/containerd/config.toml'))!;
    await sb.put('var/lib/rancher/k3s/agent/etc/containerd/config.toml', rendered);
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode, r.stdout).toBe(0);
    const tmpl = `${sb.root}/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl`;
    expect(join(await sb.mutating()).slice(-2)).toEqual([`nvidia-ctk runtime configure --runtime=containerd --config=${tmpl}`, 'systemctl restart k3s']);
    const dump = containerdDump(tmpl);
    expect(dump.plugins['io.containerd.grpc.v1.cri'].containerd.runtimes.nvidia.options.BinaryName).toBe('/usr/bin/nvidia-container-runtime');
    expect(await sb.read('var/lib/rancher/k3s/agent/etc/containerd/config.toml')).toBe(rendered); // k3s renders it, not gpuctl
  });

  it('RKE2 agent: the RKE2 template path and rke2-agent; a template that is not TOML (Go template) stops the run', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.clearState('units/containerd');
    await sb.stateFile('units/rke2-agent', 'active\n');
    await sb.put('var/lib/rancher/rke2/agent/etc/containerd/config.toml', 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"\n');
    const r = await sb.run(['install', '--host', '--dry-run', '--driver', '535']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(`$ nvidia-ctk runtime configure --runtime=containerd --config=${sb.root}/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl`);
    expect(r.stdout).toContain('$ systemctl restart rke2-agent');

    const template = '{{ template "base" . }}\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]\n  runtime_type = "io.containerd.kata.v2"\n';
    await sb.put('var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl', template);
    const blocked = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stdout).toContain('stopped before any change: containerd-config-invalid');
    expect(blocked.stdout).toContain('rke2 renders /var/lib/rancher/rke2/agent/etc/containerd/config.toml from it');
    expect(await sb.read('var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl')).toBe(template);
    expect(await sb.mutating()).toEqual([]);
  });

  it('Docker: nvidia-ctk writes daemon.json and docker restarts; an unreadable daemon.json stops the run', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.clearState('units/containerd');
    await sb.stateFile('units/docker', 'active\n');
    await sb.put('etc/docker/daemon.json', '{"registry-mirrors": ["https://docker.m.daocloud.io"]}\n');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(join(await sb.mutating()).slice(-2)).toEqual([`nvidia-ctk runtime configure --runtime=docker --config=${sb.root}/etc/docker/daemon.json`, 'systemctl restart docker']);
    const daemon = JSON.parse((await sb.read('etc/docker/daemon.json'))!);
    expect(daemon).toEqual({ 'registry-mirrors': ['https://docker.m.daocloud.io'], runtimes: { nvidia: { args: [], path: 'nvidia-container-runtime' } } });

    const other = await makeSandbox();
    try {
      await freshUbuntuGpuNode(other);
      await other.clearState('units/containerd');
      await other.stateFile('units/docker', 'active\n');
      await other.put('etc/docker/daemon.json', '{"registry-mirrors": [}\n');
      const bad = await other.run(['install', '--host', '--yes']);
      expect(bad.exitCode).toBe(2);
      expect(bad.stdout).toContain('stopped before any change: docker-config-invalid');
      expect(await other.read('etc/docker/daemon.json')).toBe('{"registry-mirrors": [}\n');
    } finally {
      await other.cleanup();
    }
  });

  it('Debian: its nvidia-driver package; --driver is refused', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.put('etc/os-release', DEBIAN_12);
    const r = await sb.run(['install', '--host', '--dry-run']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('$ DEBIAN_FRONTEND=noninteractive apt-get install -y nvidia-driver firmware-misc-nonfree');
    expect(r.stdout).not.toContain('ubuntu-drivers');
    const branch = await sb.run(['install', '--host', '--dry-run', '--driver', '535']);
    expect(branch.exitCode).toBe(2);
    expect(branch.stdout).toContain('driver-branch-not-packaged');
  });

  it('Rocky Linux 9: NVIDIA\'s CUDA and toolkit repositories with dnf, no apt-mark', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.put('etc/os-release', ROCKY_9);
    const r = await sb.run(['install', '--host', '--yes', '--driver', '550']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(join(await sb.mutating())).toEqual([
      `dnf config-manager --add-repo https://developer.download.nvidia.com/compute/cuda/repos/rhel9/${process.arch === 'arm64' ? 'sbsa' : 'x86_64'}/cuda-rhel9.repo`,
      'dnf -y module install nvidia-driver:550-dkms',
      'dnf install -y nvidia-container-toolkit',
      `nvidia-ctk runtime configure --runtime=containerd --config=${sb.root}/etc/containerd/config.toml`,
      'systemctl restart containerd',
    ]);
    expect(await sb.read('etc/yum.repos.d/nvidia-container-toolkit.repo')).toContain('baseurl=https://nvidia.github.io/libnvidia-container/stable/rpm/$basearch');
  });

  it('nouveau loaded: blacklisted and the initramfs rebuilt, then a reboot is asked for', async () => {
    await freshUbuntuGpuNode(sb);
    await sb.put('proc/modules', 'nouveau 2306048 0 - Live 0x0000000000000000\ndrm_ttm_helper 16384 1 nouveau, Live 0x0000000000000000\n');
    const r = await sb.run(['install', '--host', '--yes', '--driver', '535']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(await sb.read('etc/modprobe.d/blacklist-nouveau.conf')).toBe('blacklist nouveau\noptions nouveau modeset=0\n');
    expect(join(await sb.mutating())).toContain('update-initramfs -u');
    expect(r.stdout).toContain('reboot the node');
  });
});
