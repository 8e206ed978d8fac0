import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { ROOT } from './helpers/cli.js';

// Issue 15: every check's docs page lists the fact it judges and every place gpuctl reads it, as a table
// under "## Evidence sources"; none is left "not read yet".

interface EvidenceSection {
  rows: [fact: string, where: string][];
  /** Offset of the heading in the page. */
  at: number;
}

/** The "## Evidence sources" table of a page: its header, separator and rows, up to the first non-table line. */
function evidenceSection(page: string): EvidenceSection | string {
  const at = page.search(/^## Evidence sources$/m);
  if (at < 0) return 'no "## Evidence sources" heading';
  const lines = page.slice(at).split('\n').slice(1);
  while (lines[0] === '') lines.shift();
  const table: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('|')) break;
    table.push(line);
  }
  if (table[0] !== '| fact | where gpuctl reads it |') return `table header is ${JSON.stringify(table[0] ?? '(none)')}`;
  if (table[1] !== '|---|---|') return `table separator is ${JSON.stringify(table[1] ?? '(none)')}`;
  const rows: [string, string][] = [];
  for (const line of table.slice(2)) {
    // Cells split on pipes that are not escaped (`ls -1 /dev \| grep nvidia`).
    const cells = line.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.length !== 2 || !cells[0] || !cells[1]) return `row ${JSON.stringify(line)} does not have two filled cells`;
    rows.push([cells[0], cells[1]]);
  }
  if (rows.length === 0) return 'the table has no row';
  return { rows, at };
}

describe('evidenceSection', () => {
  const page = (table: string) => `# x (GPU000, nodes)\n\n**Detects:** y.\n\n## Evidence sources\n\n${table}\n\n**Fix:** z.\n`;

  it('reads the rows of a well-formed table', () => {
    const s = evidenceSection(page('| fact | where gpuctl reads it |\n|---|---|\n| a | `ls -1 /dev \\| grep nvidia` on the node |\n| b | events |'));
    expect(s).toMatchObject({ rows: [['a', '`ls -1 /dev \\| grep nvidia` on the node'], ['b', 'events']] });
  });

  it('refuses a page without the heading, a table without rows, and a row with an empty cell', () => {
    expect(evidenceSection('# x\n\n**Fix:** z.\n')).toBe('no "## Evidence sources" heading');
    expect(evidenceSection(page('| fact | where gpuctl reads it |\n|---|---|'))).toBe('the table has no row');
    expect(evidenceSection(page('| fact | where gpuctl reads it |\n|---|---|\n| a |  |'))).toMatch(/two filled cells/);
    expect(evidenceSection(page('some prose instead'))).toMatch(/table header/);
  });
});

describe('every check documents its evidence sources', () => {
  it.each(ALL_CHECKS.map((c) => [c.name] as const))('%s: "## Evidence sources" table with at least one row, before the fix', (name) => {
    const text = readFileSync(path.join(ROOT, 'docs/checks', `${name}.md`), 'utf8');
    const section = evidenceSection(text);
    if (typeof section === 'string') throw new Error(`docs/checks/${name}.md: ${section}`);
    expect(section.rows.length).toBeGreaterThan(0);
    // every source is read, or said not to carry the fact (with why): none is left "not read yet"
    expect(section.rows.filter(([fact]) => /not read yet/i.test(fact)).map(([, where]) => where)).toEqual([]);
    const fix = text.search(/^\*\*Fix:\*\*/m);
    if (fix >= 0) expect(section.at).toBeLessThan(fix);
  });
});
