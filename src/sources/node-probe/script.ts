// One POSIX sh script gathers a node's facts (commands, files, directories) in a delimited stream.
// The same script runs on the node itself (--node-probe local) and in a probe pod, chrooted into the host.
import type { CommandOutput, NodeHost } from '../../collection/collection.js';
import type { ProbeSelection } from '../../collection/probe-commands.js';
import { FULL_PROBE, PROBE_COMMANDS } from '../../collection/probe-commands.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ProbeScriptOptions {
  /** Where the host filesystem is: '' on the node, '/host' in a probe pod. */
  hostRoot: string;
  /** Run the commands chrooted into hostRoot (probe pod), or as they are (on the node). */
  chroot: boolean;
  /** Limit of each probe command, in seconds. */
  commandTimeoutS: number;
  /** What to run and copy (the doctor: what its checks declare, CollectionPlan.probe); absent, everything. */
  selection?: ProbeSelection;
}

export function probeScript({ hostRoot, chroot, commandTimeoutS, selection = FULL_PROBE }: ProbeScriptOptions): string {
  const run = chroot && hostRoot ? `chroot ${shQuote(hostRoot)} ` : '';
  const lines = [
    `R=${shQuote(hostRoot)}`,
    // Probe commands that test host paths themselves read below this root when they are not chrooted.
    `export GPUCTL_PROBE_ROOT=${chroot ? "''" : shQuote(hostRoot)}`,
    'E=$(mktemp 2>/dev/null || echo /tmp/gpuctl-probe-err.$$)',
    `if command -v timeout >/dev/null 2>&1; then T="timeout ${commandTimeoutS}"; else T=""; fi`,
  ];
  for (const cmd of PROBE_COMMANDS) {
    if (!selection.commands.includes(cmd.name)) continue;
    lines.push(
      `printf '\\n@@cmd %s\\n' ${shQuote(cmd.name)}`,
      `$T ${run}sh -c ${shQuote(cmd.shell)} 2>"$E"; rc=$?`,
      `printf '\\n@@exit %s\\n' "$rc"`,
      `printf '\\n@@stderr\\n'; head -c 65536 "$E"`,
    );
  }
  // Globs expand inside the host root; the prefix is cut again before printing.
  if (selection.files.length > 0) {
    lines.push(`for f in ${selection.files.map((f) => `"$R"${globQuote(f)}`).join(' ')}; do`);
    lines.push(`  [ -f "$f" ] || continue; printf '\\n@@file %s\\n' "\${f#"$R"}"; head -c ${MAX_FILE_BYTES} "$f"`, 'done');
  }
  if (selection.dirs.length > 0) {
    lines.push(`for d in ${selection.dirs.map((d) => `"$R"${globQuote(d)}`).join(' ')}; do`);
    lines.push(`  [ -d "$d" ] && printf '\\n@@dir %s\\n' "\${d#"$R"}"`, 'done');
  }
  lines.push(`printf '\\n@@end\\n'`, 'rm -f "$E"');
  return lines.join('\n');
}

/** Quote a path but leave its * unquoted so sh expands it. */
function globQuote(p: string): string {
  return p
    .split('*')
    .map((part) => (part ? shQuote(part) : ''))
    .join('*');
}

export function parseProbeOutput(output: string): NodeHost & { complete: boolean } {
  const host: NodeHost & { complete: boolean } = { files: new Map(), dirs: new Set(), commands: new Map(), complete: false };
  let current: CommandOutput | undefined;
  for (const part of output.split('\n@@').slice(1)) {
    const nl = part.indexOf('\n');
    const head = nl < 0 ? part : part.slice(0, nl);
    const body = nl < 0 ? '' : part.slice(nl + 1);
    const [tag, ...rest] = head.split(' ');
    const arg = rest.join(' ');
    if (tag === 'cmd') {
      current = { stdout: body, exitCode: -1 };
      host.commands.set(arg, current);
    } else if (tag === 'exit' && current) current.exitCode = Number.parseInt(arg, 10);
    else if (tag === 'stderr' && current) {
      if (body) current.stderr = body;
    } else if (tag === 'file') host.files.set(arg, body);
    else if (tag === 'dir') host.dirs.add(arg.replace(/\/+$/, ''));
    else if (tag === 'end') host.complete = true;
  }
  return host;
}
