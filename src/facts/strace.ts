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
}

export function parseStrace(output: string): StraceParse {
  const calls: Call[] = [];
  const pending = new Map<number, Call>();
  const unreadable: string[] = [];
  const MAIN = 0;
  output.split('\n').forEach((raw, line) => {
    const m = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(.*)$/.exec(raw.trimEnd())!;
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
    if (parsed.result !== 0) continue; // PATH search misses and failed execs start nothing
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
  const latestBefore = (pid: number, line: number, seen = new Set<number>()): number | undefined => {
    const own = [...records].reverse().find((r) => r.pid === pid && execs[r.id]!.line < line);
    if (own) return own.id;
    const leader = threadOf.get(pid);
    if (leader !== undefined && !seen.has(pid)) {
      seen.add(pid);
      return latestBefore(leader, line, seen);
    }
    const origin = createdBy.get(pid);
    if (!origin || seen.has(pid)) return undefined;
    seen.add(pid);
    return latestBefore(origin.pid, origin.line, seen);
  };
  execs.forEach((e, id) => {
    const parent = latestBefore(e.pid, e.line);
    records.push({ id, pid: e.pid, path: e.path, argv: e.argv, ...(e.env ? { env: e.env } : {}), ...(parent !== undefined ? { parent } : {}) });
  });
  return { records, unreadable };
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
  const bytes: number[] = [];
  let i = pos + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') {
      const next = text[i + 1]!;
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 };
      if (next in simple) {
        bytes.push(simple[next]!);
        i += 2;
      } else if (next === 'x') {
        bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0];
        bytes.push(oct ? Number.parseInt(oct, 8) : next.charCodeAt(0));
        i += 1 + (oct?.length ?? 1);
      }
    } else {
      const code = text.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  if (i >= text.length) return undefined;
  let end = i + 1;
  if (text.startsWith('...', end)) end += 3;
  return { value: Buffer.from(bytes).toString('utf8'), end };
}
