// Builders for Kubernetes objects shaped as `kubectl get -o json` prints them.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const h = (s, n = 64) => createHash('sha256').update(s).digest('hex').slice(0, n);
export const uid = (key) => {
  const x = h('uid:' + key, 32);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-${'89ab'[parseInt(x[16], 16) % 4]}${x.slice(17, 20)}-${x.slice(20, 32)}`;
};
export const hex = (key, n = 64) => h(key, n);
const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
export const kid = (key, n) => {
  const b = createHash('sha256').update('kid:' + key).digest();
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[b[i] % ALNUM.length];
  return s;
};

export class Cluster {
  constructor(name, rvStart) {
    this.name = name;
    this.rv = rvStart;
    this.objects = [];
  }
  nextRv() {
    this.rv += 37 + (this.rv % 11);
    return String(this.rv);
  }
  add(obj) {
    this.objects.push(obj);
    return obj;
  }
  meta(kind, { name, namespace, created, labels, annotations, ownerReferences, generateName, generation, finalizers }) {
    const m = { name };
    if (namespace) m.namespace = namespace;
    if (generateName) m.generateName = generateName;
    m.uid = uid(`${this.name}/${kind}/${namespace ?? ''}/${name}`);
    m.resourceVersion = this.nextRv();
    m.creationTimestamp = created;
    if (generation !== undefined) m.generation = generation;
    if (labels && Object.keys(labels).length) m.labels = labels;
    if (annotations && Object.keys(annotations).length) m.annotations = annotations;
    if (ownerReferences) m.ownerReferences = ownerReferences;
    if (finalizers) m.finalizers = finalizers;
    return m;
  }
}

export const ownerRef = (obj, extra = { blockOwnerDeletion: true, controller: true }) => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name: obj.metadata.name,
  uid: obj.metadata.uid,
  ...extra,
});

export const imageId = (image) => {
  const repo = image.replace(/:[^/:]+$/, '');
  return `${repo}@sha256:${hex('img:' + image)}`;
};

const API_ACCESS = (key) => `kube-api-access-${kid(key, 5)}`;

function containerSpec(c, podKey) {
  const out = {};
  if (c.args) out.args = c.args;
  if (c.command) out.command = c.command;
  if (c.env) out.env = c.env;
  out.image = c.image;
  out.imagePullPolicy = c.imagePullPolicy ?? 'IfNotPresent';
  if (c.lifecycle) out.lifecycle = c.lifecycle;
  if (c.livenessProbe) out.livenessProbe = c.livenessProbe;
  out.name = c.name;
  if (c.ports) out.ports = c.ports;
  if (c.readinessProbe) out.readinessProbe = c.readinessProbe;
  out.resources = c.resources ?? {};
  if (c.securityContext) out.securityContext = c.securityContext;
  out.terminationMessagePath = '/dev/termination-log';
  out.terminationMessagePolicy = c.terminationMessagePolicy ?? 'File';
  out.volumeMounts = [
    ...(c.volumeMounts ?? []),
    { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: API_ACCESS(podKey), readOnly: true },
  ];
  return out;
}

/** A container status. s: {name, image, state: running|terminated|waiting, started, finished, reason, exitCode, message, restarts, last, ready} */
function containerStatus(s, podKey) {
  const st = {};
  const id = () => `containerd://${hex(`cid:${podKey}/${s.name}/${s.restarts ?? 0}`)}`;
  if (s.state === 'running') st.running = { startedAt: s.started };
  else if (s.state === 'terminated')
    st.terminated = {
      containerID: id(),
      exitCode: s.exitCode ?? 0,
      finishedAt: s.finished,
      ...(s.message ? { message: s.message } : {}),
      reason: s.reason ?? (s.exitCode ? 'Error' : 'Completed'),
      startedAt: s.started,
    };
  else st.waiting = { ...(s.message ? { message: s.message } : {}), reason: s.reason };
  const out = {};
  if (s.state !== 'waiting' || s.last) out.containerID = s.state === 'waiting' ? `containerd://${hex(`cid:${podKey}/${s.name}/last`)}` : id();
  out.image = s.image;
  out.imageID = s.state === 'waiting' && !s.last ? '' : imageId(s.image);
  out.lastState = {};
  if (s.last) {
    out.lastState = {
      terminated: {
        containerID: `containerd://${hex(`cid:${podKey}/${s.name}/last`)}`,
        exitCode: s.last.exitCode,
        finishedAt: s.last.finished,
        ...(s.last.message ? { message: s.last.message } : {}),
        reason: s.last.reason ?? (s.last.exitCode ? 'Error' : 'Completed'),
        startedAt: s.last.started,
      },
    };
  }
  out.name = s.name;
  out.ready = s.ready ?? s.state === 'running';
  out.restartCount = s.restarts ?? 0;
  if (s.started !== undefined || s.state === 'running') out.started = s.state === 'running';
  else if (s.state === 'waiting') out.started = false;
  out.state = st;
  if (s.state === 'terminated' && !('started' in out)) out.started = false;
  return out;
}

const cond = (type, status, time, reason, message) => ({
  lastProbeTime: null,
  lastTransitionTime: time,
  ...(message ? { message } : {}),
  ...(reason ? { reason } : {}),
  status,
  type,
});

export const DS_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
];
export const DEFAULT_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

/**
 * p: { ns, name, node, created, owner (object), labels, annotations, generateName, priorityClassName, priority,
 *      runtimeClassName, serviceAccount, tolerations, nodeSelector, affinity, hostNetwork, hostPID, init, containers,
 *      volumes, restartPolicy, dnsPolicy,
 *      status: { phase, podIP, hostIP, startTime, reason, message, qos, init: [...], containers: [...],
 *                conditions: [[type, status, time, reason, message]] } }
 */
export function pod(cluster, p) {
  const key = `${cluster.name}/${p.ns}/${p.name}`;
  const ownerReferences = p.ownerRefs ?? (p.owner ? [ownerRef(p.owner)] : undefined);
  const isDs = p.owner?.kind === 'DaemonSet';
  const spec = {};
  if (isDs && p.node)
    spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.node] }] }],
        },
      },
    };
  else if (p.affinity) spec.affinity = p.affinity;
  spec.containers = p.containers.map((c) => containerSpec(c, key));
  spec.dnsPolicy = p.dnsPolicy ?? (p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst');
  spec.enableServiceLinks = true;
  if (p.hostNetwork) spec.hostNetwork = true;
  if (p.hostPID) spec.hostPID = true;
  if (p.init) spec.initContainers = p.init.map((c) => containerSpec(c, key));
  if (p.node) spec.nodeName = p.node;
  if (p.nodeSelector) spec.nodeSelector = p.nodeSelector;
  spec.preemptionPolicy = 'PreemptLowerPriority';
  spec.priority = p.priority ?? (p.priorityClassName === 'system-node-critical' ? 2000001000 : p.priorityClassName === 'system-cluster-critical' ? 2000000000 : 0);
  if (p.priorityClassName) spec.priorityClassName = p.priorityClassName;
  spec.restartPolicy = p.restartPolicy ?? 'Always';
  if (p.runtimeClassName) spec.runtimeClassName = p.runtimeClassName;
  spec.schedulerName = 'default-scheduler';
  spec.securityContext = p.securityContext ?? {};
  const sa = p.serviceAccount ?? 'default';
  spec.serviceAccount = sa;
  spec.serviceAccountName = sa;
  spec.terminationGracePeriodSeconds = p.terminationGracePeriodSeconds ?? 30;
  spec.tolerations = [...(p.tolerations ?? []), ...(isDs ? DS_TOLERATIONS : DEFAULT_TOLERATIONS)];
  spec.volumes = [
    ...(p.volumes ?? []),
    {
      name: API_ACCESS(key),
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          {
            downwardAPI: {
              items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }],
            },
          },
        ],
      },
    },
  ];
  const s = p.status;
  const status = {};
  if (s.conditions) status.conditions = s.conditions.map(([t, st, time, r, m]) => cond(t, st, time, r, m));
  if (s.containers) status.containerStatuses = s.containers.map((c) => containerStatus(c, key));
  if (s.hostIP) {
    status.hostIP = s.hostIP;
    status.hostIPs = [{ ip: s.hostIP }];
  }
  if (s.init) status.initContainerStatuses = s.init.map((c) => containerStatus(c, key));
  if (s.message) status.message = s.message;
  status.phase = s.phase;
  if (s.podIP) {
    status.podIP = s.podIP;
    status.podIPs = [{ ip: s.podIP }];
  }
  status.qosClass = s.qos ?? 'BestEffort';
  if (s.reason) status.reason = s.reason;
  if (s.startTime) status.startTime = s.startTime;
  const generateName = p.generateName ?? (p.owner ? p.name.replace(/[a-z0-9]{5}$/, '') : undefined);
  return cluster.add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: cluster.meta('Pod', {
      name: p.name,
      namespace: p.ns,
      created: p.created,
      labels: p.labels,
      annotations: p.annotations,
      ownerReferences,
      generateName,
    }),
    spec,
    status,
  });
}

/** Conditions of a Running, Ready pod (Kubernetes ≥ 1.29 adds PodReadyToStartContainers). */
export const readyConditions = (scheduled, initialized, ready) => [
  ['PodReadyToStartContainers', 'True', initialized],
  ['Initialized', 'True', initialized],
  ['Ready', 'True', ready],
  ['ContainersReady', 'True', ready],
  ['PodScheduled', 'True', scheduled],
];
/** Conditions of a pod whose containers all ran to completion. */
export const completedConditions = (scheduled, initialized, finished) => [
  ['PodReadyToStartContainers', 'False', finished],
  ['Initialized', 'True', initialized, 'PodCompleted'],
  ['Ready', 'False', finished, 'PodCompleted'],
  ['ContainersReady', 'False', finished, 'PodCompleted'],
  ['PodScheduled', 'True', scheduled],
];

export function namespace(cluster, name, created, labels = {}) {
  return cluster.add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: cluster.meta('Namespace', { name, created, labels: { 'kubernetes.io/metadata.name': name, ...labels } }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
}

export function daemonSet(cluster, d) {
  const ds = cluster.add({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: cluster.meta('DaemonSet', {
      name: d.name,
      namespace: d.ns,
      created: d.created,
      labels: d.labels,
      annotations: { 'deprecated.daemonset.template.generation': String(d.generation ?? 1), ...(d.annotations ?? {}) },
      ownerReferences: d.owner ? [ownerRef(d.owner)] : undefined,
      generation: d.generation ?? 1,
    }),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      template: {
        metadata: { creationTimestamp: null, labels: d.podLabels ?? d.selector, ...(d.podAnnotations ? { annotations: d.podAnnotations } : {}) },
        spec: {
          containers: d.containers.map((c) => ({ image: c.image, imagePullPolicy: 'IfNotPresent', name: c.name, resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...(c.extra ?? {}) })),
          dnsPolicy: 'ClusterFirst',
          ...(d.init ? { initContainers: d.init.map((c) => ({ image: c.image, imagePullPolicy: 'IfNotPresent', name: c.name, resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...(c.extra ?? {}) })) } : {}),
          ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
          ...(d.priorityClassName ? { priorityClassName: d.priorityClassName } : {}),
          restartPolicy: 'Always',
          ...(d.runtimeClassName ? { runtimeClassName: d.runtimeClassName } : {}),
          schedulerName: 'default-scheduler',
          securityContext: {},
          ...(d.serviceAccount ? { serviceAccount: d.serviceAccount, serviceAccountName: d.serviceAccount } : {}),
          terminationGracePeriodSeconds: 30,
          ...(d.tolerations ? { tolerations: d.tolerations } : {}),
        },
      },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: d.desired,
      desiredNumberScheduled: d.desired,
      numberAvailable: d.available ?? d.ready ?? d.desired,
      numberMisscheduled: 0,
      numberReady: d.ready ?? d.desired,
      ...(d.desired - (d.available ?? d.ready ?? d.desired) > 0 ? { numberUnavailable: d.desired - (d.available ?? d.ready ?? d.desired) } : {}),
      observedGeneration: d.generation ?? 1,
      updatedNumberScheduled: d.desired,
    },
  });
  if (d.available === undefined && d.ready === undefined) delete ds.status.numberUnavailable;
  return ds;
}

export function deployment(cluster, d) {
  const dep = cluster.add({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: cluster.meta('Deployment', {
      name: d.name,
      namespace: d.ns,
      created: d.created,
      labels: d.labels,
      annotations: { 'deployment.kubernetes.io/revision': '1', ...(d.annotations ?? {}) },
      generation: 1,
    }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas: d.replicas ?? 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { creationTimestamp: null, labels: d.podLabels ?? d.selector },
        spec: {
          containers: d.containers.map((c) => ({ image: c.image, imagePullPolicy: 'IfNotPresent', name: c.name, resources: c.resources ?? {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' })),
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          ...(d.serviceAccount ? { serviceAccount: d.serviceAccount, serviceAccountName: d.serviceAccount } : {}),
          terminationGracePeriodSeconds: 30,
          ...(d.tolerations ? { tolerations: d.tolerations } : {}),
        },
      },
    },
    status: {},
  });
  const replicas = d.replicas ?? 1;
  const ready = d.ready ?? replicas;
  const t = d.available ?? d.created;
  dep.status = {
    ...(ready ? { availableReplicas: ready } : {}),
    conditions: [
      ready >= replicas
        ? cond('Available', 'True', t, 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', 'False', t, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      cond('Progressing', 'True', d.created, 'NewReplicaSetAvailable', `ReplicaSet "${d.name}-${d.hash}" has successfully progressed.`),
    ].map(({ lastProbeTime, ...c }) => ({ lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime, message: c.message, reason: c.reason, status: c.status, type: c.type })),
    observedGeneration: 1,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas,
    ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
    updatedReplicas: replicas,
  };
  if (ready < replicas) dep.status.conditions[1].reason = 'ReplicaSetUpdated', (dep.status.conditions[1].message = `ReplicaSet "${d.name}-${d.hash}" is progressing.`);
  const rs = cluster.add({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: cluster.meta('ReplicaSet', {
      name: `${d.name}-${d.hash}`,
      namespace: d.ns,
      created: d.created,
      labels: { ...(d.podLabels ?? d.selector), 'pod-template-hash': d.hash },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [ownerRef(dep)],
      generation: 1,
    }),
    spec: {
      replicas,
      selector: { matchLabels: { ...d.selector, 'pod-template-hash': d.hash } },
      template: dep.spec.template,
    },
    status: {
      ...(ready ? { availableReplicas: ready } : {}),
      fullyLabeledReplicas: replicas,
      observedGeneration: 1,
      ...(ready ? { readyReplicas: ready } : {}),
      replicas,
    },
  });
  return { dep, rs };
}

export function event(cluster, e) {
  const o = e.object;
  const involvedObject = {
    apiVersion: o.apiVersion,
    ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    ...(o.kind === 'Node' ? {} : { resourceVersion: o.metadata.resourceVersion }),
    uid: o.kind === 'Node' && e.component === 'kubelet' ? o.metadata.name : o.metadata.uid,
  };
  const ns = o.metadata.namespace ?? 'default';
  const first = e.first ?? e.last ?? e.eventTime;
  const nanos = BigInt(Date.parse(first)) * 1000000n + BigInt(parseInt(hex(`${o.metadata.name}${e.reason}${e.message}`, 6), 16) % 1000000);
  const name = `${o.metadata.name}.${nanos.toString(16)}`;
  if (e.scheduler) {
    // The scheduler writes events.k8s.io/v1 events: eventTime and series, no first/lastTimestamp.
    return cluster.add({
      action: 'Scheduling',
      apiVersion: 'v1',
      eventTime: e.eventTime,
      firstTimestamp: null,
      involvedObject,
      kind: 'Event',
      lastTimestamp: null,
      message: e.message,
      metadata: cluster.meta('Event', { name, namespace: ns, created: e.eventTime.replace(/\.\d+Z$/, 'Z') }),
      reason: e.reason,
      reportingComponent: 'default-scheduler',
      reportingInstance: e.instance,
      ...(e.series ? { series: e.series } : {}),
      source: {},
      type: e.type ?? 'Warning',
    });
  }
  return cluster.add({
    apiVersion: 'v1',
    count: e.count ?? 1,
    eventTime: null,
    firstTimestamp: first,
    involvedObject,
    kind: 'Event',
    lastTimestamp: e.last,
    message: e.message,
    metadata: cluster.meta('Event', { name, namespace: ns, created: first }),
    reason: e.reason,
    reportingComponent: e.component === 'kubelet' ? 'kubelet' : e.component,
    reportingInstance: e.host ?? '',
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    type: e.type ?? 'Warning',
  });
}

// ---------- output in kubectl's shapes ----------

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}
export const kubectlList = (items) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

export class Writer {
  constructor(root) {
    this.root = root;
    rmSync(root, { recursive: true, force: true });
  }
  file(rel, text) {
    const p = path.join(this.root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  /** `kubectl get … -o json`: sorted keys, 4-space indent. */
  json(rel, obj) {
    this.file(rel, JSON.stringify(sortKeys(obj), null, 4) + '\n');
  }
  /** The raw API (`kubectl get --raw`): compact JSON, typed list, items without kind. */
  raw(rel, kind, items, resourceVersion) {
    const stripped = items.map(({ apiVersion, kind: _k, ...rest }) => rest);
    this.file(rel, JSON.stringify({ kind, apiVersion: items[0]?.apiVersion ?? 'v1', metadata: { resourceVersion }, items: stripped }) + '\n');
  }
  /** `kubectl get … -o yaml` of one object or a List. */
  yaml(rel, obj) {
    this.file(rel, toYaml(obj));
  }
  /** Several `kubectl get X -o yaml` outputs joined with `---`. */
  yamlDocs(rel, objs) {
    this.file(rel, objs.map(toYaml).join('---\n'));
  }
}

/** Like kubectl (go-yaml): sorted keys, sequences not indented, timestamps quoted. */
function toYaml(obj) {
  const doc = new YAML.Document(sortKeys(obj));
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false });
}
