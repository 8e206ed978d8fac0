import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docs as DOCS_BASE, version } from '../package.json';

/** The gpuctl package directory, from the bundle (dist/) or from the sources (src/…). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('gpuctl package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const DEMO_SNAPSHOT = 'examples/passthrough-gpu-held';

/**
 * A page of the documentation as a full URL (package.json `docs`, `{version}` filled in), for reports read
 * outside the repository or pasted into an issue; `relative` is the path in the package, e.g. docs/checks/x.md.
 */
export function docsUrl(relative: string): string {
  return DOCS_BASE.replace('{version}', version) + relative.replace(/^docs\//, '');
}

/** The same page in this installation, for --debug. */
export function localDocs(relative: string): string {
  return path.join(packageRoot(), relative);
}
