// The scripts exec-check runs inside containers, run here by a real sh (and strace where installed), and
// the pure choices around them: which container, whether it runs, how to install strace, what nvidia-smi said.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseGpuListing,
  parseShebangs,
  parseToolsProbe,
  SHEBANG_SCRIPT,
  straceInstallLine,
  straceRunCommand,
  TOOLS_PROBE_SCRIPT,
} from '../../src/facts/container-probe.js';
import { analyzeExecTree } from '../../src/facts/exec-tree.js';
import { chooseContainer, injectedContainers, notRunningReason, runtimeContainerId, specCommand } from '../../src/facts/exec-target.js';
import { stackById } from '../../src/facts/injection.js';
import { parsePreloadFile, PROC_DUMP_SCRIPT } from '../../src/facts/proc-dump.js';
import { parseStrace } from '../../src/facts/strace.js';
import { pod } from '../helpers/facts.js';
import { skipWithout } from '../helpers/tools.js';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/entrypoints');
const tools = (pms: string[], osRelease: string) => parseToolsProbe(`@@strace \n${pms.map((m) => `@@pm ${m}\n`).join('')}@@os-release\n${osRelease}`);

describe('TOOLS_PROBE_SCRIPT and the strace install line', () => {
  it('finds strace and the package managers on this machine with a real sh', () => {
    const out = execFileSync('/bin/sh', ['-c', TOOLS_PROBE_SCRIPT]).toString();
    const found = parseToolsProbe(out);
    expect(found.strace).toBe(hasStrace ? execFileSync('/bin/sh', ['-c', 'command -v strace']).toString().trim() : undefined);
    expect(found.os.ID).toBe(/^ID=("?)(.+)\1$/m.exec(readFileSync('/etc/os-release', 'utf8'))![2]);
  });

  it('gives the install line of the image\'s package manager, else of its OS family', () => {
    expect(straceInstallLine(tools(['apt-get'], 'ID=ubuntu\nVERSION_ID="22.04"\n'))).toBe('apt-get update && apt-get install -y strace');
    expect(straceInstallLine(tools(['apk'], 'ID=alpine\n'))).toBe('apk add --no-cache strace');
    expect(straceInstallLine(tools(['microdnf'], 'ID="rhel"\nID_LIKE="fedora"\n'))).toBe('microdnf install -y strace');
    expect(straceInstallLine(tools(['dnf', 'yum'], 'ID="rocky"\n'))).toBe('dnf install -y strace');
    expect(straceInstallLine(tools(['pacman'], 'ID=arch\n'))).toBe('pacman -Sy --noconfirm strace');
    // apt-get removed from the image, os-release still says Debian-like.
    expect(straceInstallLine(tools([], 'ID=pop\nID_LIKE="ubuntu debian"\n'))).toBe('apt-get update && apt-get install -y strace');
    expect(straceInstallLine(tools([], ''))).toBeUndefined();
    expect(parseToolsProbe('@@strace /usr/bin/strace\n@@pm nix\n@@os-release\n').packageManagers).toEqual([]);
  });
});

describe('SHEBANG_SCRIPT', () => {
  it('reads the #! line of scripts and skips binaries and missing files', () => {
    const files = [...readdirSync(FIXTURES).map((f) => path.join(FIXTURES, f)), '/bin/sh', '/nonexistent'];
    const out = execFileSync('/bin/sh', ['-c', SHEBANG_SCRIPT, 'sh', ...files]).toString();
    const interpreters = parseShebangs(out);
    expect(interpreters.get(path.join(FIXTURES, 'keeps.sh'))).toBe('/bin/sh');
    expect(interpreters.get(path.join(FIXTURES, 'python-launcher.py'))).toBe('/usr/bin/python3');
    expect(interpreters.has('/bin/sh')).toBe(false);
    expect(interpreters.has('/nonexistent')).toBe(false);
  });
});

describe('PROC_DUMP_SCRIPT', () => {
  it('carries /etc/ld.so.preload ahead of the processes, only when the file exists', () => {
    const m = '0f3c9a2e-1111-4222-8333-444455556666';
    expect(parsePreloadFile(`@@gpuctl-dump ${m} 7\n@@gpuctl-preload ${m}\n/usr/local/vgpu/libvgpu.so\n\n@@gpuctl-proc ${m} 1\n`)).toBe('/usr/local/vgpu/libvgpu.so\n');
    expect(parsePreloadFile(`@@gpuctl-dump ${m} 7\n\n@@gpuctl-proc ${m} 1\n1 (sh) S 0`)).toBeUndefined();
    expect(PROC_DUMP_SCRIPT.split('\n')[3]).toBe("if [ -r /etc/ld.so.preload ]; then printf '@@gpuctl-preload %s\\n' \"$m\"; cat /etc/ld.so.preload; fi");
  });
});

describe.skipIf(!hasStrace && skipWithout('strace'))('STRACE_RUN_SCRIPT with the real strace', () => {
  const env = { PATH: '/tensor-fusion:/usr/bin:/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '' };

  it('puts the trace on stdout and the program\'s own output on stderr; the analysis finds the drop', () => {
    const argv = straceRunCommand(['/bin/sh', '-c', 'echo out; echo err >&2; env -u LD_LIBRARY_PATH /bin/true'], 20_000);
    const run = spawnSync(argv[0]!, argv.slice(1), { env });
    expect(run.status).toBe(0);
    expect(run.stderr.toString()).toBe('out\nerr\n');
    const { records } = parseStrace(run.stdout.toString());
    expect(records.map((r) => r.argv[0])).toEqual(['/bin/sh', 'env', '/bin/true']);
    const drops = analyzeExecTree(records, stackById('tensor-fusion')).drops;
    expect(drops.map((d) => [d.variable, d.from.argv[0], d.to.argv[0]])).toEqual([['LD_LIBRARY_PATH', 'env', '/bin/true']]);
  });

  // Real processes and signals under a loaded CI machine: allow a retry rather than a flaky red.
  it('kills the traced command and everything it started when the time is up', { retry: 2 }, async () => {
    const marker = `${Date.now() % 100000}.5`;
    const argv = straceRunCommand(['/bin/sh', '-c', `sleep ${marker} & sleep ${marker}; echo never`], 1000);
    const started = Date.now();
    const run = spawnSync(argv[0]!, argv.slice(1), { env, timeout: 20_000 });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(run.status).toBe(137);
    expect(run.stderr.toString()).not.toContain('never');
    const left = () =>
      readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
        try {
          // A killed process stays in /proc until it is reaped: only live ones count.
          const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
          return state !== 'Z' && state !== 'X' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false;
        }
      });
    // SIGKILL is delivered at once but a traced process may take a moment to go.
    for (let i = 0; i < 20 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(left()).toEqual([]);
    expect(parseStrace(run.stdout.toString()).records.map((r) => r.argv[0])).toContain('sleep');
  });
});

describe('nvidia-smi -L as the container sees it', () => {
  it('lists GPUs and MIG devices, or says why there are none', () => {
    const mig = 'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-1)\n  MIG 1g.5gb      Device  0: (UUID: MIG-2)\n';
    expect(parseGpuListing(mig, 0)).toEqual({ lines: ['GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-1)', '  MIG 1g.5gb      Device  0: (UUID: MIG-2)'], gpus: 1 });
    expect(parseGpuListing('No devices were found\n', 6).error).toBe('nvidia-smi -L failed (exit code 6): No devices were found');
    expect(parseGpuListing('', 127, 'sh: 1: nvidia-smi: not found').error).toMatch(/^nvidia-smi is not in the container/);
    expect(parseGpuListing('', undefined, 'Internal error occurred: … exec: "nvidia-smi": executable file not found in $PATH: unknown').error).toMatch(
      /^nvidia-smi is not in the container/,
    );
    expect(parseGpuListing('', 0).error).toBe('nvidia-smi -L listed no GPU');
  });
});

describe('which container, and whether it runs', () => {
  const running = (names: string[]) => ({
    phase: 'Running',
    containerStatuses: names.map((name) => ({ name, state: { running: {} }, containerID: `containerd://${name}-0123` })),
  });
  const twoContainers = { containers: [{ name: 'istio-proxy' }, { name: 'app', command: ['python3'], args: ['serve.py'] }] };

  it('-c, else TensorFusion\'s inject-container, else kubectl\'s default-container, else the first', () => {
    const tf = pod('ml', 'a', { annotations: { 'tensor-fusion.ai/inject-container': 'missing, app' }, spec: twoContainers, status: running(['istio-proxy', 'app']) });
    expect(chooseContainer(tf)).toEqual({ container: 'app' });
    expect(chooseContainer(tf, 'istio-proxy')).toEqual({ container: 'istio-proxy' });
    expect(chooseContainer(tf, 'nope')).toEqual({ error: 'pod ml/a has no container "nope" (containers: istio-proxy, app)' });
    const annotated = pod('ml', 'b', { annotations: { 'kubectl.kubernetes.io/default-container': 'app' }, spec: twoContainers });
    expect(chooseContainer(annotated)).toEqual({ container: 'app' });
    expect(chooseContainer(pod('ml', 'c', { spec: twoContainers }))).toEqual({ container: 'istio-proxy' });
    expect(specCommand(tf, 'app')).toEqual(['python3', 'serve.py']);
    expect(specCommand(tf, 'istio-proxy')).toBeUndefined();
    expect(runtimeContainerId(tf, 'app')).toBe('app-0123');
  });

  it('says why a container is not running, in kubectl\'s words', () => {
    const spec = { containers: [{ name: 'app' }] };
    expect(notRunningReason(pod('ml', 'a', { spec, status: running(['app']) }), 'app')).toBeUndefined();
    expect(notRunningReason(pod('ml', 'a', { spec, status: { phase: 'Succeeded' } }), 'app')).toBe(
      'pod ml/a has completed (phase Succeeded): there is no process left to look at',
    );
    const crashing = { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }] };
    expect(notRunningReason(pod('ml', 'a', { spec, status: crashing }), 'app')).toBe('container app of pod ml/a is not running (waiting: CrashLoopBackOff)');
    expect(notRunningReason(pod('ml', 'a', { spec, status: { phase: 'Pending' } }), 'app')).toBe('container app of pod ml/a is not running (pod phase Pending)');
  });

  it('the live doctor reads the containers a stack injects into, not its sidecars', () => {
    const hami = pod('ml', 'h', {
      spec: { containers: [{ name: 'sidecar' }, { name: 'gpu', resources: { limits: { 'nvidia.com/gpumem': '3000' } } }] },
    });
    expect(injectedContainers(hami, stackById('hami'))).toEqual(['gpu']);
    const tf = pod('ml', 't', { annotations: { 'tensor-fusion.ai/inject-container': 'a,b' }, spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } });
    expect(injectedContainers(tf, stackById('tensor-fusion'))).toEqual(['a', 'b']);
    expect(injectedContainers(pod('ml', 'u', { spec: { containers: [{ name: 'x' }, { name: 'y' }] } }), stackById('tensor-fusion'))).toEqual(['x']);
  });
});
