// `gpuctl doctor --fix`, the plan: which findings gpuctl may fix itself, as data. Each entry turns a finding
// (its subject, and the kubectl command its fix already names) into API calls that are safe and can be
// undone: label or unlabel a node, delete a finished pod or a NodeDiscovery job (saved first, see `save`),
// create a missing RuntimeClass. Everything else — Helm values, anything on a host — is printed for a person, never applied.
import type { CheckName } from '../catalogue.js';
import { GPU_PRESENT_LABEL, OPERANDS_LABEL } from '../facts/gpu.js';
import type { Finding } from '../model.js';

export interface ApiAction {
  method: 'PATCH' | 'DELETE' | 'POST';
  /** API path, query included. */
  path: string;
  /** JSON body: a merge patch for PATCH, the object for POST. */
  body?: unknown;
  /** The change in words: `label node gpu-2 gpu=on`. */
  describe: string;
  /** The same change as a kubectl command, to show and to undo by hand. */
  kubectl: string;
  /** How to take it back. */
  undo: string;
  /**
   * A delete: the object's manifest (GET `path` without its query) and, for a pod, every container's current
   * and previous log are saved before it, into the fix's backup folder; when they cannot be, nothing is deleted.
   */
  save?: { kind: 'Pod' | 'Job'; namespace: string; name: string };
}

export interface AutomaticFix {
  finding: Finding;
  actions: ApiAction[];
}

export interface ManualFix {
  finding: Finding;
  /** Why gpuctl leaves it to a person. */
  reason: string;
}

export interface FixPlan {
  automatic: AutomaticFix[];
  manual: ManualFix[];
}

// ---- the API calls -------------------------------------------------------------------------------------

/**
 * Labels to set (a value) or remove (null) on a node, with a JSON merge patch: null deletes the key.
 * `previous` holds the values they had, where known, for the undo command.
 */
export function labelNode(node: string, labels: Record<string, string | null>, previous: Record<string, string> = {}): ApiAction {
  const set = Object.entries(labels).filter(([, v]) => v !== null);
  const removed = Object.entries(labels).filter(([, v]) => v === null);
  const words = [...set.map(([k, v]) => `${k}=${v}`), ...removed.map(([k]) => `${k}-`)];
  const describe = [
    ...(set.length ? [`label node ${node} ${set.map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
    ...(removed.length ? [`remove label ${removed.map(([k]) => k).join(', ')} from node ${node}`] : []),
  ].join('; ');
  return {
    method: 'PATCH',
    path: `/api/v1/nodes/${node}`,
    body: { metadata: { labels } },
    describe,
    kubectl: `kubectl label node ${node} ${words.join(' ')}${set.length ? ' --overwrite' : ''}`,
    undo: `kubectl label node ${node} ${Object.keys(labels)
      .map((k) => (k in previous ? `${k}=${previous[k]}` : labels[k] === null ? `${k}=PREVIOUS_VALUE` : `${k}-`))
      .join(' ')}${Object.keys(labels).some((k) => k in previous) ? ' --overwrite' : ''}`,
  };
}

export function deletePod(namespace: string, name: string): ApiAction {
  return {
    method: 'DELETE',
    path: `/api/v1/namespaces/${namespace}/pods/${name}`,
    describe: `delete pod ${namespace}/${name} (its manifest and every container's logs are saved first)`,
    kubectl: `kubectl delete pod -n ${namespace} ${name}`,
    undo: `kubectl create -f BACKUP/${savedManifest('Pod', namespace, name)} (the manifest saved before the delete, in the folder gpuctl names; the logs are beside it)`,
    save: { kind: 'Pod', namespace, name },
  };
}

/** A Job deleted with its pods, as `kubectl delete job` does (the API's default would orphan them). */
export function deleteJob(namespace: string, name: string): ApiAction {
  return {
    method: 'DELETE',
    path: `/apis/batch/v1/namespaces/${namespace}/jobs/${name}?propagationPolicy=Background`,
    describe: `delete job ${namespace}/${name} and its pods, so its controller runs it again (its manifest is saved first)`,
    kubectl: `kubectl delete job -n ${namespace} ${name}`,
    undo: `its controller recreates the job; else kubectl create -f BACKUP/${savedManifest('Job', namespace, name)} (saved before the delete)`,
    save: { kind: 'Job', namespace, name },
  };
}

/** Where a deleted object's manifest goes in the backup folder: the snapshot layout, so `doctor --snapshot` reads it. */
export function savedManifest(kind: 'Pod' | 'Job', namespace: string, name: string): string {
  return `cluster/${namespace}/${kind.toLowerCase()}-${name}.json`;
}

export function createRuntimeClass(name: string, handler: string): ApiAction {
  return {
    method: 'POST',
    path: '/apis/node.k8s.io/v1/runtimeclasses',
    body: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler },
    describe: `create RuntimeClass ${name} with handler ${handler}`,
    kubectl: `echo '{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"${name}"},"handler":"${handler}"}' | kubectl create -f -`,
    undo: `kubectl delete runtimeclass ${name}`,
  };
}

// ---- reading the kubectl commands findings carry -------------------------------------------------------

/** Splits a one-line shell command into words, dropping a trailing `# comment`. */
function words(command: string): string[] {
  return command.replace(/\s+#.*$/, '').trim().split(/\s+/).filter(Boolean);
}

/** The namespace flag of a kubectl command, and the words without it. */
function withoutNamespace(argv: string[]): { namespace?: string; rest: string[] } {
  const rest: string[] = [];
  let namespace: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '-n' || w === '--namespace') namespace = argv[++i];
    else if (w.startsWith('--namespace=')) namespace = w.slice('--namespace='.length);
    else rest.push(w);
  }
  return { namespace, rest };
}

/** `kubectl label node(s) NAME k=v k2- … [--overwrite]` for this node → labels to set (value) or remove (null). */
export function labelsFromCommand(commands: string[], node: string): Record<string, string | null> | undefined {
  for (const command of commands) {
    const argv = words(command);
    if (argv[0] !== 'kubectl' || argv[1] !== 'label' || !/^(node|nodes|no)$/.test(argv[2] ?? '') || argv[3] !== node) continue;
    const labels: Record<string, string | null> = {};
    for (const w of argv.slice(4)) {
      if (w.startsWith('-')) continue;
      const set = /^([A-Za-z0-9./_-]+)=([A-Za-z0-9._-]*)$/.exec(w);
      const removed = /^([A-Za-z0-9./_-]+)-$/.exec(w);
      if (set) labels[set[1]!] = set[2]!;
      else if (removed) labels[removed[1]!] = null;
      else return undefined; // something this parser does not understand: leave it to a person
    }
    return Object.keys(labels).length ? labels : undefined;
  }
  return undefined;
}

/** `kubectl delete job(s)[.batch] NAME -n NS` → the job. */
export function jobFromCommand(commands: string[]): { namespace: string; name: string } | undefined {
  for (const command of commands) {
    const { namespace, rest } = withoutNamespace(words(command));
    if (rest[0] !== 'kubectl' || rest[1] !== 'delete' || !/^(job|jobs)(\.batch)?$/.test(rest[2] ?? '')) continue;
    const names = rest.slice(3).filter((w) => !w.startsWith('-'));
    if (names.length === 1) return { namespace: namespace ?? 'default', name: names[0]! };
  }
  return undefined;
}

/** The RuntimeClass a `kubectl apply -f - <<EOF … kind: RuntimeClass …` command creates. */
export function runtimeClassFromCommand(commands: string[]): { name: string; handler: string } | undefined {
  for (const command of commands) {
    if (!/kind:\s*RuntimeClass\b/.test(command)) continue;
    const name = /metadata:\s*\n\s+name:\s*([a-z0-9.-]+)/.exec(command)?.[1];
    const handler = /^handler:\s*([A-Za-z0-9_.-]+)\s*$/m.exec(command)?.[1];
    if (name && handler) return { name, handler };
  }
  return undefined;
}

// ---- the table -----------------------------------------------------------------------------------------

type Fixer = (finding: Finding) => ApiAction[] | undefined;

const onNode = (f: Finding) => (f.subject.kind === 'Node' ? f.subject.name : undefined);

/** Finding name → the API calls that fix it; undefined leaves that finding to a person. */
export const FIXERS: Partial<Record<CheckName, Fixer>> = {
  'gpu-node-unlabeled': (f) => {
    const node = onNode(f);
    return node ? [labelNode(node, { [GPU_PRESENT_LABEL]: 'true' })] : undefined;
  },
  'hami-node-not-enabled': (f) => {
    const node = onNode(f);
    const labels = node && labelsFromCommand(f.fix?.commands ?? [], node);
    return node && labels ? [labelNode(node, labels)] : undefined;
  },
  // Only where the label does harm: an info finding is an opt-out that may well be deliberate.
  'operands-disabled': (f) => {
    const node = onNode(f);
    return node && f.severity === 'warning' ? [labelNode(node, { [OPERANDS_LABEL]: null }, { [OPERANDS_LABEL]: 'false' })] : undefined;
  },
  'gpu-held-by-finished-pod': (f) => (f.subject.kind === 'Pod' && f.subject.namespace ? [deletePod(f.subject.namespace, f.subject.name)] : undefined),
  // Deleting a failed NodeDiscovery job makes TensorFusion run it again, after the GPU info configmap is fixed.
  'tf-gpus-undiscovered': (f) => {
    const job = f.subject.kind === 'Job' && f.subject.namespace ? { namespace: f.subject.namespace, name: f.subject.name } : jobFromCommand(f.fix?.commands ?? []);
    return job ? [deleteJob(job.namespace, job.name)] : undefined;
  },
  // Creating is safe; replacing an existing RuntimeClass (its handler is immutable) is not.
  'runtimeclass-missing': (f) => {
    const commands = f.fix?.commands ?? [];
    if (commands.some((c) => /kubectl delete runtimeclass/.test(c))) return undefined;
    const rc = runtimeClassFromCommand(commands);
    return rc && (f.subject.kind !== 'RuntimeClass' || f.subject.name === rc.name) ? [createRuntimeClass(rc.name, rc.handler)] : undefined;
  },
};

/** Why a fix is left to a person, from what its commands touch. */
export function manualReason(finding: Finding): string {
  const text = (finding.fix?.commands ?? []).join('\n');
  if (/\bhelm\s/.test(text)) return 'changes Helm values or releases';
  if (/\b(sudo|systemctl|apt-get|apt-mark|apt|modprobe|reboot|nvidia-ctk|update-initramfs|dracut|snap)\b/.test(text)) return 'runs on the node';
  if (finding.name in FIXERS) return 'not safe to apply here (see the finding)';
  return 'needs your judgement';
}

/** The findings' fixes, split into what gpuctl applies and what it prints; ok and info findings need none. */
export function planFixes(findings: Finding[]): FixPlan {
  const automatic: AutomaticFix[] = [];
  const manual: ManualFix[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    if (finding.severity === 'ok' || finding.severity === 'info') continue;
    const actions = FIXERS[finding.name as CheckName]?.(finding)?.filter((a) => {
      // Two findings may ask for the same change (a node labelled by two checks): make it once.
      const key = `${a.method} ${a.path} ${JSON.stringify(a.body ?? null)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (actions?.length) automatic.push({ finding, actions });
    else if (actions === undefined && finding.fix?.commands.length) manual.push({ finding, reason: manualReason(finding) });
  }
  // A finding whose every command is one of the changes above is fixed by them (gpu-not-allocatable's
  // label removal is operands-disabled's): say so rather than leave it to a person.
  const made = new Set(automatic.flatMap((a) => a.actions.map((x) => x.kubectl)));
  for (const m of manual) {
    const commands = m.finding.fix!.commands.map((c) => c.replace(/\s+#.*$/, '').trim()).filter((c) => !c.startsWith('#'));
    if (commands.length > 0 && commands.every((c) => made.has(c))) m.reason = 'made by the changes above';
  }
  return { automatic, manual };
}
