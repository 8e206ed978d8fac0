// Host files under the redirectable root: on a node the root is '', in tests a temporary directory.
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export function hostPath(root: string, absolute: string): string {
  return root ? path.join(root, absolute) : absolute;
}

export async function readHostFile(root: string, absolute: string): Promise<string | undefined> {
  try {
    return await readFile(hostPath(root, absolute), 'utf8');
  } catch {
    return undefined;
  }
}

export async function hostExists(root: string, absolute: string): Promise<boolean> {
  try {
    await access(hostPath(root, absolute));
    return true;
  } catch {
    return false;
  }
}

/** Files of a directory whose name matches a simple `*` pattern (one path component, like containerd imports). */
export async function globHostFiles(root: string, pattern: string): Promise<string[]> {
  if (!pattern.includes('*')) return (await hostExists(root, pattern)) ? [pattern] : [];
  const dir = path.dirname(pattern);
  const re = new RegExp(`^${path.basename(pattern).split('*').map(escapeRe).join('.*')}$`);
  try {
    const names = await readdir(hostPath(root, dir));
    return names.filter((n) => re.test(n)).sort().map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
