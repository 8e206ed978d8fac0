// pods/exec over WebSocket, as the API server and kubelet serve it: subprotocols v5/v4.channel.k8s.io,
// frames prefixed with their channel (1 stdout, 2 stderr, 3 error: a Status carrying the exit code).
// The "container" replays the snapshot: gpuctl's /proc dump is answered from
// pods/NS/POD/CONTAINER/processes.json (+ ld.so.preload), formatted byte for byte as the real script prints
// /proc; `nvidia-smi -L` from pods/…/commands/nvidia-smi-L.txt; strace from the same process table.
// What a snapshot cannot say (no /bin/sh, strace installed, /proc hidden) comes from ContainerBehaviour.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { SHEBANG_SCRIPT, STRACE_RUN_SCRIPT, TOOLS_PROBE_SCRIPT } from '../../src/facts/container-probe.js';
import type { Pod } from '../../src/facts/kube.js';
import { PROC_DUMP_SCRIPT } from '../../src/facts/proc-dump.js';
import type { Collection, ProcessInfo } from '../../src/collection/collection.js';
import type { Catalog } from './catalog.js';
import { DEFAULT_USER, type Fault, type FaultTable } from './faults.js';
import { resolveContainer } from './logs.js';
import { badRequest, internalError, notFound, type Status, statusForCode } from './status.js';

export interface ContainerBehaviour {
  /** false: a distroless image, `sh` is not there. Default true. */
  shell?: boolean;
  /** 'hidden': /proc shows no process (not mounted, hidepid); 'environ-denied': every environ unreadable. */
  proc?: 'readable' | 'hidden' | 'environ-denied';
  /** strace is installed (at /usr/bin/strace). Default false. */
  strace?: boolean;
  /** The image's /etc/os-release. Default: Debian 12. */
  osRelease?: string;
  /** Package managers on PATH. Default: apt-get. */
  packageManagers?: string[];
  /** First lines of files, for the #! probe: `/start.sh` → `#!/bin/bash`. */
  firstLines?: Record<string, string>;
  /** Raw bytes appended to a process's environ (invalid UTF-8, huge values): pid → bytes. */
  rawEnviron?: Record<number, Buffer>;
}

/** `ns/pod/container` → behaviour. */
export type Behaviours = Record<string, ContainerBehaviour>;

export interface ExecContext {
  catalog: Catalog;
  collection: Collection;
  faults: FaultTable;
  /** The `refuse` fault: the server stops accepting connections. */
  refuseConnections?: () => void;
  behaviours: Behaviours;
  /** Answers a command before the container replays the snapshot (the node probe's script); undefined to pass. */
  script?: (pod: Pod, container: string, command: string[]) => Outcome | undefined;
  /**
   * Which pod and container a request path names: the API server's `…/pods/NAME/exec?container=C` by
   * default; the kubelet stand-in of test/apiserver serves the kubelet's `/exec/NS/POD/CONTAINER`.
   */
  route?: (url: URL) => { namespace: string; name: string; container?: string } | undefined;
  /** Called with the request record once the answer is known. */
  record(entry: { method: string; path: string; query: Record<string, string>; status: number; fault?: 'latency' | 'status' | 'cut' | 'hang' }): void;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const FRAME_BYTES = 32 * 1024;
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\/?$/;

const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

export interface Outcome {
  stdout?: Buffer;
  stderr?: string;
  /** 0 → Success; a number → NonZeroExitCode; a Status → that failure (runtime errors). */
  exit: number | Status;
}

export function isExecPath(urlPath: string): boolean {
  return EXEC_PATH.test(urlPath);
}

function apiServerRoute(url: URL): { namespace: string; name: string; container?: string } | undefined {
  const m = EXEC_PATH.exec(url.pathname);
  return m ? { namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), container: url.searchParams.get('container') ?? undefined } : undefined;
}

export interface ExecServer {
  /** The `upgrade` listener of the HTTP server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Upgraded sockets are no longer the HTTP server's: closing it leaves them to this. */
  close(): void;
}

export function createExecServer(ctx: ExecContext): ExecServer {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  const sockets = new Set<Duplex>();

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://simulator');
      const query = Object.fromEntries(url.searchParams);
      const entry = { method: req.method ?? 'GET', path: url.pathname, query, status: 0 } as Parameters<ExecContext['record']>[0];
      const refuse = (s: Status) => {
        entry.status = s.code;
        ctx.record(entry);
        const body = JSON.stringify(s);
        socket.end(
          `HTTP/1.1 ${s.code} ${STATUS_CODES[s.code]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      };
      const route = (ctx.route ?? apiServerRoute)(url);
      if (!route) return refuse(notFound());
      const { namespace, name } = route;
      const target = { verb: 'create' as const, group: '', plural: 'pods', namespace, name, subresource: 'exec' };

      const fault: Fault | undefined = ctx.faults.take(entry.method, url.pathname, url.search.slice(1));
      if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault?.refuse) {
        ctx.refuseConnections?.();
        socket.destroy();
        return;
      }
      if (fault?.status) {
        entry.fault = 'status';
        return refuse(statusForCode(fault.status, { method: entry.method, path: url.pathname, target }, { user: fault.user ?? DEFAULT_USER, message: fault.message, retryAfterSeconds: 1 }));
      }
      const pod = ctx.catalog.lookup('', 'v1', 'pods')?.byKey.get(`${namespace}/${name}`) as Pod | undefined;
      if (!pod) return refuse(notFound(target));
      const container = resolveContainer(pod, route.container);
      if (typeof container !== 'string') return refuse(container);
      const running = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.running;
      if (pod.status?.phase !== 'Running' || !running) return refuse(badRequest(`unable to upgrade connection: container not found ("${container}")`));
      const command = url.searchParams.getAll('command');
      if (command.length === 0) return refuse(badRequest('you must specify at least 1 command'));

      if (fault?.hang) {
        entry.fault = 'hang';
        ctx.record(entry);
        return; // the upgrade is never answered
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        entry.status = 101;
        if (fault?.cut) entry.fault = 'cut';
        ctx.record(entry);
        const key = `${namespace}/${name}/${container}`;
        const outcome = ctx.script?.(pod, container, command) ?? runInContainer(ctx.collection, key, ctx.behaviours[key] ?? {}, command);
        send(ws, outcome, fault?.cut ? fault.cut : undefined, command);
      });
    })().catch((err: unknown) => socket.destroy(err as Error));
  };
  return {
    upgrade,
    close() {
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      wss.close();
    },
  };
}

/** Streams stdout and stderr in frames, then the Status; a cut fault stops halfway and drops the connection. */
function send(ws: WebSocket, outcome: Outcome, cut: Fault['cut'], command: string[]): void {
  const stdout = outcome.stdout ?? Buffer.alloc(0);
  const cutAt = cut === undefined || cut === false ? undefined : cut === true ? Math.floor(stdout.length / 2) : cut.afterBytes;
  const frame = (channel: number, data: Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), data]));
  for (let at = 0; at < stdout.length; at += FRAME_BYTES) {
    const end = Math.min(stdout.length, at + FRAME_BYTES, cutAt ?? Number.POSITIVE_INFINITY);
    if (end > at) frame(1, stdout.subarray(at, end));
    if (cutAt !== undefined && end >= cutAt) {
      // Let the frames reach the socket, then tear it down without a close frame.
      setTimeout(() => ws.terminate(), 20);
      return;
    }
  }
  if (cutAt !== undefined) {
    setTimeout(() => ws.terminate(), 20);
    return;
  }
  if (outcome.stderr) frame(2, Buffer.from(outcome.stderr));
  frame(3, Buffer.from(JSON.stringify(statusOf(outcome.exit, command))));
  ws.close(1000);
}

/** The error channel's Status, worded as the kubelet words it (remotecommand httpstream.go). */
function statusOf(exit: number | Status, command: string[]): object {
  if (typeof exit !== 'number') return exit;
  if (exit === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exit}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exit) }] },
  };
}

/** containerd's answer to an exec of a program the image does not have. */
function notInImage(program: string): Status {
  return internalError(
    `error executing command in container: failed to exec in container: failed to start exec "5f1c0e3a9b": OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown`,
  );
}

function runInContainer(collection: Collection, key: string, behaviour: ContainerBehaviour, command: string[]): Outcome {
  const [program, ...args] = command;
  const isShell = program === 'sh' || program === '/bin/sh';
  if (isShell && behaviour.shell === false) return { exit: notInImage(program!) };
  if (isShell && args[0] === '-c') {
    const [script, , ...rest] = args.slice(1);
    if (script === PROC_DUMP_SCRIPT) return procDump(collection, key, behaviour);
    if (script === TOOLS_PROBE_SCRIPT) return toolsProbe(behaviour);
    if (script === SHEBANG_SCRIPT) {
      const lines = rest.filter((f) => behaviour.firstLines?.[f]?.startsWith('#!')).map((f) => `${f}\t${behaviour.firstLines![f]}\n`);
      return { stdout: Buffer.from(lines.join('')), exit: 0 };
    }
    if (script === STRACE_RUN_SCRIPT) {
      if (!behaviour.strace) return { stderr: 'sh: 2: strace: not found\n', exit: 127 };
      return { stdout: Buffer.from(straceOf(collection.processes.get(key) ?? [], rest.slice(1))), exit: 0 };
    }
    return { stderr: `sh: 1: ${script?.split(/\s/)[0]}: not found\n`, exit: 127 };
  }
  if (program === 'nvidia-smi') {
    const out = collection.containerCommands.get(key)?.get(`nvidia-smi${args.join('')}`);
    if (!out) return { exit: notInImage('nvidia-smi') };
    return { stdout: Buffer.from(out.stdout), stderr: out.stderr, exit: out.exitCode };
  }
  return { exit: notInImage(program ?? '') };
}

function toolsProbe(b: ContainerBehaviour): Outcome {
  const lines = [`@@strace ${b.strace ? '/usr/bin/strace' : ''}`, ...(b.packageManagers ?? ['apt-get']).map((m) => `@@pm ${m}`), '@@os-release'];
  return { stdout: Buffer.from(`${lines.join('\n')}\n${b.osRelease ?? DEBIAN_12}`), exit: 0 };
}

/** Exactly what PROC_DUMP_SCRIPT prints: /proc/[0-9]* in glob (string) order, the dump shell included. */
export function procDump(collection: Collection, key: string, behaviour: ContainerBehaviour): Outcome {
  const preload = collection.preloadFiles.get(key);
  const table = behaviour.proc === 'hidden' ? [] : (collection.processes.get(key) ?? []);
  // The shell's random marker (the kernel's uuid) and its own pid come first.
  const marker = randomUUID();
  const selfPid = table.reduce((max, p) => Math.max(max, p.pid), 0) + 1;
  const parts: Buffer[] = [Buffer.from(`@@gpuctl-dump ${marker} ${selfPid}\n`)];
  if (preload !== undefined) parts.push(Buffer.from(`@@gpuctl-preload ${marker}\n${preload}`));
  if (table.length === 0) return { stdout: Buffer.concat(parts), exit: 0 };
  const self: ProcessInfo = {
    pid: selfPid,
    ppid: 0,
    cmdline: ['sh', '-c', PROC_DUMP_SCRIPT],
    environ: table.find((p) => p.pid === 1)?.environ ?? {},
  };
  const denied = behaviour.proc === 'environ-denied';
  const errors: string[] = [];
  for (const p of [...table, self].sort((a, b) => String(a.pid).localeCompare(String(b.pid)))) {
    const comm = (p.cmdline[0] ?? '').split('/').pop()!.slice(0, 15);
    parts.push(Buffer.from(`\n@@gpuctl-proc ${marker} ${p.pid}\n${p.pid} (${comm}) S ${p.ppid} ${p.pid} ${p.pid} 0 -1 4194560 1520 0 0 0 3 1 0 0 20 0 1 0 4242 5832704 412\n`));
    parts.push(Buffer.from(`\n@@cmdline ${marker}\n`), Buffer.from(p.cmdline.map((a) => `${a}\0`).join('')));
    parts.push(Buffer.from(`\n@@environ ${marker}\n`));
    if (p.environUnreadable || (denied && p !== self)) {
      errors.push(`cat: /proc/${p.pid}/environ: Permission denied\n`);
      parts.push(Buffer.from(`@@unreadable ${marker}`));
      continue;
    }
    parts.push(Buffer.from(Object.entries(p.environ).map(([k, v]) => `${k}=${v}\0`).join('')));
    const raw = behaviour.rawEnviron?.[p.pid];
    if (raw) parts.push(raw);
  }
  return { stdout: Buffer.concat(parts), stderr: errors.join(''), exit: 0 };
}

/**
 * The trace `strace -f -o FILE` would write for a process table: each child's clone in its parent
 * (started unfinished, resumed after the child's execve, as -f interleaves them), each execve with its
 * argv and full environment. The first process runs the traced command.
 */
export function straceOf(table: ProcessInfo[], command: string[]): string {
  const pids = new Set(table.map((p) => p.pid));
  const roots = table.filter((p) => !pids.has(p.ppid) || p.ppid === p.pid);
  const lines: string[] = [];
  const prefix = (pid: number) => `${String(pid).padEnd(5)} `;
  const execve = (p: ProcessInfo, argv: string[]) => {
    const file = argv[0]?.startsWith('/') ? argv[0] : `/usr/bin/${argv[0]}`;
    const env = Object.entries(p.environ).map(([k, v]) => cString(`${k}=${v}`));
    return `${prefix(p.pid)}execve(${cString(file)}, [${argv.map(cString).join(', ')}], [${env.join(', ')}]) = 0`;
  };
  const walk = (p: ProcessInfo, argv: string[]) => {
    lines.push(execve(p, argv));
    for (const child of table.filter((c) => c.ppid === p.pid && c !== p)) {
      lines.push(`${prefix(p.pid)}clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>`);
      walk(child, child.cmdline);
      lines.push(`${prefix(p.pid)}<... clone resumed>, child_tidptr=0x7f3c8a2b5a10) = ${child.pid}`);
    }
  };
  roots.forEach((root, i) => walk(root, i === 0 && command.length ? command : root.cmdline));
  return lines.join('\n') + '\n';
}

/** A C string as strace prints it: printable ASCII as is, the rest as escapes. */
function cString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}
