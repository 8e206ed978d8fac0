// `bin/gpuctl exec-check POD` against the simulator serving test/fixtures/exec: the four stacks' pods give
// their findings, and every way a pod or container can refuse gives one line and exit code 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import { straceOf } from '../simulator/exec.js';
import type { StartOptions } from './exec-sim.js';
import { useExecSimulator } from './exec-sim.js';

const fixture = useExecSimulator();

async function execCheck(args: string[], options: StartOptions = {}): Promise<CliResult> {
  const { dir, kubeconfig } = await fixture.start(options);
  return gpuctl(['exec-check', '--kubeconfig', kubeconfig, ...args], { HOME: dir, KUBECONFIG: '' });
}

interface ExecJson {
  target: { namespace: string; pod: string; container: string };
  stack: string;
  source: string;
  processes: { pid: number; parent?: number; argv: string[]; missing: string[] | null }[];
  gpus: { count: number; lines: string[]; error?: string; note?: string };
  preloadFile?: string;
  findings: { name: string; severity: string; subject: { kind: string; name: string; namespace?: string }; message: string; evidence: string[]; fix?: { commands: string[] } }[];
}

const parse = (r: CliResult) => JSON.parse(r.stdout) as ExecJson;
const problems = (j: ExecJson) => j.findings.filter((f) => f.severity !== 'ok');

/** Exit 2, one line on stderr that says it, nothing on stdout, no stack trace. */
function expectOneLineError(r: CliResult, message: string | RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^gpuctl: error: /);
  const text = r.stderr.slice('gpuctl: error: '.length);
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
  expect(r.exitCode).toBe(2);
}

describe('gpuctl exec-check POD: the four stacks', () => {
  it('TensorFusion with everything injected: quiet, exit 0, the injected container and its GPU', async () => {
    const r = await execCheck(['trainer-tf', '-n', 'ml', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = parse(r);
    // The pod's sidecar comes first; tensor-fusion.ai/inject-container names the one to look at.
    expect(j.target).toEqual({ namespace: 'ml', pod: 'trainer-tf', container: 'python' });
    expect(j.stack).toBe('tensor-fusion');
    expect(j.processes.map((p) => [p.pid, p.parent, p.argv[0], p.missing])).toEqual([
      [1, undefined, '/bin/sh', []],
      [7, 1, 'python3', []],
    ]);
    expect(j.gpus).toEqual({ count: 1, lines: ['GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-5f3c2a9e-8d41-4c0b-9a7e-3b2f1d6c8e90)'] });
    expect(problems(j)).toEqual([]);
  });

  it('TensorFusion whose bash entrypoint dropped LD_PRELOAD: shell-drops-preload on the pod, exit 1', async () => {
    const r = await execCheck(['trainer-bash', '-n', 'ml']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('1    /bin/bash /app/start.sh         ✓     ✓                ✓');
    expect(r.stdout).toContain('12   └ python3 train.py --epochs 10  ✓     ✓                ✗');
    const j = parse(await execCheck(['trainer-bash', '-n', 'ml', '-o', 'json']));
    expect(problems(j)).toMatchObject([
      {
        name: 'shell-drops-preload',
        severity: 'error',
        subject: { kind: 'Pod', name: 'trainer-bash', namespace: 'ml' },
        message: 'Container python: LD_PRELOAD was lost at bash (`python3 train.py --epochs 10`)',
        evidence: [
          'stack: TensorFusion (label tensor-fusion.ai/enabled=true)',
          'had it: pid 1 /bin/bash /app/start.sh LD_PRELOAD=/tensor-fusion/libcuda.so:/tensor-fusion/libnvidia-ml.so',
          'lost it: pid 12 python3 train.py --epochs 10 LD_PRELOAD=(unset)',
        ],
        fix: { commands: ['kubectl exec -it -n ml trainer-bash -c python -- sh -c "bash …"', '# in the image: CMD ["sh", "-c", "bash /entrypoint.sh"]'] },
      },
    ]);
  });

  it('HAMi preloading libvgpu through /etc/ld.so.preload: no LD_PRELOAD needed, exit 0', async () => {
    const r = await execCheck(['hami-infer', '-n', 'ml', '-o', 'json']);
    expect(r.exitCode).toBe(0);
    const j = parse(r);
    expect(j).toMatchObject({ stack: 'hami', preloadFile: '/usr/local/vgpu/libvgpu.so\n', target: { container: 'server' } });
    expect(j.processes.every((p) => p.missing?.length === 0)).toBe(true);
    expect(j.gpus.count).toBe(1);
    expect(problems(j)).toEqual([]);
    const text = await execCheck(['hami-infer', '-n', 'ml']);
    expect(text.stdout).toContain('/etc/ld.so.preload: /usr/local/vgpu/libvgpu.so');
  });

  it('HAMi without the preload file: injection-env-missing names libvgpu.so', async () => {
    const r = await execCheck(['hami-infer', '-n', 'ml', '-o', 'json'], { collection: { ...fixture.snapshot, preloadFiles: new Map() } });
    expect(r.exitCode).toBe(1);
    expect(problems(parse(r)).map((f) => [f.name, f.message])).toEqual([
      ['injection-env-missing', 'HAMi runtime was never injected (container server): its first process lacks libvgpu.so in LD_PRELOAD'],
    ]);
  });

  it('Bitfusion with the command rewritten to `bitfusion run`: the client libraries reach the workload', async () => {
    const r = await execCheck(['bf-pkgs', '-n', 'tensorflow-benchmark', '-o', 'json']);
    expect(r.exitCode).toBe(0);
    const j = parse(r);
    expect(j.stack).toBe('bitfusion');
    expect(j.processes.map((p) => p.argv.slice(0, 2))).toEqual([
      ['/bitfusion/bitfusion-client-ubuntu1804_2.5.1-13/usr/bin/bitfusion', 'run'],
      ['python', '/benchmark/scripts/tf_cnn_benchmarks/tf_cnn_benchmarks.py'],
    ]);
    // Bitfusion's GPUs are remote: outside `bitfusion run` the container sees none.
    expect(j.gpus.error).toMatch(/^nvidia-smi -L failed \(exit code 9\): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
    expect(j.gpus.note).toBe('expected for Bitfusion: its GPUs are remote, seen only by processes started with `bitfusion run`');
    expect(problems(j)).toEqual([]);
  });

  it('takes the namespace from the kubeconfig context, and -c picks another container', async () => {
    const r = await execCheck(['trainer-tf', '-c', 'log-shipper'], { namespace: 'ml' });
    // The simulator's log-shipper has no process table: /proc shows nothing.
    expectOneLineError(r, /^cannot read \/proc in container log-shipper of pod ml\/trainer-tf: no process is visible;/);
  });

  it('prints Markdown with the tree and the GPUs', async () => {
    const r = await execCheck(['trainer-bash', '-n', 'ml', '-o', 'markdown']);
    expect(r.stdout).toMatch(/^## gpuctl exec-check — pod ml\/trainer-bash, container python/);
    expect(r.stdout).toContain('```\nPID  PROCESS');
    expect(r.stdout).toContain('- `GPU 0: NVIDIA A100-SXM4-80GB');
  });
});

describe('gpuctl exec-check POD --strace', () => {
  it('runs the pod spec command under the container\'s strace and names the exec that dropped LD_PRELOAD', async () => {
    const containers = { 'ml/trainer-bash/python': { strace: true, firstLines: { '/app/start.sh': '#!/bin/bash' } } };
    const r = await execCheck(['trainer-bash', '-n', 'ml', '--strace', '-o', 'json'], { containers });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const j = parse(r);
    expect(j.source).toBe('strace of /bin/bash /app/start.sh');
    expect(problems(j).map((f) => [f.name, f.evidence.slice(1)])).toEqual([
      [
        'shell-drops-preload',
        [
          'had it: pid 1 /bin/bash /app/start.sh LD_PRELOAD=/tensor-fusion/libcuda.so:/tensor-fusion/libnvidia-ml.so',
          'lost it: pid 12 python3 train.py --epochs 10 LD_PRELOAD=(unset)',
        ],
      ],
    ]);
    const traced = fixture.execRequests().map((q) => q.query.command);
    expect(traced).toContain('/app/start.sh'); // the last argv of the strace run: the spec command
  });

  it('traces the command given after --', async () => {
    const r = await execCheck(['trainer-tf', '-n', 'ml', '--strace', '-o', 'json', '--', 'python3', 'train.py', '--epochs', '1'], {
      containers: { 'ml/trainer-tf/python': { strace: true } },
    });
    expect(r.exitCode).toBe(0);
    expect(parse(r).source).toBe('strace of python3 train.py --epochs 1');
    expect(parse(r).processes[0]!.argv).toEqual(['python3', 'train.py', '--epochs', '1']);
  });

  it('without strace in the image: the install line of its package manager, exit 2', async () => {
    const r = await execCheck(['trainer-tf', '-n', 'ml', '--strace']);
    expectOneLineError(
      r,
      "strace is not installed in container python of pod ml/trainer-tf (Debian GNU/Linux 12 (bookworm)); install it: kubectl exec -n ml trainer-tf -c python -- sh -c 'apt-get update && apt-get install -y strace'; or trace from the node with --strace-from-host, or drop --strace for the /proc view",
    );
    const alpine = await execCheck(['trainer-tf', '-n', 'ml', '--strace'], {
      containers: { 'ml/trainer-tf/python': { osRelease: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n', packageManagers: ['apk'] } },
    });
    expect(alpine.stderr).toContain("(Alpine Linux v3.20); install it: kubectl exec -n ml trainer-tf -c python -- sh -c 'apk add --no-cache strace'");
  });

  it('--strace-from-host --print-only prints the node debug pod that traces the container, and the command to judge its output', async () => {
    const r = await execCheck(['trainer-tf', '-n', 'ml', '--strace-from-host', '--print-only']);
    expect(r.exitCode).toBe(0);
    const id = fixture.snapshot.objects.find((o) => o.metadata.name === 'trainer-tf')!.status.containerStatuses[1].containerID.replace('containerd://', '');
    expect(r.stdout).toContain(
      `  kubectl debug node/cpu-1 -i -n kube-system --profile=sysadmin --image=busybox:1.36 -- chroot /host sh -c 'PID=$(crictl inspect --output go-template --template "{{.info.pid}}" ${id}) && exec strace -f -qq -v -s 99999 -e trace=execve,clone,clone3,fork,vfork -p "$PID" 2>&1' > trace.txt`,
    );
    // kubectl debug's pod stays after the trace: the instructions say how to delete it.
    expect(r.stdout).toContain('  kubectl get pods -n kube-system -o name | grep node-debugger-cpu-1- | xargs kubectl delete -n kube-system');
    const pinned = await execCheck(['trainer-tf', '-n', 'ml', '--strace-from-host', '--print-only', '--probe-image', 'registry.local/busybox:1.36', '--probe-namespace', 'gpu-debug']);
    expect(pinned.stdout).toContain('kubectl debug node/cpu-1 -i -n gpu-debug --profile=sysadmin --image=registry.local/busybox:1.36 -- chroot /host sh -c');
    expect(pinned.stdout).not.toContain('netshoot');
    expect(r.stdout).toContain('  gpuctl exec-check --trace-file trace.txt --stack tensor-fusion');
    // No exec into the pod: it works for distroless images too.
    expect(fixture.execRequests()).toEqual([]);
  });

  it('--strace-from-host traces the bash pod from its node through a probe pod: shell-drops-preload, and the probe pod is deleted', async () => {
    const r = await execCheck(['trainer-bash', '-n', 'ml', '--strace-from-host', '--timeout', '2s', '-o', 'json'], { probe: {} });
    expect(r.exitCode).toBe(1);
    const j = parse(r);
    expect(j.target).toEqual({ namespace: 'ml', pod: 'trainer-bash', container: 'python' });
    expect(j.source).toBe('host strace of pid 40001 on node cpu-1, execs during 2s');
    expect(problems(j)).toMatchObject([
      { name: 'shell-drops-preload', subject: { kind: 'Pod', name: 'trainer-bash', namespace: 'ml' }, message: 'Container python: LD_PRELOAD was lost at bash (`python3 train.py --epochs 10`)' },
    ]);
    expect(r.stderr).toContain('saw only the execs of the 2s it traced; to see the entrypoint from its start, restart the pod while tracing or use --strace');
    const probe = fixture.sim.probe!;
    // One probe pod, on the pod's node, in kube-system; gone afterwards. No exec into the workload itself.
    expect(probe.execs).toEqual([{ namespace: 'kube-system', pod: expect.stringMatching(/^gpuctl-probe-[0-9a-f]{8}-cpu-1$/), node: 'cpu-1' }]);
    expect(probe.objects('pods', 'kube-system')).toEqual([]);
    const created = fixture.sim.requests.filter((q) => q.method === 'POST' && q.path === '/api/v1/namespaces/kube-system/pods');
    expect(created).toHaveLength(1);
    expect(fixture.execRequests().map((q) => q.path)).toEqual([`/api/v1/namespaces/kube-system/pods/${probe.execs[0]!.pod}/exec`]);
  });

  it('--strace-from-host without the probe permissions: exit 2 naming them, nothing created', async () => {
    const r = await execCheck(['trainer-bash', '-n', 'ml', '--strace-from-host'], { probe: { denied: ['create pods', 'create pods/exec'] } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('gpuctl: error: --strace-from-host needs permissions this user lacks in namespace kube-system: create pods, create pods/exec');
    expect(r.stderr).toContain('or use --strace (strace inside the container)');
    expect(fixture.sim.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pods'))).toEqual([]);
  });

  it('--strace-from-host on a host without strace: one line with the install line for the node OS, the probe pod deleted', async () => {
    const r = await execCheck(['trainer-bash', '-n', 'ml', '--strace-from-host'], { probe: { nodesWithoutStrace: ['cpu-1'] } });
    expectOneLineError(r, 'strace is not installed on node cpu-1 (Ubuntu 22.04.4 LTS); install it on the node (apt-get update && apt-get install -y strace) or use --strace to trace inside the container');
    expect(fixture.sim.probe!.execs).toHaveLength(1);
    expect(fixture.sim.probe!.objects('pods', 'kube-system')).toEqual([]);
  });

  it('--trace-file judges a saved trace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-trace-'));
    const file = path.join(dir, 'trace.txt');
    writeFileSync(file, straceOf(fixture.snapshot.processes.get('ml/trainer-bash/python')!, []));
    const r = await gpuctl(['exec-check', '--trace-file', file, '-o', 'json']);
    expect(r.exitCode).toBe(1);
    expect(problems(parse(r)).map((f) => [f.name, f.subject])).toEqual([['shell-drops-preload', { kind: 'Command', name: file }]]);
    expectOneLineError(await gpuctl(['exec-check', '--trace-file', path.join(dir, 'nope')]), `--trace-file ${path.join(dir, 'nope')}: no such file`);
  });
});

describe('gpuctl exec-check POD: bad input, one line and exit 2', () => {
  it('pod not found', async () => {
    expectOneLineError(await execCheck(['nope', '-n', 'ml']), 'pod ml/nope not found');
  });

  it('pod not running', async () => {
    expectOneLineError(
      await execCheck(['trainer-pending', '-n', 'ml']),
      'container python of pod ml/trainer-pending is not running (waiting: ContainerCreating): exec-check looks at running processes',
    );
  });

  it('container name wrong: lists the containers', async () => {
    expectOneLineError(await execCheck(['trainer-tf', '-n', 'ml', '-c', 'pytorch']), 'pod ml/trainer-tf has no container "pytorch" (containers: log-shipper, python)');
  });

  it('exec forbidden (403): names the RBAC verb', async () => {
    expectOneLineError(
      await execCheck(['trainer-tf', '-n', 'ml'], { faults: [{ path: '/exec$', status: 403, user: 'alice' }] }),
      'exec into pod ml/trainer-tf is forbidden (403): pods "trainer-tf" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" in the namespace "ml"; it needs the RBAC verb create on pods/exec (check: kubectl auth can-i create pods/exec -n ml)',
    );
  });

  it('exec stream cut halfway', async () => {
    expectOneLineError(
      await execCheck(['trainer-tf', '-n', 'ml'], { faults: [{ path: '/exec$', cut: true, count: 1 }] }),
      /^exec in container python of pod ml\/trainer-tf was cut off after [\d,]+ bytes of output \(connection closed with code 1006 before the exit status\)$/,
    );
  });

  it('a container without /bin/sh: suggests kubectl debug with --target', async () => {
    expectOneLineError(
      await execCheck(['trainer-distroless', '-n', 'ml'], { containers: { 'ml/trainer-distroless/python': { shell: false } } }),
      'container python of pod ml/trainer-distroless has no /bin/sh (a distroless image?), so gpuctl cannot read /proc in it; look from a debug container that shares its processes: kubectl debug -it -n ml trainer-distroless --image=busybox:1.36 --target=python -- sh',
    );
  });

  it('no /proc access: nothing visible, or no environment readable', async () => {
    expectOneLineError(
      await execCheck(['trainer-tf', '-n', 'ml'], { containers: { 'ml/trainer-tf/python': { proc: 'hidden' } } }),
      'cannot read /proc in container python of pod ml/trainer-tf: no process is visible; /proc may be missing, masked or mounted with hidepid',
    );
    expectOneLineError(
      await execCheck(['trainer-tf', '-n', 'ml'], { containers: { 'ml/trainer-tf/python': { proc: 'environ-denied' } } }),
      "cannot read the environment of any process in container python of pod ml/trainer-tf (/proc/PID/environ unreadable: cat: /proc/1/environ: Permission denied); exec runs as a user that does not own the workload's processes",
    );
  });

  it('environ with invalid UTF-8 and huge values: read, and judged as before', async () => {
    const raw = Buffer.concat([Buffer.from(`MODEL_CONFIG=${'{"layers":[1,2,3]}'.repeat(200_000)}\0`), Buffer.from('LANG_BYTES=\xff\xfe\xfd\0', 'latin1')]);
    const containers = { 'ml/trainer-tf/python': { rawEnviron: { 7: raw } }, 'ml/trainer-bash/python': { rawEnviron: { 1: raw, 12: raw } } };
    const ok = await execCheck(['trainer-tf', '-n', 'ml', '-o', 'json'], { containers });
    expect(ok.exitCode).toBe(0);
    expect(problems(parse(ok))).toEqual([]);
    const dropped = await execCheck(['trainer-bash', '-n', 'ml', '-o', 'json'], { containers });
    expect(problems(parse(dropped)).map((f) => f.name)).toEqual(['shell-drops-preload']);
  });

  it('no pod given, or a command without --strace: usage errors', async () => {
    expectOneLineError(await gpuctl(['exec-check']), /^name the pod: gpuctl exec-check POD/);
    const r = await gpuctl(['exec-check', 'trainer-tf', '--', 'python3', 'x.py']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('gpuctl: error: a command after the pod is what --strace runs: gpuctl exec-check trainer-tf --strace -- python3 x.py');
  });
});
