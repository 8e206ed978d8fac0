// Reads every process of a container from /proc with nothing but POSIX sh and cat, and parses the result.
// The container's /etc/ld.so.preload comes first in the same dump: HAMi may preload through it.
import type { ProcessInfo } from '../sources/collection.js';

const MARK = '\n@@gpuctl-proc ';
const PRELOAD_MARK = '@@gpuctl-preload\n';

/** Run with `sh -c`; NUL-separated cmdline/environ go through as raw bytes. */
export const PROC_DUMP_SCRIPT = [
  `if [ -r /etc/ld.so.preload ]; then printf '${PRELOAD_MARK.replace('\n', '\\n')}'; cat /etc/ld.so.preload; fi`,
  'for d in /proc/[0-9]*; do',
  '  p=${d#/proc/}',
  '  [ -r "$d/stat" ] || continue',
  `  printf '${MARK.replace('\n', '\\n')}%s\\n' "$p"`,
  '  cat "$d/stat" 2>/dev/null',
  "  printf '\\n@@cmdline\\n'; cat \"$d/cmdline\" 2>/dev/null",
  "  printf '\\n@@environ\\n'; cat \"$d/environ\" 2>/dev/null || printf '@@unreadable'",
  'done',
].join('\n');

/** The container's /etc/ld.so.preload as the dump carries it; undefined where the file does not exist. */
export function parsePreloadFile(output: Buffer | string): string | undefined {
  const text = typeof output === 'string' ? output : output.toString('utf8');
  if (!text.startsWith(PRELOAD_MARK)) return undefined;
  const end = text.indexOf(MARK);
  return text.slice(PRELOAD_MARK.length, end < 0 ? undefined : end);
}

export function parseProcDump(output: Buffer | string, ownPids: number[] = []): ProcessInfo[] {
  const text = typeof output === 'string' ? output : output.toString('utf8');
  const processes: ProcessInfo[] = [];
  for (const chunk of text.split(MARK).slice(1)) {
    const pid = Number.parseInt(chunk, 10);
    const statStart = chunk.indexOf('\n') + 1;
    const cmdAt = chunk.indexOf('\n@@cmdline\n');
    const envAt = chunk.indexOf('\n@@environ\n');
    if (Number.isNaN(pid) || cmdAt < 0 || envAt < 0) continue;
    const stat = chunk.slice(statStart, cmdAt);
    // comm may hold spaces and parentheses: the fields after the last ')' are fixed.
    const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    const cmdline = chunk.slice(cmdAt + '\n@@cmdline\n'.length, envAt).split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    const rawEnv = chunk.slice(envAt + '\n@@environ\n'.length);
    if (cmdline.length === 0) continue; // kernel threads and zombies
    const info: ProcessInfo = { pid, ppid: Number.isNaN(ppid) ? 0 : ppid, cmdline, environ: {} };
    if (rawEnv === '@@unreadable') info.environUnreadable = true;
    else {
      for (const entry of rawEnv.split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) info.environ[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
    }
    processes.push(info);
  }
  // Our own dump shell and its cat are not the workload.
  return processes.filter((p) => !ownPids.includes(p.pid) && !p.cmdline.some((a) => a.includes('@@gpuctl-proc')));
}
