// Every check, in catalogue order. A new check is one new file plus one line here.
import type { Check } from '../src/check.js';
import deviceCountAssert from './device-count-assert.js';
import envDroppedByChild from './env-dropped-by-child.js';
import gpuNodeUnlabeled from './gpu-node-unlabeled.js';
import injectionEnvMissing from './injection-env-missing.js';
import noGpuNodes from './no-gpu-nodes.js';
import shellDropsPreload from './shell-drops-preload.js';
import snapshotFileUnreadable from './snapshot-file-unreadable.js';

export const ALL_CHECKS: Check[] = [
  snapshotFileUnreadable,
  // nodes
  noGpuNodes,
  gpuNodeUnlabeled,
  // injection
  injectionEnvMissing,
  shellDropsPreload,
  envDroppedByChild,
  deviceCountAssert,
];
