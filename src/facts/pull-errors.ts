// Why an image pull failed, read from the error text kubelet puts into events and container statuses.
// The table is data: patterns → cause (the fix for each cause is src/remedies/pulls.ts's). The first cause
// whose pattern matches wins, so the order matters (a 429 message mentions "authenticating", a timeout
// reaching auth.docker.io "authorize", a platform mismatch ends in "not found").

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

export interface PullCause {
  id: PullCauseId;
  /** Short label for messages: "the registry is unreachable". */
  label: string;
  patterns: RegExp[];
  /** Whether a registry mirror on the node would make this pull work. */
  mirrorHelps: boolean;
}

export const PULL_CAUSES: PullCause[] = [
  {
    id: 'rate-limited',
    label: 'Docker Hub rate limit reached',
    patterns: [/toomanyrequests/i, /429 Too Many Requests/i, /pull rate limit/i],
    mirrorHelps: true,
  },
  {
    id: 'invalid-name',
    label: 'the image reference is not valid',
    patterns: [/InvalidImageName/, /invalid reference format/i, /couldn't parse image (reference|name)/i],
    mirrorHelps: false,
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
  },
  {
    id: 'tls',
    label: 'the registry certificate or protocol is not trusted',
    patterns: [/x509:/i, /certificate signed by unknown authority/i, /tls: failed to verify/i, /server gave HTTP response to HTTPS client/i],
    mirrorHelps: false,
  },
  {
    id: 'unauthorized',
    label: 'the registry refused the credentials',
    patterns: [/401 Unauthorized/i, /403 Forbidden/i, /unauthorized: authentication required/i, /\bunauthorized\b/i, /no basic auth credentials/i],
    mirrorHelps: false,
  },
  {
    id: 'access-denied',
    label: 'the repository does not exist or is private',
    patterns: [/pull access denied/i, /repository does not exist or may require/i, /insufficient_scope/i, /requested access to the resource is denied/i],
    mirrorHelps: false,
  },
  {
    id: 'platform',
    label: "the image has no build for the node's platform",
    patterns: [/no matching manifest for/i, /no match for platform in manifest/i],
    mirrorHelps: false,
  },
  {
    id: 'not-found',
    label: 'the image or tag does not exist',
    patterns: [/: not found\b/i, /manifest unknown/i, /\bnot found: manifest/i, /code = NotFound/],
    mirrorHelps: false,
  },
];

export const UNKNOWN_CAUSE: PullCause = {
  id: 'unknown',
  label: 'the cause is not in the event text',
  patterns: [],
  mirrorHelps: false,
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
