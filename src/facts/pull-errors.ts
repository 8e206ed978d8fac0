// Why an image pull failed, read from the error text kubelet puts into events and container statuses.
// The table is data: patterns → cause → fix. The first cause whose pattern matches wins, so the order
// matters (a 429 message mentions "authenticating", a timeout reaching auth.docker.io "authorize", a platform
// mismatch ends in "not found").
import type { Fix } from '../model.js';
import { DOCKER_HUB, upstreamEndpoint } from './images.js';

export type PullCauseId =
  | 'rate-limited'
  | 'invalid-name'
  | 'network'
  | 'tls'
  | 'unauthorized'
  | 'access-denied'
  | 'not-found'
  | 'platform'
  | 'unknown';

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

export interface PullCause {
  id: PullCauseId;
  /** Short label for messages: "the registry is unreachable". */
  label: string;
  patterns: RegExp[];
  /** Whether a registry mirror on the node would make this pull work. */
  mirrorHelps: boolean;
  fix(ctx: PullContext): Fix;
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

export const PULL_CAUSES: PullCause[] = [
  {
    id: 'rate-limited',
    label: 'Docker Hub rate limit reached',
    patterns: [/toomanyrequests/i, /429 Too Many Requests/i, /pull rate limit/i],
    mirrorHelps: true,
    fix: (ctx) => ({
      summary: 'Pull with an authenticated Docker Hub account (higher limit) or through a registry mirror',
      commands: pullSecretCommands(ctx, 'DOCKERHUB_USER', 'DOCKERHUB_TOKEN'),
    }),
  },
  {
    id: 'invalid-name',
    label: 'the image reference is not valid',
    patterns: [/InvalidImageName/, /invalid reference format/i, /couldn't parse image (reference|name)/i],
    mirrorHelps: false,
    fix: (ctx) => ({
      summary: `Correct the image field${ctx.parseError ? ` (${ctx.parseError})` : ''}: lowercase repository, host[:port]/path[:tag][@sha256:…]`,
      commands: [`kubectl get pod -n ${ctx.namespace} ${ctx.pods[0]} -o jsonpath='{.spec.containers[*].image}{"\\n"}{.spec.initContainers[*].image}'`],
    }),
  },
  {
    id: 'network',
    label: 'the node cannot reach the registry',
    patterns: [
      /i\/o timeout/i,
      /dial tcp/i,
      /connection refused/i,
      /connection reset by peer/i,
      /no route to host/i,
      /network is unreachable/i,
      /TLS handshake timeout/i,
      /context deadline exceeded/i,
      /Client\.Timeout exceeded/i,
      /no such host/i,
      /server misbehaving/i,
      /code = DeadlineExceeded/,
      /unexpected EOF/i,
    ],
    mirrorHelps: true,
    fix: (ctx) => ({
      summary: `Give the node a way to reach ${ctx.registry ?? 'the registry'}: a registry mirror (see no-mirror-for-host) or an HTTP proxy for the container runtime`,
      commands: [`curl -sS -o /dev/null -w '%{http_code}\\n' https://${upstreamEndpoint(ctx.registry ?? DOCKER_HUB)}/v2/   # on the node: 401 means reachable`, reproduce(ctx)],
    }),
  },
  {
    id: 'tls',
    label: 'the registry certificate or protocol is not trusted',
    patterns: [/x509:/i, /certificate signed by unknown authority/i, /tls: failed to verify/i, /server gave HTTP response to HTTPS client/i],
    mirrorHelps: false,
    fix: (ctx) => ({
      summary: `Trust the registry's CA (hosts.toml \`ca = …\`, registries.yaml \`configs: ${ctx.registry ?? 'HOST'}: tls: ca_file\`) or, for a plain-HTTP registry, name it with http:// in the mirror endpoint`,
      commands: [`openssl s_client -connect ${ctx.registry ?? 'REGISTRY'}${ctx.registry?.includes(':') ? '' : ':443'} -showcerts </dev/null   # on the node`, reproduce(ctx)],
    }),
  },
  {
    id: 'unauthorized',
    label: 'the registry refused the credentials',
    patterns: [/401 Unauthorized/i, /403 Forbidden/i, /unauthorized: authentication required/i, /\bunauthorized\b/i, /no basic auth credentials/i],
    mirrorHelps: false,
    fix: (ctx) => ({
      summary: `Create a pull secret for ${ctx.registry ?? 'the registry'} and reference it in imagePullSecrets (pod spec or the service account)${ctx.registry === 'nvcr.io' ? "; NGC's username is the literal string $oauthtoken and the password an NGC API key" : ''}`,
      commands: pullSecretCommands(ctx, ctx.registry === 'nvcr.io' ? "'$oauthtoken'" : 'USER', ctx.registry === 'nvcr.io' ? 'NGC_API_KEY' : 'PASSWORD'),
    }),
  },
  {
    id: 'access-denied',
    label: 'the repository does not exist or is private',
    patterns: [/pull access denied/i, /repository does not exist or may require/i, /insufficient_scope/i, /requested access to the resource is denied/i],
    mirrorHelps: false,
    fix: (ctx) => ({
      summary: `Check the repository name ${ctx.registry ?? ''}/${ctx.repository ?? ''}; if it is private, add an imagePullSecret for ${ctx.registry ?? 'the registry'}`,
      commands: [`skopeo list-tags docker://${ctx.registry ?? ''}/${ctx.repository ?? ''}`, ...pullSecretCommands(ctx, 'USER', 'PASSWORD')],
    }),
  },
  {
    id: 'platform',
    label: "the image has no build for the node's platform",
    patterns: [/no matching manifest for/i, /no match for platform in manifest/i],
    mirrorHelps: false,
    fix: (ctx) => ({
      summary: "Use an image (or tag) built for the node's OS/architecture",
      commands: [`skopeo inspect --raw docker://${ctx.registry ?? ''}/${ctx.repository ?? ''} | jq '.manifests[].platform'`, `kubectl get node ${ctx.node ?? 'NODE'} -o jsonpath='{.status.nodeInfo.architecture}'`],
    }),
  },
  {
    id: 'not-found',
    label: 'the image or tag does not exist',
    patterns: [/: not found\b/i, /manifest unknown/i, /\bnot found: manifest/i, /code = NotFound/],
    mirrorHelps: false,
    fix: (ctx) => ({
      summary: `Use a tag that exists in ${ctx.registry ?? ''}/${ctx.repository ?? ''}`,
      commands: [`skopeo list-tags docker://${ctx.registry ?? ''}/${ctx.repository ?? ''}`],
    }),
  },
];

export const UNKNOWN_CAUSE: PullCause = {
  id: 'unknown',
  label: 'the cause is not in the event text',
  patterns: [],
  mirrorHelps: false,
  fix: (ctx) => ({
    summary: 'Read the pull error on the node, where the runtime prints it in full',
    commands: [`kubectl describe pod -n ${ctx.namespace} ${ctx.pods[0]}`, reproduce(ctx)],
  }),
};

/** The first cause whose pattern matches any of the texts, in the table's order. */
export function classifyPullError(...texts: (string | undefined)[]): PullCause {
  const present = texts.filter((t): t is string => !!t);
  return PULL_CAUSES.find((cause) => cause.patterns.some((p) => present.some((t) => p.test(t)))) ?? UNKNOWN_CAUSE;
}

/** The host a pull error names: the URL it requested, or the name it could not resolve. */
export function requestHostOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const url = /https?:\/\/([^/\s"'?:]+(?::\d+)?)/i.exec(text);
  if (url) return url[1]!.toLowerCase();
  const lookup = /lookup ([^\s:]+)(?::\d+)?(?: on \S+)?: /i.exec(text);
  return lookup?.[1]?.toLowerCase();
}
