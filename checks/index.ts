// Every check. A new check is one new file plus one line here; the list is ordered by id.
import type { Check } from '../src/check.js';
import deviceCountAssert from './device-count-assert.js';
import envDroppedByChild from './env-dropped-by-child.js';
import gpuNodeUnlabeled from './gpu-node-unlabeled.js';
import gpuNotAllocatable from './gpu-not-allocatable.js';
import gpuTaintUntolerated from './gpu-taint-untolerated.js';
import hamiNodeNotEnabled from './hami-node-not-enabled.js';
import imagePullFailing from './image-pull-failing.js';
import injectionEnvMissing from './injection-env-missing.js';
import mirrorNotLoaded from './mirror-not-loaded.js';
import noGpuNodes from './no-gpu-nodes.js';
import noMirrorForHost from './no-mirror-for-host.js';
import operandsDisabled from './operands-disabled.js';
import shellDropsPreload from './shell-drops-preload.js';
import snapshotFileUnreadable from './snapshot-file-unreadable.js';

export const ALL_CHECKS: Check[] = [
  deviceCountAssert,
  envDroppedByChild,
  gpuNodeUnlabeled,
  gpuNotAllocatable,
  gpuTaintUntolerated,
  hamiNodeNotEnabled,
  imagePullFailing,
  injectionEnvMissing,
  mirrorNotLoaded,
  noGpuNodes,
  noMirrorForHost,
  operandsDisabled,
  shellDropsPreload,
  snapshotFileUnreadable,
].sort((a, b) => a.id.localeCompare(b.id));
