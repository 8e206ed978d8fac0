// Every check, in catalogue order. A new check is one new file plus one line here.
import type { Check } from '../src/check.js';
import gpuNodeUnlabeled from './gpu-node-unlabeled.js';
import gpuNotAllocatable from './gpu-not-allocatable.js';
import gpuTaintUntolerated from './gpu-taint-untolerated.js';
import hamiNodeNotEnabled from './hami-node-not-enabled.js';
import noGpuNodes from './no-gpu-nodes.js';
import operandsDisabled from './operands-disabled.js';
import snapshotFileUnreadable from './snapshot-file-unreadable.js';

export const ALL_CHECKS: Check[] = [
  snapshotFileUnreadable,
  // nodes
  noGpuNodes,
  gpuNodeUnlabeled,
  operandsDisabled,
  gpuNotAllocatable,
  hamiNodeNotEnabled,
  gpuTaintUntolerated,
];
