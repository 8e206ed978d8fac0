// The finding names of the catalogue, as the docs list them (docs/checks/README.md: "| GPU106 | gpu-taint-untolerated | …"),
// plus the names issue 15 adds ("added from real-world threads" in shared/CHECKS.md) before their checks exist.
import fs from 'node:fs';
import path from 'node:path';

export const ISSUE_15_NAMES = [
  'nvidia-runtime-not-selected',
  'operand-taint-untolerated',
  'fabric-manager-not-running',
  'driver-image-unavailable',
  'toolkit-config-unsupported',
  'operand-deploy-label-missing',
];

export function catalogueNames(root: string): Set<string> {
  const text = fs.readFileSync(path.join(root, 'docs/checks/README.md'), 'utf8');
  const names = new Set(ISSUE_15_NAMES);
  // A table row whose first or second cell is a kebab-case name (optionally a link or in backticks).
  for (const m of text.matchAll(/^\|(?:\s*[A-Z]+\d+\s*\|)?\s*\[?`?([a-z0-9]+(?:-[a-z0-9]+)+)`?\]?/gm)) names.add(m[1]!);
  return names;
}
