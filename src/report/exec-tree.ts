// The process tree of an exec-check, each process with ✓/✗ per injected variable.
import type { ExecAnalysis, ExecRecord } from '../facts/exec-tree.js';
import { commandLine, satisfies } from '../facts/exec-tree.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { makeChalk, paint, textWidth } from './style.js';

export function renderExecTree(analysis: ExecAnalysis, colour: boolean, preloadFile?: string, lang: Lang = 'en'): string {
  const c = makeChalk(colour);
  const vars = analysis.stack.requirements.map((q) => q.variable);
  const children = new Map<number | undefined, ExecRecord[]>();
  const ids = new Set(analysis.records.map((r) => r.id));
  for (const r of analysis.records) {
    const key = r.parent !== undefined && ids.has(r.parent) ? r.parent : undefined;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const rows: string[][] = [];
  const walk = (parent: number | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const marks = analysis.stack.requirements.map((q) =>
        !r.env ? paint(c, 'skipped', '?') : satisfies(r.env, q, preloadFile) ? paint(c, 'ok', '✓') : paint(c, 'error', '✗'),
      );
      rows.push([String(r.pid), `${depth ? `${'  '.repeat(depth - 1)}└ ` : ''}${commandLine(r, 70)}`, ...marks]);
      walk(r.id, depth + 1);
    }
  };
  walk(undefined, 0);
  const header = ['PID', ui(lang).execCheck.process, ...vars];
  const width = (i: number) => Math.max(textWidth(header[i]!), ...rows.map((row) => textWidth(row[i]!)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, width(i)))).join('  ');
  return [c.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - textWidth(s)));
