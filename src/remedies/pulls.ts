// The fix for each cause of a failing image pull (src/facts/pull-errors.ts classifies them).
import { DOCKER_HUB, upstreamEndpoint } from '../facts/images.js';
import type { PullCause, PullCauseId } from '../facts/pull-errors.js';
import type { Fix } from '../model.js';

/** What a fix needs to know about the failing pull. */
export interface PullContext {
  image: string;
  /** Registry host namespace; undefined when the reference does not parse. */
  registry?: string;
  repository?: string;
  namespace: string;
  /** Pods (names) in `namespace` that fail on this image. */
  pods: string[];
  node?: string;
  /** Why the reference does not parse, for invalid names. */
  parseError?: string;
}

const SECRET_NAME = 'regcred';

function pullSecretCommands(ctx: PullContext, username: string, password: string): string[] {
  const server = ctx.registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : ctx.registry ?? 'REGISTRY';
  return [
    `kubectl create secret docker-registry ${SECRET_NAME} -n ${ctx.namespace} --docker-server=${server} --docker-username=${username} --docker-password=${password}`,
    `kubectl patch serviceaccount default -n ${ctx.namespace} -p '{"imagePullSecrets":[{"name":"${SECRET_NAME}"}]}'`,
    `kubectl delete pod -n ${ctx.namespace} ${ctx.pods.join(' ')}`,
  ];
}

/** Reproduce the pull on the node itself, where the runtime's own error is printed in full. */
function reproduce(ctx: PullContext): string {
  return `crictl pull ${ctx.image}${ctx.node ? `   # on node ${ctx.node}` : ''}`;
}

const PULL_FIXES: Record<PullCauseId, (ctx: PullContext) => Fix> = {
  'rate-limited': (ctx) => ({
    summary: 'Pull with an authenticated Docker Hub account (higher limit) or through a registry mirror',
    commands: pullSecretCommands(ctx, 'DOCKERHUB_USER', 'DOCKERHUB_TOKEN'),
  }),
  'invalid-name': (ctx) => ({
    summary: `Correct the image field${ctx.parseError ? ` (${ctx.parseError})` : ''}: lowercase repository, host[:port]/path[:tag][@sha256:…]`,
    commands: [`kubectl get pod -n ${ctx.namespace} ${ctx.pods[0]} -o jsonpath='{.spec.containers[*].image}{"\\n"}{.spec.initContainers[*].image}'`],
  }),
  network: (ctx) => ({
    summary: `Give the node a way to reach ${ctx.registry ?? 'the registry'}: a registry mirror (see no-mirror-for-host) or an HTTP proxy for the container runtime`,
    commands: [`curl -sS -o /dev/null -w '%{http_code}\\n' https://${upstreamEndpoint(ctx.registry ?? DOCKER_HUB)}/v2/   # on the node: 401 means reachable`, reproduce(ctx)],
  }),
  tls: (ctx) => ({
    summary: `Trust the registry's CA (hosts.toml \`ca = …\`, registries.yaml \`configs: ${ctx.registry ?? 'HOST'}: tls: ca_file\`) or, for a plain-HTTP registry, name it with http:// in the mirror endpoint`,
    commands: [`openssl s_client -connect ${ctx.registry ?? 'REGISTRY'}${ctx.registry?.includes(':') ? '' : ':443'} -showcerts </dev/null   # on the node`, reproduce(ctx)],
  }),
  unauthorized: (ctx) => ({
    summary: `Create a pull secret for ${ctx.registry ?? 'the registry'} and reference it in imagePullSecrets (pod spec or the service account)${ctx.registry === 'nvcr.io' ? "; NGC's username is the literal string $oauthtoken and the password an NGC API key" : ''}`,
    commands: pullSecretCommands(ctx, ctx.registry === 'nvcr.io' ? "'$oauthtoken'" : 'USER', ctx.registry === 'nvcr.io' ? 'NGC_API_KEY' : 'PASSWORD'),
  }),
  'access-denied': (ctx) => ({
    summary: `Check the repository name ${ctx.registry ?? ''}/${ctx.repository ?? ''}; if it is private, add an imagePullSecret for ${ctx.registry ?? 'the registry'}`,
    commands: [`skopeo list-tags docker://${ctx.registry ?? ''}/${ctx.repository ?? ''}`, ...pullSecretCommands(ctx, 'USER', 'PASSWORD')],
  }),
  platform: (ctx) => ({
    summary: "Use an image (or tag) built for the node's OS/architecture",
    commands: [`skopeo inspect --raw docker://${ctx.registry ?? ''}/${ctx.repository ?? ''} | jq '.manifests[].platform'`, `kubectl get node ${ctx.node ?? 'NODE'} -o jsonpath='{.status.nodeInfo.architecture}'`],
  }),
  'not-found': (ctx) => ({
    summary: `Use a tag that exists in ${ctx.registry ?? ''}/${ctx.repository ?? ''}`,
    commands: [`skopeo list-tags docker://${ctx.registry ?? ''}/${ctx.repository ?? ''}`],
  }),
  unknown: (ctx) => ({
    summary: 'Read the pull error on the node, where the runtime prints it in full',
    commands: [`kubectl describe pod -n ${ctx.namespace} ${ctx.pods[0]}`, reproduce(ctx)],
  }),
};

/** The fix for a pull that fails for this cause. */
export function pullFix(cause: PullCause, ctx: PullContext): Fix {
  return PULL_FIXES[cause.id](ctx);
}
