// Runs a command under the host's strace and returns its execve records.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { onInterrupt, removeOnInterrupt } from '../interrupt.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GpuctlError } from '../errors.js';
import { shebangInterpreter } from '../facts/container-probe.js';
import type { StraceParse } from '../facts/strace.js';
import { parseStrace, STRACE_ARGS } from '../facts/strace.js';

export interface TraceResult extends StraceParse {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export async function traceLocal(
  command: string[],
  options: { env?: Record<string, string>; timeoutMs: number; cwd?: string },
): Promise<TraceResult> {
  if (command.length === 0) throw new GpuctlError('nothing to trace: give the command after --, e.g. gpuctl exec-check --local -- ./entrypoint.sh');
  const { execa } = await import('execa');
  const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-strace-'));
  const out = path.join(dir, 'trace');
  let sub: ReturnType<typeof execa> | undefined;
  // An interrupt stops the traced command with gpuctl and removes the trace. strace blocks fatal signals when it
  // writes to a file (-I 3), so the signal goes to its whole process group: the command's own, with strace.
  const unregister = [onInterrupt({ stop: () => killGroup(sub?.pid) }), removeOnInterrupt(dir)];
  try {
    const run = await (sub = execa('strace', [...STRACE_ARGS, '-o', out, '--', ...command], {
      reject: false,
      env: options.env,
      extendEnv: options.env === undefined,
      timeout: options.timeoutMs || undefined,
      cwd: options.cwd,
      stdin: 'ignore',
      detached: true,
    }));
    if (run.code === 'ENOENT' || /strace: .*(not found|No such file)/.test(run.stderr ?? '') && !(await exists(out))) {
      throw new GpuctlError(
        run.code === 'ENOENT' ? 'strace is not installed on this host' : `strace could not start ${command[0]}: ${firstLine(run.stderr)}`,
        2,
        run.code === 'ENOENT' ? 'install it: apt-get install -y strace (apk add strace, dnf install -y strace, pacman -S strace)' : undefined,
      );
    }
    if (/ptrace\(PTRACE_TRACEME|Operation not permitted/.test(run.stderr ?? '') && !(await exists(out))) {
      throw new GpuctlError(`strace is not allowed to trace here: ${firstLine(run.stderr)}`, 2, 'ptrace needs CAP_SYS_PTRACE (in a pod: securityContext.capabilities.add [SYS_PTRACE])');
    }
    const parsed = parseStrace(await readFile(out, 'utf8').catch(() => ''));
    if (parsed.records.length === 0) throw new GpuctlError(neverRan(command, parsed, run.stderr, run.exitCode), 2);
    await addInterpreters(parsed, options.cwd);
    return { ...parsed, exitCode: run.exitCode ?? -1, stdout: String(run.stdout ?? ''), stderr: String(run.stderr ?? ''), timedOut: !!run.timedOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
    for (const undo of unregister) undo();
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** The kernel runs a script's #! interpreter without a second execve: read it so a bash script counts as bash. */
async function addInterpreters(parsed: StraceParse, cwd?: string): Promise<void> {
  for (const record of parsed.records) {
    if (!record.path) continue;
    const head = await readFile(path.resolve(cwd ?? '.', record.path)).then((b) => b.subarray(0, 256).toString('latin1'), () => '');
    const interpreter = shebangInterpreter(head.split('\n')[0]!);
    if (interpreter) record.interpreter = interpreter;
  }
}

/**
 * Why a traced command started no program, in the shell's words (`./x: No such file or directory`): the
 * kernel's answer to its execve, or strace's own when it could not even find the file.
 */
export function neverRan(command: string[], parsed: StraceParse, stderr: string | undefined, exitCode: number | undefined): string {
  const failed = parsed.failedExecs?.at(-1);
  if (failed) return `${command[0]}: ${failed.error}`;
  const cannot = /strace: (?:Can't stat|exec:?)\s*'?([^':]*)'?:\s*(.+)$/m.exec(stderr ?? '');
  if (cannot) return `${cannot[1] || command[0]}: ${cannot[2]!.trim()}`;
  const said = firstLine(stderr);
  return `${command[0]} ran no program under strace${exitCode !== undefined ? ` (exit ${exitCode})` : ''}${said ? `: ${said}` : ''}`;
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(() => true, () => false);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').find((l) => l.trim()) ?? '';
}
