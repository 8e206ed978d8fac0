// Runs a command in a container the way kubectl exec does: a WebSocket to pods/NAME/exec speaking the
// v4.channel.k8s.io (or v5) protocol (each binary frame starts with its stream: 1 stdout, 2 stderr, 3 the final
// Status). Small and self-contained for the node probe; a fuller transport can replace it behind PodExec.
import type https from 'node:https';
import { formatDuration } from '../../duration.js';
import { describeNetworkError, statusLine } from '../live/client.js';

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** From the final Status: 0 on Success, the code of NonZeroExitCode; undefined when none came. */
  exitCode?: number;
}

/** The exec could not run or did not finish: the cause in words, with the HTTP status of a refused upgrade. */
export class ExecFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ExecFailure';
  }
}

export type PodExec = (target: ExecTarget, timeoutMs: number) => Promise<ExecResult>;

export interface ExecConnection {
  server: string;
  credentials: https.RequestOptions;
  /** Output beyond this many bytes ends the exec: a probe never prints that much. */
  maxBytes?: number;
}

const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const MAX_BYTES = 64 * 1024 * 1024;

export function execPath(target: ExecTarget): string {
  const query = new URLSearchParams();
  for (const arg of target.command) query.append('command', arg);
  query.set('container', target.container);
  query.set('stdout', 'true');
  query.set('stderr', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/exec?${query}`;
}

interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

function exitCodeOf(status: ExecStatus): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return status.reason === 'NonZeroExitCode' && Number.isInteger(code) ? code : undefined;
}

export function webSocketExec(connection: ExecConnection): PodExec {
  return async (target, timeoutMs) => {
    const { default: WebSocket } = await import('ws');
    const url = new URL(connection.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const base = url.pathname.replace(/\/+$/, '');
    const { headers, auth, ca, cert, key, pfx, passphrase, rejectUnauthorized, servername, agent } = connection.credentials;
    const wsHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers ?? {})) if (typeof value === 'string') wsHeaders[name] = value.trim();
    if (auth) wsHeaders.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    const address = `${url.protocol}//${url.host}${base}${execPath(target)}`;
    const maxBytes = connection.maxBytes ?? MAX_BYTES;

    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let bytes = 0;
      let status: ExecStatus | undefined;
      let settled = false;
      const wsOptions: import('ws').ClientOptions & { servername?: string } = {
        headers: wsHeaders,
        ca,
        cert,
        key,
        pfx,
        passphrase,
        rejectUnauthorized,
        servername,
        ...(agent ? { agent: agent as https.Agent } : {}),
      };
      // v5 (API servers since 1.30) and v4 frame stdout, stderr and the final Status alike; either will do.
      const ws = new WebSocket(address, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], wsOptions);
      const timer = timeoutMs > 0 ? setTimeout(() => fail(new ExecFailure(`the exec did not finish within ${formatDuration(timeoutMs)}`)), timeoutMs) : undefined;
      function fail(err: ExecFailure): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      }
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let message = body.trim().split('\n')[0]!.slice(0, 300);
          try {
            const parsed = JSON.parse(body) as { message?: string };
            if (parsed.message) message = parsed.message;
          } catch {
            // not a Status: keep the text
          }
          const code = res.statusCode ?? 0;
          fail(new ExecFailure(`${statusLine(code)}${message ? `: ${message}` : ''}`, code));
        });
      });
      ws.on('message', (data: Buffer) => {
        if (data.length === 0) return;
        const payload = data.subarray(1);
        const stream = data[0];
        if (stream === STDOUT || stream === STDERR) {
          bytes += payload.length;
          if (bytes > maxBytes) return fail(new ExecFailure(`the command printed more than ${maxBytes} bytes`));
          (stream === STDOUT ? stdout : stderr).push(payload);
        } else if (stream === ERROR && payload.length) {
          try {
            status = JSON.parse(payload.toString('utf8')) as ExecStatus;
          } catch {
            status = { status: 'Failure', message: payload.toString('utf8') };
          }
        }
      });
      ws.on('error', (err) => fail(new ExecFailure(describeNetworkError(err).message)));
      ws.on('close', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const exitCode = status ? exitCodeOf(status) : undefined;
        // A Failure that is not an exit code (container not found, not running): the exec never ran.
        if (status && exitCode === undefined && status.status !== 'Success') {
          return reject(new ExecFailure(status.message ?? 'the exec failed'));
        }
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          ...(exitCode === undefined ? {} : { exitCode }),
        });
      });
    });
  };
}
