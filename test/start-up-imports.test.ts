// What a command loads before it does anything: the modules its entry imports statically (dynamic import()
// loads later, on the path that needs it). The light paths must not load every check, and with them every
// check's texts in both languages: a finding's texts come from its own check's module (src/i18n/checks.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

/** The relative modules a file imports statically for their values: not `import type`, not import(). */
function staticImportsOf(text: string): string[] {
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
  return [...text.matchAll(re)].map((m) => m[1]!);
}

/** Every module of the repository that loading `entry` loads, relative to the root. */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    if (seen.has(rel)) return;
    seen.add(rel);
    if (!file.endsWith('.ts')) return;
    for (const spec of staticImportsOf(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${rel} imports ${spec}, which is not there`);
      visit(target);
    }
  };
  visit(path.join(ROOT, entry));
  return seen;
}

const checkModules = (modules: Set<string>) => [...modules].filter((m) => m.startsWith('checks/') && m !== 'checks/links.ts').sort();

describe('start-up imports', () => {
  it('reads static imports and re-exports, not type-only imports or import()', () => {
    const text = ["import type { A } from './a.js';", "import {\n  B,\n} from '../b.js';", "export { c } from './c.js';", "export type * from './t.js';", "const { d } = await import('./d.js');", "import './e.js';", "import x from 'pkg';"].join('\n');
    expect(staticImportsOf(text)).toEqual(['../b.js', './c.js', './e.js']);
  });

  it('doctor loads every check (the guard can fail)', () => {
    const modules = loadedBy('src/commands/doctor.ts');
    expect(modules.has('checks/index.ts')).toBe(true);
    expect(checkModules(modules).length).toBeGreaterThan(50);
  });

  it.each(['src/cli.ts', 'src/commands/collect.ts', 'src/commands/playbook.ts', 'src/report/text.ts', 'src/report/markdown.ts', 'src/report/junit.ts', 'src/i18n/checks.ts'])('%s loads no check', (entry) => {
    expect(checkModules(loadedBy(entry))).toEqual([]);
  });

  it('exec-check loads its three checks, not the others', () => {
    expect(checkModules(loadedBy('src/commands/exec-check.ts'))).toEqual(['checks/env-dropped-by-child.ts', 'checks/injection-env-missing.ts', 'checks/shell-drops-preload.ts']);
  });
});
