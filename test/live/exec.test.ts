// The exec transport against the simulator: client-node's Exec over a real WebSocket, the channel
// protocol with the Status on the error channel, bytes kept as bytes, and every refusal in words.
import { describe, expect, it } from 'vitest';
import { PROC_DUMP_SCRIPT } from '../../src/facts/proc-dump.js';
import { captureProcesses, lacksShell, listGpus } from '../../src/sources/live/container.js';
import type { ExecConnection } from '../../src/sources/live/exec.js';
import { ExecFailure, execInContainer } from '../../src/sources/live/exec.js';
import type { Behaviours, Fault } from '../simulator/server.js';
import { useExecSimulator } from './exec-sim.js';

const fixture = useExecSimulator();

const TF = { namespace: 'ml', pod: 'trainer-tf', container: 'python' };

async function connect(faults: Fault[] = [], containers: Behaviours = {}): Promise<ExecConnection> {
  const { sim } = await fixture.start({ faults, containers });
  return { server: sim.url, credentials: { headers: { Authorization: 'Bearer simulator-token' } } };
}

async function failure(promise: Promise<unknown>): Promise<ExecFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExecFailure);
  return err as ExecFailure;
}

describe('execInContainer against the simulator', () => {
  it('sends the exec as client-node does and reads the process table back exactly', async () => {
    const conn = await connect();
    const capture = await captureProcesses(conn, TF, 5000);
    expect(capture.processes).toEqual(fixture.snapshot.processes.get('ml/trainer-tf/python'));
    expect(capture.unreadable).toBe(0);
    const request = fixture.execRequests().find((r) => r.path.endsWith('/exec'))!;
    expect(request).toMatchObject({ method: 'GET', path: '/api/v1/namespaces/ml/pods/trainer-tf/exec', status: 101 });
    expect(request.query).toMatchObject({ container: 'python', stdout: 'true', stderr: 'true', stdin: 'false', tty: 'false' });
    // querystring repeats `command` once per argument; the last one wins in Object.fromEntries.
    expect(request.query.command).toBe(PROC_DUMP_SCRIPT);
  });

  it('gives the exit code from the error channel, and stderr apart from stdout', async () => {
    const conn = await connect();
    const r = await execInContainer(conn, { namespace: 'tensorflow-benchmark', pod: 'bf-pkgs', container: 'bf-pkgs' }, ['nvidia-smi', '-L'], { timeoutMs: 5000 });
    expect(r.exitCode).toBe(9);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/^NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
    expect(r.message).toBe('command terminated with non-zero exit code: error executing command [nvidia-smi -L], exit code 9');
    const ok = await execInContainer(conn, TF, ['nvidia-smi', '-L'], { timeoutMs: 5000 });
    expect(ok).toMatchObject({ exitCode: 0, stderr: '' });
    expect(ok.stdout.toString()).toMatch(/^GPU 0: NVIDIA A100-SXM4-80GB \(UUID: GPU-/);
  });

  it('reports a program the image lacks as a runtime failure without an exit code', async () => {
    const conn = await connect();
    const r = await execInContainer(conn, { namespace: 'ml', pod: 'trainer-tf', container: 'log-shipper' }, ['nvidia-smi', '-L'], { timeoutMs: 5000 });
    expect(r.exitCode).toBeUndefined();
    expect(r.message).toMatch(/^Internal error occurred: .*exec: "nvidia-smi": executable file not found in \$PATH/);
    const gpus = await listGpus(conn, { namespace: 'ml', pod: 'trainer-tf', container: 'log-shipper' }, 5000);
    expect(gpus).toEqual({ lines: [], gpus: 0, error: expect.stringMatching(/^nvidia-smi is not in the container/) });
  });

  it('keeps bytes as bytes across many frames: invalid UTF-8 and a 4 MiB environment value', async () => {
    const big = Buffer.concat([Buffer.from('BIG='), Buffer.alloc(4 * 1024 * 1024, 0x61), Buffer.from([0]), Buffer.from('ODD=\xff\xfe\x00', 'latin1')]);
    const conn = await connect([], { 'ml/trainer-tf/python': { rawEnviron: { 7: big } } });
    const raw = await execInContainer(conn, TF, ['sh', '-c', PROC_DUMP_SCRIPT], { timeoutMs: 10_000 });
    expect(raw.stdout.includes(big)).toBe(true);
    const capture = await captureProcesses(conn, TF, 10_000);
    const python = capture.processes.find((p) => p.pid === 7)!;
    expect(python.environ.BIG).toHaveLength(4 * 1024 * 1024);
    expect(python.environ.ODD).toBe('\uFFFD\uFFFD');
    expect(python.environ.LD_PRELOAD).toBe('/tensor-fusion/libcuda.so:/tensor-fusion/libnvidia-ml.so');
  });

  it('stops storing stdout at the limit and says so', async () => {
    const conn = await connect();
    const r = await execInContainer(conn, TF, ['sh', '-c', PROC_DUMP_SCRIPT], { timeoutMs: 5000, maxStdoutBytes: 100 });
    expect(r).toMatchObject({ truncated: true, exitCode: 0 });
    expect(r.stdout).toHaveLength(100);
  });

  it('names the RBAC verb when exec is forbidden (403), with the API server message', async () => {
    const conn = await connect([{ path: '/exec$', status: 403 }]);
    const err = await failure(execInContainer(conn, TF, ['nvidia-smi', '-L'], { timeoutMs: 5000 }));
    expect(err.kind).toBe('forbidden');
    expect(err.message).toBe(
      'exec into pod ml/trainer-tf is forbidden (403): pods "trainer-tf" is forbidden: User "system:serviceaccount:default:gpuctl" cannot create resource "pods/exec" in API group "" in the namespace "ml"; it needs the RBAC verb create on pods/exec (check: kubectl auth can-i create pods/exec -n ml)',
    );
  });

  it('names the verb an older API server asks for over WebSocket (get)', async () => {
    const conn = await connect([
      { path: '/exec$', status: 403, message: 'pods "trainer-tf" is forbidden: User "bob" cannot get resource "pods/exec" in API group "" in the namespace "ml"' },
    ]);
    const err = await failure(execInContainer(conn, TF, ['true'], { timeoutMs: 5000 }));
    expect(err.message).toMatch(/; it needs the RBAC verb get on pods\/exec \(check: kubectl auth can-i get pods\/exec -n ml\)$/);
  });

  it('says the stream was cut when the connection drops before the exit status', async () => {
    const conn = await connect([{ path: '/exec$', cut: { afterBytes: 300 } }]);
    const err = await failure(execInContainer(conn, TF, ['sh', '-c', PROC_DUMP_SCRIPT], { timeoutMs: 5000 }));
    expect(err.kind).toBe('cut');
    expect(err.message).toBe('exec in container python of pod ml/trainer-tf was cut off after 300 bytes of output (connection closed with code 1006 before the exit status)');
  });

  it('gives up on an upgrade that is never answered', async () => {
    const conn = await connect([{ path: '/exec$', hang: true }]);
    const err = await failure(execInContainer(conn, TF, ['nvidia-smi', '-L'], { timeoutMs: 400 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/^exec in container python of pod ml\/trainer-tf(: no answer to the upgrade| gave no exit status) within 400ms$/);
  });

  it('passes on the API server refusals of a pod that is gone or a container that is not running', async () => {
    const conn = await connect();
    const gone = await failure(execInContainer(conn, { ...TF, pod: 'gone' }, ['true'], { timeoutMs: 5000 }));
    expect([gone.kind, gone.message]).toEqual(['not-found', 'pod ml/gone not found (404): pods "gone" not found']);
    const pending = await failure(execInContainer(conn, { ...TF, pod: 'trainer-pending' }, ['true'], { timeoutMs: 5000 }));
    expect(pending.kind).toBe('rejected');
    expect(pending.message).toBe('exec into container python of pod ml/trainer-pending was refused (400 Bad Request: unable to upgrade connection: container not found ("python"))');
  });

  it('fails with the cause when nothing listens', async () => {
    const conn = await connect();
    await fixture.stop();
    const err = await failure(execInContainer(conn, TF, ['true'], { timeoutMs: 5000 }));
    expect([err.kind, err.message]).toEqual(['network', 'exec in container python of pod ml/trainer-tf failed: connection refused']);
  });
});

describe('a container without /bin/sh', () => {
  it('is recognised from containerd\'s Status and from docker\'s exit code 126', async () => {
    const conn = await connect([], { 'ml/trainer-tf/python': { shell: false } });
    const r = await execInContainer(conn, TF, ['sh', '-c', 'true'], { timeoutMs: 5000 });
    expect(lacksShell(r)).toBe(true);
    const docker = {
      stdout: Buffer.from('OCI runtime exec failed: exec failed: container_linux.go:380: starting container process caused: exec: "sh": executable file not found in $PATH: unknown\r\n'),
      stderr: '',
      exitCode: 126,
      truncated: false,
    };
    expect(lacksShell(docker)).toBe(true);
    expect(lacksShell({ ...docker, exitCode: 0 })).toBe(false);
    expect(lacksShell({ stdout: Buffer.alloc(0), stderr: 'sh: 1: strace: not found\n', exitCode: 127, truncated: false })).toBe(false);
  });
});
