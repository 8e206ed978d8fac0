// A small builder for the snapshots of test/cases/real/: Kubernetes objects as kubectl prints them, events,
// logs, node files and probe commands, written in gpuctl's snapshot layout (docs/snapshot.md).
// Deterministic: ids derive from names, so regenerating gives the same bytes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const digest = (key) => crypto.createHash('sha256').update(key).digest('hex');
export const uid = (key) => {
  const h = digest(key);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** A kubelet-style random suffix (5 chars of bcdfghjklmnpqrstvwxz2456789), stable per key. */
export const suffix = (key, n = 5) => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = digest(key);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[parseInt(h.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return s;
};
export const hex = (key, n = 64) => digest(key).repeat(2).slice(0, n);
export const addSeconds = (iso, s) => new Date(Date.parse(iso) + s * 1000).toISOString().replace('.000Z', 'Z');
const unix = (iso) => Math.floor(Date.parse(iso) / 1000);
/** klog header: I0425 10:14:52.553470       1 file.go:87] */
export const klog = (level, iso, file, msg, pid = 1) => {
  const d = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${level}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad((unix(iso) * 7) % 1000, 3)} ${String(pid).padStart(7)} ${file}] ${msg}`;
};
/** logrus text line as the validator and toolkit container print it. */
export const logrus = (level, iso, msg) => `time="${iso}" level=${level} msg=${JSON.stringify(msg)}`;

export class Snapshot {
  constructor({ context, serverVersion, capturedAt }) {
    this.meta = { capturedAt, context, serverVersion, gpuctlVersion: '0.1.0' };
    this.objects = [];
    this.files = new Map();
    this.rv = 100000 + (parseInt(digest(context).slice(0, 6), 16) % 800000);
  }

  nextRv() {
    this.rv += 7;
    return String(this.rv);
  }

  add(obj) {
    this.objects.push(obj);
    return obj;
  }

  ns(name, created, labels = {}) {
    return this.add({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { creationTimestamp: created, labels: { 'kubernetes.io/metadata.name': name, ...labels }, name, resourceVersion: this.nextRv(), uid: uid(`ns/${name}`) },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  /** A node. `gpus` sets nvidia.com/gpu capacity/allocatable (undefined: none advertised). */
  node(n) {
    const capacity = { cpu: String(n.cpu ?? 32), 'ephemeral-storage': '479594496Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${n.memoryKi ?? 263596632}Ki`, pods: '110', ...(n.extended ?? {}) };
    if (n.gpus !== undefined) capacity['nvidia.com/gpu'] = String(n.gpus);
    const allocatable = { ...capacity, cpu: String(n.cpu ?? 32), memory: `${(n.memoryKi ?? 263596632) - 102400}Ki`, 'ephemeral-storage': '441993568943' };
    if (n.allocatableGpus !== undefined) allocatable['nvidia.com/gpu'] = String(n.allocatableGpus);
    const ready = n.ready ?? true;
    return this.add({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...(n.annotations ?? {}) },
        creationTimestamp: n.created,
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': n.name,
          'kubernetes.io/os': 'linux',
          ...(n.labels ?? {}),
        },
        name: n.name,
        resourceVersion: this.nextRv(),
        uid: uid(`node/${n.name}`),
      },
      spec: { ...(n.podCIDR ? { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] } : {}), ...(n.providerID ? { providerID: n.providerID } : {}), ...(n.taints?.length ? { taints: n.taints } : {}) },
      status: {
        addresses: [
          { address: n.ip ?? '10.0.0.10', type: 'InternalIP' },
          { address: n.name, type: 'Hostname' },
        ],
        allocatable,
        capacity,
        conditions: [
          { lastHeartbeatTime: n.heartbeat, lastTransitionTime: n.created, message: 'kubelet has sufficient memory available', reason: 'KubeletHasSufficientMemory', status: 'False', type: 'MemoryPressure' },
          { lastHeartbeatTime: n.heartbeat, lastTransitionTime: n.created, message: 'kubelet has no disk pressure', reason: 'KubeletHasNoDiskPressure', status: 'False', type: 'DiskPressure' },
          { lastHeartbeatTime: n.heartbeat, lastTransitionTime: n.created, message: 'kubelet has sufficient PID available', reason: 'KubeletHasSufficientPID', status: 'False', type: 'PIDPressure' },
          ready
            ? { lastHeartbeatTime: n.heartbeat, lastTransitionTime: n.readySince ?? n.created, message: 'kubelet is posting ready status', reason: 'KubeletReady', status: 'True', type: 'Ready' }
            : { lastHeartbeatTime: n.heartbeat, lastTransitionTime: n.readySince ?? n.created, message: n.notReadyMessage ?? 'container runtime is down', reason: 'KubeletNotReady', status: 'False', type: 'Ready' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        images: n.images ?? [],
        nodeInfo: {
          architecture: 'amd64',
          bootID: uid(`boot/${n.name}`),
          containerRuntimeVersion: n.runtime,
          kernelVersion: n.kernel,
          kubeProxyVersion: n.kubelet,
          kubeletVersion: n.kubelet,
          machineID: hex(`machine/${n.name}`, 32),
          operatingSystem: 'linux',
          osImage: n.osImage,
          systemUUID: uid(`system/${n.name}`),
        },
      },
    });
  }

  runtimeClass(name, handler, created) {
    return this.add({ apiVersion: 'node.k8s.io/v1', handler, kind: 'RuntimeClass', metadata: { creationTimestamp: created, name, resourceVersion: this.nextRv(), uid: uid(`rc/${name}`) } });
  }

  /** A DaemonSet; `status` counts default to `desired` ready pods. */
  daemonSet(d) {
    const labels = d.labels ?? { app: d.name };
    const template = {
      metadata: { creationTimestamp: null, labels: { ...labels, ...(d.templateLabels ?? {}) } },
      spec: {
        ...(d.runtimeClassName ? { runtimeClassName: d.runtimeClassName } : {}),
        containers: d.containers.map((c) => ({ imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...c })),
        ...(d.initContainers ? { initContainers: d.initContainers.map((c) => ({ imagePullPolicy: 'IfNotPresent', resources: {}, ...c })) } : {}),
        dnsPolicy: 'ClusterFirst',
        ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
        ...(d.affinity ? { affinity: d.affinity } : {}),
        priorityClassName: d.priorityClassName ?? 'system-node-critical',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        serviceAccount: d.serviceAccount ?? d.name,
        serviceAccountName: d.serviceAccount ?? d.name,
        terminationGracePeriodSeconds: 30,
        ...(d.tolerations ? { tolerations: d.tolerations } : {}),
        ...(d.volumes ? { volumes: d.volumes } : {}),
      },
    };
    const st = d.status ?? {};
    const desired = st.desired ?? 1;
    const obj = this.add({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        annotations: { 'deprecated.daemonset.template.generation': '1', ...(d.annotations ?? {}) },
        creationTimestamp: d.created,
        generation: 1,
        labels: d.objectLabels ?? labels,
        name: d.name,
        namespace: d.ns,
        ...(d.owner ? { ownerReferences: [ownerRef(d.owner)] } : {}),
        resourceVersion: this.nextRv(),
        uid: uid(`ds/${d.ns}/${d.name}`),
      },
      spec: { revisionHistoryLimit: 10, selector: { matchLabels: d.selector ?? labels }, template, updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' } },
      status: {
        currentNumberScheduled: st.current ?? desired,
        desiredNumberScheduled: desired,
        numberAvailable: st.available ?? st.ready ?? desired,
        numberMisscheduled: 0,
        numberReady: st.ready ?? desired,
        ...((st.ready ?? desired) < desired ? { numberUnavailable: desired - (st.ready ?? desired) } : {}),
        observedGeneration: 1,
        updatedNumberScheduled: st.current ?? desired,
      },
    });
    return obj;
  }

  deployment(d) {
    const labels = d.labels ?? { app: d.name };
    const replicas = d.replicas ?? 1;
    const ready = d.readyReplicas ?? replicas;
    const obj = this.add({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' }, creationTimestamp: d.created, generation: 1, labels: d.objectLabels ?? labels, name: d.name, namespace: d.ns, resourceVersion: this.nextRv(), uid: uid(`deploy/${d.ns}/${d.name}`) },
      spec: {
        progressDeadlineSeconds: 600,
        replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: labels },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template: {
          metadata: { creationTimestamp: null, labels },
          spec: {
            ...(d.runtimeClassName ? { runtimeClassName: d.runtimeClassName } : {}),
            containers: d.containers.map((c) => ({ imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...c })),
            dnsPolicy: 'ClusterFirst',
            ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
            restartPolicy: 'Always',
            schedulerName: d.schedulerName ?? 'default-scheduler',
            securityContext: {},
            ...(d.serviceAccount ? { serviceAccount: d.serviceAccount, serviceAccountName: d.serviceAccount } : {}),
            terminationGracePeriodSeconds: 30,
            ...(d.tolerations ? { tolerations: d.tolerations } : {}),
          },
        },
      },
      status: {
        availableReplicas: ready,
        conditions: [
          { lastTransitionTime: d.created, lastUpdateTime: d.created, message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', status: ready >= replicas ? 'True' : 'False', type: 'Available' },
          { lastTransitionTime: d.created, lastUpdateTime: d.created, message: `ReplicaSet "${d.name}-${d.hash ?? suffix(d.name, 10)}" has successfully progressed.`, reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' },
        ],
        observedGeneration: 1,
        readyReplicas: ready,
        replicas,
        updatedReplicas: replicas,
      },
    });
    return obj;
  }

  /**
   * A pod. `containers[i].state` is one of: { running: startedAt } | { waiting: reason, message? } |
   * { terminated: reason, exitCode, message?, startedAt?, finishedAt? }; `restarts`, `last` (a terminated
   * state) and `ready` per container. `owner` is the controlling object.
   */
  pod(p) {
    const containerStatus = (c, i, init) => {
      const st = c.state ?? { running: p.started ?? p.created };
      const state = {};
      if (st.running !== undefined) state.running = { startedAt: st.running };
      else if (st.waiting !== undefined) state.waiting = { reason: st.waiting, ...(st.message ? { message: st.message } : {}) };
      else state.terminated = { containerID: `containerd://${hex(`${p.name}/${c.name}/t`)}`, exitCode: st.exitCode ?? 0, finishedAt: st.finishedAt ?? p.created, reason: st.terminated, startedAt: st.startedAt ?? p.created, ...(st.message ? { message: st.message } : {}) };
      const running = st.running !== undefined;
      const done = st.terminated !== undefined;
      return {
        ...(running || done || c.last ? { containerID: `containerd://${hex(`${p.name}/${c.name}`)}` } : {}),
        image: c.image,
        imageID: running || done || c.last ? `${c.image.split(':')[0]}@sha256:${hex(c.image)}` : '',
        lastState: c.last ? { terminated: { containerID: `containerd://${hex(`${p.name}/${c.name}/l`)}`, exitCode: c.last.exitCode ?? 1, finishedAt: c.last.finishedAt ?? p.created, reason: c.last.reason ?? 'Error', startedAt: c.last.startedAt ?? p.created, ...(c.last.message ? { message: c.last.message } : {}) } } : {},
        name: c.name,
        ready: c.ready ?? (init ? done && (st.exitCode ?? 0) === 0 : running),
        restartCount: c.restarts ?? 0,
        ...(init ? {} : { started: running }),
        state,
      };
    };
    const phase = p.phase ?? 'Running';
    const allReady = (p.containers ?? []).every((c) => (c.ready ?? (c.state?.running !== undefined || c.state === undefined)));
    const conditions =
      p.conditions ??
      (p.nodeName
        ? [
            { lastProbeTime: null, lastTransitionTime: p.created, status: 'True', type: 'PodReadyToStartContainers' },
            { lastProbeTime: null, lastTransitionTime: p.created, status: (p.initContainers ?? []).every((c) => c.state?.terminated !== undefined) ? 'True' : 'False', type: 'Initialized', ...((p.initContainers ?? []).every((c) => c.state?.terminated !== undefined) ? {} : { reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${(p.initContainers ?? []).filter((c) => c.state?.terminated === undefined).map((c) => c.name).join(' ')}]` }) },
            { lastProbeTime: null, lastTransitionTime: p.created, status: allReady && phase === 'Running' ? 'True' : 'False', type: 'Ready', ...(allReady && phase === 'Running' ? {} : { reason: phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotReady', message: phase === 'Succeeded' ? undefined : `containers with unready status: [${(p.containers ?? []).filter((c) => !(c.ready ?? c.state?.running !== undefined)).map((c) => c.name).join(' ')}]` }) },
            { lastProbeTime: null, lastTransitionTime: p.created, status: allReady && phase === 'Running' ? 'True' : 'False', type: 'ContainersReady' },
            { lastProbeTime: null, lastTransitionTime: p.created, status: 'True', type: 'PodScheduled' },
          ]
        : [{ lastProbeTime: null, lastTransitionTime: p.created, message: p.unschedulable, reason: 'Unschedulable', status: 'False', type: 'PodScheduled' }]);
    const specContainer = (c) => {
      const { state, last, restarts, ready, ...spec } = c;
      return { imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...spec };
    };
    return this.add({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(p.annotations ? { annotations: p.annotations } : {}),
        creationTimestamp: p.created,
        ...(p.generateName ? { generateName: p.generateName } : {}),
        labels: p.labels ?? {},
        name: p.name,
        namespace: p.ns,
        ...(p.owner ? { ownerReferences: [ownerRef(p.owner)] } : {}),
        resourceVersion: this.nextRv(),
        uid: uid(`pod/${p.ns}/${p.name}`),
      },
      spec: {
        ...(p.runtimeClassName ? { runtimeClassName: p.runtimeClassName } : {}),
        containers: p.containers.map(specContainer),
        ...(p.initContainers ? { initContainers: p.initContainers.map(specContainer) } : {}),
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        ...(p.nodeName ? { nodeName: p.nodeName } : {}),
        ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
        ...(p.affinity ? { affinity: p.affinity } : {}),
        preemptionPolicy: 'PreemptLowerPriority',
        priority: p.priority ?? 0,
        ...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
        restartPolicy: p.restartPolicy ?? 'Always',
        schedulerName: p.schedulerName ?? 'default-scheduler',
        securityContext: {},
        serviceAccount: p.serviceAccount ?? 'default',
        serviceAccountName: p.serviceAccount ?? 'default',
        terminationGracePeriodSeconds: 30,
        tolerations: p.tolerations ?? [
          { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
          { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
        ],
      },
      status: {
        conditions: conditions.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))),
        ...(p.nodeName ? { containerStatuses: p.containers.map((c, i) => containerStatus(c, i, false)) } : {}),
        ...(p.nodeName && p.initContainers ? { initContainerStatuses: p.initContainers.map((c, i) => containerStatus(c, i, true)) } : {}),
        ...(p.nodeName ? { hostIP: p.hostIP ?? '10.0.0.10', podIP: p.podIP ?? '10.42.0.10', podIPs: [{ ip: p.podIP ?? '10.42.0.10' }] } : {}),
        ...(p.statusMessage ? { message: p.statusMessage } : {}),
        phase,
        qosClass: p.qosClass ?? 'BestEffort',
        ...(p.statusReason ? { reason: p.statusReason } : {}),
        ...(p.nodeName ? { startTime: p.created } : {}),
      },
    });
  }

  /** A core/v1 Event about `object`. kubelet events carry `host`; scheduler ones use eventTime/series. */
  event(e) {
    const o = e.object;
    const name = `${o.metadata.name}.${hex(`${o.metadata.name}/${e.reason}/${e.message}`, 16)}`;
    const base = {
      apiVersion: 'v1',
      involvedObject: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), resourceVersion: o.metadata.resourceVersion, uid: o.metadata.uid, ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}) },
      kind: 'Event',
      message: e.message,
      metadata: { creationTimestamp: e.first, name, namespace: o.metadata.namespace ?? 'default', resourceVersion: this.nextRv(), uid: uid(`event/${name}`) },
      reason: e.reason,
      type: e.type ?? 'Warning',
    };
    if (e.scheduler) {
      return this.add({ ...base, action: 'Scheduling', eventTime: e.first.replace('Z', '.000000Z'), firstTimestamp: null, lastTimestamp: null, reportingComponent: 'default-scheduler', reportingInstance: e.instance ?? 'default-scheduler-control-plane', source: {}, ...(e.count && e.count > 1 ? { series: { count: e.count, lastObservedTime: e.last.replace('Z', '.000000Z') } } : {}) });
    }
    return this.add({ ...base, count: e.count ?? 1, firstTimestamp: e.first, lastTimestamp: e.last ?? e.first, reportingComponent: e.component ?? 'kubelet', reportingInstance: e.host ?? '', source: { component: e.component ?? 'kubelet', ...(e.host ? { host: e.host } : {}) } });
  }

  file(node, absPath, content) {
    this.files.set(`nodes/${node}/files${absPath}`, content);
  }

  command(node, name, stdout, { exit, stderr } = {}) {
    this.files.set(`nodes/${node}/commands/${name}.txt`, stdout);
    if (exit !== undefined && exit !== 0) this.files.set(`nodes/${node}/commands/${name}.exit`, `${exit}\n`);
    if (stderr) this.files.set(`nodes/${node}/commands/${name}.stderr`, stderr);
  }

  log(pod, container, text, { previous = false } = {}) {
    this.files.set(`logs/${pod.metadata.namespace}/${pod.metadata.name}/${container}${previous ? '.previous' : ''}.log`, text.endsWith('\n') ? text : text + '\n');
  }

  dirs(node, list) {
    this.files.set(`nodes/${node}/dirs.txt`, list.join('\n') + '\n');
  }

  write(root) {
    fs.rmSync(root, { recursive: true, force: true });
    const put = (rel, content) => {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, content);
    };
    const of = (...kinds) => this.objects.filter((o) => kinds.includes(o.kind));
    const list = (items) => JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 2) + '\n';
    put('meta.json', JSON.stringify(this.meta, null, 2) + '\n');
    put('cluster/nodes.json', list(of('Node')));
    put('cluster/pods.json', JSON.stringify({ apiVersion: 'v1', items: of('Pod'), kind: 'PodList', metadata: { resourceVersion: String(this.rv + 3) } }, null, 2) + '\n');
    put('cluster/events.json', list(of('Event')));
    const rest = this.objects.filter((o) => !['Node', 'Pod', 'Event'].includes(o.kind));
    put('cluster/objects.json', list(rest));
    for (const [rel, content] of [...this.files.entries()].sort(([a], [b]) => a.localeCompare(b))) put(rel, content);
  }
}

export const ownerRef = (obj) => ({ apiVersion: obj.apiVersion, blockOwnerDeletion: true, controller: true, kind: obj.kind, name: obj.metadata.name, uid: obj.metadata.uid });

/** The pod a DaemonSet runs on one node, with its spec taken from the template. */
export function dsPod(s, ds, nodeName, p) {
  const t = ds.spec.template.spec;
  const merge = (specs, states = []) => specs.map((c, i) => ({ ...c, ...(states[i] ?? {}) }));
  return s.pod({
    ns: ds.metadata.namespace,
    name: `${ds.metadata.name}-${suffix(`${ds.metadata.name}/${nodeName}`)}`,
    generateName: `${ds.metadata.name}-`,
    labels: { ...ds.spec.template.metadata.labels, 'controller-revision-hash': suffix(ds.metadata.name, 10), 'pod-template-generation': '1' },
    owner: ds,
    nodeName,
    created: p.created,
    runtimeClassName: t.runtimeClassName,
    priorityClassName: t.priorityClassName,
    priority: t.priorityClassName === 'system-node-critical' ? 2000001000 : 0,
    serviceAccount: t.serviceAccountName,
    nodeSelector: t.nodeSelector,
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } },
    tolerations: [
      ...(t.tolerations ?? []),
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
    ],
    containers: merge(t.containers, p.containers),
    initContainers: t.initContainers ? merge(t.initContainers, p.initContainers) : undefined,
    phase: p.phase,
    podIP: p.podIP,
    hostIP: p.hostIP,
    qosClass: p.qosClass,
    conditions: p.conditions,
  });
}
