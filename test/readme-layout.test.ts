// README's folder table is how a newcomer finds a check, a stack or a fact: it must name every folder of
// src/ (at any depth) and every top-level folder the repository tracks, and name nothing that is gone.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

/** The backticked paths of the first column of README's `| path | what lives there |` table. */
export function folderTablePaths(readme: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /^\|\s*path\s*\|\s*what lives there\s*\|/.test(l));
  if (start < 0) return [];
  const paths: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([^`]+)`/g)) paths.push(m[1]!.replace(/\/$/, ''));
  }
  return paths;
}

/** Every folder holding a tracked file: the top-level ones, and those under src/ at any depth. */
function trackedFolders(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split('/').slice(0, -1);
    if (!parts.length || parts[0]!.startsWith('.')) continue;
    folders.add(parts[0]!);
    if (parts[0] === 'src') for (let i = 2; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return [...folders].sort();
}

describe("README's table of folders", () => {
  const named = folderTablePaths(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  it('is found and parsed', () => {
    expect(named.length).toBeGreaterThan(10);
    expect(folderTablePaths('| path | what lives there |\n|---|---|\n| `src/a/` | x |\n| `b/` and `c` | y |\n\nafter')).toEqual(['src/a', 'b', 'c']);
  });

  it('names every top-level folder and every folder under src/', () => {
    const missing = trackedFolders().filter((folder) => !named.includes(folder));
    expect(missing, 'add a row to the folder table in README.md for each').toEqual([]);
  });

  it('names only folders that exist', () => {
    const gone = named.filter((p) => !existsSync(path.join(ROOT, p)) || !statSync(path.join(ROOT, p)).isDirectory());
    expect(gone).toEqual([]);
  });
});
