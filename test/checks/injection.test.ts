import { describe, expect, it } from 'vitest';
import deviceCountAssert from '../../checks/device-count-assert.js';
import envDroppedByChild from '../../checks/env-dropped-by-child.js';
import injectionEnvMissing from '../../checks/injection-env-missing.js';
import shellDropsPreload from '../../checks/shell-drops-preload.js';
import type { Issue } from '../../src/model.js';
import { factsOf, pod } from '../helpers/facts.js';

const tfEnv = { PATH: '/tensor-fusion:/usr/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '/tensor-fusion/libcuda.so' };
const tfPod = pod('ml', 'trainer', { labels: { 'tensor-fusion.ai/workload': 'trainer' }, spec: { containers: [{ name: 'main', image: 'pytorch' }] } });
const withProcesses = (table: { pid: number; ppid: number; cmdline: string[]; environ: Record<string, string> }[], objects = [tfPod]) =>
  factsOf(objects, { processes: new Map([['ml/trainer/main', table]]) });

describe('injection checks on captured process tables', () => {
  it('all injected and kept: every check quiet', () => {
    const facts = withProcesses([
      { pid: 1, ppid: 0, cmdline: ['sh', '-c', 'python3 train.py'], environ: tfEnv },
      { pid: 8, ppid: 1, cmdline: ['python3', 'train.py'], environ: tfEnv },
    ]);
    for (const check of [injectionEnvMissing, envDroppedByChild, shellDropsPreload]) expect(check.run(facts)).toEqual([]);
  });

  it('bash entrypoint dropped LD_PRELOAD: shell-drops-preload names bash, env-dropped-by-child stays quiet', () => {
    const facts = withProcesses([
      { pid: 1, ppid: 0, cmdline: ['/bin/bash', '/start.sh'], environ: tfEnv },
      { pid: 12, ppid: 1, cmdline: ['python3', 'train.py'], environ: { ...tfEnv, LD_PRELOAD: '' } },
    ]);
    expect(shellDropsPreload.run(facts)).toMatchObject([
      { severity: 'error', subject: { kind: 'Pod', name: 'trainer', namespace: 'ml' }, message: 'Container main: LD_PRELOAD was lost at bash (`python3 train.py`)' },
    ]);
    expect(envDroppedByChild.run(facts)).toEqual([]);
    expect(injectionEnvMissing.run(facts)).toEqual([]);
  });

  it('never injected: pid 1 lacks the TensorFusion paths', () => {
    const facts = withProcesses([{ pid: 1, ppid: 0, cmdline: ['python3', 'serve.py'], environ: { PATH: '/usr/bin' } }]);
    const [issue] = injectionEnvMissing.run(facts) as { message: string; evidence: string[] }[];
    expect(issue!.message).toBe('TensorFusion runtime was never injected (container main): its first process lacks /tensor-fusion in PATH, /tensor-fusion in LD_LIBRARY_PATH, /tensor-fusion in LD_PRELOAD');
    expect(issue!.evidence).toContain('LD_PRELOAD=(unset)');
  });

  it('skips, naming the pods, when an injecting stack runs but no process table was captured', () => {
    const running = { ...tfPod, status: { phase: 'Running' } };
    expect(injectionEnvMissing.run(factsOf([running]))).toEqual({ skip: expect.stringContaining('1 running pod(s) of an injecting stack') });
    expect(injectionEnvMissing.run(factsOf([pod('default', 'web')]))).toEqual([]);
  });
});

describe('device-count-assert', () => {
  it('quotes the assertion from the log, previous run included', () => {
    const facts = factsOf([tfPod], {
      logs: new Map([['ml/trainer/main.previous', "Traceback…\ntorch.cuda.DeferredCudaCallError: CUDA call failed lazily at initialization with error: device >= 0 && device < num_gpus INTERNAL ASSERT FAILED at \"../aten/src/ATen/cuda/CUDAContext.cpp\":50\n"]]),
    });
    expect(deviceCountAssert.run(facts)).toMatchObject([{ subject: { name: 'trainer' }, evidence: [expect.stringContaining('device >= 0 && device < num_gpus')] }]);
  });
  it('reads an init container\'s log alone, and says which', () => {
    const withInit = pod('ml', 'trainer', { labels: tfPod.metadata.labels, spec: { initContainers: [{ name: 'warmup', image: 'pytorch' }], containers: [{ name: 'main', image: 'pytorch' }] } });
    const facts = factsOf([withInit], { logs: new Map([['ml/trainer/warmup', 'RuntimeError: No CUDA GPUs are available\ntorch.cuda.DeferredCudaCallError: CUDA call failed lazily at initialization with error: device >= 0 && device < num_gpus INTERNAL ASSERT FAILED\n']]) });
    const [issue] = deviceCountAssert.run(facts) as Issue[];
    expect(issue!.message).toBe('Pod ml/trainer container warmup hit the PyTorch device-count assertion: the GPU runtime was not injected into the process');
    expect(issue!.evidence).toEqual([expect.stringMatching(/^log of ml\/trainer container warmup: torch\.cuda\.DeferredCudaCallError/)]);
    expect(issue!.fix!.commands).toEqual(['gpuctl exec-check trainer -n ml -c warmup --strace']);
  });
  it('reads a container\'s terminated message alone (no log collected), and says so', () => {
    const crashed = pod('ml', 'trainer', {
      labels: tfPod.metadata.labels,
      spec: { containers: [{ name: 'main', image: 'pytorch' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'torch.cuda.DeferredCudaCallError: CUDA call failed lazily at initialization with error: device >= 0 && device < num_gpus INTERNAL ASSERT FAILED at "../aten/src/ATen/cuda/CUDAContext.cpp":50' } } }] },
    });
    const [issue] = deviceCountAssert.run(factsOf([crashed])) as Issue[];
    expect(issue!.evidence).toEqual([expect.stringMatching(/^status of ml\/trainer container main: torch\.cuda\.DeferredCudaCallError/)]);
  });
  it('is quiet for other errors', () => {
    expect(deviceCountAssert.run(factsOf([tfPod], { logs: new Map([['ml/trainer/main', 'RuntimeError: CUDA out of memory']]) }))).toEqual([]);
  });
});
