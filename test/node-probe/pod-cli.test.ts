// `--node-probe pod` end to end: the real CLI against the simulator over HTTP and WebSocket — probe pods
// created, started by the simulator's kubelet, exec'd into, deleted — and every way it can go wrong.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { ALL_CHECKS } from '../../checks/index.js';
import { PROBE_COMMANDS } from '../../src/collection/probe-commands.js';
import { liveProbe } from '../../src/facts/inputs.js';
import { gpuctl } from '../helpers/cli.js';
import { DRIVER, nodeFindings, problemsAbout, report, simulators, type Served, until } from './helpers.js';

const serve = simulators();
let served: Served;

describe('gpuctl doctor --node-probe pod', () => {
  it.each([DRIVER, 'test/fixtures/registry-k3s', 'examples/no-nvidia-runtime', 'examples/healthy-gpu-operator'])(
    'gives the node findings of the snapshot itself (%s)',
    async (snapshot) => {
      const offline = await gpuctl(['doctor', '--snapshot', snapshot, '-o', 'json']);
      served = await serve(snapshot);
      const live = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
      expect(live.stderr).toBe('');
      expect(live.exitCode).toBe(offline.exitCode);
      const expected = nodeFindings(offline.stdout);
      expect(nodeFindings(live.stdout)).toEqual(expected);
      // One pod per node the snapshot has facts for (its GPU nodes), one exec into each, each deleted.
      const probed = [...(await loadSnapshot(snapshot)).nodes.keys()].sort();
      const created = served.requests('POST', /\/namespaces\/kube-system\/pods$/);
      expect(created).toHaveLength(probed.length);
      expect(served.sim.probe!.execs.map((e) => e.node).sort()).toEqual(probed);
      expect(served.requests('DELETE', /\/namespaces\/kube-system\/pods\/gpuctl-probe-/).filter((r) => r.status === 200)).toHaveLength(probed.length);
      expect(served.leftovers()).toEqual([]);
    },
  );

  it('finds what the node facts show: the driver snapshot has node findings to lose', async () => {
    served = await serve(DRIVER);
    const live = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    const { findings } = nodeFindings(live.stdout);
    // Only the probe can see these: they come from nvidia-smi, lsmod and dpkg output on the nodes.
    expect(findings.map((f) => f.name)).toEqual(expect.arrayContaining(['driver-not-loaded', 'nouveau-loaded', 'driver-packages-unheld']));
    const withoutProbe = await served.run(['doctor', '-o', 'json', '--node-probe', 'none']);
    expect(nodeFindings(withoutProbe.stdout).findings.map((f) => f.name)).not.toContain('nouveau-loaded');
  });

  it('creates the pod the issue describes: pinned, privileged, host / read-only, labelled, in --probe-namespace with --probe-image', async () => {
    served = await serve(DRIVER, { startDelayMs: 10 });
    const seen: KubeObject[] = [];
    const poll = setInterval(() => seen.push(...served.leftovers('gpu-probes')), 5);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod', '--probe-namespace', 'gpu-probes', '--probe-image', 'registry.example.com/library/busybox:1.36', '--node-concurrency', '1']);
    clearInterval(poll);
    expect(r.stderr).toBe('');
    const pod = seen.find((p) => p.spec?.nodeName === 'gpu-1')!;
    expect(pod.metadata.name).toMatch(/^gpuctl-probe-[0-9a-f]{8}-gpu-1$/);
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'gpuctl', 'gpuctl.io/probe': expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(pod.spec).toMatchObject({
      nodeName: 'gpu-1',
      hostPID: true,
      restartPolicy: 'Never',
      tolerations: [{ operator: 'Exists' }],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      containers: [{ image: 'registry.example.com/library/busybox:1.36', securityContext: { privileged: true }, volumeMounts: [{ mountPath: '/host', readOnly: true }] }],
    });
    // --node-concurrency 1: never two probe pods at once.
    expect(Math.max(...served.sim.requests.map((_, i, all) => countAlive(all.slice(0, i + 1))))).toBe(1);
    expect(served.leftovers()).toEqual([]);
  });

  it('checks permissions before creating anything and names exactly the missing ones (exit 2)', async () => {
    served = await serve(DRIVER, { denied: ['create pods/exec', 'delete pods'] });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('gpuctl: error: --node-probe pod needs permissions this user lacks in namespace kube-system: delete pods, create pods/exec');
    expect(r.stderr).toMatch(/hint: grant them \(kubectl create role gpuctl-probe -n kube-system .*--probe-namespace.*--node-probe none/);
    expect(served.requests('POST', /\/pods$/)).toEqual([]);
  });

  it('goes on when the access review itself cannot be asked, and says so', async () => {
    served = await serve(DRIVER, { accessReviewStatus: 403 });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.stderr).toMatch(/gpuctl: --node-probe pod: cannot check permissions \(SelfSubjectAccessReview failed \(403 Forbidden: .*\)\); trying anyway/);
    expect(served.sim.probe!.execs).toHaveLength(2);
  });

  it('turns a probe image that does not pull into registry findings about the node, and says how to pass --probe-image', async () => {
    served = await serve(DRIVER, { unpullableImages: ['busybox:1.36'] });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    const { findings, skipped } = report(r.stdout);
    const pull = findings.find((f) => f.name === 'image-pull-failing')!;
    expect(pull.subject).toEqual({ kind: 'Image', name: 'docker.io/library/busybox:1.36' });
    expect(pull.message).toMatch(/does not pull for 2 pods \(kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-1, kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-2\): the node cannot reach the registry/);
    expect(pull.evidence.join('\n')).toContain('dial tcp 54.236.113.205:443: i/o timeout');
    const mirror = findings.filter((f) => f.name === 'no-mirror-for-host');
    expect(mirror.map((f) => f.subject)).toEqual([
      { kind: 'Node', name: 'gpu-1' },
      { kind: 'Node', name: 'gpu-2' },
    ]);
    expect(mirror[0]!.message).toBe('Node gpu-1 has no mirror for docker.io, and pulls from it fail there (the node cannot reach the registry)');
    expect(problemsAbout(r.stdout, 'gpu-1')[0]).toMatch(/cannot pull its image busybox:1\.36 \((ErrImagePull|ImagePullBackOff): Failed to pull image "busybox:1\.36": .* i\/o timeout\); see image-pull-failing; pass --probe-image/);
    // Node checks skip naming why.
    // Node checks skip naming the nodes; the reason is stated once, in the finding about each node, with the probe's fixes.
    expect(skipped.find((s) => s.name === 'driver-not-loaded')!.reason).toBe('the node probe could not read gpu-1, gpu-2 (why, and what to do: snapshot-file-unreadable on Node gpu-1)');
    expect(skipped.filter((s) => /cannot pull its image/.test(s.reason))).toEqual([]);
    const probeFinding = findings.find((f) => f.name === 'snapshot-file-unreadable' && f.subject.kind === 'Node' && f.subject.name === 'gpu-1') as unknown as { fix: { summary: string; commands: string[] } };
    expect(probeFinding.fix.summary).toMatch(/--probe-timeout.*--probe-image.*--probe-namespace/);
    expect(probeFinding.fix.commands).toEqual(expect.arrayContaining([expect.stringMatching(/^kubectl get events -n kube-system --field-selector involvedObject.name=gpuctl-probe-[0-9a-f]{8}-gpu-1$/), 'gpuctl doctor --node-probe pod --probe-timeout 3m']));
    expect(probeFinding.fix.commands.join('\n')).not.toMatch(/export|objects\.json/);
    expect(served.leftovers()).toEqual([]);

    // The same cluster with an image the nodes can pull.
    const fixed = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod', '--probe-image', 'registry.example.com/busybox:1.36']);
    expect(report(fixed.stdout).findings.find((f) => f.name === 'image-pull-failing')!.severity).toBe('ok');
  });

  it('reports a probe pod that never starts, removes it, and still probes the other nodes', async () => {
    served = await serve(DRIVER, { stuckNodes: ['gpu-2'] });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod', '--probe-timeout', '1s']);
    // gpu-2 was not read: the run is incomplete (docs/output.md), exit 2, one line naming the node.
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^gpuctl: incomplete: could not read node gpu-2 \(the probe pod .+; it was removed\); \d+ check\(s\) skipped \(exit 2; --allow-partial to accept partial results\)$/);
    expect(problemsAbout(r.stdout, 'gpu-2')).toEqual([
      expect.stringMatching(/^node facts not read: the probe pod kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-2 did not start within 1s \(--probe-timeout\): phase Pending, no container started \(the node has not picked the pod up\); it was removed$/),
    ]);
    expect(problemsAbout(r.stdout, 'gpu-1')).toEqual([]);
    expect(served.sim.probe!.execs.map((e) => e.node)).toEqual(['gpu-1']);
    expect(served.requests('DELETE', /gpuctl-probe-[0-9a-f]{8}-gpu-2$/)).toHaveLength(1);
    expect(served.leftovers()).toEqual([]);
    expect((await served.run(['doctor', '-o', 'json', '--node-probe', 'pod', '--probe-timeout', '1s', '--allow-partial'])).exitCode).toBe(1);
  });

  it('reports a node deleted mid-run instead of crashing', async () => {
    served = await serve(DRIVER, { vanishingNodes: ['gpu-2'] });
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.exitCode).toBe(1);
    expect(problemsAbout(r.stdout, 'gpu-2')).toEqual(['node facts not read: node gpu-2 was deleted while gpuctl probed it (its probe pod went with it)']);
    expect(served.sim.probe!.execs.map((e) => e.node)).toEqual(['gpu-1']);
    expect(served.leftovers()).toEqual([]);
  });

  it('deletes the pod when the exec fails', async () => {
    served = await serve(DRIVER);
    served.sim.setFaults([{ path: 'gpu-1/exec$', status: 500, message: 'etcdserver: leader changed' }]);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(problemsAbout(r.stdout, 'gpu-1')).toEqual([
      expect.stringMatching(/^node facts not read: exec into container probe of pod kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-1 was refused \(500 Internal Server Error: Internal error occurred: etcdserver: leader changed\)$/),
    ]);
    expect(served.requests('DELETE', /gpuctl-probe-[0-9a-f]{8}-gpu-1$/)).toHaveLength(1);
    expect(served.leftovers()).toEqual([]);
  });

  it.each([
    ['SIGINT', 130, 'Ctrl-C \\(SIGINT\\)'],
    ['SIGTERM', 143, 'SIGTERM'],
    ['SIGHUP', 129, 'SIGHUP \\(the terminal went away\\)'],
    ['SIGQUIT', 131, 'SIGQUIT'],
  ] as const)('on %s while the probe pods are Pending, deletes them and exits %d, in one line', async (signal, code, name) => {
    served = await serve(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const child = served.spawn(['doctor', '-o', 'json', '--node-probe', 'pod', '--probe-timeout', '60s']);
    await until(() => served.leftovers().length === 2);
    child.kill(signal);
    const r = await child;
    expect(r.exitCode).toBe(code);
    const pod = 'pod kube-system/gpuctl-probe-[0-9a-f]{8}-gpu-\\d';
    expect(r.stderr).toMatch(new RegExp(`^gpuctl: interrupted by ${name}; deleted ${pod}, ${pod}$`));
    expect(r.stdout).toBe('');
    expect(served.leftovers()).toEqual([]);
    // Each deletion confirmed by a GET answering 404 before it is called done.
    for (const del of served.requests('DELETE', /gpuctl-probe-/)) {
      expect(served.sim.requests.some((q) => q.method === 'GET' && q.path === del.path && q.status === 404)).toBe(true);
    }
  });

  it('removes probe pods left over from earlier runs, says so, and leaves a run in progress alone', async () => {
    const collection = await loadSnapshot(DRIVER);
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    collection.objects.push(
      probeLeftover('gpuctl-probe-0badc0de-gpu-1', 'Running', hourAgo),
      probeLeftover('gpuctl-probe-0badc0de-gpu-2', 'Failed', new Date().toISOString()),
      probeLeftover('gpuctl-probe-feedbeef-gpu-1', 'Running', new Date().toISOString()),
    );
    served = await serve(collection);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.stderr).toBe(
      'gpuctl: removed 2 probe object(s) left over from an earlier run: pod kube-system/gpuctl-probe-0badc0de-gpu-1, pod kube-system/gpuctl-probe-0badc0de-gpu-2',
    );
    expect(served.leftovers().map((p) => p.metadata.name)).toEqual(['gpuctl-probe-feedbeef-gpu-1']);
  });
});

describe('the probe runs what the checks declare', () => {
  it('doctor: only the commands and files its checks declare (liveProbe); collect: those for people too', async () => {
    served = await serve(DRIVER);
    const doctor = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(doctor.stderr).toBe('');
    const probe = liveProbe(ALL_CHECKS);
    const ran = served.sim.probe!.execs.map((e) => e.commands);
    expect(ran.length).toBeGreaterThan(0);
    for (const commands of ran) expect(commands).toEqual(probe.commands);
    const forPeople: string[] = PROBE_COMMANDS.filter((c) => c.forPeople).map((c) => c.name);
    expect(forPeople).toEqual(['uname', 'journal-kubelet']);
    expect(probe.commands.filter((c) => forPeople.includes(c))).toEqual([]);
    const bundle = path.join(mkdtempSync(path.join(tmpdir(), 'gpuctl-bundle-')), 'bundle');
    served.sim.probe!.execs.length = 0;
    expect((await served.run(['collect', '-f', bundle, '--node-probe', 'pod'])).exitCode).toBe(0);
    for (const e of served.sim.probe!.execs) expect(e.commands).toEqual(PROBE_COMMANDS.map((c) => c.name));
    expect(served.sim.probe!.execs.length).toBeGreaterThan(0);
  });
});

describe('gpuctl collect --node-probe pod', () => {
  it('writes the node facts, without the probe pods, and doctor --snapshot on the bundle gives the same node findings', async () => {
    served = await serve(DRIVER);
    const bundle = path.join(mkdtempSync(path.join(tmpdir(), 'gpuctl-bundle-')), 'bundle');
    const r = await served.run(['collect', '-f', bundle, '--node-probe', 'pod']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/wrote .*bundle: \d+ objects, \d+ logs, 2 nodes probed/);
    expect(readFileSync(path.join(bundle, 'nodes/gpu-1/commands/nvidia-smi.txt'), 'utf8')).toBe(readFileSync(path.join(DRIVER, 'nodes/gpu-1/commands/nvidia-smi.txt'), 'utf8'));
    expect(readFileSync(path.join(bundle, 'cluster/pods.json'), 'utf8')).not.toContain('gpuctl-probe-');
    expect(JSON.parse(readFileSync(path.join(bundle, 'meta.json'), 'utf8')).nodeProbe).toMatchObject({ mode: 'pod', namespace: 'kube-system', image: 'busybox:1.36' });
    const fromBundle = await gpuctl(['doctor', '--snapshot', bundle, '-o', 'json']);
    const fromFixture = await gpuctl(['doctor', '--snapshot', DRIVER, '-o', 'json']);
    expect(nodeFindings(fromBundle.stdout)).toEqual(nodeFindings(fromFixture.stdout));
    expect(existsSync(path.join(bundle, 'nodes/gpu-2/commands/lspci.txt'))).toBe(true);
  });

  it('keeps the probe pod that could not pull in the bundle, so the registry finding survives', async () => {
    served = await serve(DRIVER, { unpullableImages: ['busybox:1.36'] });
    const bundle = path.join(mkdtempSync(path.join(tmpdir(), 'gpuctl-bundle-')), 'bundle');
    await served.run(['collect', '-f', bundle, '--node-probe', 'pod']);
    const offline = report((await gpuctl(['doctor', '--snapshot', bundle, '-o', 'json'])).stdout);
    expect(offline.findings.find((f) => f.name === 'image-pull-failing')!.subject.name).toBe('docker.io/library/busybox:1.36');
    expect(offline.skipped.find((s) => s.name === 'driver-not-loaded')!.reason).toMatch(/^the node probe could not read gpu-1/);
  });
});

function probeLeftover(name: string, phase: string, creationTimestamp: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      creationTimestamp,
      labels: { 'app.kubernetes.io/managed-by': 'gpuctl', 'gpuctl.io/probe': name.split('-')[2]! },
    },
    spec: { nodeName: name.split('-').slice(3).join('-'), containers: [{ name: 'probe', image: 'busybox:1.36' }] },
    status: { phase },
  };
}

/** Probe pods alive after these requests: created minus deleted. */
function countAlive(requests: { method: string; path: string; status: number }[]): number {
  const created = requests.filter((r) => r.method === 'POST' && /\/pods$/.test(r.path) && r.status === 201).length;
  const deleted = requests.filter((r) => r.method === 'DELETE' && /\/pods\//.test(r.path) && r.status === 200).length;
  return created - deleted;
}

