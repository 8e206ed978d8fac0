// The controllers that implement the Gateway API (which HAMi's Kantaloupe routes its sessions through): by the
// controllerName their GatewayClass names, and how their pods are named (their Helm charts' / manifests'
// Deployments). gateway-api-missing judges them; the live collection fetches the logs of their troubled pods.
import type { Pod } from '../collection/kube.js';

export const GATEWAY_IMPLEMENTATIONS: readonly { controller: RegExp; title: string; pods: RegExp }[] = [
  { controller: /^gateway\.envoyproxy\.io\//, title: 'Envoy Gateway', pods: /^envoy-gateway-/ },
  { controller: /^istio\.io\//, title: 'Istio', pods: /^istiod-/ },
  { controller: /^gateway\.nginx\.org\//, title: 'NGINX Gateway Fabric', pods: /nginx-gateway/ },
  { controller: /^io\.cilium\//, title: 'Cilium', pods: /^cilium-operator-/ },
  { controller: /^konghq\.com\//, title: 'Kong', pods: /kong/ },
  { controller: /^traefik\.io\//, title: 'Traefik', pods: /^traefik-/ },
];

/** A pod of a known Gateway API controller, by its name. */
export function isGatewayControllerPod(pod: Pod): boolean {
  return GATEWAY_IMPLEMENTATIONS.some((i) => i.pods.test(pod.metadata.name));
}
