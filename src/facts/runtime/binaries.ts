// Which runtime binaries exist on a node: copied files, or the `runtime-binaries` probe, which prints
// every candidate and every configured BinaryName / docker `path` that exists on the host.
import type { NodeHost } from '../../collection/collection.js';

export const RUNTIME_BINARIES_COMMAND = 'runtime-binaries';

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The binaries the `runtime-binaries` probe found on the node; undefined when the probe did not run. */
export function listedRuntimeBinaries(host: NodeHost): string[] | undefined {
  const probe = host.commands.get(RUNTIME_BINARIES_COMMAND);
  return probe ? probe.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : undefined;
}

/**
 * Whether a runtime binary exists on the node: a copied file at that path, or the `runtime-binaries`
 * probe (which reports every configured binary that exists; a bare name is looked up on PATH).
 * Undefined when neither fact is there.
 */
export function binaryExists(host: NodeHost, binary: string): boolean | undefined {
  const candidates = binary.startsWith('/') ? [binary] : PATH_DIRS.map((dir) => `${dir}/${binary}`);
  if (candidates.some((c) => host.files.has(c))) return true;
  const listed = listedRuntimeBinaries(host);
  if (!listed) return undefined;
  const set = new Set(listed);
  return candidates.some((c) => set.has(c)) || (!binary.startsWith('/') && listed.some((l) => l.endsWith(`/${binary}`)));
}
