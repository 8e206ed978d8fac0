// The NVIDIA driver of a node, read from every source there is and told with its source: the
// node's probe outputs (nvidia-smi, its query CSV, /proc/driver/nvidia/version) or the labels of
// GPU Feature Discovery. Plus the version arithmetic the driver checks share, and which nodes a
// node check looks at.
import type { CommandOutput } from '../collection/collection.js';
import type { Facts } from './facts.js';
import type { Node, Pod } from '../collection/kube.js';
import { parseProcDriverVersion } from './nvidia-host.js';
import { parseNvidiaSmi, parseNvidiaSmiQuery } from './nvidia-smi.js';
import { ownerName } from './pods.js';
import { gpuOperatorPodsOn } from './stacks.js';

export const PROC_VERSION_PATH = '/proc/driver/nvidia/version';

/** stdout and stderr of a probe command together: nvidia-smi prints some failures to either. */
export function commandText(out: CommandOutput | undefined): string {
  if (!out) return '';
  return [out.stdout, out.stderr ?? ''].filter(Boolean).join('\n');
}

/** A probe command that did not run at all (exit 127: not installed on the host). */
export function commandMissing(out: CommandOutput | undefined): boolean {
  if (!out) return false;
  return out.exitCode === 127 || (!out.stdout.trim() && /not found|No such file or directory/i.test(out.stderr ?? ''));
}

/** Compares dotted numeric versions ("535.129.03" < "535.154.05" < "550"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The driver branch: the first number of the version ("535" of "535.129.03"). */
export function driverBranch(version: string): number {
  return Number.parseInt(version, 10);
}

// ---------------------------------------------------------------------------------------------
// GPU Feature Discovery labels

/** Current GFD labels first, then the deprecated ones older GFD versions write. */
const GFD_DRIVER_FULL = 'nvidia.com/cuda.driver-version.full';
const GFD_DRIVER_PARTS = [
  ['nvidia.com/cuda.driver-version.major', 'nvidia.com/cuda.driver-version.minor', 'nvidia.com/cuda.driver-version.revision'],
  ['nvidia.com/cuda.driver.major', 'nvidia.com/cuda.driver.minor', 'nvidia.com/cuda.driver.rev'],
] as const;
const GFD_RUNTIME_FULL = 'nvidia.com/cuda.runtime-version.full';
const GFD_RUNTIME_PARTS = [
  ['nvidia.com/cuda.runtime-version.major', 'nvidia.com/cuda.runtime-version.minor'],
  ['nvidia.com/cuda.runtime.major', 'nvidia.com/cuda.runtime.minor'],
] as const;

function fromParts(labels: Record<string, string>, keys: readonly string[]): { value: string; keys: string[] } | undefined {
  const parts: string[] = [];
  const used: string[] = [];
  for (const key of keys) {
    const v = labels[key];
    if (v === undefined || !/^\d+$/.test(v)) break;
    parts.push(v);
    used.push(key);
  }
  return parts.length ? { value: parts.join('.'), keys: used } : undefined;
}

export function gfdDriverVersion(labels: Record<string, string>): { value: string; source: string } | undefined {
  const full = labels[GFD_DRIVER_FULL];
  if (full && /^\d+(\.\d+)*$/.test(full)) return { value: full, source: `GFD label ${GFD_DRIVER_FULL}=${full}` };
  for (const keys of GFD_DRIVER_PARTS) {
    const v = fromParts(labels, keys);
    if (v) return { value: v.value, source: `GFD labels ${v.keys.map((k) => `${k}=${labels[k]}`).join(', ')}` };
  }
  return undefined;
}

export function gfdCudaVersion(labels: Record<string, string>): { value: string; source: string } | undefined {
  const full = labels[GFD_RUNTIME_FULL];
  if (full && /^\d+\.\d+/.test(full)) return { value: /^\d+\.\d+/.exec(full)![0], source: `GFD label ${GFD_RUNTIME_FULL}=${full}` };
  for (const keys of GFD_RUNTIME_PARTS) {
    const v = fromParts(labels, keys);
    if (v && v.keys.length === 2) return { value: v.value, source: `GFD labels ${v.keys.map((k) => `${k}=${labels[k]}`).join(', ')}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// A node's driver

export interface SourcedVersion {
  value: string;
  /** Where it was read, as a person would say it: "nvidia-smi on gpu-1". */
  source: string;
}

export interface NodeDriver {
  node: string;
  /** The driver version to judge by: host sources first (they are the truth now), labels last. */
  driver?: SourcedVersion;
  /** Highest CUDA version the driver supports, where a source states it. */
  cuda?: SourcedVersion;
  /** Every version seen, to quote when sources disagree. */
  seen: SourcedVersion[];
  /** Sources that exist but could not be read, in words. */
  notes: string[];
}

// Checks ask this once per pod on a node: read each node once per Facts (the result is read-only).
const nodeDriverCache = new WeakMap<Facts, Map<string, NodeDriver>>();

/** Reads a node's driver version from every source; `driver` is undefined when none has it. */
export function nodeDriver(facts: Facts, nodeName: string): NodeDriver {
  let cache = nodeDriverCache.get(facts);
  if (!cache) nodeDriverCache.set(facts, (cache = new Map()));
  let result = cache.get(nodeName);
  if (!result) cache.set(nodeName, (result = readNodeDriver(facts, nodeName)));
  return result;
}

function readNodeDriver(facts: Facts, nodeName: string): NodeDriver {
  const result: NodeDriver = { node: nodeName, seen: [], notes: [] };
  const smiOut = facts.hostCommand(nodeName, 'nvidia-smi');
  if (smiOut) {
    const smi = parseNvidiaSmi(commandText(smiOut));
    if (smi.driverVersion) result.seen.push({ value: smi.driverVersion, source: `nvidia-smi on ${nodeName}` });
    if (smi.cudaVersion) result.cuda = { value: smi.cudaVersion, source: `nvidia-smi on ${nodeName} ("CUDA Version: ${smi.cudaVersion}")` };
    if (smi.error) result.notes.push(`nvidia-smi on ${nodeName}: ${smi.error.line}`);
  }
  const queryOut = facts.hostCommand(nodeName, 'nvidia-smi-query');
  if (queryOut) {
    const query = parseNvidiaSmiQuery(commandText(queryOut));
    const version = query.gpus.find((g) => g.driverVersion)?.driverVersion;
    if (version) result.seen.push({ value: version, source: `nvidia-smi --query-gpu on ${nodeName}` });
  }
  const proc = facts.hostFile(nodeName, PROC_VERSION_PATH);
  if (proc !== undefined) {
    const parsed = parseProcDriverVersion(proc);
    if (parsed) result.seen.push({ value: parsed.version, source: `${PROC_VERSION_PATH} on ${nodeName} (${parsed.flavor} kernel module)` });
    else result.notes.push(`${PROC_VERSION_PATH} on ${nodeName} has no NVRM version line`);
  }
  const labels = facts.node(nodeName)?.metadata.labels ?? {};
  const gfd = gfdDriverVersion(labels);
  if (gfd) result.seen.push({ value: gfd.value, source: `${gfd.source} on node ${nodeName}` });
  if (!result.cuda) {
    const cuda = gfdCudaVersion(labels);
    if (cuda) result.cuda = { value: cuda.value, source: `${cuda.source} on node ${nodeName}` };
  }
  if (result.seen.length) result.driver = result.seen[0];
  return result;
}

/** Nodes a node check should judge: those with GPU evidence and those that were probed. */
export function nodeNamesToJudge(facts: Facts, gpuNodes: Node[]): string[] {
  const names = new Set(gpuNodes.map((n) => n.metadata.name));
  for (const name of facts.probedNodes) names.add(name);
  return [...names].sort();
}

/** Pods of the GPU Operator's driver DaemonSet on a node: then the operator, not the host, installs the driver. */
export function operatorDriverPods(facts: Facts, nodeName: string): Pod[] {
  return gpuOperatorPodsOn(facts, nodeName).filter(
    (p) => p.metadata.labels?.app === 'nvidia-driver-daemonset' || /^nvidia-driver-daemonset/.test(ownerName(p) ?? p.metadata.name),
  );
}
