// Every check, in catalogue order. A new check is one new file plus one line here.
import type { Check } from '../src/check.js';
import driverBelowMinimum from './driver-below-minimum.js';
import driverLibraryMismatch from './driver-library-mismatch.js';
import driverNotLoaded from './driver-not-loaded.js';
import driverPackagesUnheld from './driver-packages-unheld.js';
import driverTooOldForCuda from './driver-too-old-for-cuda.js';
import gpuNodeUnlabeled from './gpu-node-unlabeled.js';
import noGpuNodes from './no-gpu-nodes.js';
import noNvidiaPciDevice from './no-nvidia-pci-device.js';
import nouveauLoaded from './nouveau-loaded.js';
import snapshotFileUnreadable from './snapshot-file-unreadable.js';

export const ALL_CHECKS: Check[] = [
  snapshotFileUnreadable,
  // nodes
  noGpuNodes,
  gpuNodeUnlabeled,
  // driver
  noNvidiaPciDevice,
  driverNotLoaded,
  nouveauLoaded,
  driverLibraryMismatch,
  driverTooOldForCuda,
  driverBelowMinimum,
  driverPackagesUnheld,
];
