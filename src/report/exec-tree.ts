// The process tree of an exec-check, each process with ✓/✗ per injected variable.
import type { ExecAnalysis, ExecRecord } from '../facts/exec-tree.js';
import { commandLine, satisfies } from '../facts/exec-tree.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { terminalSafe } from './safe.js';
import { makeChalk, paint } from './style.js';
import { renderTable } from './wrap.js';

export function renderExecTree(analysis: ExecAnalysis, colour: boolean, preloadFile?: string, lang: Lang = 'en', width?: number): string {
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
  // The command lines give way (cut with …) so that the variables' columns stay on screen.
  return renderTable(header, rows, width, { flexible: 1, minFlexible: 20, overflow: 'ellipsis', header: c.bold }).join('\n') + '\n';
}

/** Past this depth the tree is not drawn wider: the depth is written instead. */
const MAX_INDENT = 16;
function indent(depth: number): string {
  if (!depth) return '';
  if (depth <= MAX_INDENT) return `${'  '.repeat(depth - 1)}└ `;
  return `${'  '.repeat(MAX_INDENT - 1)}└(depth ${depth}) `;
}
