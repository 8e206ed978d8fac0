// Parses `strace -f -v -s 99999 -e trace=execve,clone,clone3,fork,vfork` output into exec records,
// with `[pid N]` or `-o`-style `N ` prefixes, unfinished/resumed calls interleaved across processes.
import type { ExecRecord } from './exec-tree.js';

export const STRACE_ARGS = ['-f', '-qq', '-v', '-s', '99999', '-e', 'trace=execve,clone,clone3,fork,vfork'];

interface Call {
  pid: number;
  line: number;
  text: string;
}

export interface StraceParse {
  records: ExecRecord[];
  /** Lines that looked like syscalls but could not be read. */
  unreadable: string[];
  /** execve calls that failed, in order: the path and the kernel's words (`No such file or directory`). */
  failedExecs?: { path: string; error: string }[];
  /** Lines that look like strace output at all (a syscall, a signal, an exit): 0 for a file that is not a trace. */
  straceLines?: number;
}

/** A line strace writes: `[pid N] ` or `N ` prefix, then a call `name(`, `<... name resumed>`, `+++ exited` or `--- SIG`. */
const STRACE_LINE = /^(?:\[pid\s+\d+\]\s+|\d+\s+)?(?:[a-z_][a-z0-9_]*\(|<\.\.\. [a-z_0-9]+ resumed>|\+\+\+ |--- )/;

export function parseStrace(output: string): StraceParse {
  const calls: Call[] = [];
  const pending = new Map<number, Call>();
  const unreadable: string[] = [];
  const failedExecs: { path: string; error: string }[] = [];
  let straceLines = 0;
  const MAIN = 0;
  output.split('\n').forEach((raw, line) => {
    if (STRACE_LINE.test(raw)) straceLines++;
    // `s`: a line of arbitrary bytes may hold \r or U+2028, which `.` would not match.
    const m = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(.*)$/s.exec(raw.trimEnd());
    if (!m) return;
    const pid = Number(m[1] ?? m[2] ?? MAIN);
    const rest = m[3]!;
    if (!rest || rest.startsWith('+++') || rest.startsWith('---')) return;
    const resumed = /^<\.\.\. \w+ resumed>\s?(.*)$/.exec(rest);
    if (resumed) {
      const start = pending.get(pid);
      pending.delete(pid);
      if (start) calls.push({ ...start, text: start.text + resumed[1] });
      return;
    }
    const unfinished = /^(.*?)\s*<unfinished \.\.\.>$/.exec(rest);
    if (unfinished) {
      pending.set(pid, { pid, line, text: unfinished[1]! });
      return;
    }
    calls.push({ pid, line, text: rest });
  });
  calls.sort((a, b) => a.line - b.line);

  // Which pid (and at which line) created each process.
  const createdBy = new Map<number, { pid: number; line: number }>();
  /** Thread id → the pid whose thread group it joined: a fork from a thread belongs to that process's exec. */
  const threadOf = new Map<number, number>();
  const execs: { pid: number; line: number; path: string; argv: string[]; env?: Record<string, string> }[] = [];
  for (const call of calls) {
    const fork = /^(clone3?|v?fork)\(.*\)\s+=\s+(\d+)/.exec(call.text);
    if (fork) {
      if (/CLONE_THREAD/.test(call.text)) threadOf.set(Number(fork[2]), threadOf.get(call.pid) ?? call.pid);
      else createdBy.set(Number(fork[2]), { pid: call.pid, line: call.line });
      continue;
    }
    if (!call.text.startsWith('execve(')) continue;
    const parsed = parseExecve(call.text);
    if (!parsed) {
      unreadable.push(call.text.slice(0, 200));
      continue;
    }
    if (parsed.result !== 0) {
      // PATH search misses and failed execs start nothing; their words say why a command never ran.
      failedExecs.push({ path: parsed.path, error: /=\s+-1\s+E[A-Z0-9]+\s+\(([^)]*)\)/.exec(call.text)?.[1] ?? 'failed' });
      continue;
    }
    execs.push({ pid: call.pid, line: call.line, path: parsed.path, argv: parsed.argv, env: parsed.env });
  }

  // strace prints the first process without a prefix until a second one exists: alias its later pid.
  const firstPrefixed = execs.find((e) => e.pid !== MAIN && !createdBy.has(e.pid) && execs.some((x) => x.pid === MAIN));
  if (firstPrefixed) {
    const alias = firstPrefixed.pid;
    for (const e of execs) if (e.pid === alias) e.pid = MAIN;
    for (const c of createdBy.values()) if (c.pid === alias) c.pid = MAIN;
    for (const [tid, leader] of threadOf) if (leader === alias) threadOf.set(tid, MAIN);
  }

  const records: ExecRecord[] = [];
  /** pid → its execs so far, in line order: the latest before a line is a binary search, not a scan. */
  const execsOf = new Map<number, { line: number; id: number }[]>();
  const lastExecBefore = (pid: number, line: number): number | undefined => {
    const list = execsOf.get(pid);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.line < line) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1]!.id : undefined;
  };
  // A loop, not recursion: a chain of forks thousands deep (none exec'ing) must not exhaust the stack.
  const latestBefore = (pid: number, line: number): number | undefined => {
    const seen = new Set<number>();
    for (;;) {
      const own = lastExecBefore(pid, line);
      if (own !== undefined) return own;
      const leader = threadOf.get(pid);
      if (leader !== undefined && !seen.has(pid)) {
        seen.add(pid);
        pid = leader;
        continue;
      }
      const origin = createdBy.get(pid);
      if (!origin || seen.has(pid)) return undefined;
      seen.add(pid);
      pid = origin.pid;
      line = origin.line;
    }
  };
  execs.forEach((e, id) => {
    const parent = latestBefore(e.pid, e.line);
    records.push({ id, pid: e.pid, path: e.path, argv: e.argv, ...(e.env ? { env: e.env } : {}), ...(parent !== undefined ? { parent } : {}) });
    let list = execsOf.get(e.pid);
    if (!list) execsOf.set(e.pid, (list = []));
    list.push({ line: e.line, id });
  });
  return { records, unreadable, failedExecs, straceLines };
}

/** execve("/path", ["a", "b"], ["K=V", …] or 0x7ff… /* N vars *\/) = 0 */
function parseExecve(text: string): { path: string; argv: string[]; env?: Record<string, string>; result: number } | undefined {
  let pos = 'execve('.length;
  const path = readString(text, pos);
  if (!path) return undefined;
  pos = skip(text, path.end, ', ');
  const argv = readArray(text, pos);
  if (!argv) return undefined;
  pos = skip(text, argv.end, ', ');
  let env: Record<string, string> | undefined;
  const envArray = text[pos] === '[' ? readArray(text, pos) : undefined;
  if (envArray) {
    env = {};
    for (const entry of envArray.values) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  }
  const result = /\)\s+=\s+(-?\d+)/.exec(text.slice(envArray?.end ?? pos));
  if (!result) return undefined;
  return { path: path.value, argv: argv.values.length ? argv.values : [path.value], ...(env ? { env } : {}), result: Number(result[1]) };
}

function skip(text: string, pos: number, sep: string): number {
  return text.startsWith(sep, pos) ? pos + sep.length : pos;
}

function readArray(text: string, pos: number): { values: string[]; end: number } | undefined {
  if (text[pos] !== '[') return undefined;
  const values: string[] = [];
  pos++;
  while (pos < text.length) {
    if (text[pos] === ']') return { values, end: pos + 1 };
    if (text.startsWith(', ', pos)) pos += 2;
    if (text.startsWith('...', pos)) {
      pos += 3; // strace's "more entries not shown"
      continue;
    }
    const s = readString(text, pos);
    if (!s) return undefined;
    values.push(s.value);
    pos = s.end;
  }
  return undefined;
}

/** A C string as strace prints it, with escapes; a trailing `...` marks truncation (-s too small). */
function readString(text: string, pos: number): { value: string; end: number } | undefined {
  if (text[pos] !== '"') return undefined;
  // Plain runs are copied whole (a value can be megabytes long); escapes are bytes, decoded with them as UTF-8.
  const parts: Buffer[] = [];
  let i = pos + 1;
  for (;;) {
    // The plain run up to the next quote or backslash: one pass over the string, however long.
    let stop = i;
    while (stop < text.length && text.charCodeAt(stop) !== 34 && text.charCodeAt(stop) !== 92) stop++;
    if (stop >= text.length) return undefined;
    if (stop > i) parts.push(Buffer.from(text.slice(i, stop), 'utf8'));
    i = stop;
    if (text.charCodeAt(stop) === 34) break;
    const next = text[i + 1];
    if (next === undefined) return undefined;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 };
    if (next in simple) {
      parts.push(Buffer.of(simple[next]!));
      i += 2;
    } else if (next === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4))?.[0];
      if (hex) parts.push(Buffer.of(Number.parseInt(hex, 16)));
      i += 2 + (hex?.length ?? 0);
    } else {
      const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0];
      parts.push(oct ? Buffer.of(Number.parseInt(oct, 8) & 0xff) : Buffer.from(next, 'utf8'));
      i += 1 + (oct?.length ?? 1);
    }
  }
  let end = i + 1;
  if (text.startsWith('...', end)) end += 3;
  return { value: Buffer.concat(parts).toString('utf8'), end };
}
