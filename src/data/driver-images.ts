// The distributions NVIDIA publishes GPU Operator driver images for (nvcr.io/nvidia/driver tags
// `<driver>-<ID><VERSION_ID>`, built from NVIDIA/gpu-driver-container's per-OS directories). The operator
// derives the tag from the node's NFD labels system-os_release.ID and VERSION_ID; any other ID has no image.

export const DRIVER_IMAGE_OSES: { id: string; versions: string }[] = [
  { id: 'ubuntu', versions: '20.04, 22.04, 24.04 (24.04 from mid-2024)' },
  { id: 'rhel', versions: '8.x, 9.x' },
  { id: 'rhcos', versions: 'OpenShift 4.x' },
  { id: 'centos', versions: '7, 8 (older releases only)' },
];

export const OS_ID_LABEL = 'feature.node.kubernetes.io/system-os_release.ID';
export const OS_VERSION_LABEL = 'feature.node.kubernetes.io/system-os_release.VERSION_ID';
export const KERNEL_LABEL = 'feature.node.kubernetes.io/kernel-version.full';
