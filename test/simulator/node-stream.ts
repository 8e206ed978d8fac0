// What the node probe script (src/sources/node-probe/script.ts) would print on a node whose facts are a
// snapshot's nodes/NODE/: the same sections, in the same order, byte for byte, so the real parser runs.
// The script reads only PROBE_COMMANDS, PROBE_FILES and PROBE_DIRS: facts of the snapshot outside those
// are not on the stream (as on a real node), and commands the snapshot lacks are left out.
import type { NodeHost } from '../../src/collection/collection.js';
import type { ProbeSelection } from '../../src/collection/probe-commands.js';
import { FULL_PROBE, PROBE_COMMANDS } from '../../src/collection/probe-commands.js';

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

export function probeStreamOf(host: NodeHost, selection: ProbeSelection = FULL_PROBE): string {
  let out = '';
  for (const cmd of PROBE_COMMANDS) {
    if (!selection.commands.includes(cmd.name)) continue;
    const result = host.commands.get(cmd.name);
    if (!result) continue;
    out += `\n@@cmd ${cmd.name}\n${result.stdout}\n@@exit ${result.exitCode}\n\n@@stderr\n${result.stderr ?? ''}`;
  }
  for (const file of expand([...selection.files], host.files.keys())) out += `\n@@file ${file}\n${host.files.get(file)}`;
  for (const dir of expand([...selection.dirs], allDirs(host))) out += `\n@@dir ${dir}\n`;
  return out + '\n@@end\n';
}

/**
 * What a node probe script runs and copies, read back from its text: its `@@cmd` names and the globs of its
 * file and directory loops. Undefined unless the script is exactly the one probeScript builds for that selection.
 */
export function selectionOfScript(script: string, build: (selection: ProbeSelection) => string): ProbeSelection | undefined {
  const commands = [...script.matchAll(/@@cmd %s\\n' '([^']+)'/g)].map((m) => m[1]!);
  const globs = (variable: 'f' | 'd') => {
    const line = script.split('\n').find((l) => l.startsWith(`for ${variable} in `));
    return line ? line.slice(`for ${variable} in `.length, line.lastIndexOf('; do')).split(' ').map((t) => t.replace(/^"\$R"/, '').replace(/'/g, '')) : [];
  };
  const selection = { commands, files: globs('f'), dirs: globs('d') };
  return build(selection) === script ? selection : undefined;
}
