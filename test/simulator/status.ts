// metav1.Status bodies worded as the API server words them (k8s.io/apimachinery/pkg/api/errors).

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, string>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; retryAfterSeconds?: number; causes?: { message: string }[] };
  code: number;
}

/** What a request asks for, when it names a resource (discovery paths do not). */
export interface ResourceTarget {
  verb: 'get' | 'list' | 'create' | 'delete';
  group: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `pods`, `daemonsets.apps`: how messages name a resource. */
function qualified(target: ResourceTarget): string {
  return target.group ? `${target.plural}.${target.group}` : target.plural;
}

function detailsOf(target: ResourceTarget): NonNullable<Status['details']> {
  return { ...(target.name ? { name: target.name } : {}), ...(target.group ? { group: target.group } : {}), kind: target.plural };
}

export function notFound(target?: ResourceTarget): Status {
  if (!target?.name) return status(404, 'NotFound', 'the server could not find the requested resource');
  return status(404, 'NotFound', `${qualified(target)} "${target.name}" not found`, detailsOf(target));
}

export function forbidden(target: ResourceTarget | undefined, user: string, method: string, path: string): Status {
  if (!target) return status(403, 'Forbidden', `forbidden: User "${user}" cannot ${method.toLowerCase()} path "${path}"`, {});
  const subject = target.name ? `${qualified(target)} "${target.name}"` : qualified(target);
  const resource = target.subresource ? `${target.plural}/${target.subresource}` : target.plural;
  const scope = target.namespace ? `in the namespace "${target.namespace}"` : 'at the cluster scope';
  return status(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${target.verb} resource "${resource}" in API group "${target.group}" ${scope}`,
    detailsOf(target),
  );
}

export function unauthorized(): Status {
  return status(401, 'Unauthorized', 'Unauthorized');
}

export function expired(): Status {
  return status(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}

export function tooManyRequests(retryAfterSeconds: number): Status {
  return status(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
}

export function internalError(cause = 'etcdserver: request timed out'): Status {
  return status(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}

export function serviceUnavailable(message = 'the server is currently unable to handle the request'): Status {
  return status(503, 'ServiceUnavailable', message);
}

export function badRequest(message: string): Status {
  return status(400, 'BadRequest', message);
}

export function methodNotAllowed(): Status {
  return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The Status a fault answers with: the real wording for the codes clients handle, a plain one otherwise. */
export function statusForCode(
  code: number,
  request: { method: string; path: string; target?: ResourceTarget },
  options: { user: string; message?: string; retryAfterSeconds: number },
): Status {
  const base = (() => {
    switch (code) {
      case 401:
        return unauthorized();
      case 403:
        return forbidden(request.target, options.user, request.method, request.path);
      case 404:
        return notFound(request.target);
      case 410:
        return expired();
      case 429:
        return tooManyRequests(options.retryAfterSeconds);
      case 500:
        return internalError(options.message);
      case 503:
        return serviceUnavailable(options.message);
      default:
        return status(code, REASONS[code] ?? 'Unknown', options.message ?? `the server responded with the status code ${code}`);
    }
  })();
  return options.message && code !== 500 ? { ...base, message: options.message } : base;
}
