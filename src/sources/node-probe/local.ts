// --node-probe local: gpuctl runs on the node itself and reads its facts directly.
import { hostname } from 'node:os';
import type { NodeHost } from '../../collection/collection.js';
import type { ProbeSelection } from '../../collection/probe-commands.js';
import { parseProbeOutput, probeScript } from './script.js';

export interface LocalProbeOptions {
  /** For tests: read files below this directory instead of /. */
  hostRoot?: string;
  commandTimeoutS?: number;
  timeoutMs?: number;
  /** What the script runs and copies; absent, everything (gpuctl install's own checks read the whole probe). */
  selection?: ProbeSelection;
}

export async function probeLocalNode(options: LocalProbeOptions = {}): Promise<NodeHost & { complete: boolean }> {
  const { execa } = await import('execa');
  const script = probeScript({ hostRoot: options.hostRoot ?? '', chroot: false, commandTimeoutS: options.commandTimeoutS ?? 10, selection: options.selection });
  const result = await execa('sh', ['-c', script], { reject: false, timeout: options.timeoutMs ?? 120_000, stdin: 'ignore', stripFinalNewline: false });
  return parseProbeOutput(String(result.stdout ?? ''));
}

/** The cluster's name for this machine: the Node whose name or hostname label matches the local hostname. */
export function localNodeName(nodes: { metadata: { name: string; labels?: Record<string, string> } }[], host = hostname()): string | undefined {
  const short = host.split('.')[0];
  return nodes.find((n) => n.metadata.name === host || n.metadata.name === short || n.metadata.labels?.['kubernetes.io/hostname'] === host)?.metadata.name;
}
