import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDriverPackage, nvidiaGpus, parseAptHolds, parseDevNvidia, parseDpkgQuery, parseLsmod, parseLspci, parseProcDriverVersion, upstreamDriverVersion } from '../../src/facts/nvidia-host.js';
import { findNvmlError, parseNvidiaSmi, parseNvidiaSmiQuery } from '../../src/facts/nvidia-smi.js';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/nvidia', name), 'utf8');

describe('parseNvidiaSmi across driver branches', () => {
  it.each([
    ['smi-470.txt', '470.57.02', '11.4', 2, 'NVIDIA GeForce ...', '00000000:01:00.0', 3248, 11176, 64, 3],
    ['smi-535.txt', '535.129.03', '12.2', 2, 'NVIDIA A800-SXM4-80GB', '00000000:3D:00.0', 47846, 81920, 0, 2],
    ['smi-550.txt', '550.144.03', '12.4', 1, 'Tesla P4', '00000000:03:00.0', 0, 8192, 0, 0],
    ['smi-570.txt', '570.195.03', '12.8', 1, 'NVIDIA L40S', '00000000:25:00.0', 22504, 46068, 87, 3],
    ['smi-580.txt', '580.105.08', '13.0', 2, 'Tesla T4', '00000000:00:1E.0', 0, 15360, 0, 1],
  ])('%s', (file, driver, cuda, gpuCount, name, bus, used, total, util, processes) => {
    const r = parseNvidiaSmi(fixture(file));
    expect(r.driverVersion).toBe(driver);
    expect(r.smiVersion).toBe(driver);
    expect(r.cudaVersion).toBe(cuda);
    expect(r.gpus).toHaveLength(gpuCount);
    expect(r.gpus[0]).toMatchObject({ index: 0, name, busId: bus, memoryUsedMiB: used, memoryTotalMiB: total, utilizationPercent: util });
    expect(r.processes).toHaveLength(processes);
    expect(r.error).toBeUndefined();
    expect(r.notes).toEqual([]);
  });

  it('reads process rows with and without MIG instance columns and C+G types', () => {
    expect(parseNvidiaSmi(fixture('smi-570.txt')).processes).toEqual([
      { gpu: 0, gi: 'N/A', ci: 'N/A', pid: 1591, type: 'G', name: '/usr/lib/xorg/Xorg', memoryMiB: 4 },
      { gpu: 0, gi: 'N/A', ci: 'N/A', pid: 10941, type: 'C+G', name: '/usr/lib/virtualbox/VirtualBoxVM', memoryMiB: 64 },
      { gpu: 0, gi: 'N/A', ci: 'N/A', pid: 48213, type: 'C', name: 'python', memoryMiB: 22430 },
    ]);
    expect(parseNvidiaSmi(fixture('smi-580.txt')).processes).toEqual([
      { gpu: 1, gi: 'N/A', ci: 'N/A', pid: 3456789, type: 'C', name: '/opt/conda/bin/python', memoryMiB: 1026 },
    ]);
    const legacy = parseNvidiaSmi(
      fixture('smi-470.txt').replace('|    0   N/A  N/A      1242      G   /usr/lib/xorg/Xorg                  9MiB |', '|    0      1242      G   /usr/lib/xorg/Xorg                            9MiB |'),
    );
    expect(legacy.processes[0]).toEqual({ gpu: 0, pid: 1242, type: 'G', name: '/usr/lib/xorg/Xorg', memoryMiB: 9 });
  });

  it('keeps the nvidia-smi version apart from the driver version (WSL)', () => {
    const r = parseNvidiaSmi(fixture('smi-580-wsl.txt'));
    expect(r).toMatchObject({ smiVersion: '580.65.05', driverVersion: '580.88', cudaVersion: '13.0' });
  });

  it('says when the driver reports no CUDA version', () => {
    const r = parseNvidiaSmi(fixture('smi-470-cuda-na.txt'));
    expect(r.cudaVersion).toBeUndefined();
    expect(r.driverVersion).toBe('470.82.01');
    expect(r.gpus[0]).toMatchObject({ name: 'NVIDIA A100-PCI...', migMode: 'Disabled' });
    expect(r.notes).toEqual(['CUDA Version is "N/A": the driver reports no CUDA version']);
  });

  it('reads what it can of an unknown layout and lists the rest', () => {
    const r = parseNvidiaSmi(fixture('smi-future-layout.txt'));
    expect(r).toMatchObject({ driverVersion: '610.43.02', cudaVersion: '13.3' });
    expect(r.gpus).toEqual([expect.objectContaining({ index: 0, name: 'NVIDIA B200', busId: '00000000:1B:00.0', temperatureC: 33 })]);
    expect(r.gpus[0]!.memoryTotalMiB).toBeUndefined();
    expect(r.notes).toEqual([
      'GPU 0: memory "~0.5GiB / 180.0GiB" not understood',
      'GPU 0: utilisation "0 pct        Default" not understood',
      '1 line(s) not understood, first: "| Power budget: 1000W, throttle reasons: none                                                      |"',
    ]);
  });

  it('never throws on garbage and says what it got', () => {
    for (const text of ['', '\u0000\u0001binary', '{"json": true}', '|||||\n+--+\n|==|', 'NVIDIA-SMI\n|   0  x | y | z |']) {
      const r = parseNvidiaSmi(text);
      expect(r.gpus.length).toBeLessThanOrEqual(1);
      expect(r.notes.length + (r.error ? 1 : 0)).toBeGreaterThan(0);
    }
    expect(parseNvidiaSmi('').notes).toEqual(['empty output']);
  });

  it.each([
    ['smi-mismatch.txt', 'library-mismatch', 'Failed to initialize NVML: Driver/library version mismatch', '535.183'],
    ['smi-no-driver.txt', 'driver-unreachable', "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.", undefined],
    ['smi-no-devices.txt', 'no-devices', 'No devices were found', undefined],
  ])('recognises the NVML failure in %s', (file, kind, line, libraryVersion) => {
    const r = parseNvidiaSmi(fixture(file));
    expect(r.error).toEqual({ kind, line, ...(libraryVersion ? { libraryVersion } : {}) });
    expect(r.gpus).toEqual([]);
    expect(r.driverVersion).toBeUndefined();
  });
});

describe('findNvmlError in logs', () => {
  it('finds the mismatch as NVML, go-nvml and the container CLI word it', () => {
    expect(findNvmlError('I0101 plugin.go:12] Failed to initialize NVML: ERROR_LIB_RM_VERSION_MISMATCH')?.kind).toBe('library-mismatch');
    expect(
      findNvmlError('nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown')?.kind,
    ).toBe('library-mismatch');
    expect(findNvmlError('Failed to initialize NVML: Unknown Error')?.kind).toBe('nvml-unknown-error');
    expect(findNvmlError('Unable to determine the device handle for GPU0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU')?.kind).toBe('gpu-lost');
    expect(findNvmlError('sh: 1: nvidia-smi: not found')?.kind).toBe('not-installed');
    expect(findNvmlError('all good')).toBeUndefined();
  });
});

describe('parseNvidiaSmiQuery', () => {
  it('reads the CSV', () => {
    expect(parseNvidiaSmiQuery(fixture('query-535.csv'))).toEqual({
      gpus: [
        { index: 0, name: 'NVIDIA A800-SXM4-80GB', driverVersion: '535.129.03', memoryTotalMiB: 81920 },
        { index: 1, name: 'NVIDIA A800-SXM4-80GB', driverVersion: '535.129.03', memoryTotalMiB: 81920 },
      ],
      notes: [],
    });
  });
  it('tolerates [N/A], a header line and junk, and says so', () => {
    const r = parseNvidiaSmiQuery(`index, name, driver_version, memory.total [MiB]\n${fixture('query-580.csv')}`);
    expect(r.gpus).toEqual([
      { index: 0, name: 'NVIDIA GeForce RTX 4090', driverVersion: '580.95.05', memoryTotalMiB: 24564 },
      { index: 1, name: 'NVIDIA RTX PRO 6000 Blackwell Workstation Edition', driverVersion: '580.95.05' },
    ]);
    expect(r.notes).toEqual(['line not understood: "something odd"']);
  });
  it('reports the NVML failure printed instead of CSV', () => {
    const r = parseNvidiaSmiQuery(fixture('smi-mismatch.txt'));
    expect(r.gpus).toEqual([]);
    expect(r.error?.kind).toBe('library-mismatch');
    expect(r.notes).toEqual([]);
  });
});

describe('parseProcDriverVersion', () => {
  it.each([
    ['proc-version-535.txt', '535.129.03', 'proprietary', 'x86_64'],
    ['proc-version-570-open.txt', '570.195.03', 'open', 'x86_64'],
    ['proc-version-470.txt', '470.223.02', 'proprietary', 'x86_64'],
    ['proc-version-jetson.txt', '34.1.1', 'proprietary', 'aarch64'],
  ])('%s', (file, version, flavor, arch) => {
    expect(parseProcDriverVersion(fixture(file))).toMatchObject({ version, flavor, arch });
  });
  it('reads the seed text that lost its line breaks and the GCC line', () => {
    const seed = 'NVRM version: NVIDIA UNIX x86_64 Kernel Module 535.154.05 Thu Dec 28 15:37:48 UTC 2023 GCC version: gcc version 11.4.0';
    expect(parseProcDriverVersion(seed)?.version).toBe('535.154.05');
    expect(parseProcDriverVersion(fixture('proc-version-535.txt'))?.gcc).toBe('gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)');
  });
  it('returns undefined for text without an NVRM line', () => {
    expect(parseProcDriverVersion('')).toBeUndefined();
    expect(parseProcDriverVersion('NVRM version: garbage')).toBeUndefined();
  });
});

describe('lsmod, lspci, /dev, apt and dpkg', () => {
  it('parses lsmod with users', () => {
    const mods = parseLsmod(fixture('lsmod-nvidia.txt'));
    expect(mods.get('nvidia')).toMatchObject({ size: 56692736, useCount: 200, usedBy: ['nvidia_uvm', 'nvidia_modeset'] });
    expect(mods.has('Module')).toBe(false);
    expect(parseLsmod(fixture('lsmod-nouveau.txt')).get('nouveau')?.useCount).toBe(1);
  });
  it('finds NVIDIA GPUs by vendor and display class, not their audio function', () => {
    const devices = parseLspci(fixture('lspci-rtx3090.txt'));
    expect(devices).toHaveLength(4);
    expect(nvidiaGpus(devices).map((d) => d.slot)).toEqual(['01:00.0']);
    expect(nvidiaGpus(parseLspci(fixture('lspci-t4.txt')))[0]).toMatchObject({ classId: '0302', deviceId: '1eb8' });
    expect(nvidiaGpus(parseLspci(fixture('lspci-no-gpu.txt')))).toEqual([]);
  });
  it('parses the /dev listing', () => {
    expect(parseDevNvidia(fixture('dev-nvidia.txt'))).toMatchObject({ gpus: ['nvidia0', 'nvidia1'], control: true, uvm: true });
    expect(parseDevNvidia('')).toMatchObject({ all: [], gpus: [], control: false });
  });
  it('parses dpkg-query output, holds and the not-installed rows', () => {
    const { packages, notes } = parseDpkgQuery(fixture('dpkg-nvidia.txt'));
    expect(notes).toEqual([]);
    expect(packages.find((p) => p.name === 'libnvidia-cfg1-535')).toMatchObject({ installed: true, held: false });
    expect(packages.find((p) => p.name === 'libnvidia-gl-535')).toMatchObject({ installed: true, held: true });
    expect(packages.find((p) => p.name === 'nvidia-driver-530')).toMatchObject({ version: '', installed: false });
    expect(parseDpkgQuery('dpkg-query: no packages found matching unattended-upgrades\nbogus').notes).toHaveLength(2);
    expect(parseAptHolds(fixture('apt-holds-partial.txt'))).toEqual(new Set(['nvidia-dkms-535', 'nvidia-driver-535']));
  });
  it('tells driver packages from the container toolkit and kernel flavours', () => {
    const names = parseDpkgQuery(fixture('dpkg-nvidia.txt')).packages.map((p) => p.name).filter(isDriverPackage);
    expect(names).toContain('nvidia-dkms-535');
    expect(names).not.toContain('nvidia-container-toolkit');
    expect(names).not.toContain('libnvidia-container1');
    expect(names).not.toContain('linux-modules-nvidia-535-generic-hwe-22.04');
    expect(upstreamDriverVersion('535.154.05-0ubuntu0.22.04.1')).toBe('535.154.05');
    expect(upstreamDriverVersion('1:570.124.06-1')).toBe('570.124.06');
    expect(upstreamDriverVersion('1.17.8-1')).toBeUndefined();
  });
});
