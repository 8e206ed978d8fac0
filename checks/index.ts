// Every check. A new check is one new file plus one line here; the list is ordered by id.
import type { Check } from '../src/check.js';
import bitfusionAnnotationInvalid from './bitfusion-annotation-invalid.js';
import bitfusionComponentsMissing from './bitfusion-components-missing.js';
import bitfusionNotInjected from './bitfusion-not-injected.js';
import bitfusionSecretMissing from './bitfusion-secret-missing.js';
import bitfusionTokenInvalid from './bitfusion-token-invalid.js';
import clusterpolicyNotReady from './clusterpolicy-not-ready.js';
import containerdConfigInvalid from './containerd-config-invalid.js';
import deviceCountAssert from './device-count-assert.js';
import devicePluginConflict from './device-plugin-conflict.js';
import driverBelowMinimum from './driver-below-minimum.js';
import driverImageUnavailable from './driver-image-unavailable.js';
import driverLibraryMismatch from './driver-library-mismatch.js';
import driverNotLoaded from './driver-not-loaded.js';
import driverPackagesUnheld from './driver-packages-unheld.js';
import driverTooOldForCuda from './driver-too-old-for-cuda.js';
import envDroppedByChild from './env-dropped-by-child.js';
import fabricManagerNotRunning from './fabric-manager-not-running.js';
import gatewayApiMissing from './gateway-api-missing.js';
import gpuHeldByFinishedPod from './gpu-held-by-finished-pod.js';
import gpuMetricsMissing from './gpu-metrics-missing.js';
import gpuNodeUnlabeled from './gpu-node-unlabeled.js';
import gpuNotAllocatable from './gpu-not-allocatable.js';
import gpuTaintUntolerated from './gpu-taint-untolerated.js';
import hamiNodeNotEnabled from './hami-node-not-enabled.js';
import helmTooOld from './helm-too-old.js';
import imagePullFailing from './image-pull-failing.js';
import injectionEnvMissing from './injection-env-missing.js';
import insufficientGpu from './insufficient-gpu.js';
import mirrorNotLoaded from './mirror-not-loaded.js';
import noDevicePlugin from './no-device-plugin.js';
import noGpuNodes from './no-gpu-nodes.js';
import noMirrorForHost from './no-mirror-for-host.js';
import noNvidiaPciDevice from './no-nvidia-pci-device.js';
import nouveauLoaded from './nouveau-loaded.js';
import nvidiaRuntimeMissing from './nvidia-runtime-missing.js';
import nvidiaRuntimeNotSelected from './nvidia-runtime-not-selected.js';
import operandDeployLabelMissing from './operand-deploy-label-missing.js';
import operandTaintUntolerated from './operand-taint-untolerated.js';
import operandUnhealthy from './operand-unhealthy.js';
import operandsDisabled from './operands-disabled.js';
import prometheusTooOld from './prometheus-too-old.js';
import runtimeBinaryMissing from './runtime-binary-missing.js';
import runtimeclassMissing from './runtimeclass-missing.js';
import servicemonitorNotSelected from './servicemonitor-not-selected.js';
import shellDropsPreload from './shell-drops-preload.js';
import snapshotFileUnreadable from './snapshot-file-unreadable.js';
import tfGpusUndiscovered from './tf-gpus-undiscovered.js';
import tfInvalidMemoryAddress from './tf-invalid-memory-address.js';
import tfOperatorRestarting from './tf-operator-restarting.js';
import tfScheduleFailed from './tf-schedule-failed.js';
import tfWorkerCrashing from './tf-worker-crashing.js';
import tfWorkerNotRunning from './tf-worker-not-running.js';
import toolkitConfigUnsupported from './toolkit-config-unsupported.js';
import unexpectedAdmissionError from './unexpected-admission-error.js';
import validatorFailed from './validator-failed.js';

export const ALL_CHECKS: Check[] = [
  bitfusionAnnotationInvalid,
  bitfusionComponentsMissing,
  bitfusionNotInjected,
  bitfusionSecretMissing,
  bitfusionTokenInvalid,
  clusterpolicyNotReady,
  containerdConfigInvalid,
  deviceCountAssert,
  devicePluginConflict,
  driverBelowMinimum,
  driverImageUnavailable,
  driverLibraryMismatch,
  driverNotLoaded,
  driverPackagesUnheld,
  driverTooOldForCuda,
  envDroppedByChild,
  fabricManagerNotRunning,
  gatewayApiMissing,
  gpuHeldByFinishedPod,
  gpuMetricsMissing,
  gpuNodeUnlabeled,
  gpuNotAllocatable,
  gpuTaintUntolerated,
  hamiNodeNotEnabled,
  helmTooOld,
  imagePullFailing,
  injectionEnvMissing,
  insufficientGpu,
  mirrorNotLoaded,
  noDevicePlugin,
  noGpuNodes,
  noMirrorForHost,
  noNvidiaPciDevice,
  nouveauLoaded,
  nvidiaRuntimeMissing,
  nvidiaRuntimeNotSelected,
  operandDeployLabelMissing,
  operandTaintUntolerated,
  operandUnhealthy,
  operandsDisabled,
  prometheusTooOld,
  runtimeBinaryMissing,
  runtimeclassMissing,
  servicemonitorNotSelected,
  shellDropsPreload,
  snapshotFileUnreadable,
  tfGpusUndiscovered,
  tfInvalidMemoryAddress,
  tfOperatorRestarting,
  tfScheduleFailed,
  tfWorkerCrashing,
  tfWorkerNotRunning,
  toolkitConfigUnsupported,
  unexpectedAdmissionError,
  validatorFailed,
].sort((a, b) => a.id.localeCompare(b.id));
