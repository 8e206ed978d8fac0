import { describe, expect, it } from 'vitest';
import { MINOR_VERSION_COMPATIBILITY, TOOLKIT_DRIVER_TABLE } from '../../src/data/cuda-drivers.js';
import { cudaFromImage, cudaOfDriver, judgeCuda, parseCuda, parseRequireCuda, toolkitRow } from '../../src/facts/cuda.js';
import { compareVersions, gfdCudaVersion, gfdDriverVersion } from '../../src/facts/driver.js';

describe('the CUDA toolkit → driver table', () => {
  it('holds the release-notes rows the checks cite', () => {
    const row = (t: string) => TOOLKIT_DRIVER_TABLE.find((r) => r.toolkit === t)?.minDriver;
    expect(row('10.0.130')).toBe('410.48');
    expect(row('10.1.105')).toBe('418.39');
    expect(row('10.2.89')).toBe('440.33');
    expect(row('11.0.1')).toBe('450.36.06');
    expect(row('11.1.0')).toBe('455.23');
    expect(row('12.0.0')).toBe('525.60.13');
    expect(row('12.8.0')).toBe('570.26');
    expect(row('13.0.0')).toBe('580.65.06');
  });
  it('is ordered newest first with non-decreasing drivers', () => {
    for (let i = 1; i < TOOLKIT_DRIVER_TABLE.length; i++) {
      expect(compareVersions(TOOLKIT_DRIVER_TABLE[i - 1]!.minDriver, TOOLKIT_DRIVER_TABLE[i]!.minDriver)).toBeGreaterThanOrEqual(0);
    }
  });
  it('states the minor-version-compatibility floors', () => {
    expect(Object.fromEntries(MINOR_VERSION_COMPATIBILITY.map((r) => [r.major, r.minDriver]))).toEqual({ 11: '450.80.02', 12: '525.60.13', 13: '580' });
  });
  it('picks the GA row for X.Y and the update row for X.Y.Z', () => {
    expect(toolkitRow(parseCuda('12.8')!)?.label).toBe('CUDA 12.8 GA');
    expect(toolkitRow(parseCuda('12.8.1')!)?.minDriver).toBe('570.124.06');
    expect(toolkitRow(parseCuda('12.3.2')!)?.label).toBe('CUDA 12.3 Update 1');
    expect(toolkitRow(parseCuda('11.0')!)?.label).toBe('CUDA 11.0.2 GA');
    expect(toolkitRow(parseCuda('10.2')!)?.minDriver).toBe('440.33');
    expect(toolkitRow(parseCuda('12.7')!)).toBeUndefined();
    expect(toolkitRow(parseCuda('14.0')!)).toBeUndefined();
  });
  it('derives the CUDA a driver supports', () => {
    expect(cudaOfDriver('535.129.03')).toEqual({ major: 12, minor: 2 });
    expect(cudaOfDriver('550.144.03')).toEqual({ major: 12, minor: 4 });
    expect(cudaOfDriver('470.223.02')).toEqual({ major: 11, minor: 4 });
    expect(cudaOfDriver('580.105.08')).toEqual({ major: 13, minor: 0 });
    expect(cudaOfDriver('390.157')).toBeUndefined();
  });
});

describe('judgeCuda', () => {
  it('passes a driver at or above the row', () => {
    expect(judgeCuda(parseCuda('12.2.2')!, '535.129.03').kind).toBe('ok');
    expect(judgeCuda(parseCuda('12.8')!, '570.26').kind).toBe('ok');
  });
  it('applies minor version compatibility within a major family', () => {
    const v = judgeCuda(parseCuda('12.8.0')!, '550.144.03', { value: '12.4', source: 'nvidia-smi on gpu-1' });
    expect(v.kind).toBe('minor-compat');
    expect(v.reasons).toEqual([
      'Table 3: "CUDA 12.8 GA" needs Linux driver >= 570.26',
      'minor version compatibility: CUDA 12.x runs on drivers >= 525.60.13 (Table 2: >= 525); driver 550.144.03 qualifies',
    ]);
    expect(v.driverCudaSource).toBe('nvidia-smi on gpu-1');
    expect(judgeCuda(parseCuda('11.8')!, '450.80.02').kind).toBe('minor-compat');
    expect(judgeCuda(parseCuda('13.2')!, '580.65.06').kind).toBe('minor-compat');
  });
  it('fails across major versions and below the family floor', () => {
    const v = judgeCuda(parseCuda('12.2')!, '470.223.02');
    expect(v.kind).toBe('too-old');
    expect(v.driverCuda).toEqual({ major: 11, minor: 4 });
    expect(v.reasons[1]).toMatch(/below that/);
    expect(judgeCuda(parseCuda('13.0')!, '575.57.08').kind).toBe('too-old');
    expect(judgeCuda(parseCuda('11.2')!, '450.51.06').kind).toBe('too-old');
    expect(judgeCuda(parseCuda('10.2')!, '418.87.01').reasons[1]).toMatch(/does not exist before CUDA 11/);
  });
  it('judges a CUDA beyond the table only by a stated driver CUDA version', () => {
    expect(judgeCuda(parseCuda('14.0')!, '999.1').kind).toBe('unknown');
    expect(judgeCuda(parseCuda('14.0')!, '999.1', { value: '14.1', source: 'nvidia-smi' }).kind).toBe('ok');
    expect(judgeCuda(parseCuda('14.2')!, '999.1', { value: '14.1', source: 'nvidia-smi' }).kind).toBe('too-old');
  });
});

describe('where a workload says its CUDA version', () => {
  it.each([
    ['nvidia/cuda:12.8.0-base-ubuntu22.04', '12.8.0'],
    ['docker.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04', '11.8.0'],
    ['nvcr.io/nvidia/cuda:12.4.1-devel-ubuntu22.04', '12.4.1'],
    ['registry.local:5000/mirror/nvidia/cuda:13.0.0-runtime-ubuntu24.04', '13.0.0'],
    ['nvidia/cuda:10.2-base', '10.2'],
    ['pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime', '12.4'],
    ['nvcr.io/nvidia/cuda-dl-base:25.01-cuda12.8-devel-ubuntu24.04', '12.8'],
  ])('%s → CUDA %s', (image, version) => {
    expect(cudaFromImage(image)).toEqual(parseCuda(version));
  });
  it.each(['busybox', 'nvidia/cuda', 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0', 'registry.local:5000/cuda12.4/app', 'vllm/vllm-openai:v0.8.5', 'nvidia/cuda@sha256:abc'])(
    '%s → none',
    (image) => {
      expect(cudaFromImage(image)).toBeUndefined();
    },
  );
  it('parses NVIDIA_REQUIRE_CUDA', () => {
    expect(parseRequireCuda('cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=unknown,driver>=535,driver<536')).toEqual({
      cuda: { major: 12, minor: 4 },
      alternatives: ['brand=tesla,driver>=470,driver<471', 'brand=unknown,driver>=535,driver<536'],
    });
    expect(parseRequireCuda('')).toEqual({ alternatives: [] });
  });
  it('reads GFD driver labels, current and deprecated', () => {
    expect(gfdDriverVersion({ 'nvidia.com/cuda.driver-version.full': '550.107.02' })?.value).toBe('550.107.02');
    expect(gfdDriverVersion({ 'nvidia.com/cuda.driver.major': '535', 'nvidia.com/cuda.driver.minor': '129', 'nvidia.com/cuda.driver.rev': '03' })).toEqual({
      value: '535.129.03',
      source: 'GFD labels nvidia.com/cuda.driver.major=535, nvidia.com/cuda.driver.minor=129, nvidia.com/cuda.driver.rev=03',
    });
    expect(gfdCudaVersion({ 'nvidia.com/cuda.runtime.major': '12', 'nvidia.com/cuda.runtime.minor': '2' })?.value).toBe('12.2');
    expect(gfdDriverVersion({ 'nvidia.com/cuda.driver.major': 'x' })).toBeUndefined();
  });
});
