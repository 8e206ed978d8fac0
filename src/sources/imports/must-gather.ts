// The NVIDIA GPU Operator's hack/must-gather.sh output: cluster_policy.yaml, gpu_operand_pods.yaml,
// gpu_operand_ds.yaml, gpu_operator_pod.yaml, gpu_nodes.labels, gpu_nodes.descr, per-pod logs
// written with `--all-containers --prefix`, and nvidia-bug-report_NODE.log.gz.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KubeObject, Node } from '../../facts/kube.js';
import type { Collection, NodeHost } from '../collection.js';
import { emptyCollection, logKey } from '../collection.js';
import { parseObjects } from '../parse-objects.js';

const MARKERS = ['gpu_operand_pods.yaml', 'cluster_policy.yaml', 'cluster_policy.missing', 'gpu_nodes.labels'];

export async function isMustGather(root: string): Promise<boolean> {
  const names = await readdir(root).catch(() => [] as string[]);
  return MARKERS.filter((m) => names.includes(m)).length >= 2 || (names.includes('must-gather.log') && names.some((n) => MARKERS.includes(n)));
}

export async function loadMustGather(root: string, label: string): Promise<Collection> {
  const collection = emptyCollection(`GPU Operator must-gather ${label}`);
  const names = await readdir(root);
  for (const name of ['cluster_policy.yaml', 'gpu_operand_pods.yaml', 'gpu_operand_ds.yaml', 'gpu_operator_pod.yaml']) {
    if (!names.includes(name)) continue;
    const result = parseObjects(await readFile(path.join(root, name)), name);
    if (result.error) collection.problems.push({ path: name, message: result.error });
    for (const obj of result.objects) {
      if (!collection.objects.some((o) => o.kind === obj.kind && o.metadata.name === obj.metadata.name && o.metadata.namespace === obj.metadata.namespace)) {
        collection.objects.push(obj);
      }
    }
  }
  if (names.includes('cluster_policy.missing')) collection.notInstalled.add('ClusterPolicy');
  const describe = names.includes('gpu_nodes.descr') ? await readFile(path.join(root, 'gpu_nodes.descr'), 'utf8') : '';
  if (names.includes('gpu_nodes.labels')) {
    collection.objects.push(...nodesFromLabels(await readFile(path.join(root, 'gpu_nodes.labels'), 'utf8'), describe));
  }
  // must-gather only gathers the operator namespace: the rest of the cluster is unknown, not empty.
  for (const kind of ['Event', 'RuntimeClass', 'Deployment']) collection.unavailable.set(kind, 'not in a GPU Operator must-gather');
  const pods = collection.objects.filter((o) => o.kind === 'Pod');
  for (const name of names) {
    const log = /^gpu_operand_pod_(.+?)(\.previous)?\.log$/.exec(name);
    const operator = /^gpu_operator_pod(\.previous)?\.log$/.exec(name);
    if (log) splitPrefixedLog(await readFile(path.join(root, name), 'utf8'), log[1]!, !!log[2], pods, collection);
    else if (operator) {
      const pod = pods.find((p) => p.metadata.labels?.app === 'gpu-operator');
      if (pod) {
        const container = pod.spec?.containers?.[0]?.name ?? 'gpu-operator';
        collection.logs.set(logKey(pod.metadata.namespace ?? 'gpu-operator', pod.metadata.name, container, !!operator[1]), await readFile(path.join(root, name), 'utf8'));
      }
    }
    const report = /^nvidia-bug-report_(.+)\.log\.gz$/.exec(name);
    if (report) {
      try {
        collection.nodes.set(report[1]!, hostFromBugReport(gunzipSync(await readFile(path.join(root, name))).toString('utf8')));
      } catch (err) {
        collection.problems.push({ path: name, message: `not a gzip file: ${(err as Error).message}` });
      }
    }
  }
  return collection;
}

/** gpu_nodes.labels: a node name line, then "- key=value" lines, a blank line between nodes. */
function nodesFromLabels(text: string, describe: string): Node[] {
  const nodes: Node[] = [];
  let current: Node | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('- ')) {
      const eq = line.indexOf('=');
      if (current && eq > 2) current.metadata.labels![line.slice(2, eq)] = line.slice(eq + 1);
      continue;
    }
    current = { apiVersion: 'v1', kind: 'Node', metadata: { name: line, labels: {} }, status: resourcesFromDescribe(describe, line) };
    nodes.push(current);
  }
  return nodes;
}

/** Capacity and Allocatable blocks of `kubectl describe node NAME`. */
function resourcesFromDescribe(describe: string, node: string): Node['status'] {
  const start = describe.search(new RegExp(`^Name:\\s+${node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  if (start < 0) return {};
  const rest = describe.slice(start);
  const next = rest.slice(1).search(/^Name:\s+/m);
  const block = next < 0 ? rest : rest.slice(0, next + 1);
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
