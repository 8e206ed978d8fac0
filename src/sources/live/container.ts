// What exec-check and the live doctor read inside one container, each through one exec: the process table
// (with /etc/ld.so.preload), the GPUs nvidia-smi lists, the image's tools, a command run under strace.
// Every way a container can make that impossible becomes one line that says what to do instead.
import { GpuctlError } from '../../errors.js';
import type { ContainerTools, GpuListing } from '../../facts/container-probe.js';
import {
  parseGpuListing,
  parseShebangs,
  parseToolsProbe,
  SHEBANG_SCRIPT,
  straceRunCommand,
  TOOLS_PROBE_SCRIPT,
} from '../../facts/container-probe.js';
import { parsePreloadFile, parseProcDump, PROC_DUMP_SCRIPT } from '../../facts/proc-dump.js';
import type { StraceParse } from '../../facts/strace.js';
import { parseStrace } from '../../facts/strace.js';
import type { ProcessInfo } from '../../collection/collection.js';
import type { ExecConnection, ExecResult, ExecTarget } from './exec.js';
import { describeTarget, execInContainer } from './exec.js';

/** The image to debug a shell-less container with: it has sh, cat and strace. */
export const DEBUG_IMAGE = 'busybox:1.36';

export interface ProcessCapture {
  processes: ProcessInfo[];
  /** /etc/ld.so.preload, where the container has one. */
  preloadFile?: string;
  /** Processes whose environment could not be read. */
  unreadable: number;
}

/** Runs `sh -c SCRIPT args…`, turning "there is no sh" into the one error that says so. */
async function runShell(conn: ExecConnection, target: ExecTarget, script: string, args: string[], timeoutMs: number): Promise<ExecResult> {
  const result = await execInContainer(conn, target, ['sh', '-c', script, ...(args.length ? ['sh', ...args] : [])], { timeoutMs });
  if (lacksShell(result)) {
    throw new GpuctlError(
      `${describeTarget(target)} has no /bin/sh (a distroless image?), so gpuctl cannot read /proc in it; ` +
        `look from a debug container that shares its processes: kubectl debug -it -n ${target.namespace} ${target.pod} --image=${DEBUG_IMAGE} --target=${target.container} -- sh`,
    );
  }
  return result;
}

/** Exit 126/127 with the runtime's "executable file not found", or a Status saying the same. */
export function lacksShell(result: ExecResult): boolean {
  const text = `${result.message ?? ''}\n${result.stdout.subarray(0, 4096).toString('utf8')}\n${result.stderr}`;
  const runtimeSaysSo = /exec: "(\/bin\/)?sh": (executable file not found|stat .*no such file)|"(\/bin\/)?sh": no such file or directory|exec failed.*\bsh\b.*(not found|no such file)/i.test(text);
  return runtimeSaysSo && (result.exitCode === undefined || result.exitCode === 126 || result.exitCode === 127);
}

export async function captureProcesses(conn: ExecConnection, target: ExecTarget, timeoutMs: number): Promise<ProcessCapture> {
  const where = describeTarget(target);
  const result = await runShell(conn, target, PROC_DUMP_SCRIPT, [], timeoutMs);
  if (result.exitCode === undefined) throw new GpuctlError(`cannot read /proc in ${where}: ${result.message}`);
  if (result.truncated) throw new GpuctlError(`the process table of ${where} is over ${result.stdout.length / 1024 / 1024} MiB; gpuctl stopped reading it`);
  const processes = parseProcDump(result.stdout);
  const firstError = result.stderr.split('\n').find((l) => l.trim());
  if (processes.length === 0) {
    throw new GpuctlError(
      `cannot read /proc in ${where}: no process is visible${firstError ? ` (${firstError.trim()})` : ''}; /proc may be missing, masked or mounted with hidepid`,
    );
  }
  const unreadable = processes.filter((p) => p.environUnreadable).length;
  if (unreadable === processes.length) {
    throw new GpuctlError(
      `cannot read the environment of any process in ${where} (/proc/PID/environ unreadable${firstError ? `: ${firstError.trim()}` : ''}); exec runs as a user that does not own the workload's processes`,
    );
  }
  const preloadFile = parsePreloadFile(result.stdout);
  return { processes, unreadable, ...(preloadFile !== undefined ? { preloadFile } : {}) };
}

export async function listGpus(conn: ExecConnection, target: ExecTarget, timeoutMs: number): Promise<GpuListing> {
  const result = await execInContainer(conn, target, ['nvidia-smi', '-L'], { timeoutMs });
  return parseGpuListing(result.stdout.toString('utf8'), result.exitCode, `${result.stderr}\n${result.message ?? ''}`);
}

export async function probeTools(conn: ExecConnection, target: ExecTarget, timeoutMs: number): Promise<ContainerTools> {
  const result = await runShell(conn, target, TOOLS_PROBE_SCRIPT, [], timeoutMs);
  return parseToolsProbe(result.stdout.toString('utf8'));
}

export interface ContainerTrace extends StraceParse {
  exitCode?: number;
  /** The command ran into the time limit and was killed with everything it started. */
  timedOut: boolean;
  /** The end of the command's (and strace's) stderr. */
  stderr: string;
}

/** Runs `command` under the container's strace for at most traceMs; the trace's execs, with #! interpreters. */
export async function traceInContainer(
  conn: ExecConnection,
  target: ExecTarget,
  command: string[],
  traceMs: number,
  requestTimeoutMs: number,
): Promise<ContainerTrace> {
  const where = describeTarget(target);
  const started = performance.now();
  const argv = straceRunCommand(command, traceMs);
  const result = await execInContainer(conn, target, argv, { timeoutMs: traceMs + Math.max(requestTimeoutMs, 10_000) });
  if (lacksShell(result)) throw new GpuctlError(`${where} has no /bin/sh (a distroless image?): use --strace-from-host`);
  const parsed = parseStrace(result.stdout.toString('utf8'));
  const stderr = result.stderr;
  if (parsed.records.length === 0) {
    const line = stderr.split('\n').find((l) => /^strace: /.test(l)) ?? stderr.split('\n').find((l) => l.trim()) ?? result.message ?? '';
    if (/PTRACE_TRACEME|ptrace.*Operation not permitted|Operation not permitted/i.test(stderr)) {
      throw new GpuctlError(
        `strace may not trace in ${where} (${line.trim()}): add the SYS_PTRACE capability to the container (securityContext.capabilities.add: [SYS_PTRACE]) or use --strace-from-host`,
      );
    }
    const failed = parsed.failedExecs?.at(-1);
    // The shell's words for a command that is not there or not executable: `./x: No such file or directory`.
    if (failed) throw new GpuctlError(`strace started nothing in ${where}: ${command[0] ?? failed.path}: ${failed.error}`);
    throw new GpuctlError(`strace started nothing in ${where}: ${line.trim() || `exit code ${result.exitCode ?? '?'}`}`);
  }
  const timedOut = result.exitCode === 137 && performance.now() - started >= traceMs - 500;
  const paths = [...new Set(parsed.records.map((r) => r.path).filter((p): p is string => !!p))];
  if (paths.length > 0) {
    const heads = await runShell(conn, target, SHEBANG_SCRIPT, paths, requestTimeoutMs).catch(() => undefined);
    const interpreters = parseShebangs(heads?.stdout.toString('utf8') ?? '');
    for (const r of parsed.records) {
      const interpreter = r.path && interpreters.get(r.path);
      if (interpreter) r.interpreter = interpreter;
    }
  }
  return { ...parsed, exitCode: result.exitCode, timedOut, stderr };
}
