// The NVIDIA GPU Operator's hack/must-gather.sh output: cluster_policy.yaml, gpu_operand_pods.yaml,
// gpu_operand_ds.yaml, gpu_operator_pod.yaml, gpu_nodes.labels, gpu_nodes.descr, per-pod logs
// written with `--all-containers --prefix`, and nvidia-bug-report_NODE.log.gz.
import { pushAll } from '../../bounded.js';
import { gunzipSync } from 'node:zlib';
import type { KubeObject, Node } from '../../collection/kube.js';
import type { Collection, NodeHost } from '../../collection/collection.js';
import { logKey } from '../../collection/collection.js';
import type { Phase } from '../pipeline.js';
import { parseObjects } from '../parse-objects.js';
import { FILE_LIMITS, type SnapshotFiles } from '../snapshot-files.js';

const MARKERS = ['gpu_operand_pods.yaml', 'cluster_policy.yaml', 'cluster_policy.missing', 'gpu_nodes.labels'];

export async function isMustGather(files: SnapshotFiles): Promise<boolean> {
  const names = (await files.list('')).map((e) => e.name);
  return MARKERS.filter((m) => names.includes(m)).length >= 2 || (names.includes('must-gather.log') && names.some((n) => MARKERS.includes(n)));
}

/** A must-gather's collection, as the one phase of its source (src/sources/pipeline.ts). */
export function mustGatherPhase(files: SnapshotFiles): Phase {
  return {
    name: 'GPU Operator must-gather',
    reads: [],
    adds: ['objects', 'logs', 'nodes', 'problems', 'unavailable', 'notInstalled', 'notCollected'],
    run: (_before, collection) => readMustGather(files, collection),
  };
}

async function readMustGather(files: SnapshotFiles, collection: Collection): Promise<void> {
  files.reportInto(collection.problems);
  const problems = collection.problems;
  const names = await files.fileNames('');
  const text = (name: string, limit = FILE_LIMITS.hostFileBytes, tail = false) => (names.includes(name) ? files.readText(name, limit, { tail }) : Promise.resolve(undefined));
  for (const name of ['cluster_policy.yaml', 'gpu_operand_pods.yaml', 'gpu_operand_ds.yaml', 'gpu_operator_pod.yaml']) {
    if (!names.includes(name)) continue;
    const buf = await files.read(name, FILE_LIMITS.objectFileBytes, { what: 'object file' });
    if (buf === undefined) continue;
    const result = parseObjects(buf, name);
    if (result.error) problems.push({ path: name, message: result.error });
    for (const obj of result.objects) {
      if (!collection.objects.some((o) => o.kind === obj.kind && o.metadata.name === obj.metadata.name && o.metadata.namespace === obj.metadata.namespace)) {
        collection.objects.push(obj);
      }
    }
  }
  if ((await files.list('')).some((e) => e.name === 'cluster_policy.missing')) collection.notInstalled.add('ClusterPolicy');
  const describe = (await text('gpu_nodes.descr')) ?? '';
  const labels = await text('gpu_nodes.labels');
  if (labels !== undefined) pushAll(collection.objects, nodesFromLabels(labels, describe));
  // must-gather only gathers the operator namespace: the rest of the cluster is unknown, not empty.
  for (const kind of ['Event', 'RuntimeClass', 'Deployment']) {
    collection.unavailable.set(kind, 'not in a GPU Operator must-gather');
    (collection.notCollected ??= new Set()).add(kind);
  }
  const pods = collection.objects.filter((o) => o.kind === 'Pod');
  for (const name of names) {
    const log = /^gpu_operand_pod_(.+?)(\.previous)?\.log$/.exec(name);
    const operator = /^gpu_operator_pod(\.previous)?\.log$/.exec(name);
    if (log) {
      const body = await text(name, FILE_LIMITS.prefixedLogTailBytes, true);
      if (body !== undefined) splitPrefixedLog(body, log[1]!, !!log[2], pods, collection);
    } else if (operator) {
      const pod = pods.find((p) => p.metadata.labels?.app === 'gpu-operator');
      const body = pod ? await text(name, FILE_LIMITS.logTailBytes, true) : undefined;
      if (pod && body !== undefined) {
        const container = pod.spec?.containers?.[0]?.name ?? 'gpu-operator';
        collection.logs.set(logKey(pod.metadata.namespace ?? 'gpu-operator', pod.metadata.name, container, !!operator[1]), body);
      }
    }
    const report = /^nvidia-bug-report_(.+)\.log\.gz$/.exec(name);
    if (report) {
      const gz = await files.read(name, FILE_LIMITS.gzipFileBytes, { what: 'bug report' });
      if (gz === undefined) continue;
      try {
        // maxOutputLength: a small gzip can unpack to gigabytes.
        collection.nodes.set(report[1]!, hostFromBugReport(gunzipSync(gz, { maxOutputLength: FILE_LIMITS.gzipMemberBytes }).toString('utf8')));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push({
          path: name,
          message: code === 'ERR_BUFFER_TOO_LARGE' ? `unpacks to more than the ${FILE_LIMITS.gzipMemberBytes / 1048576} MB limit; not read` : `not a gzip file: ${(err as Error).message}`,
        });
      }
    }
  }
}

/** gpu_nodes.labels: a node name line, then "- key=value" lines, a blank line between nodes. */
function nodesFromLabels(text: string, describe: string): Node[] {
  const nodes: Node[] = [];
  const blocks = describeBlocks(describe);
  let current: Node | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('- ')) {
      const eq = line.indexOf('=');
      if (current && eq > 2) current.metadata.labels![line.slice(2, eq)] = line.slice(eq + 1);
      continue;
    }
    // A node name is a DNS subdomain: a line that cannot be one is not a node.
    if (line.length > 253 || /\s/.test(line)) {
      current = undefined;
      continue;
    }
    current = { apiVersion: 'v1', kind: 'Node', metadata: { name: line, labels: {} }, status: resourcesFromDescribe(blocks.get(line)) };
    nodes.push(current);
  }
  return nodes;
}

/** Capacity and Allocatable blocks of `kubectl describe node NAME`. */
/** `kubectl describe node` output split once into node name → its block (one pass, whatever the node count). */
function describeBlocks(describe: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const starts = [...describe.matchAll(/^Name:[ \t]+(\S+)[ \t]*$/gm)];
  starts.forEach((m, i) => {
    if (!blocks.has(m[1]!)) blocks.set(m[1]!, describe.slice(m.index, starts[i + 1]?.index ?? describe.length));
  });
  return blocks;
}

function resourcesFromDescribe(block: string | undefined): Node['status'] {
  if (block === undefined) return {};
  const section = (title: string) => {
    const m = new RegExp(`^${title}:\\n((?:[ \\t]+\\S+:[ \\t]+\\S+\\n)+)`, 'm').exec(block);
    return m ? Object.fromEntries(m[1]!.trim().split('\n').map((l) => l.trim().split(/:\s+/) as [string, string])) : undefined;
  };
  const capacity = section('Capacity');
  const allocatable = section('Allocatable');
  return { ...(capacity ? { capacity } : {}), ...(allocatable ? { allocatable } : {}) };
}

/** `kubectl logs --all-containers --prefix` lines start with "[pod/NAME/CONTAINER] ". */
function splitPrefixedLog(text: string, podName: string, previous: boolean, pods: KubeObject[], collection: Collection): void {
  const namespace = pods.find((p) => p.metadata.name === podName)?.metadata.namespace ?? 'gpu-operator';
  const byContainer = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^\[pod\/[^/\]]+\/([^\]]+)\] ?(.*)$/.exec(line);
    if (!m) continue;
    byContainer.set(m[1]!, [...(byContainer.get(m[1]!) ?? []), m[2]!]);
  }
  for (const [container, lines] of byContainer) collection.logs.set(logKey(namespace, podName, container, previous), lines.join('\n') + '\n');
}

/** The few facts gpuctl reads from nvidia-bug-report.log: the kernel module version and nvidia-smi's table. */
function hostFromBugReport(text: string): NodeHost {
  const host: NodeHost = { files: new Map(), dirs: new Set(), commands: new Map() };
  const nvrm = /^NVRM version:.*$/m.exec(text);
  if (nvrm) host.files.set('/proc/driver/nvidia/version', `${nvrm[0]}\n`);
  const smi = /^\+-+\+\n\| NVIDIA-SMI[\s\S]*?\n\+-+\+\n(?:[\s\S]*?\n)?\+-+\+$/m.exec(text);
  if (smi) host.commands.set('nvidia-smi', { stdout: `${smi[0]}\n`, exitCode: 0 });
  return host;
}
