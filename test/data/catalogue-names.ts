// The finding names of the catalogue, as the docs list them (docs/checks/README.md: "| GPU106 | gpu-taint-untolerated | …"),
import fs from 'node:fs';
import path from 'node:path';

export function catalogueNames(root: string): Set<string> {
  const text = fs.readFileSync(path.join(root, 'docs/checks/README.md'), 'utf8');
  const names = new Set<string>();
  // A table row whose first or second cell is a kebab-case name (optionally a link or in backticks).
  for (const m of text.matchAll(/^\|(?:\s*[A-Z]+\d+\s*\|)?\s*\[?`?([a-z0-9]+(?:-[a-z0-9]+)+)`?\]?/gm)) names.add(m[1]!);
  return names;
}
