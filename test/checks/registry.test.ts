import { describe, expect, it } from 'vitest';
import imagePullFailing from '../../checks/image-pull-failing.js';
import mirrorNotLoaded from '../../checks/mirror-not-loaded.js';
import noMirrorForHost from '../../checks/no-mirror-for-host.js';
import type { Skip } from '../../src/check.js';
import { runChecks } from '../../src/engine.js';
import type { Event, KubeObject, Node, Pod } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, host, node, pod } from '../helpers/facts.js';
import { PULL_ERRORS } from '../fixtures/pull-errors.js';
import { CONTAINERD_V2_NO_CONFIG_PATH, DAEMON_JSON_MIRRORS, HOSTS_TOML_DOCKER_MIRROR, K3S_GENERATED_HOSTS_TOML, K3S_REGISTRIES_YAML } from '../fixtures/registry-files.js';

const K3S_REG = '/etc/rancher/k3s/registries.yaml';
const K3S_CERTS = '/var/lib/rancher/k3s/agent/etc/containerd/certs.d';

interface PullingPod {
  image: string;
  reason?: string;
  node?: string;
  init?: boolean;
  message?: string;
}

/** A pod whose (init) container waits on its image, as kubelet reports it. */
function pullingPod(namespace: string, name: string, p: PullingPod): Pod {
  const container = { name: p.init ? 'init-toolkit' : 'main', image: p.image };
  const status = { name: container.name, ready: false, restartCount: 0, image: p.image, state: { waiting: { reason: p.reason ?? 'ImagePullBackOff', message: p.message ?? `Back-off pulling image "${p.image}"` } } };
  return pod(namespace, name, {
    spec: { nodeName: p.node ?? 'gpu-1', ...(p.init ? { initContainers: [container], containers: [{ name: 'app', image: 'busybox:1.36' }] } : { containers: [container] }) },
    status: {
      phase: 'Pending',
      ...(p.init
        ? { initContainerStatuses: [status], containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } }] }
        : { containerStatuses: [status] }),
    },
  });
}

let eventSeq = 0;
/** A kubelet event about a pod, the way `kubectl get events -o json` prints it. */
function podEvent(target: Pod, reason: string, message: string, count = 1, lastTimestamp = '2024-06-01T10:05:00Z'): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${target.metadata.name}.17d4c1a${eventSeq++}`, namespace: target.metadata.namespace },
    involvedObject: { kind: 'Pod', name: target.metadata.name, namespace: target.metadata.namespace, uid: 'c0ffee' },
    reason,
    message,
    type: reason === 'Failed' ? 'Warning' : 'Normal',
    count,
    firstTimestamp: '2024-06-01T10:00:00Z',
    lastTimestamp,
    source: { component: 'kubelet', host: target.spec?.nodeName },
  };
}

/** The events kubelet writes for one failing pull: Pulling, Failed with the cause, Error: ErrImagePull, BackOff. */
function pullEvents(target: Pod, image: string, error: string): Event[] {
  return [
    podEvent(target, 'Pulling', `Pulling image "${image}"`, 4),
    podEvent(target, 'Failed', error, 4),
    podEvent(target, 'Failed', 'Error: ErrImagePull', 4, '2024-06-01T10:06:00Z'),
    podEvent(target, 'BackOff', `Back-off pulling image "${image}"`, 12),
    podEvent(target, 'Failed', 'Error: ImagePullBackOff', 12, '2024-06-01T10:07:00Z'),
  ];
}

function k3sNode(name: string, server = true): Node {
  return node(name, server ? { 'node-role.kubernetes.io/control-plane': 'true' } : {}, {
    nodeInfo: { kubeletVersion: 'v1.30.4+k3s1', containerRuntimeVersion: 'containerd://1.7.20-k3s1' },
  });
}

function runtimeNode(name: string, runtime: string): Node {
  return node(name, {}, { nodeInfo: { kubeletVersion: 'v1.30.2', containerRuntimeVersion: runtime } });
}

const issuesOf = (result: Issue[] | Skip): Issue[] => {
  if (!Array.isArray(result)) throw new Error(`skipped: ${result.skip}`);
  return result;
};

describe('image-pull-failing', () => {
  it('groups pods failing on the same image and names registry, event text and cause', () => {
    const image = 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1';
    const a = pullingPod('gpu-operator', 'cuda-vectoradd-a', { image, node: 'gpu-1' });
    const b = pullingPod('gpu-operator', 'cuda-vectoradd-b', { image, node: 'gpu-2' });
    const issues = issuesOf(imagePullFailing.run(factsOf([a, b, ...pullEvents(a, image, PULL_ERRORS.nvcrTimeout)])));
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue).toMatchObject({
      severity: 'error',
      subject: { kind: 'Image', name: image },
      message: `Image ${image} from nvcr.io does not pull for 2 pods (gpu-operator/cuda-vectoradd-a, gpu-operator/cuda-vectoradd-b): the node cannot reach the registry`,
    });
    expect(issue!.evidence).toContain(`image "${image}" → registry nvcr.io, repository nvidia/k8s/cuda-sample, tag vectoradd-cuda11.7.1 (pod spec)`);
    expect(issue!.evidence).toContain('pod gpu-operator/cuda-vectoradd-b container main: ImagePullBackOff on node gpu-2 (pod status)');
    expect(issue!.evidence).toContain(`event Failed, kubelet on gpu-1, x4, 2024-06-01T10:05:00Z: ${PULL_ERRORS.nvcrTimeout}`);
    expect(issue!.evidence).toContain('cause: the node cannot reach the registry (the error says "i/o timeout")');
    expect(issue!.evidence).toContain('the runtime was talking to nvcr.io');
    expect(issue!.fix!.commands[0]).toContain('https://nvcr.io/v2/');
  });

  it('reports init containers and each image separately, with the cause-specific fix', () => {
    const init = pullingPod('gpu-operator', 'nvidia-container-toolkit-daemonset-x7k2p', { image: 'busybox:nope', init: true, reason: 'ErrImagePull', message: PULL_ERRORS.notFound.replace(/^Failed to pull image "busybox:nope": /, '') });
    const limited = pullingPod('default', 'worker', { image: 'busybox' });
    const issues = issuesOf(imagePullFailing.run(factsOf([init, limited, ...pullEvents(limited, 'busybox', PULL_ERRORS.rateLimited)])));
    expect(issues.map((i) => i.subject.name).sort()).toEqual(['docker.io/library/busybox:latest', 'docker.io/library/busybox:nope']);
    const notFound = issues.find((i) => i.subject.name.endsWith(':nope'))!;
    expect(notFound.evidence).toContain('pod gpu-operator/nvidia-container-toolkit-daemonset-x7k2p init container init-toolkit: ErrImagePull on node gpu-1 (pod status)');
    expect(notFound.evidence!.some((e) => e.startsWith('container status message: rpc error: code = NotFound'))).toBe(true);
    expect(notFound.fix!.commands).toEqual(['skopeo list-tags docker://docker.io/library/busybox']);
    const rate = issues.find((i) => i.subject.name.endsWith(':latest'))!;
    expect(rate.message).toMatch(/Docker Hub rate limit reached$/);
    expect(rate.fix!.commands[0]).toMatch(/^kubectl create secret docker-registry regcred -n default --docker-server=https:\/\/index\.docker\.io\/v1\//);
  });

  it('explains an invalid image name with the parse error', () => {
    const image = 'nvcr.io/nvidia/K8s/cuda-sample:vectoradd-cuda11.7.1';
    const bad = pullingPod('default', 'cuda-vectoradd', { image, reason: 'InvalidImageName', message: PULL_ERRORS.invalidName });
    const [issue] = issuesOf(imagePullFailing.run(factsOf([bad, podEvent(bad, 'InspectFailed', PULL_ERRORS.invalidName)])));
    expect(issue).toMatchObject({ subject: { kind: 'Image', name: image }, message: `Image ${image} does not pull for pod default/cuda-vectoradd: the image reference is not valid` });
    expect(issue!.evidence![0]).toBe(`image "${image}" does not parse: invalid reference format: repository name (nvidia/K8s/cuda-sample) must be lowercase`);
    expect(issue!.fix!.summary).toContain('must be lowercase');
  });

  it('says so when no event quotes the error (expired events)', () => {
    const [issue] = issuesOf(imagePullFailing.run(factsOf([pullingPod('default', 'p', { image: 'nginx:1.25' })])));
    expect(issue!.evidence).toContain('no Failed event or status message quotes the pull error (events may have expired)');
    expect(issue!.message).toMatch(/the cause is not in the event text$/);
  });

  it('is quiet for running pods and for other waiting reasons', () => {
    const creating = pullingPod('default', 'a', { image: 'nginx', reason: 'ContainerCreating', message: '' });
    const crashing = pullingPod('default', 'b', { image: 'nginx', reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' });
    expect(imagePullFailing.run(factsOf([pod('default', 'running'), creating, crashing]))).toEqual([]);
  });

  it('is skipped by the engine when pods cannot be listed', () => {
    const report = runChecks([imagePullFailing], factsOf([], { unavailable: new Map([['Pod', 'forbidden']]) }));
    expect(report.skipped).toEqual([{ id: 'GPU401', name: 'image-pull-failing', reason: 'cannot list pods (forbidden)', incomplete: true }]);
  });
});

describe('mirror-not-loaded', () => {
  const k3sHost = (files: Record<string, string>, dirs: string[] = [K3S_CERTS]) => host({ [K3S_REG]: K3S_REGISTRIES_YAML, ...files }, {}, dirs);
  const factsWith = (nodes: Record<string, NodeHost>, objects: KubeObject[] = [k3sNode('gpu-1')]) => factsOf(objects, { nodes: new Map(Object.entries(nodes)) });

  it('fires when registries.yaml has a mirror but certs.d has no directory for it', () => {
    const [issue, ...rest] = issuesOf(mirrorNotLoaded.run(factsWith({ 'gpu-1': k3sHost({}) })));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      severity: 'warning',
      subject: { kind: 'Node', name: 'gpu-1' },
      message: 'k3s on node gpu-1 has not loaded the docker.io mirror from /etc/rancher/k3s/registries.yaml',
      evidence: [
        '/etc/rancher/k3s/registries.yaml (node file): mirrors.docker.io.endpoint = https://docker.m.daocloud.io, https://docker.1ms.run',
        `${K3S_CERTS}/docker.io does not exist (dirs.txt)`,
      ],
    });
    expect(issue!.fix!.commands).toEqual(['sudo systemctl restart k3s', `sudo ls ${K3S_CERTS}`, 'sudo journalctl -u k3s --since -10min | grep -i registr']);
  });

  it('is an error when pulls from that registry fail on the node, and restarts k3s-agent on agents', () => {
    const failing = pullingPod('tensor-fusion-sys', 'greptimedb-standalone-0', { image: 'docker.io/greptime/greptimedb:v0.9.5', node: 'gpu-2' });
    const facts = factsWith({ 'gpu-2': k3sHost({}) }, [k3sNode('gpu-2', false), failing]);
    const [issue] = issuesOf(mirrorNotLoaded.run(facts));
    expect(issue!.severity).toBe('error');
    expect(issue!.evidence).toContain('pod tensor-fusion-sys/greptimedb-standalone-0 fails to pull docker.io/greptime/greptimedb:v0.9.5 on this node (ImagePullBackOff)');
    expect(issue!.fix!.commands[0]).toBe('sudo systemctl restart k3s-agent');
  });

  it('is quiet when the host directory exists or k3s wrote a hosts.toml with the mirror', () => {
    expect(mirrorNotLoaded.run(factsWith({ 'gpu-1': k3sHost({}, [K3S_CERTS, `${K3S_CERTS}/docker.io`]) }))).toEqual([]);
    expect(mirrorNotLoaded.run(factsWith({ 'gpu-1': k3sHost({ [`${K3S_CERTS}/docker.io/hosts.toml`]: K3S_GENERATED_HOSTS_TOML }) }))).toEqual([]);
  });

  it('recognises the host_port_ directory of a mirrored registry with a port', () => {
    const yaml = 'mirrors:\n  "registry.local:5000":\n    endpoint:\n      - "https://mirror.corp"\n';
    const files = (dirs: string[]) => factsWith({ 'gpu-1': host({ [K3S_REG]: yaml }, {}, [K3S_CERTS, ...dirs]) });
    expect(mirrorNotLoaded.run(files([`${K3S_CERTS}/registry.local_5000_`]))).toEqual([]);
    expect(issuesOf(mirrorNotLoaded.run(files([])))[0]!.message).toContain('registry.local:5000 mirror');
  });

  it('expects _default for the "*" wildcard mirror', () => {
    const yaml = 'mirrors:\n  "*":\n    endpoint:\n      - "https://mirror.corp"\n';
    const files = (dirs: string[]) => factsWith({ 'gpu-1': host({ [K3S_REG]: yaml }, {}, [K3S_CERTS, ...dirs]) });
    expect(mirrorNotLoaded.run(files([`${K3S_CERTS}/_default`]))).toEqual([]);
    expect(issuesOf(mirrorNotLoaded.run(files([])))[0]!.evidence![1]).toBe(`${K3S_CERTS}/_default does not exist (dirs.txt)`);
  });

  it('fires when the generated hosts.toml predates an edit of registries.yaml', () => {
    const stale = '[host."https://old-mirror.example.com/v2"]\n  capabilities = ["pull", "resolve"]\n';
    const [issue] = issuesOf(mirrorNotLoaded.run(factsWith({ 'gpu-1': k3sHost({ [`${K3S_CERTS}/docker.io/hosts.toml`]: stale }) })));
    expect(issue!.evidence![1]).toBe(
      `${K3S_CERTS}/docker.io/hosts.toml exists but lacks https://docker.m.daocloud.io, https://docker.1ms.run from registries.yaml: it was generated from an older registries.yaml`,
    );
  });

  it('accepts mirrors that an older k3s wrote into its generated config.toml', () => {
    const generated = '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://docker.m.daocloud.io"]\n';
    expect(mirrorNotLoaded.run(factsWith({ 'gpu-1': k3sHost({ '/var/lib/rancher/k3s/agent/etc/containerd/config.toml': generated }, []) }))).toEqual([]);
  });

  it.each([
    ['not YAML', 'mirrors:\n  docker.io:\n   endpoint: [https://a\n', /^\/etc\/rancher\/k3s\/registries\.yaml \(node file\): not valid YAML \(line \d+\)/],
    ['mirrors as a list', 'mirrors:\n  - "docker.io"\n', /mirrors must be a mapping of registry host to \{endpoint: \[\.\.\.\]\}, not a list$/],
  ])('reports a registries.yaml that is %s as an error', (_, text, evidence) => {
    const [issue] = issuesOf(mirrorNotLoaded.run(factsWith({ 'gpu-1': host({ [K3S_REG]: text }) })));
    expect(issue).toMatchObject({ severity: 'error', message: '/etc/rancher/k3s/registries.yaml on node gpu-1 cannot be read by k3s: none of its mirrors load, and k3s fails to start with it' });
    expect(issue!.evidence![0]).toMatch(evidence);
    expect(issue!.fix!.commands.slice(0, 2)).toEqual([`sudoedit ${K3S_REG}`, 'sudo systemctl restart k3s']);
  });

  it('reads RKE2 paths and services', () => {
    const rke2 = node('gpu-3', {}, { nodeInfo: { kubeletVersion: 'v1.29.3+rke2r1', containerRuntimeVersion: 'containerd://1.7.11-k3s2' } });
    const files = host({ '/etc/rancher/rke2/registries.yaml': K3S_REGISTRIES_YAML }, {}, ['/var/lib/rancher/rke2/agent/etc/containerd/certs.d']);
    const [issue] = issuesOf(mirrorNotLoaded.run(factsWith({ 'gpu-3': files }, [rke2])));
    expect(issue!.message).toBe('rke2 on node gpu-3 has not loaded the docker.io mirror from /etc/rancher/rke2/registries.yaml');
    expect(issue!.fix!.commands[0]).toBe('sudo systemctl restart rke2-agent');
  });

  it('ignores a registries.yaml on a node that does not run k3s', () => {
    const facts = factsWith({ 'gpu-1': host({ [K3S_REG]: 'mirrors: [' }) }, [runtimeNode('gpu-1', 'containerd://1.7.13')]);
    expect(mirrorNotLoaded.run(facts)).toEqual([]);
  });

  it('skips when no node files were collected, or k3s directories were not listed', () => {
    expect(mirrorNotLoaded.run(factsOf([k3sNode('gpu-1')]))).toEqual({ skip: 'no node files collected: run with --node-probe local|pod, or add nodes/NODE/files to the snapshot' });
    expect(mirrorNotLoaded.run(factsWith({ 'gpu-1': k3sHost({}, []) }))).toEqual({
      skip: "registries.yaml found on gpu-1 but the node's k3s directories were not listed (dirs.txt)",
    });
  });
});

describe('no-mirror-for-host', () => {
  const hubImage = 'nginx:1.25';
  const failing = (nodeName: string, image = hubImage, error = PULL_ERRORS.dockerHubTimeout, name = 'web-0', namespace = 'default') => {
    const p = pullingPod(namespace, name, { image, node: nodeName });
    return [p, ...pullEvents(p, image, error)];
  };
  const factsWith = (objects: KubeObject[], nodes: Record<string, NodeHost> = {}) => factsOf(objects, { nodes: new Map(Object.entries(nodes)) });

  it('CRI-O: judged from its copied registries.conf and registries.conf.d (issue 15: a source that was not collected)', () => {
    const crio = runtimeNode('gpu-1', 'cri-o://1.30.4');
    const conf = 'unqualified-search-registries = ["docker.io"]\n';
    const none = issuesOf(noMirrorForHost.run(factsWith([crio, ...failing('gpu-1')], { 'gpu-1': host({ '/etc/containers/registries.conf': conf }) })));
    expect(none[0]!.message).toBe('Node gpu-1 has no mirror for docker.io, and pulls from it fail there (the node cannot reach the registry)');
    expect(none[0]!.evidence).toContain('looked in /etc/containers/registries.conf: no mirrors (node files)');
    const dropIn = '[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror.corp.example:5000"\n';
    const mirrored = factsWith([crio, ...failing('gpu-1')], { 'gpu-1': host({ '/etc/containers/registries.conf': conf, '/etc/containers/registries.conf.d/10-mirror.conf': dropIn }) });
    expect(issuesOf(noMirrorForHost.run(mirrored))).toEqual([]);
  });

  it('k3s without any mirror: names what it looked at and gives the registries.yaml snippet', () => {
    const facts = factsWith([k3sNode('gpu-1'), ...failing('gpu-1')], { 'gpu-1': host({ '/etc/docker/daemon.json': DAEMON_JSON_MIRRORS }) });
    const [issue, ...rest] = issuesOf(noMirrorForHost.run(facts));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      severity: 'error',
      subject: { kind: 'Node', name: 'gpu-1' },
      message: 'Node gpu-1 has no mirror for docker.io, and pulls from it fail there (the node cannot reach the registry)',
    });
    expect(issue!.evidence).toEqual(
      expect.arrayContaining([
        'pod default/web-0 cannot pull nginx:1.25: the node cannot reach the registry (error from registry-1.docker.io) (image-pull-failing)',
        'node gpu-1 runtime: k3s (containerd://1.7.20-k3s1, Node status)',
        'looked in /etc/rancher/k3s/registries.yaml: absent (node files)',
        '/etc/docker/daemon.json has a docker.io mirror (https://docker.m.daocloud.io, https://docker.1ms.run) but the node runs k3s, which does not read /etc/docker/daemon.json',
        'the error came from registry-1.docker.io, the registry itself',
      ]),
    );
    expect(issue!.fix!.commands).toEqual([
      'MIRROR=https://docker.m.daocloud.io   # or your own mirror of Docker Hub',
      `sudo tee ${K3S_REG} >/dev/null <<EOF\nmirrors:\n  "docker.io":\n    endpoint:\n      - "$MIRROR"\nEOF`,
      'sudo systemctl restart k3s',
      `sudo ls ${K3S_CERTS}   # should now list docker.io`,
    ]);
  });

  it('is quiet when the node has a mirror for the host, or when a mirror host is in the error', () => {
    const withMirror = factsWith([k3sNode('gpu-1'), ...failing('gpu-1')], { 'gpu-1': host({ [K3S_REG]: K3S_REGISTRIES_YAML }) });
    expect(noMirrorForHost.run(withMirror)).toEqual([]);
    const viaMirror = factsWith([k3sNode('gpu-1'), ...failing('gpu-1', hubImage, PULL_ERRORS.mirrorTimeout)]);
    expect(noMirrorForHost.run(viaMirror)).toEqual([]);
  });

  it('k3s: counts a hand-made host directory under its certs.d', () => {
    const files = host({}, {}, [K3S_CERTS, `${K3S_CERTS}/docker.io`]);
    expect(noMirrorForHost.run(factsWith([k3sNode('gpu-1'), ...failing('gpu-1')], { 'gpu-1': files }))).toEqual([]);
  });

  it('is quiet for failures a mirror does not fix, and when nothing fails', () => {
    expect(noMirrorForHost.run(factsWith([k3sNode('gpu-1'), ...failing('gpu-1', 'busybox:nope', PULL_ERRORS.notFound)]))).toEqual([]);
    expect(noMirrorForHost.run(factsWith([k3sNode('gpu-1'), pod('default', 'ok')]))).toEqual([]);
  });

  it('without node files, judges from the host in the error', () => {
    const [issue] = issuesOf(noMirrorForHost.run(factsWith([runtimeNode('gpu-1', 'containerd://1.7.13'), ...failing('gpu-1')])));
    expect(issue!.evidence).toContain('node files not collected; the error came from registry-1.docker.io, the registry itself, so no mirror was tried first');
    expect(issue!.fix!.commands[1]).toBe('sudo mkdir -p /etc/containerd/certs.d/docker.io');
  });

  it('skips when neither node files nor the error tell', () => {
    const p = pullingPod('default', 'web-0', { image: hubImage, node: 'gpu-1', reason: 'ErrImagePull', message: 'rpc error: code = DeadlineExceeded desc = context deadline exceeded' });
    expect(noMirrorForHost.run(factsWith([p]))).toEqual({
      skip: 'cannot tell whether docker.io on gpu-1 has a mirror: node files not collected and the pull errors do not name the host',
    });
  });

  it('containerd: a hosts.toml outside config_path does not count, and the fix sets config_path', () => {
    const files = host({ '/etc/containerd/config.toml': CONTAINERD_V2_NO_CONFIG_PATH, '/etc/containerd/certs.d/docker.io/hosts.toml': HOSTS_TOML_DOCKER_MIRROR });
    const [issue] = issuesOf(noMirrorForHost.run(factsWith([runtimeNode('gpu-1', 'containerd://1.7.13'), ...failing('gpu-1')], { 'gpu-1': files })));
    expect(issue!.evidence).toContain('looked in config_path is not set (/etc/containerd/config.toml): containerd reads no hosts.toml (node files)');
    expect(issue!.evidence).toContain(
      "/etc/containerd/certs.d/docker.io/hosts.toml has a docker.io mirror (https://public-mirror.example.com, https://docker-mirror.internal) but /etc/containerd/certs.d is not in containerd's config_path",
    );
    expect(issue!.fix!.commands).toContain('sudoedit /etc/containerd/config.toml   # under [plugins."io.containerd.grpc.v1.cri".registry] set  config_path = "/etc/containerd/certs.d"');
  });

  it('docker: daemon.json mirrors cover docker.io but not nvcr.io, which gets the sync advice', () => {
    const docker = runtimeNode('gpu-1', 'docker://24.0.7');
    const daemon = { 'gpu-1': host({ '/etc/docker/daemon.json': DAEMON_JSON_MIRRORS }) };
    expect(noMirrorForHost.run(factsWith([docker, ...failing('gpu-1')], daemon))).toEqual([]);
    const image = 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1';
    const [issue] = issuesOf(noMirrorForHost.run(factsWith([docker, ...failing('gpu-1', image, PULL_ERRORS.nvcrTimeout, 'cuda-vectoradd')], daemon)));
    expect(issue!.message).toBe('Node gpu-1 has no mirror for nvcr.io, and pulls from it fail there (the node cannot reach the registry)');
    expect(issue!.fix!.commands).toEqual([
      'REGISTRY=registry.example.com:5000   # a private registry the nodes can reach',
      `skopeo copy --all --preserve-digests docker://${image} docker://$REGISTRY/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1`,
    ]);
  });

  it('nvcr.io on k3s: sync to a private registry and use it as the nvcr.io mirror', () => {
    const image = 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1';
    const [issue] = issuesOf(noMirrorForHost.run(factsWith([k3sNode('gpu-1'), ...failing('gpu-1', image, PULL_ERRORS.nvcrTimeout)], { 'gpu-1': host({ [K3S_REG]: K3S_REGISTRIES_YAML }) })));
    expect(issue!.fix!.summary).toMatch(/^Sync the nvcr\.io images to a private registry/);
    expect(issue!.fix!.commands).toEqual([
      'REGISTRY=registry.example.com:5000   # a private registry the nodes can reach',
      `skopeo copy --all --preserve-digests docker://${image} docker://$REGISTRY/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1`,
      'MIRROR=https://$REGISTRY',
      `sudoedit ${K3S_REG}   # under mirrors: add  "nvcr.io": { endpoint: ["$MIRROR"] }`,
      'sudo systemctl restart k3s',
      `sudo ls ${K3S_CERTS}   # should now list nvcr.io`,
    ]);
  });

  it('GreptimeDB: points the tensor-fusion chart at the playbook repository', () => {
    const image = 'docker.io/greptime/greptimedb:v0.9.5';
    const facts = factsWith([k3sNode('gpu-1'), ...failing('gpu-1', image, PULL_ERRORS.greptimeTimeout, 'greptimedb-standalone-0', 'tensor-fusion-sys')]);
    const [issue] = issuesOf(noMirrorForHost.run(facts));
    expect(issue!.fix!.commands).toEqual([
      'helm upgrade tensor-fusion-sys tensor-fusion --repo https://download.tensor-fusion.ai -n tensor-fusion-sys --reuse-values --set greptime.image.repository=greptime-registry.cn-hangzhou.cr.aliyuncs.com/greptime/greptimedb',
    ]);
    expect(issue!.fix!.summary).toContain('greptime.image.repository');
  });
});

describe('no-mirror-for-host restarts the right k3s unit', () => {
  it('k3s-agent on an agent, both when the Node object is missing', () => {
    const image = 'nginx:1.25';
    const p = pullingPod('default', 'web-0', { image, node: 'gpu-2' });
    const objects = (extra: KubeObject[]) => [...extra, p, ...pullEvents(p, image, PULL_ERRORS.dockerHubTimeout)];
    const nodes = { nodes: new Map([['gpu-2', host({ [K3S_REG]: 'mirrors:\n  quay.io:\n    endpoint: ["https://quay.mirror.corp"]\n' })]]) };
    const agent = issuesOf(noMirrorForHost.run(factsOf(objects([k3sNode('gpu-2', false)]), nodes)));
    expect(agent[0]!.fix!.commands).toContain('sudo systemctl restart k3s-agent');
    expect(agent[0]!.fix!.commands[1]).toBe(`sudoedit ${K3S_REG}   # under mirrors: add  "docker.io": { endpoint: ["$MIRROR"] }`);
    const unknown = issuesOf(noMirrorForHost.run(factsOf(objects([]), { nodes: new Map([['gpu-2', host({ [K3S_REG]: '' }, {}, [K3S_CERTS])]]) })));
    expect(unknown[0]!.fix!.commands).toContain('sudo systemctl restart k3s   # k3s-agent on agents');
  });
});
