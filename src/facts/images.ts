// Image references, normalised the way containerd and docker do it (distribution/reference's
// ParseNormalizedNamed): `nginx` is docker.io/library/nginx:latest, `user/app` is docker.io/user/app,
// and the first path component is a registry host only when it has a dot, a colon or is `localhost`.

export const DOCKER_HUB = 'docker.io';

export interface ImageReference {
  /** As written in the pod spec. */
  input: string;
  /** Registry host namespace as containerd looks it up: docker.io, nvcr.io, registry:5000. */
  host: string;
  /** Path inside the registry: library/nginx, nvidia/k8s/cuda-sample. */
  repository: string;
  /** The tag; `latest` when neither tag nor digest was given. */
  tag?: string;
  digest?: string;
  /** host/repository[:tag][@digest], the name `crictl images` shows. */
  normalized: string;
}

export interface InvalidImageReference {
  input: string;
  /** The error, worded as the runtime words it. */
  error: string;
}

// The grammar of distribution/reference (regexp.go), anchored.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const REMAINDER_RE = new RegExp(`^(${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export function isInvalid(ref: ImageReference | InvalidImageReference): ref is InvalidImageReference {
  return 'error' in ref;
}

/** Splits `name` into registry host and the rest, as docker's splitDockerDomain does. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    return [DOCKER_HUB, name];
  }
  return [first === 'index.docker.io' ? DOCKER_HUB : first, name.slice(slash + 1)];
}

export function parseImageReference(input: string): ImageReference | InvalidImageReference {
  const invalid = (why: string): InvalidImageReference => ({ input, error: why });
  if (input === '') return invalid('repository name must have at least one component');
  if (IDENTIFIER_RE.test(input)) return invalid(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  let [host, remainder] = splitDomain(input);
  if (host === DOCKER_HUB && !remainder.includes('/')) remainder = `library/${remainder}`;
  const remoteName = remainder.split(/[:@]/)[0]!;
  if (remoteName.toLowerCase() !== remoteName) {
    return invalid(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const match = REMAINDER_RE.exec(remainder);
  if (!DOMAIN_RE.test(host) || !match) return invalid('invalid reference format');
  const [, repository, tag, digest] = match as unknown as [string, string, string | undefined, string | undefined];
  if (host.length + 1 + repository.length > NAME_MAX) {
    return invalid(`repository name must not be more than ${NAME_MAX} characters`);
  }
  if (digest) {
    const [algorithm, hex] = digest.split(':') as [string, string];
    const length = DIGEST_HEX_LENGTH[algorithm];
    if (length === undefined) return invalid('unsupported digest algorithm');
    if (hex.length !== length) return invalid('invalid checksum digest length');
  }
  // A name alone means :latest; a digest alone pins the image and gets no tag.
  const effectiveTag = tag ?? (digest ? undefined : 'latest');
  return {
    input,
    host,
    repository,
    ...(effectiveTag ? { tag: effectiveTag } : {}),
    ...(digest ? { digest } : {}),
    normalized: `${host}/${repository}${effectiveTag ? `:${effectiveTag}` : ''}${digest ? `@${digest}` : ''}`,
  };
}

/** The registry host of an image as written, or undefined when the reference is invalid. */
export function registryHost(image: string): string | undefined {
  const ref = parseImageReference(image);
  return isInvalid(ref) ? undefined : ref.host;
}

/** Hosts that answer for a registry host namespace without any mirror: Docker Hub has several. */
const UPSTREAM_HOSTS: Record<string, string[]> = {
  [DOCKER_HUB]: ['registry-1.docker.io', 'index.docker.io', 'auth.docker.io', 'docker.io', 'production.cloudflare.docker.com'],
};

/** The host a runtime contacts for a registry when no mirror is configured. */
export function upstreamEndpoint(registry: string): string {
  return UPSTREAM_HOSTS[registry]?.[0] ?? registry;
}

/** Whether a host seen in an error message is the registry itself (so no mirror was tried first). */
export function isUpstreamHost(registry: string, host: string): boolean {
  const lower = host.toLowerCase();
  return (UPSTREAM_HOSTS[registry] ?? [registry.toLowerCase()]).includes(lower);
}

/** Maps a host seen in a request URL back to the registry host namespace it serves. */
export function registryOfRequestHost(host: string): string {
  const lower = host.toLowerCase();
  for (const [registry, hosts] of Object.entries(UPSTREAM_HOSTS)) if (hosts.includes(lower)) return registry;
  return lower;
}
