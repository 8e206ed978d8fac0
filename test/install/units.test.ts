// The pure parts of install: OS detection, values and their comparison, chart columns, option parsing, diagnosis.
import { describe, expect, it } from 'vitest';
import { splitChartColumn } from '../../src/install/charts.js';
import { helmTooOld } from '../../src/install/cluster-facts.js';
import { diagnose } from '../../src/install/diagnose.js';
import { displayArgv } from '../../src/install/exec.js';
import { isDriverPackage, parseDriverVersionFile } from '../../src/install/host-facts.js';
import { parseInstallOptions } from '../../src/install/options.js';
import { osInfo } from '../../src/install/os.js';
import { nvidiaRuntimeIn, parseTomlText } from '../../src/install/runtime-targets.js';
import { derivedValues, diffValues, valuesObject, type HostEvidence } from '../../src/install/values.js';

describe('osInfo', () => {
  it('sorts distributions into the families gpuctl knows', () => {
    expect(osInfo('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n')).toMatchObject({ family: 'debian', ubuntu: true, prettyName: 'Ubuntu 22.04.4 LTS' });
    expect(osInfo('ID=pop\nID_LIKE="ubuntu debian"\nVERSION_ID="22.04"\n')).toMatchObject({ family: 'debian', ubuntu: true });
    expect(osInfo('ID=debian\nVERSION_ID="12"\n')).toMatchObject({ family: 'debian', ubuntu: false });
    expect(osInfo('ID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.10"\n')).toMatchObject({ family: 'rhel', rhelMajor: 8 });
    expect(osInfo('ID="rhel"\nVERSION_ID="7.9"\n').family).toBe('unsupported'); // no dnf module streams
    expect(osInfo('ID=fedora\nVERSION_ID=40\n').family).toBe('unsupported');
    expect(osInfo(undefined)).toMatchObject({ family: 'unsupported', prettyName: 'unknown (no /etc/os-release)' });
  });
});

describe('host facts parsing', () => {
  it('reads the kernel module version, including the open kernel module line', () => {
    expect(parseDriverVersionFile('NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.154.05  Thu Dec 28 15:37:48 UTC 2023\n')).toBe('535.154.05');
    expect(parseDriverVersionFile('NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build\n')).toBe('570.86.15');
    expect(parseDriverVersionFile('garbage')).toBeUndefined();
  });

  it('holds the packages the seed holds: nvidia packages carrying the branch number', () => {
    expect(['nvidia-driver-535', 'libnvidia-compute-535', 'nvidia-dkms-535-server', 'nvidia-driver'].every(isDriverPackage)).toBe(true);
    expect(['nvidia-container-toolkit', 'libnvidia-container1', 'nvidia-container-toolkit-base', 'nvidia-prime'].some(isDriverPackage)).toBe(false);
  });

  it('finds the nvidia runtime in v2 and v3 configs, and reports TOML errors', () => {
    const v2 = parseTomlText('version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]\nBinaryName = "/usr/bin/nvidia-container-runtime"\n');
    expect(nvidiaRuntimeIn(v2.value)).toBe('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]');
    const v3 = parseTomlText('version = 3\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]\nBinaryName = "/usr/local/nvidia/toolkit/nvidia-container-runtime"\n');
    expect(nvidiaRuntimeIn(v3.value)).toContain('io.containerd.cri.v1.runtime');
    const runcOnly = parseTomlText('version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\nSystemdCgroup = true\n');
    expect(nvidiaRuntimeIn(runcOnly.value)).toBeUndefined();
    expect(parseTomlText('[plugins\n').error).toBeTruthy();
  });
});

describe('values', () => {
  const host = (driver: boolean, toolkit: boolean, distro?: 'k3s' | 'rke2'): HostEvidence => ({
    driver: { present: driver, why: 'test' },
    toolkit: { present: toolkit, why: 'test' },
    ...(distro ? { distro: { kind: distro, why: 'node x' } } : {}),
  });

  it('derives the GPU Operator values from the host and the profile', () => {
    const keys = (profile: 'gpu-operator' | 'hami' | 'kantaloupe', h: HostEvidence) => derivedValues('gpu-operator', { profile, host: h }).map((v) => `${v.key}=${v.value}`);
    expect(keys('gpu-operator', host(true, true))).toEqual(['driver.enabled=false', 'toolkit.enabled=false']);
    expect(keys('gpu-operator', host(false, false))).toEqual([]);
    expect(keys('hami', host(true, false, 'k3s'))).toEqual([
      'driver.enabled=false',
      'toolkit.env[0].name=CONTAINERD_CONFIG',
      'toolkit.env[0].value=/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
      'toolkit.env[1].name=CONTAINERD_SOCKET',
      'toolkit.env[1].value=/run/k3s/containerd/containerd.sock',
      'devicePlugin.enabled=false',
    ]);
    expect(keys('kantaloupe', host(true, true))).toContain('dcgmExporter.serviceMonitor.enabled=true');
  });

  it('builds what helm get values returns and compares it key by key', () => {
    const want = valuesObject(
      [
        { key: 'driver.enabled', value: 'false', why: '' },
        { key: 'toolkit.env[0].name', value: 'CONTAINERD_CONFIG', why: '' },
        { key: 'replicas', value: '2', why: '' },
      ],
      [{ driver: { enabled: true, version: '550' } }],
    );
    expect(want).toEqual({ driver: { enabled: false, version: '550' }, toolkit: { env: [{ name: 'CONTAINERD_CONFIG' }] }, replicas: 2 });
    expect(diffValues(want, want)).toEqual([]);
    expect(diffValues(want, { driver: { enabled: true } })).toEqual([
      { key: 'driver.enabled', want: 'false', have: 'true' },
      { key: 'driver.version', want: '"550"' },
      { key: 'replicas', want: '2' },
      { key: 'toolkit.env[0].name', want: '"CONTAINERD_CONFIG"' },
    ]);
  });
});

describe('helm', () => {
  it('splits the chart column of helm list into name and version', () => {
    expect(splitChartColumn('gpu-operator-v25.3.0')).toEqual({ name: 'gpu-operator', version: 'v25.3.0' });
    expect(splitChartColumn('kube-prometheus-stack-75.15.1')).toEqual({ name: 'kube-prometheus-stack', version: '75.15.1' });
    expect(splitChartColumn('nvidia-device-plugin-0.17.1-rc.1')).toEqual({ name: 'nvidia-device-plugin', version: '0.17.1-rc.1' });
  });

  it('needs 3.14 or newer', () => {
    expect(helmTooOld('3.13.3')).toBe(true);
    expect(helmTooOld('3.14.0')).toBe(false);
    expect(helmTooOld('4.0.0')).toBe(false);
    expect(helmTooOld(undefined)).toBe(true);
  });
});

describe('options', () => {
  it('sends [COMPONENT=]VALUE to a component or to the profile\'s main one', () => {
    const o = parseInstallOptions({ profile: 'kantaloupe', chartVersion: ['v25.10.0', 'gpu-operator=v25.3.4'], values: ['a.yaml', 'kube-prometheus-stack=p.yaml'] }, {});
    expect(o.chartVersions).toEqual({ hami: 'v25.10.0', 'gpu-operator': 'v25.3.4' });
    expect(o.values).toEqual({ hami: ['a.yaml'], 'kube-prometheus-stack': ['p.yaml'] });
    expect(o.phases).toEqual({ host: true, cluster: true });
    expect(parseInstallOptions({ host: true }, {}).phases).toEqual({ host: true, cluster: false });
    expect(() => parseInstallOptions({ profile: 'gpu-operator', values: ['hami=x.yaml'] }, {})).toThrow(/does not install hami/);
    expect(parseInstallOptions({}, { GPUCTL_HOST_ROOT: '/tmp/root/' }).root).toBe('/tmp/root');
    expect(parseInstallOptions({}, { GPUCTL_HOST_ROOT: '/' }).root).toBe('');
  });
});

describe('diagnose', () => {
  it('names the known causes in command output', () => {
    expect(diagnose("E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 812 (unattended-upgr)", 'host', false)?.code).toBe('apt-locked');
    expect(diagnose('curl: (6) Could not resolve host: nvidia.github.io', 'host', false)?.route?.join('\n')).toContain('./*.deb');
    expect(diagnose('Error: looks like "https://helm.ngc.nvidia.com/nvidia" is not a valid chart repository or cannot be reached: dial tcp: lookup helm.ngc.nvidia.com: no such host', 'cluster', false)?.route?.join('\n')).toContain('helm pull');
    expect(diagnose('E: Package \'nvidia-driver\' has no installation candidate', 'host', false)?.code).toBe('driver-package-missing');
    expect(diagnose('', 'host', true, 60_000)?.hint).toContain('60s');
    expect(diagnose('something else', 'host', false)).toBeUndefined();
  });

  it('shows commands ready to paste', () => {
    expect(displayArgv(['sed', 's#deb https://#deb [signed-by=/k.gpg] https://#g'])).toBe("sed 's#deb https://#deb [signed-by=/k.gpg] https://#g'");
    expect(displayArgv(['helm', '--set', 'toolkit.env[0].name=X', '--set', 'agent.agentId='])).toBe("helm --set 'toolkit.env[0].name=X' --set agent.agentId=");
    expect(displayArgv(['echo', "it's"])).toBe(`echo 'it'\\''s'`);
  });
});
