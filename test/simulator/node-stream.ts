// What the node probe script (src/sources/node-probe/script.ts) would print on a node whose facts are a
// snapshot's nodes/NODE/: the same sections, in the same order, byte for byte, so the real parser runs.
// The script reads only PROBE_COMMANDS, PROBE_FILES and PROBE_DIRS: facts of the snapshot outside those
// are not on the stream (as on a real node), and commands the snapshot lacks are left out.
import type { NodeHost } from '../../src/collection/collection.js';
import { PROBE_COMMANDS, PROBE_DIRS, PROBE_FILES } from '../../src/collection/probe-commands.js';

/** A probe glob as sh expands it: `*` matches within one path segment, never a leading dot. */
function globRegExp(glob: string): RegExp {
  const parts = glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('(?!\\.)[^/]*')}$`);
}

/** Every directory the host has: those listed, their parents, and the parents of its files. */
function allDirs(host: NodeHost): Set<string> {
  const dirs = new Set(host.dirs);
  for (const path of [...host.files.keys(), ...host.dirs]) {
    for (let d = path.slice(0, path.lastIndexOf('/')); d.length > 0; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
  }
  return dirs;
}

/** Paths matching each glob in turn, sorted within a glob as sh sorts them (LC_ALL=C); a path may repeat. */
function expand(globs: string[], paths: Iterable<string>): string[] {
  const all = [...paths].sort();
  return globs.flatMap((glob) => (glob.includes('*') ? all.filter((p) => globRegExp(glob).test(p)) : all.filter((p) => p === glob)));
}

export function probeStreamOf(host: NodeHost): string {
  let out = '';
  for (const cmd of PROBE_COMMANDS) {
    const result = host.commands.get(cmd.name);
    if (!result) continue;
    out += `\n@@cmd ${cmd.name}\n${result.stdout}\n@@exit ${result.exitCode}\n\n@@stderr\n${result.stderr ?? ''}`;
  }
  for (const file of expand(PROBE_FILES, host.files.keys())) out += `\n@@file ${file}\n${host.files.get(file)}`;
  for (const dir of expand(PROBE_DIRS, allDirs(host))) out += `\n@@dir ${dir}\n`;
  return out + '\n@@end\n';
}
