// Which NVIDIA Linux driver each CUDA toolkit needs, as data. Checks cite these rows; no branch
// of code knows a version number.

/** A row of Table 3 of the CUDA Toolkit Release Notes. */
export interface ToolkitDriverRow {
  /** The toolkit release as major.minor.patch ("12.8.1" for CUDA 12.8 Update 1). */
  toolkit: string;
  /** The row's label in the release notes, quoted in findings. */
  label: string;
  /** Minimum Linux x86_64 driver ("Toolkit Driver Version"). */
  minDriver: string;
}

export const TOOLKIT_TABLE_SOURCE =
  'CUDA Toolkit Release Notes, Table 3 "CUDA Toolkit and Corresponding Driver Versions" (Linux x86_64), as of CUDA 13.2 Update 2';

/** Table 3, newest first. Update it from https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/ */
export const TOOLKIT_DRIVER_TABLE: ToolkitDriverRow[] = [
  { toolkit: '13.2.2', label: 'CUDA 13.2 Update 2', minDriver: '595.71.05' },
  { toolkit: '13.2.1', label: 'CUDA 13.2 Update 1', minDriver: '595.58.03' },
  { toolkit: '13.2.0', label: 'CUDA 13.2 GA', minDriver: '595.45.04' },
  { toolkit: '13.1.1', label: 'CUDA 13.1 Update 1', minDriver: '590.48.01' },
  { toolkit: '13.1.0', label: 'CUDA 13.1 GA', minDriver: '590.44.01' },
  { toolkit: '13.0.2', label: 'CUDA 13.0 Update 2', minDriver: '580.95.05' },
  { toolkit: '13.0.1', label: 'CUDA 13.0 Update 1', minDriver: '580.82.07' },
  { toolkit: '13.0.0', label: 'CUDA 13.0 GA', minDriver: '580.65.06' },
  { toolkit: '12.9.1', label: 'CUDA 12.9 Update 1', minDriver: '575.57.08' },
  { toolkit: '12.9.0', label: 'CUDA 12.9 GA', minDriver: '575.51.03' },
  { toolkit: '12.8.1', label: 'CUDA 12.8 Update 1', minDriver: '570.124.06' },
  { toolkit: '12.8.0', label: 'CUDA 12.8 GA', minDriver: '570.26' },
  { toolkit: '12.6.3', label: 'CUDA 12.6 Update 3', minDriver: '560.35.05' },
  { toolkit: '12.6.2', label: 'CUDA 12.6 Update 2', minDriver: '560.35.03' },
  { toolkit: '12.6.1', label: 'CUDA 12.6 Update 1', minDriver: '560.35.03' },
  { toolkit: '12.6.0', label: 'CUDA 12.6 GA', minDriver: '560.28.03' },
  { toolkit: '12.5.1', label: 'CUDA 12.5 Update 1', minDriver: '555.42.06' },
  { toolkit: '12.5.0', label: 'CUDA 12.5 GA', minDriver: '555.42.02' },
  { toolkit: '12.4.1', label: 'CUDA 12.4 Update 1', minDriver: '550.54.15' },
  { toolkit: '12.4.0', label: 'CUDA 12.4 GA', minDriver: '550.54.14' },
  { toolkit: '12.3.1', label: 'CUDA 12.3 Update 1', minDriver: '545.23.08' },
  { toolkit: '12.3.0', label: 'CUDA 12.3 GA', minDriver: '545.23.06' },
  { toolkit: '12.2.2', label: 'CUDA 12.2 Update 2', minDriver: '535.104.05' },
  { toolkit: '12.2.1', label: 'CUDA 12.2 Update 1', minDriver: '535.86.09' },
  { toolkit: '12.2.0', label: 'CUDA 12.2 GA', minDriver: '535.54.03' },
  { toolkit: '12.1.1', label: 'CUDA 12.1 Update 1', minDriver: '530.30.02' },
  { toolkit: '12.1.0', label: 'CUDA 12.1 GA', minDriver: '530.30.02' },
  { toolkit: '12.0.1', label: 'CUDA 12.0 Update 1', minDriver: '525.85.12' },
  { toolkit: '12.0.0', label: 'CUDA 12.0 GA', minDriver: '525.60.13' },
  { toolkit: '11.8.0', label: 'CUDA 11.8 GA', minDriver: '520.61.05' },
  { toolkit: '11.7.1', label: 'CUDA 11.7 Update 1', minDriver: '515.48.07' },
  { toolkit: '11.7.0', label: 'CUDA 11.7 GA', minDriver: '515.43.04' },
  { toolkit: '11.6.2', label: 'CUDA 11.6 Update 2', minDriver: '510.47.03' },
  { toolkit: '11.6.1', label: 'CUDA 11.6 Update 1', minDriver: '510.47.03' },
  { toolkit: '11.6.0', label: 'CUDA 11.6 GA', minDriver: '510.39.01' },
  { toolkit: '11.5.2', label: 'CUDA 11.5 Update 2', minDriver: '495.29.05' },
  { toolkit: '11.5.1', label: 'CUDA 11.5 Update 1', minDriver: '495.29.05' },
  { toolkit: '11.5.0', label: 'CUDA 11.5 GA', minDriver: '495.29.05' },
  { toolkit: '11.4.4', label: 'CUDA 11.4 Update 4', minDriver: '470.82.01' },
  { toolkit: '11.4.3', label: 'CUDA 11.4 Update 3', minDriver: '470.82.01' },
  { toolkit: '11.4.2', label: 'CUDA 11.4 Update 2', minDriver: '470.57.02' },
  { toolkit: '11.4.1', label: 'CUDA 11.4 Update 1', minDriver: '470.57.02' },
  { toolkit: '11.4.0', label: 'CUDA 11.4.0 GA', minDriver: '470.42.01' },
  { toolkit: '11.3.1', label: 'CUDA 11.3.1 Update 1', minDriver: '465.19.01' },
  { toolkit: '11.3.0', label: 'CUDA 11.3.0 GA', minDriver: '465.19.01' },
  { toolkit: '11.2.2', label: 'CUDA 11.2.2 Update 2', minDriver: '460.32.03' },
  { toolkit: '11.2.1', label: 'CUDA 11.2.1 Update 1', minDriver: '460.32.03' },
  { toolkit: '11.2.0', label: 'CUDA 11.2.0 GA', minDriver: '460.27.03' },
  { toolkit: '11.1.1', label: 'CUDA 11.1.1 Update 1', minDriver: '455.32' },
  { toolkit: '11.1.0', label: 'CUDA 11.1 GA', minDriver: '455.23' },
  { toolkit: '11.0.3', label: 'CUDA 11.0.3 Update 1', minDriver: '450.51.06' },
  // 11.0.2 is the GA; 11.0.1 was the release candidate.
  { toolkit: '11.0.2', label: 'CUDA 11.0.2 GA', minDriver: '450.51.05' },
  { toolkit: '11.0.1', label: 'CUDA 11.0.1 RC', minDriver: '450.36.06' },
  { toolkit: '10.2.89', label: 'CUDA 10.2.89', minDriver: '440.33' },
  { toolkit: '10.1.105', label: 'CUDA 10.1 (10.1.105 general release, and updates)', minDriver: '418.39' },
  { toolkit: '10.0.130', label: 'CUDA 10.0.130', minDriver: '410.48' },
];

/**
 * CUDA minor version compatibility (CUDA 11 and later; Table 2 of the release notes and the
 * CUDA Compatibility guide): an application built with any toolkit of a major family runs on a
 * driver at or above the family's floor, with a limited feature set.
 */
export interface MinorCompatRule {
  major: number;
  minDriver: string;
  note: string;
}

export const MINOR_VERSION_COMPATIBILITY: MinorCompatRule[] = [
  { major: 13, minDriver: '580', note: 'CUDA 13.x runs on drivers >= 580 (Table 2)' },
  { major: 12, minDriver: '525.60.13', note: 'CUDA 12.x runs on drivers >= 525.60.13 (Table 2: >= 525)' },
  {
    major: 11,
    minDriver: '450.80.02',
    note: 'CUDA 11.x runs on drivers >= 450.80.02 (CUDA 11.0 shipped with an earlier driver; 450.80.02 is the floor for the family)',
  },
];

/** What minor version compatibility does not give; quoted where a workload relies on it. */
export const MINOR_COMPAT_LIMITATIONS =
  'limited feature set: APIs that need the newer driver fail with cudaErrorCallRequiresNewerDriver, and PTX produced by the newer toolkit ' +
  'cannot be JIT-compiled by the older driver (cudaErrorUnsupportedPtxVersion), so code shipped only as PTX (no SASS for this GPU) fails';

/** Forward compatibility: the other way to run a newer CUDA on an older driver. */
export const FORWARD_COMPAT_NOTE =
  'forward compatibility: on NVIDIA data-center GPUs (and select NGC-ready RTX boards, not GeForce) a newer CUDA can run on an older ' +
  'long-term or production branch driver through the cuda-compat-<major>-<minor> package inside the image; elsewhere this fails with ' +
  'cudaErrorCompatNotSupportedOnDevice (804)';

/** Driver minimums stated by the stacks gpuctl knows, keyed by stack id. */
export interface StackDriverMinimum {
  stack: string;
  name: string;
  minDriver: string;
  source: string;
}

export const STACK_DRIVER_MINIMUMS: StackDriverMinimum[] = [
  {
    stack: 'kantaloupe',
    name: 'Kantaloupe',
    minDriver: '440',
    source: 'Kantaloupe system requirements (seed kantaloupe-prerequisites): GPU driver 440 or later',
  },
  { stack: 'hami', name: 'HAMi', minDriver: '440', source: 'HAMi prerequisites: NVIDIA drivers >= 440' },
];
