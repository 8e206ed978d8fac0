// Runs a command in a container the way `kubectl exec` does: client-node's Exec over a WebSocket to
// .../pods/POD/exec, channel protocol v5/v4 (stdout = 1, stderr = 2, error = 3 carrying a Status with the
// exit code). The socket is ours (the `ws` package, the context's credentials) so that a refused upgrade
// still tells why: the Status body of a 403 or 400 is read instead of "Unexpected server response".
// Output is collected as bytes: /proc/PID/environ may hold invalid UTF-8 and megabytes of values.
import type { Exec as ExecClass, V1Status } from '@kubernetes/client-node';
import type https from 'node:https';
import { Writable } from 'node:stream';
import type WebSocket from 'ws';
import { formatDuration } from '../../duration.js';
import { GpuctlError } from '../../errors.js';
import { describeNetworkError, statusLine } from './client.js';

/** What client-node offers, newest first; v4 and v5 carry the exit code on the error channel. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const CLOSE_STREAM = 255;
export const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface ExecResult {
  stdout: Buffer;
  /** The last 64 KiB of stderr. */
  stderr: string;
  /** 0 for Success, the ExitCode cause of NonZeroExitCode; undefined when the runtime could not run the command. */
  exitCode?: number;
  /** The Status message of a failure ("command terminated with non-zero exit code: …", "Internal error occurred: …"). */
  message?: string;
  /** stdout went over the limit; what is kept is its start. */
  truncated: boolean;
}

export type ExecFailureKind = 'forbidden' | 'not-found' | 'rejected' | 'unauthorized' | 'server' | 'cut' | 'timeout' | 'network';

/** The exec could not be run or did not finish: one line, naming the pod and container. */
export class ExecFailure extends GpuctlError {
  constructor(
    readonly kind: ExecFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'ExecFailure';
  }
}

export interface ExecConnection {
  /** The cluster's server URL, possibly with a path prefix. */
  server: string;
  /** TLS material and auth headers of the context (kubeconfig.ts credentials()). */
  credentials: https.RequestOptions;
  debug?: (line: string) => void;
}

export function describeTarget(t: ExecTarget): string {
  return `container ${t.container} of pod ${t.namespace}/${t.pod}`;
}

/** A refused upgrade, with the Status message the API server sent. */
class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly statusMessage: string,
  ) {
    super(`${statusLine(status)}${statusMessage ? `: ${statusMessage}` : ''}`);
  }
}

/** client-node's WebSocketInterface, with our own socket: it reads refused upgrades and sees the socket close. */
class Socket {
  ws?: WebSocket;
  constructor(
    private readonly conn: ExecConnection,
    private readonly handshakeTimeoutMs: number,
  ) {}

  async connect(
    path: string,
    textHandler: ((text: string) => boolean) | null,
    binaryHandler: ((stream: number, buff: Buffer) => boolean) | null,
  ): Promise<WebSocket> {
    const { default: WebSocketImpl } = await import('ws');
    const base = this.conn.server.replace(/^http/, 'ws').replace(/\/+$/, '');
    const { headers, ...tls } = this.conn.credentials;
    const ws = new WebSocketImpl(`${base}${path}`, EXEC_PROTOCOLS, {
      ...(tls as WebSocket.ClientOptions),
      headers: headers as Record<string, string>,
      perMessageDeflate: false,
      handshakeTimeout: this.handshakeTimeoutMs || undefined,
    });
    this.ws = ws;
    return new Promise<WebSocket>((resolve, reject) => {
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => size < 65536 && (chunks.push(c), (size += c.length)));
        const refuse = () => {
          reject(new UpgradeRefused(res.statusCode ?? 0, statusMessage(Buffer.concat(chunks))));
          ws.terminate();
        };
        res.on('end', refuse);
        res.on('error', refuse);
      });
      ws.on('open', () => {
        opened = true;
        resolve(ws);
      });
      ws.on('error', (err) => {
        if (!opened) reject(err);
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const frame = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
        if (!isBinary) {
          if (textHandler && !textHandler(frame.toString('utf8'))) ws.close();
          return;
        }
        if (frame.length === 0 || frame[0] === CLOSE_STREAM) return; // v5: the server closed one stream
        if (binaryHandler && !binaryHandler(frame[0]!, frame.subarray(1))) ws.close();
      });
    });
  }
}

/**
 * Runs `command` (an argv, no shell) in the container. Resolves with the output and exit code, whatever
 * the code; throws ExecFailure when the exec is refused, cut off, or runs past timeoutMs.
 */
export async function execInContainer(
  conn: ExecConnection,
  target: ExecTarget,
  command: string[],
  options: { timeoutMs: number; maxStdoutBytes?: number },
): Promise<ExecResult> {
  const { Exec } = await import('@kubernetes/client-node');
  const where = describeTarget(target);
  const started = performance.now();
  const maxStdout = options.maxStdoutBytes ?? MAX_STDOUT_BYTES;
  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  let truncated = false;
  let stderrText = Buffer.alloc(0);
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (stdoutBytes + chunk.length > maxStdout) {
        truncated = true;
        chunk = chunk.subarray(0, Math.max(0, maxStdout - stdoutBytes));
      }
      if (chunk.length) stdoutChunks.push(Buffer.from(chunk));
      stdoutBytes += chunk.length;
      done();
    },
  });
  const stderr = new Writable({
    write(chunk: Buffer, _enc, done) {
      stderrText = Buffer.concat([stderrText, chunk]);
      if (stderrText.length > MAX_STDERR_BYTES) stderrText = stderrText.subarray(stderrText.length - MAX_STDERR_BYTES);
      done();
    },
  });
  const socket = new Socket(conn, options.timeoutMs);
  // KubeConfig is unused when a WebSocketInterface is given.
  const exec: ExecClass = new Exec(undefined as never, socket as never);
  const debug = (what: string) => conn.debug?.(`EXEC ${target.namespace}/${target.pod}/${target.container} ${command[0]} ${what} ${Math.round(performance.now() - started)}ms`);

  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (kind: ExecFailureKind, message: string) =>
      finish(() => {
        debug(`failed: ${message}`);
        socket.ws?.terminate();
        reject(new ExecFailure(kind, message));
      });
    const timer =
      options.timeoutMs > 0
        ? setTimeout(() => fail('timeout', `exec in ${where} gave no exit status within ${formatDuration(options.timeoutMs)}`), options.timeoutMs)
        : undefined;
    const onStatus = (status: V1Status) =>
      finish(() => {
        const result: ExecResult = { stdout: Buffer.concat(stdoutChunks), stderr: stderrText.toString('utf8'), truncated, ...exitOf(status) };
        debug(`exit ${result.exitCode ?? '?'} ${stdoutBytes} bytes`);
        resolve(result);
      });
    exec
      .exec(target.namespace, target.pod, target.container, command, stdout, stderr, null, false, onStatus)
      .then((ws) => {
        ws.on('close', (code) => {
          // v4/v5 send the Status before closing: a close without one is a stream cut off.
          setImmediate(() =>
            fail('cut', `exec in ${where} was cut off after ${stdoutBytes.toLocaleString('en-US')} bytes of output (connection closed with code ${code} before the exit status)`),
          );
        });
      })
      .catch((err: unknown) => {
        if (err instanceof UpgradeRefused) return fail(...refusal(err, target));
        const cause = (err as { error?: unknown }).error ?? err; // ws hands an ErrorEvent-like object to client-node
        const text = String((cause as Error).message ?? cause);
        if (/closed before the connection was established/.test(text)) return; // our own terminate() after a timeout or refusal
        if (/Opening handshake has timed out/.test(text)) return fail('timeout', `exec in ${where}: no answer to the upgrade within ${formatDuration(options.timeoutMs)}`);
        fail('network', `exec in ${where} failed: ${describeNetworkError(cause).message}`);
      });
  });
}

function exitOf(status: V1Status): Pick<ExecResult, 'exitCode' | 'message'> {
  if (status.status === 'Success') return { exitCode: 0 };
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  const exitCode = status.reason === 'NonZeroExitCode' && code !== undefined && /^\d+$/.test(code) ? Number(code) : undefined;
  return { exitCode, message: status.message ?? status.reason ?? 'unknown failure' };
}

/** A refused upgrade in words, naming what to do about it. */
function refusal(err: UpgradeRefused, target: ExecTarget): [ExecFailureKind, string] {
  const pod = `${target.namespace}/${target.pod}`;
  const detail = err.statusMessage ? `: ${err.statusMessage}` : '';
  switch (err.status) {
    case 403: {
      // Over WebSocket, older API servers authorise exec as `get` on pods/exec, newer ones as `create`.
      const verb = /cannot (\w+) resource "pods\/exec"/.exec(err.statusMessage)?.[1] ?? 'create';
      return ['forbidden', `exec into pod ${pod} is forbidden (403)${detail}; it needs the RBAC verb ${verb} on pods/exec (check: kubectl auth can-i ${verb} pods/exec -n ${target.namespace})`];
    }
    case 401:
      return ['unauthorized', `exec into pod ${pod} was refused: the credentials were rejected (401 Unauthorized)`];
    case 404:
      return ['not-found', `pod ${pod} not found (404)${detail}`];
    default:
      // 5xx: the API server (or the kubelet behind it) failed, which says nothing about the container.
      return [err.status >= 500 ? 'server' : 'rejected', `exec into ${describeTarget(target)} was refused (${err.message})`];
  }
}

function statusMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const status = JSON.parse(text) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not a Status
  }
  return text.split('\n')[0]!.slice(0, 200);
}
