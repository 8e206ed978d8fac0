// How gpuctl talks to the API server: GET (and, for --fix, POST/PATCH/DELETE) with a time limit per request,
// retries with backoff and jitter for what is worth retrying, and every failure as a cause in words. Credentials come from client-node
// (kubeconfig.ts); the HTTP is plain node:http/https so paths, timeouts and bodies stay under our control.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { version } from '../../../package.json';
import { formatDuration } from '../../duration.js';

export interface ClientOptions {
  /** The cluster's server URL, possibly with a path prefix (Rancher: https://host/k8s/clusters/c-x). */
  server: string;
  /** From kubeconfig.ts credentials(): TLS material, auth headers, a proxy agent. */
  credentials: https.RequestOptions;
  /** Limit of each request, from the first byte sent to the last received; 0 = none. */
  timeoutMs: number;
  attempts?: number;
  /** Delay before the first retry; doubled for each next one, with jitter. */
  backoffMs?: number;
  /** Cap of a delay, Retry-After included. */
  maxDelayMs?: number;
  maxSockets?: number;
  debug?: (line: string) => void;
}

export interface ApiResponse<T> {
  status: number;
  /** "503 Service Unavailable" */
  statusLine: string;
  attempts: number;
  /** The decoded body of a 2xx answer. */
  value?: T;
  /** For any other answer: the message of the Kubernetes Status, or the start of the body. */
  message: string;
}

/** No HTTP answer (refused, DNS, TLS, timeout, reset…); the message is the cause in words. */
export class RequestFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    public attempts = 1,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const WRITE_RETRY_STATUSES = new Set([429]);

interface RawRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  accept: string;
  body?: Buffer;
  contentType?: string;
}
const gunzip = promisify(zlib.gunzip);

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Decoded as UTF-8 while it arrives: no Buffer of a whole big page (see once()). */
  body: string;
}

export class KubeClient {
  private readonly url: URL;
  private readonly basePath: string;
  private readonly agent: http.Agent;
  private readonly headers: http.OutgoingHttpHeaders;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: ClientOptions) {
    this.url = new URL(options.server);
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername, headers, auth, agent } = options.credentials;
    const pool = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent =
      (agent as http.Agent | undefined) ??
      (this.url.protocol === 'https:'
        ? new https.Agent({ ...pool, ca, cert, key, pfx, passphrase, rejectUnauthorized, servername })
        : new http.Agent(pool));
    // Like client-go: big lists shrink ~10× compressed, which matters over anything slower than loopback.
    this.headers = { 'User-Agent': `gpuctl/${version}`, 'Accept-Encoding': 'gzip' };
    for (const [name, value] of Object.entries(headers ?? {})) {
      // A token file read with its trailing newline would make an invalid header.
      this.headers[name] = typeof value === 'string' ? value.trim() : value;
    }
    if (auth) this.headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  }

  /** `accept` may ask for another representation, e.g. metadata only (PartialObjectMetadataList). */
  getJson<T = unknown>(path: string, accept = 'application/json'): Promise<ApiResponse<T>> {
    return this.get(path, accept, (body) => JSON.parse(body) as T);
  }

  getText(path: string): Promise<ApiResponse<string>> {
    return this.get(path, 'text/plain, */*', (body) => body);
  }

  /** POST a new object (JSON). */
  post<T = unknown>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.write('POST', path, body, 'application/json');
  }

  /** PATCH with a JSON merge patch (RFC 7386: null deletes a key), what `kubectl label` amounts to. */
  patchMerge<T = unknown>(path: string, patch: unknown): Promise<ApiResponse<T>> {
    return this.write('PATCH', path, patch, 'application/merge-patch+json');
  }

  delete<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.write('DELETE', path, undefined);
  }

  /** Frees the kept-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * GET with retries: 429 (after Retry-After), 5xx gateway/availability errors, resets and bodies cut
   * off are tried again; anything else is returned (an HTTP answer) or thrown (a RequestFailure).
   */
  private get<T>(path: string, accept: string, decode: (body: string) => T): Promise<ApiResponse<T>> {
    return this.send({ method: 'GET', path, accept }, decode, RETRY_STATUSES, true);
  }

  /**
   * A change: retried only when the server said it did nothing (429, from API priority and fairness).
   * A reset or a 5xx may come after the change was made, so those are reported, not repeated.
   */
  private write<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown, contentType?: string): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    // A 2xx is the change made, whatever its body: an empty or odd body must not turn it into a failure.
    const decode = (b: string) => {
      try {
        return JSON.parse(b) as T;
      } catch {
        return {} as T;
      }
    };
    return this.send({ method, path, accept: 'application/json', body: payload, contentType }, decode, WRITE_RETRY_STATUSES, false);
  }

  private async send<T>(request: RawRequest, decode: (body: string) => T, retryStatuses: Set<number>, retryFailures: boolean): Promise<ApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      let response: RawResponse | undefined;
      let failure: RequestFailure | undefined;
      let value: T | undefined;
      try {
        response = await this.once(request);
        if (response.status >= 200 && response.status < 300) value = decodeOrFail(response.body, decode);
      } catch (err) {
        failure = err instanceof RequestFailure ? err : new RequestFailure(String(err), false);
      }
      const retryable = failure ? failure.retryable && retryFailures : retryStatuses.has(response!.status);
      if (!retryable || attempt >= this.attempts) {
        if (failure) {
          failure.attempts = attempt;
          throw failure;
        }
        const status = response!.status;
        const message = value === undefined ? statusMessage(response!.body) : '';
        return { status, statusLine: statusLine(status), attempts: attempt, value, message };
      }
      await sleep(this.retryDelay(attempt, response));
    }
  }

  private retryDelay(attempt: number, response?: RawResponse): number {
    const retryAfter = Number(response?.headers['retry-after']);
    // 429 from API priority and fairness, and some 503s, say when to come back.
    if (Number.isFinite(retryAfter) && retryAfter >= 0) {
      return Math.min(retryAfter * 1000, this.maxDelayMs);
    }
    const exponential = this.backoffMs * 2 ** (attempt - 1);
    return Math.min(exponential * (0.5 + Math.random()), this.maxDelayMs);
  }

  private once({ method, path, accept, body, contentType }: RawRequest): Promise<RawResponse> {
    const started = performance.now();
    const { timeoutMs, debug } = this.options;
    return new Promise<RawResponse>((resolve, reject) => {
      let timedOut = false;
      let settled = false;
      const transport = this.url.protocol === 'https:' ? https : http;
      const req = transport.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: this.url.port,
          path: this.basePath + path,
          method,
          agent: this.agent,
          headers: {
            ...this.headers,
            Accept: accept,
            ...(body ? { 'Content-Type': contentType ?? 'application/json', 'Content-Length': body.length } : {}),
          },
        },
        (res) => {
          // A plain body is decoded chunk by chunk into a string (held by V8, freed by its GC) rather than
          // gathered into one Buffer the size of the page: a 100,000-pod list is hundreds of MB of
          // malloc'd Buffers that glibc does not give back, which showed as ~110 MB more peak RSS.
          const gzipped = res.headers['content-encoding'] === 'gzip';
          const chunks: Buffer[] = [];
          const decoder = new StringDecoder('utf8');
          let text = '';
          res.on('data', (chunk: Buffer) => (gzipped ? chunks.push(chunk) : (text += decoder.write(chunk))));
          res.on('error', fail);
          res.on('end', async () => {
            if (!res.complete) return fail(new Error('aborted'));
            let body = text + decoder.end();
            if (gzipped) {
              try {
                body = (await gunzip(Buffer.concat(chunks))).toString('utf8');
              } catch {
                return fail(new Error('aborted')); // a gzip stream that ends early was cut off
              }
            }
            if (settled) return;
            settled = true;
            done();
            debug?.(`${method} ${path} ${res.statusCode} ${elapsed()}`);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
          // Without 'end', a closed response was cut off before its last byte.
          res.on('close', () => !res.complete && fail(new Error('aborted')));
        },
      );
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              req.destroy(new Error('timeout'));
            }, timeoutMs)
          : undefined;
      const done = () => clearTimeout(timer);
      const elapsed = () => `${Math.round(performance.now() - started)}ms`;
      function fail(err: unknown): void {
        if (settled) return;
        settled = true;
        done();
        const failure = timedOut
          ? new RequestFailure(`no answer within ${formatDuration(timeoutMs)} (--request-timeout)`, false)
          : describeNetworkError(err);
        debug?.(`${method} ${path} failed: ${failure.message} ${elapsed()}`);
        reject(failure);
      }
      req.on('error', fail);
      req.end(body);
    });
  }
}

function decodeOrFail<T>(body: string, decode: (body: string) => T): T {
  try {
    return decode(body);
  } catch (err) {
    // A 2xx body that does not parse was cut off on the way (or mangled by a proxy): try again.
    throw new RequestFailure(`response body unreadable (${(err as Error).message.split('\n')[0]})`, true);
  }
}

/** Connection errors in the words an operator searches for; resets and cut bodies may be retried. */
export function describeNetworkError(err: unknown): RequestFailure {
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  const code = e.code ?? '';
  const message = String(e.message ?? err).split('\n')[0]!;
  if (code === 'ECONNREFUSED') return new RequestFailure('connection refused', false);
  if (code === 'ENOTFOUND') return new RequestFailure(`no such host ${e.hostname ?? ''} (DNS lookup failed)`.replace('  ', ' '), false);
  if (code === 'EAI_AGAIN') return new RequestFailure(`DNS lookup of ${e.hostname ?? 'the host'} failed temporarily (EAI_AGAIN)`, false);
  if (message === 'aborted') return new RequestFailure('connection cut off mid-response', true);
  if (message === 'socket hang up') return new RequestFailure('connection closed by the server (socket hang up)', true);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new RequestFailure(`connection reset (${code})`, true);
  // OpenSSL's "ssl3_get_record:wrong version number": the first bytes back were not TLS but plain HTTP.
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(message)) {
    return new RequestFailure("the server answered plain HTTP to a TLS client: check the server URL's scheme (http:// instead of https://?)", false);
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|ERR_OSSL|EPROTO/.test(code) || /certificate|TLS|SSL/i.test(message)) {
    return new RequestFailure(`TLS error: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, false);
  }
  if (code === 'ETIMEDOUT') return new RequestFailure('connection timed out (ETIMEDOUT)', false);
  return new RequestFailure(code && !message.includes(code) ? `${message} (${code})` : message, false);
}

export function statusLine(status: number): string {
  return `${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
}

/** The message of a Kubernetes Status body ("pods is forbidden: User …"), else the start of the body. */
function statusMessage(body: string): string {
  const text = body.slice(0, 4096).trim();
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.split('\n')[0]!.slice(0, 200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
