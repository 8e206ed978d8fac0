// Every check, in catalogue order. A new check is one new file plus one line here.
import type { Check } from '../src/check.js';
import containerdConfigInvalid from './containerd-config-invalid.js';
import gpuNodeUnlabeled from './gpu-node-unlabeled.js';
import noGpuNodes from './no-gpu-nodes.js';
import nvidiaRuntimeMissing from './nvidia-runtime-missing.js';
import runtimeBinaryMissing from './runtime-binary-missing.js';
import runtimeclassMissing from './runtimeclass-missing.js';
import snapshotFileUnreadable from './snapshot-file-unreadable.js';

export const ALL_CHECKS: Check[] = [
  snapshotFileUnreadable,
  // nodes
  noGpuNodes,
  gpuNodeUnlabeled,
  // runtime
  nvidiaRuntimeMissing,
  runtimeBinaryMissing,
  runtimeclassMissing,
  containerdConfigInvalid,
];
