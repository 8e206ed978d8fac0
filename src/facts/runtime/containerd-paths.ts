// Which containerd a node runs and which file it is started with: plain containerd, k3s, RKE2 or
// MicroK8s, told from the Node's runtime and kubelet versions and the files found on the node.
import type { NodeHost } from '../../collection/collection.js';
import type { Node } from '../../collection/kube.js';

/** The probe command whose stdout is `containerd config dump`. */
export const CONTAINERD_DUMP_COMMAND = 'containerd-config-dump';

export type ContainerdFlavor = 'containerd' | 'k3s' | 'rke2' | 'microk8s';

interface FlavorPaths {
  /** The file containerd is started with (`--config`). */
  config: string;
  /** Files the distribution renders `config` from at start; edits belong there. */
  templates: string[];
  /** Drop-in directories tools write to, whether or not `imports` names them. */
  dropInDirs: string[];
}

const ETC_DROP_INS = ['/etc/containerd/conf.d', '/etc/containerd/config.d'];
const rancher = (dist: 'k3s' | 'rke2'): FlavorPaths => {
  const dir = `/var/lib/rancher/${dist}/agent/etc/containerd`;
  return {
    config: `${dir}/config.toml`,
    // k3s/RKE2 with containerd 2.x prefer config-v3.toml.tmpl and fall back to config.toml.tmpl.
    templates: [`${dir}/config-v3.toml.tmpl`, `${dir}/config.toml.tmpl`],
    dropInDirs: [`${dir}/config.toml.d`, `${dir}/config-v3.toml.d`, ...ETC_DROP_INS],
  };
};

export const CONTAINERD_PATHS: Record<ContainerdFlavor, FlavorPaths> = {
  containerd: { config: '/etc/containerd/config.toml', templates: [], dropInDirs: ETC_DROP_INS },
  k3s: rancher('k3s'),
  rke2: rancher('rke2'),
  // MicroK8s renders containerd.toml from containerd-template.toml (substituting ${SNAP}, ${SNAP_DATA}) at start.
  microk8s: {
    config: '/var/snap/microk8s/current/args/containerd.toml',
    templates: ['/var/snap/microk8s/current/args/containerd-template.toml'],
    dropInDirs: ETC_DROP_INS,
  },
};

/** What the Node object says about its runtime: `containerd://1.7.12`, `v1.30.4+k3s1`. */
export interface RuntimeHints {
  containerRuntimeVersion?: string;
  kubeletVersion?: string;
}

export function runtimeHintsOf(node: Node | undefined): RuntimeHints {
  return {
    containerRuntimeVersion: node?.status?.nodeInfo?.containerRuntimeVersion,
    kubeletVersion: node?.status?.nodeInfo?.kubeletVersion,
  };
}

/** containerd's major version from `containerd://1.7.12` / `containerd://v2.0.2-k3s2`; undefined for others. */
export function containerdMajorOf(hints: RuntimeHints): 1 | 2 | undefined {
  const m = /^containerd:\/\/v?(\d+)\./.exec(hints.containerRuntimeVersion ?? '');
  if (!m) return undefined;
  return Number(m[1]) >= 2 ? 2 : 1;
}

export function kubeletRuntimeOf(hints: RuntimeHints): 'containerd' | 'docker' | 'cri-o' | undefined {
  const v = hints.containerRuntimeVersion ?? '';
  if (v.startsWith('containerd://')) return 'containerd';
  if (v.startsWith('docker://')) return 'docker';
  if (v.startsWith('cri-o://')) return 'cri-o';
  return undefined;
}

/**
 * k3s or RKE2 as the kubelet's version names them (v1.26.0+rke2r1, v1.28.5+k3s1); the containerd version
 * does not tell them apart: RKE2 ships k3s' containerd build (containerd://1.6.12-k3s1).
 */
export function distroOfKubelet(hints: RuntimeHints): 'k3s' | 'rke2' | undefined {
  const kubelet = hints.kubeletVersion ?? '';
  return /rke2/.test(kubelet) ? 'rke2' : /k3s/.test(kubelet) ? 'k3s' : undefined;
}

export function flavorOf(host: NodeHost, hints: RuntimeHints = {}): ContainerdFlavor {
  const distro = distroOfKubelet(hints);
  if (distro) return distro;
  for (const flavor of ['k3s', 'rke2', 'microk8s'] as const) {
    const paths = CONTAINERD_PATHS[flavor];
    if ([paths.config, ...paths.templates].some((f) => host.files.has(f))) return flavor;
  }
  if (/k3s/.test(hints.containerRuntimeVersion ?? '')) return 'k3s';
  return 'containerd';
}
