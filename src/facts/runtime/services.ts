// The systemd unit that runs a node's container runtime: containerd, docker, or the k3s / RKE2
// server or agent that embeds containerd (a control-plane label tells a server from an agent).
import type { Node } from '../../collection/kube.js';
import type { RuntimeConfig } from './active-config.js';

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

/** The service that runs the node's container runtime (an agent's when the Node is unknown). */
export function runtimeService(config: RuntimeConfig | undefined, node?: Node): string {
  if (config?.engine === 'docker') return 'docker';
  if (config?.engine === 'cri-o') return 'crio';
  switch (config?.flavor) {
    case 'k3s':
    case 'rke2':
      return isServer(node) ? DISTRO_SERVICES[config.flavor].server : DISTRO_SERVICES[config.flavor].agent;
    default:
      return 'containerd';
  }
}
