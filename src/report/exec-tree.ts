// The process tree of an exec-check, each process with ✓/✗ per injected variable.
import type { ExecAnalysis, ExecRecord } from '../facts/exec-tree.js';
import { commandLine, satisfies } from '../facts/exec-tree.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { maxOf } from '../bounded.js';
import { terminalSafe } from './safe.js';
import { makeChalk, paint, textWidth } from './style.js';

export function renderExecTree(analysis: ExecAnalysis, colour: boolean, preloadFile?: string, lang: Lang = 'en'): string {
  const c = makeChalk(colour);
  const vars = analysis.stack.requirements.map((q) => q.variable);
  const children = new Map<number | undefined, ExecRecord[]>();
  const ids = new Set(analysis.records.map((r) => r.id));
  for (const r of analysis.records) {
    const key = r.parent !== undefined && ids.has(r.parent) ? r.parent : undefined;
    const siblings = children.get(key);
    if (siblings) siblings.push(r);
    else children.set(key, [r]);
  }
  const rows: string[][] = [];
  // Depth first without recursion (a chain of 100,000 execs must not overflow the stack); each record once.
  const seen = new Set<number>();
  const stack: { r: ExecRecord; depth: number }[] = (children.get(undefined) ?? []).map((r) => ({ r, depth: 0 })).reverse();
  while (stack.length) {
    const { r, depth } = stack.pop()!;
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const marks = analysis.stack.requirements.map((q) =>
      !r.env ? paint(c, 'skipped', '?') : satisfies(r.env, q, preloadFile) ? paint(c, 'ok', '✓') : paint(c, 'error', '✗'),
    );
    rows.push([String(r.pid), `${indent(depth)}${terminalSafe(commandLine(r, 70))}`, ...marks]);
    const below = children.get(r.id) ?? [];
    for (let i = below.length - 1; i >= 0; i--) stack.push({ r: below[i]!, depth: depth + 1 });
  }
  const header = ['PID', ui(lang).execCheck.process, ...vars];
  // Each column's width once: the layout is linear in the number of processes.
  const widths = header.map((h, i) => maxOf(rows.map((row) => textWidth(row[i]!)), textWidth(h)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!))).join('  ');
  return [c.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}

/** Past this depth the tree is not drawn wider: the depth is written instead. */
const MAX_INDENT = 16;
function indent(depth: number): string {
  if (!depth) return '';
  if (depth <= MAX_INDENT) return `${'  '.repeat(depth - 1)}└ `;
  return `${'  '.repeat(MAX_INDENT - 1)}└(depth ${depth}) `;
}

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - textWidth(s)));
