// The cluster side of the node probe, served for real: create and delete pods and DaemonSets (into the
// simulator's in-memory objects, with a DaemonSet controller and a tiny kubelet behind them),
// SelfSubjectAccessReview answered from the test's options, and — through the exec server's hook
// (exec.ts) — the node probe script answered with the node's facts from the snapshot.
import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject, Pod } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { probeScript } from '../../src/sources/node-probe/script.js';
import type { Catalog, TypeIndex } from './catalog.js';
import type { Outcome } from './exec.js';
import { straceOf } from './exec.js';
import { HOST_TRACE_SCRIPT } from '../../src/facts/container-probe.js';
import type { KubeletOptions } from './kubelet.js';
import { SimKubelet } from './kubelet.js';
import { probeStreamOf, selectionOfScript } from './node-stream.js';
import { forbidden, notFound, status, type Status } from './status.js';

export interface ProbeClusterOptions extends KubeletOptions {
  /**
   * Permissions this user lacks, as `kubectl auth can-i` spells them: `create pods`, `create pods/exec`,
   * `delete daemonsets.apps`. SelfSubjectAccessReview denies them, and the writes among them answer 403
   * (an exec refusal is a fault on the exec path).
   */
  denied?: string[];
  /** The answer of every SelfSubjectAccessReview: a status code (403, 404) instead of a review. */
  accessReviewStatus?: number;
  /** Nodes whose host has no strace (exec-check --strace-from-host); every other host has it. */
  nodesWithoutStrace?: string[];
}

const UBUNTU_2204 = 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n';

export interface WriteReply {
  status: number;
  value: unknown;
}

const USER = 'system:serviceaccount:default:gpuctl';

function statusReply(s: Status): WriteReply {
  return { status: s.code, value: s };
}

const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/;
const DS_PATH = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/daemonsets(?:\/([^/]+))?$/;
const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

export class ProbeCluster {
  readonly kubelet: SimKubelet;
  private resourceVersion: number;
  /** Every probe script answered: the pod and its node. */
  /** Execs of the node probe script (with the commands it ran) and of the host trace. */
  readonly execs: { namespace: string; pod: string; node?: string; commands?: readonly string[] }[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly collection: Collection,
    private readonly options: ProbeClusterOptions,
  ) {
    this.resourceVersion = catalog.maxResourceVersion() + 5000;
    this.kubelet = new SimKubelet(catalog, options, () => this.nextResourceVersion());
  }

  private nextResourceVersion(): string {
    return String(++this.resourceVersion);
  }

  private index(group: string, version: string, plural: string): TypeIndex {
    return this.catalog.lookup(group, version, plural)!;
  }

  /** The pods and DaemonSets now stored (for assertions). */
  objects(plural: 'pods' | 'daemonsets', namespace?: string): KubeObject[] {
    const index = plural === 'pods' ? this.index('', 'v1', 'pods') : this.index('apps', 'v1', 'daemonsets');
    return namespace === undefined ? [...index.all] : [...(index.byNamespace.get(namespace) ?? [])];
  }

  private allowed(verb: string, resource: string): boolean {
    return !(this.options.denied ?? []).includes(`${verb} ${resource}`);
  }

  /** A write this module serves; undefined for any other request. */
  handle(method: string, path: string, body: unknown): WriteReply | undefined {
    if (method === 'POST' && path === SSAR_PATH) return this.accessReview(body);
    let m: RegExpExecArray | null;
    if ((m = POD_PATH.exec(path))) {
      const [, namespace, name] = m as unknown as [string, string, string | undefined];
      if (method === 'POST' && name === undefined) return this.createPod(decodeURIComponent(namespace), body as Pod);
      if (method === 'DELETE' && name !== undefined) return this.deletePod(decodeURIComponent(namespace), decodeURIComponent(name));
    }
    if ((m = DS_PATH.exec(path))) {
      const [, namespace, name] = m as unknown as [string, string, string | undefined];
      if (method === 'POST' && name === undefined) return this.createDaemonSet(decodeURIComponent(namespace), body as KubeObject);
      if (method === 'DELETE' && name !== undefined) return this.deleteDaemonSet(decodeURIComponent(namespace), decodeURIComponent(name));
    }
    return undefined;
  }

  private accessReview(body: unknown): WriteReply {
    if (this.options.accessReviewStatus) {
      return statusReply(status(this.options.accessReviewStatus, 'Forbidden', `selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "${USER}" cannot create resource "selfsubjectaccessreviews"`));
    }
    const review = body as { spec?: { resourceAttributes?: { verb?: string; resource?: string; subresource?: string; group?: string } } };
    const a = review.spec?.resourceAttributes ?? {};
    const resource = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
    const allowed = this.allowed(a.verb ?? '', resource);
    return {
      status: 201,
      value: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: review.spec, status: { allowed, ...(allowed ? { reason: 'RBAC: allowed by ClusterRoleBinding "gpuctl"' } : {}) } },
    };
  }

  private newMeta(obj: KubeObject, namespace: string): KubeObject['metadata'] {
    const meta = obj.metadata as KubeObject['metadata'] & { generateName?: string };
    const name = meta.name ?? `${meta.generateName ?? ''}${randomBytes(3).toString('hex').slice(0, 5)}`;
    return { ...meta, name, namespace, uid: randomUUID(), creationTimestamp: new Date().toISOString(), resourceVersion: this.nextResourceVersion() } as KubeObject['metadata'];
  }

  private createPod(namespace: string, pod: Pod, owner?: KubeObject): WriteReply {
    if (!owner && !this.allowed('create', 'pods')) return statusReply(forbidden({ verb: 'create', group: '', plural: 'pods', namespace }, USER, 'POST', ''));
    const pods = this.index('', 'v1', 'pods');
    const meta = this.newMeta(pod, namespace);
    if (pods.byKey.has(`${namespace}/${meta.name}`)) return statusReply(status(409, 'AlreadyExists', `pods "${meta.name}" already exists`, { name: meta.name, kind: 'pods' }));
    const stored: Pod = { ...pod, apiVersion: 'v1', kind: 'Pod', metadata: meta, status: { phase: 'Pending', conditions: pod.spec?.nodeName ? [] : [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' }] } };
    if (owner) stored.metadata.ownerReferences = [{ kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true }];
    this.catalog.put(pods, stored);
    this.kubelet.admit(stored);
    return { status: 201, value: stored };
  }

  private deletePod(namespace: string, name: string): WriteReply {
    if (!this.allowed('delete', 'pods')) return statusReply(forbidden({ verb: 'delete', group: '', plural: 'pods', namespace, name }, USER, 'DELETE', ''));
    const removed = this.catalog.remove(this.index('', 'v1', 'pods'), namespace, name);
    if (!removed) return statusReply(notFound({ verb: 'get', group: '', plural: 'pods', namespace, name }));
    return { status: 200, value: removed };
  }

  private createDaemonSet(namespace: string, ds: KubeObject): WriteReply {
    if (!this.allowed('create', 'daemonsets.apps')) return statusReply(forbidden({ verb: 'create', group: 'apps', plural: 'daemonsets', namespace }, USER, 'POST', ''));
    const template = ds.spec?.template;
    const name = ds.metadata.name;
    // The API server's validation of what a DaemonSet may not carry.
    const invalid: string[] = [];
    if (template?.spec?.restartPolicy && template.spec.restartPolicy !== 'Always') invalid.push(`spec.template.spec.restartPolicy: Unsupported value: "${template.spec.restartPolicy}": supported values: "Always"`);
    if (template?.spec?.activeDeadlineSeconds !== undefined) invalid.push('spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported');
    const selector = ds.spec?.selector?.matchLabels ?? {};
    const labels = template?.metadata?.labels ?? {};
    if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) invalid.push('spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
    if (invalid.length) return statusReply(status(422, 'Invalid', `DaemonSet.apps "${name}" is invalid: ${invalid.join(', ')}`, { name, group: 'apps', kind: 'DaemonSet' }));
    const daemonSets = this.index('apps', 'v1', 'daemonsets');
    const meta = this.newMeta(ds, namespace);
    if (daemonSets.byKey.has(`${namespace}/${meta.name}`)) return statusReply(status(409, 'AlreadyExists', `daemonsets.apps "${meta.name}" already exists`, { name: meta.name, group: 'apps', kind: 'daemonsets' }));
    const stored = { ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, status: {} } as KubeObject;
    this.catalog.put(daemonSets, stored);
    // The DaemonSet controller: one pod per matching node, pinned with a matchFields term; the scheduler binds it.
    for (const node of this.index('', 'v1', 'nodes').all) {
      if (!daemonSetWants(stored, node)) continue;
      const podSpec = {
        ...template.spec,
        nodeName: node.metadata.name,
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.metadata.name] }] }] } } },
      };
      this.createPod(namespace, { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: `${meta.name}-`, labels: { ...labels } } as unknown as Pod['metadata'], spec: podSpec }, stored);
    }
    return { status: 201, value: stored };
  }

  private deleteDaemonSet(namespace: string, name: string): WriteReply {
    if (!this.allowed('delete', 'daemonsets.apps')) return statusReply(forbidden({ verb: 'delete', group: 'apps', plural: 'daemonsets', namespace, name }, USER, 'DELETE', ''));
    const removed = this.catalog.remove(this.index('apps', 'v1', 'daemonsets'), namespace, name);
    if (!removed) return statusReply(notFound({ verb: 'get', group: 'apps', plural: 'daemonsets', namespace, name }));
    // Background propagation: the garbage collector removes the pods it owns.
    const pods = this.index('', 'v1', 'pods');
    for (const pod of [...pods.all]) {
      if (pod.metadata.ownerReferences?.some((o) => o.uid === removed.metadata.uid)) this.catalog.remove(pods, pod.metadata.namespace, pod.metadata.name);
    }
    return { status: 200, value: removed };
  }

  /**
   * The exec server's hook (exec.ts): the node probe script, answered with the facts of the pod's node
   * from the snapshot, formatted as the real script prints them; undefined for any other command.
   */
  execScript(pod: Pod, _container: string, command: string[]): Outcome | undefined {
    if (command[0] === 'sh' && command[1] === '-c' && command[2] === HOST_TRACE_SCRIPT) return this.hostTrace(pod, command[4] ?? '');
    const timeout = /T="timeout (\d+)"/.exec(command[2] ?? '')?.[1];
    const selection =
      command.length === 3 && command[0] === 'sh' && command[1] === '-c'
        ? selectionOfScript(command[2]!, (s) => probeScript({ hostRoot: '/host', chroot: true, commandTimeoutS: Number(timeout), selection: s }))
        : undefined;
    if (!selection) return undefined;
    const node = pod.spec?.nodeName;
    this.execs.push({ namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, ...(node ? { node } : {}), commands: selection.commands });
    const host = node ? this.collection.nodes.get(node) : undefined;
    // A node without facts in the snapshot: the script still ends, having found nothing.
    return { stdout: Buffer.from(host ? probeStreamOf(host, selection) : '\n@@end\n'), exit: 0 };
  }

  /**
   * exec-check --strace-from-host's script in a probe pod: the host's strace attached to the container with
   * this ID, answered with the trace its pod's process table renders (the pid is its first process's).
   */
  private hostTrace(probe: Pod, containerId: string): Outcome {
    const node = probe.spec?.nodeName ?? '';
    this.execs.push({ namespace: probe.metadata.namespace ?? '', pod: probe.metadata.name, node });
    if (this.options.nodesWithoutStrace?.includes(node)) {
      const osRelease = this.collection.nodes.get(node)?.files.get('/etc/os-release') ?? UBUNTU_2204;
      return { stdout: Buffer.from(`@@no-strace\n@@os-release\n${osRelease}`), exit: 0 };
    }
    for (const pod of this.index('', 'v1', 'pods').all as Pod[]) {
      if (pod.spec?.nodeName !== node) continue;
      const status = pod.status?.containerStatuses?.find((c) => c.containerID?.replace(/^\w+:\/\//, '') === containerId);
      if (!status) continue;
      const table = this.collection.processes.get(`${pod.metadata.namespace}/${pod.metadata.name}/${status.name}`) ?? [];
      if (table.length === 0) break;
      const hostPid = 40000 + Math.min(...table.map((p) => p.pid));
      return { stdout: Buffer.from(`@@pid ${hostPid}\n${straceOf(table, [])}`), exit: 0 };
    }
    return { stdout: Buffer.from('@@no-pid\n'), exit: 0 };
  }

  close(): void {
    this.kubelet.close();
  }
}

/** Whether the DaemonSet's pod template (nodeSelector, matchFields/matchExpressions on names) wants this node. */
function daemonSetWants(ds: KubeObject, node: KubeObject): boolean {
  const spec = ds.spec?.template?.spec ?? {};
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    | { matchFields?: { key: string; operator: string; values?: string[] }[]; matchExpressions?: { key: string; operator: string; values?: string[] }[] }[]
    | undefined;
  if (!terms?.length) return true;
  return terms.some(
    (term) =>
      (term.matchFields ?? []).every((f) => f.key === 'metadata.name' && (f.operator === 'In') === (f.values ?? []).includes(node.metadata.name)) &&
      (term.matchExpressions ?? []).every((e) => {
        const has = e.key in labels;
        if (e.operator === 'Exists') return has;
        if (e.operator === 'DoesNotExist') return !has;
        const inValues = has && (e.values ?? []).includes(labels[e.key]!);
        return e.operator === 'In' ? inValues : !inValues;
      }),
  );
}
