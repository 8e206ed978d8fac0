// Which nvidia-container-toolkit release first understands what a node's container runtime writes.
// From the toolkit's changelog and sources (the wording rows in src/data/wordings/toolkit.ts cite them).

export const TOOLKIT_SUPPORT = {
  /** containerd config `version = 3` (containerd 2.x): commit 29180593, released in v1.17.4. */
  containerdConfigV3: '1.17.4',
  /** cgroup v2 hosts: libnvidia-container 1.8.0. */
  cgroupV2: '1.8.0',
};

/** The toolkit version in an image tag: `nvcr.io/nvidia/k8s/container-toolkit:v1.14.6-centos7` → 1.14.6. */
export function toolkitVersionOfImage(image: string | undefined): string | undefined {
  const tag = image?.split('@')[0]?.split(':').at(-1);
  return tag ? /^v?(\d+\.\d+\.\d+)/.exec(tag)?.[1] : undefined;
}
