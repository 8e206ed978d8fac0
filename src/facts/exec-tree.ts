// Follows injected variables down a tree of execs and names the exec where one was lost.
// The tree comes from /proc (one record per process) or from strace (one record per execve).
import type { ProcessInfo } from '../collection/collection.js';
import type { InjectionStack, Requirement } from './injection.js';

import type { ExecRecord } from '../collection/collection.js';
export type { ExecRecord };

export interface Drop {
  variable: string;
  /** Had the variable. */
  from: ExecRecord;
  /** Lost it: the exec of this program was given an environment without it. */
  to: ExecRecord;
  /** 'bash' or 'zsh' when a shell sits at this step (the known LD_PRELOAD case). */
  shell?: string;
}

export interface ExecAnalysis {
  stack: InjectionStack;
  root?: ExecRecord;
  /** Requirements the first process already lacks: never injected into the container. */
  neverInjected: Requirement[];
  drops: Drop[];
  /** Per record, the variables it lacks. */
  missing: Map<number, string[]>;
  records: ExecRecord[];
}

const SHELLS = new Set(['bash', 'zsh']);

export function programName(record: ExecRecord): string {
  const first = record.interpreter ?? record.argv[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1).replace(/^-/, '');
}

export function commandLine(record: ExecRecord, max = 120): string {
  const text = record.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function satisfies(env: Record<string, string>, requirement: Requirement, preloadFile?: string): boolean {
  const value = env[requirement.variable];
  if (value !== undefined && value.includes(requirement.contains)) return true;
  return !!requirement.satisfiedByPreloadFile && !!preloadFile?.includes(requirement.contains);
}

export function recordsFromProcesses(processes: ProcessInfo[]): ExecRecord[] {
  const pids = new Set(processes.map((p) => p.pid));
  return [...processes]
    .sort((a, b) => a.pid - b.pid)
    .map((p) => ({
      id: p.pid,
      pid: p.pid,
      parent: pids.has(p.ppid) && p.ppid !== p.pid ? p.ppid : undefined,
      argv: p.cmdline,
      ...(p.environUnreadable ? {} : { env: p.environ }),
    }));
}

export function analyzeExecTree(records: ExecRecord[], stack: InjectionStack, preloadFile?: string): ExecAnalysis {
  const byId = new Map(records.map((r) => [r.id, r]));
  const missing = new Map<number, string[]>();
  for (const r of records) {
    if (!r.env) continue;
    missing.set(r.id, stack.requirements.filter((q) => !satisfies(r.env!, q, preloadFile)).map((q) => q.variable));
  }
  const roots = records.filter((r) => r.parent === undefined || !byId.has(r.parent));
  const root = roots.find((r) => r.env) ?? roots[0];
  const neverInjected = root?.env ? stack.requirements.filter((q) => !satisfies(root.env!, q, preloadFile)) : [];
  const drops: Drop[] = [];
  for (const r of records) {
    const parent = r.parent === undefined ? undefined : byId.get(r.parent);
    if (!parent?.env || !r.env) continue;
    for (const q of stack.requirements) {
      if (satisfies(parent.env, q, preloadFile) && !satisfies(r.env, q, preloadFile)) {
        const shell = [parent, r].map(programName).find((n) => SHELLS.has(n));
        drops.push({ variable: q.variable, from: parent, to: r, ...(shell ? { shell } : {}) });
      }
    }
  }
  return { stack, root, neverInjected, drops, missing, records };
}
