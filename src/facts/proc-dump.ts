// Reads every process of a container from /proc with nothing but POSIX sh and cat, and parses the result.
// The container's /etc/ld.so.preload comes first in the same dump: HAMi may preload through it.
import type { ProcessInfo } from '../collection/collection.js';

// The framing cannot be imitated by what a process holds: the dump shell draws a random marker at run time
// (the kernel's random uuid; it is in no argv or environ a process could read, only in the shell's memory and
// on its stdout), prints it and its own pid on the first line, and every separator carries it. A process whose
// argv or environ contains a separator with another marker stays one process, and no process can hide: the
// dump shell is known by the pid it printed, not by what its command line says.
const HEADER = '@@gpuctl-dump ';

/** Run with `sh -c`; NUL-separated cmdline/environ go through as raw bytes. */
export const PROC_DUMP_SCRIPT = [
  'm=$(cat /proc/sys/kernel/random/uuid 2>/dev/null) || m=""',
  '[ -n "$m" ] || m="$$-$(date +%s)-$(od -An -N8 -tx1 /dev/urandom 2>/dev/null | tr -d \' \\n\')"',
  `printf '${HEADER}%s %s\\n' "$m" "$$"`,
  `if [ -r /etc/ld.so.preload ]; then printf '@@gpuctl-preload %s\\n' "$m"; cat /etc/ld.so.preload; fi`,
  'for d in /proc/[0-9]*; do',
  '  p=${d#/proc/}',
  '  [ -r "$d/stat" ] || continue',
  `  printf '\\n@@gpuctl-proc %s %s\\n' "$m" "$p"`,
  '  cat "$d/stat" 2>/dev/null',
  "  printf '\\n@@cmdline %s\\n' \"$m\"; cat \"$d/cmdline\" 2>/dev/null",
  "  printf '\\n@@environ %s\\n' \"$m\"; cat \"$d/environ\" 2>/dev/null || printf '@@unreadable %s' \"$m\"",
  'done',
].join('\n');

interface Framing {
  marker: string;
  /** The dump shell's own pid ($$). */
  self: number;
  /** Where the dump proper starts (after the header line). */
  body: number;
}

function framing(text: string): Framing | undefined {
  if (!text.startsWith(HEADER)) return undefined;
  const end = text.indexOf('\n');
  const [marker, self] = text.slice(HEADER.length, end < 0 ? undefined : end).split(' ');
  if (!marker || marker.length < 8) return undefined;
  return { marker, self: Number.parseInt(self ?? '', 10), body: end < 0 ? text.length : end + 1 };
}

/** The container's /etc/ld.so.preload as the dump carries it; undefined where the file does not exist. */
export function parsePreloadFile(output: Buffer | string): string | undefined {
  const text = typeof output === 'string' ? output : output.toString('utf8');
  const f = framing(text);
  if (!f) return undefined;
  const mark = `@@gpuctl-preload ${f.marker}\n`;
  if (!text.startsWith(mark, f.body)) return undefined;
  const end = text.indexOf(`\n@@gpuctl-proc ${f.marker} `, f.body);
  return text.slice(f.body + mark.length, end < 0 ? undefined : end);
}

export function parseProcDump(output: Buffer | string, ownPids: number[] = []): ProcessInfo[] {
  const text = typeof output === 'string' ? output : output.toString('utf8');
  const f = framing(text);
  if (!f) return [];
  const cmdMark = `\n@@cmdline ${f.marker}\n`;
  const envMark = `\n@@environ ${f.marker}\n`;
  const processes: ProcessInfo[] = [];
  for (const chunk of text.slice(f.body).split(`\n@@gpuctl-proc ${f.marker} `).slice(1)) {
    const pid = Number.parseInt(chunk, 10);
    const statStart = chunk.indexOf('\n') + 1;
    const cmdAt = chunk.indexOf(cmdMark);
    const envAt = chunk.indexOf(envMark, cmdAt);
    if (Number.isNaN(pid) || cmdAt < 0 || envAt < 0) continue;
    const stat = chunk.slice(statStart, cmdAt);
    // comm may hold spaces and parentheses: the fields after the last ')' are fixed.
    const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    const cmdline = chunk.slice(cmdAt + cmdMark.length, envAt).split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    const rawEnv = chunk.slice(envAt + envMark.length);
    if (cmdline.length === 0) continue; // kernel threads and zombies
    const info: ProcessInfo = { pid, ppid: Number.isNaN(ppid) ? 0 : ppid, cmdline, environ: {} };
    if (rawEnv === `@@unreadable ${f.marker}`) info.environUnreadable = true;
    else {
      for (const entry of rawEnv.split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) info.environ[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
    }
    processes.push(info);
  }
  // Our own dump shell and what it ran (cat) are not the workload: known by the pid the shell printed.
  return processes.filter((p) => !ownPids.includes(p.pid) && p.pid !== f.self && p.ppid !== f.self);
}
