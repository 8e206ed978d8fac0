// The systemd unit that runs a node's container runtime: containerd, docker, or the k3s / RKE2
// server or agent that embeds containerd (a control-plane label tells a server from an agent).
import type { Node } from '../../collection/kube.js';
import type { RuntimeConfig } from './active-config.js';
import type { ContainerdFlavor } from './containerd-paths.js';
import { distroOfKubelet, kubeletRuntimeOf, runtimeHintsOf } from './containerd-paths.js';

export type Distro = 'k3s' | 'rke2';

const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

export const DISTRO_SERVICES: Record<Distro, { server: string; agent: string }> = {
  k3s: { server: 'k3s', agent: 'k3s-agent' },
  rke2: { server: 'rke2-server', agent: 'rke2-agent' },
};

function isServer(node: Node | undefined): boolean {
  const labels = node?.metadata.labels ?? {};
  return CONTROL_PLANE_LABELS.some((l) => l in labels);
}

/** The systemd unit of k3s / RKE2 on a node: the server's or the agent's; both when the Node is unknown. */
export function distroServices(distro: Distro, node: Node | undefined): string[] {
  const units = DISTRO_SERVICES[distro];
  if (!node) return [units.server, units.agent];
  const server = CONTROL_PLANE_LABELS.some((l) => node.metadata.labels?.[l] !== undefined);
  return [server ? units.server : units.agent];
}

/** A node's container runtime: containerd (plain, or embedded by k3s, RKE2, MicroK8s), CRI-O or docker. */
export type RuntimeKind = ContainerdFlavor | 'cri-o' | 'docker';

/**
 * The node's runtime: from its config when one was read, else from what the Node object reports
 * (containerRuntimeVersion cri-o:// or docker://, a kubelet version +k3s / +rke2); undefined when neither says.
 */
export function runtimeKind(config: RuntimeConfig | undefined, node: Node | undefined): RuntimeKind | undefined {
  if (config) return config.engine === 'containerd' ? config.flavor : config.engine;
  const hints = runtimeHintsOf(node);
  const engine = kubeletRuntimeOf(hints);
  if (engine !== 'containerd') return engine;
  return distroOfKubelet(hints) ?? 'containerd';
}

/** The service that runs the node's container runtime (containerd's, or an agent's, when nothing says). */
export function runtimeService(config: RuntimeConfig | undefined, node?: Node): string {
  const kind = runtimeKind(config, node);
  switch (kind) {
    case 'docker':
      return 'docker';
    case 'cri-o':
      return 'crio';
    case 'k3s':
    case 'rke2':
      return isServer(node) ? DISTRO_SERVICES[kind].server : DISTRO_SERVICES[kind].agent;
    default:
      return 'containerd';
  }
}
