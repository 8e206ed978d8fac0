// The process tree of an exec-check, each process with ✓/✗ per injected variable.
import type { ExecAnalysis, ExecRecord } from '../facts/exec-tree.js';
import { commandLine, satisfies } from '../facts/exec-tree.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { makeChalk, paint } from './style.js';
import { renderTable } from './wrap.js';

export function renderExecTree(analysis: ExecAnalysis, colour: boolean, preloadFile?: string, lang: Lang = 'en', width?: number): string {
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
  // The command lines give way (cut with …) so that the variables' columns stay on screen.
  return renderTable(header, rows, width, { flexible: 1, minFlexible: 20, overflow: 'ellipsis', header: c.bold }).join('\n') + '\n';
}
