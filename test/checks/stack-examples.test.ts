// The TensorFusion and Bitfusion example snapshots through the built CLI: each story's findings, with the
// evidence and fixes that make them actionable.
import { describe, expect, it } from 'vitest';
import { gpuctl } from '../helpers/cli.js';

interface JsonFinding {
  name: string;
  severity: string;
  category: string;
  subject: { kind: string; name: string; namespace?: string };
  message: string;
  evidence: string[];
  fix?: { summary: string; commands: string[] };
}

async function doctor(example: string): Promise<{ exitCode: number; findings: JsonFinding[] }> {
  const r = await gpuctl(['doctor', '--snapshot', `examples/${example}`, '-o', 'json']);
  return { exitCode: r.exitCode, findings: JSON.parse(r.stdout).findings };
}

const problems = (findings: JsonFinding[], categories: string[]) =>
  findings
    .filter((f) => f.severity !== 'ok' && categories.includes(f.category))
    .map((f) => `${f.severity} ${f.name} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`)
    .sort();
const one = (findings: JsonFinding[], name: string, subject: string) => findings.find((f) => f.name === name && f.subject.name === subject)!;

describe('examples/tensor-fusion-injection', () => {
  it('walks both branches of "pod stuck starting", the operator crash and the undiscovered GPU', async () => {
    const { exitCode, findings } = await doctor('tensor-fusion-injection');
    expect(exitCode).toBe(1);
    expect(problems(findings, ['tensor-fusion', 'injection'])).toEqual([
      'error device-count-assert ml/qwen-chat-6b7d9f8c5-p2m8w',
      'error shell-drops-preload ml/qwen-chat-6b7d9f8c5-p2m8w',
      'error tf-gpus-undiscovered gpu-node-2',
      'error tf-operator-restarting tensor-fusion-sys/tensor-fusion-sys-controller-6d9c7b8f5d-q7x2k',
      'error tf-schedule-failed ml/sd-webui',
      'error tf-worker-not-running ml/qwen-chat-6b7d9f8c5-p2m8w',
      'error tf-worker-not-running ml/sd-webui-7c5f6d8b9-hx4tq',
    ]);

    const operator = one(findings, 'tf-operator-restarting', 'tensor-fusion-sys-controller-6d9c7b8f5d-q7x2k');
    expect(operator.evidence).toContain(
      'log controller (previous run): E0312 09:34:08.115876       1 main.go:621] "unable to start auto scaler" err="failed to create metrics provider: dial tcp 10.96.112.19:4002: connect: connection refused" logger="setup"',
    );

    const injection = one(findings, 'tf-worker-not-running', 'qwen-chat-6b7d9f8c5-p2m8w');
    expect(injection.message).toContain('although its worker is running');
    expect(injection.evidence).toContain('worker ml/qwen-chat-tf-worker-r8k2v: Running, Ready, node gpu-node-1');
    expect(injection.fix!.commands[0]).toBe('gpuctl exec-check qwen-chat-6b7d9f8c5-p2m8w -n ml -c app --strace');
    expect(one(findings, 'shell-drops-preload', 'qwen-chat-6b7d9f8c5-p2m8w').message).toContain('LD_PRELOAD was lost at bash');

    const noGpu = one(findings, 'tf-worker-not-running', 'sd-webui-7c5f6d8b9-hx4tq');
    expect(noGpu.message).toContain('is not running: no GPU is available to it ("Failed to schedule GPU")');
    expect(one(findings, 'tf-schedule-failed', 'sd-webui').message).toContain('is that big, even idle: 0 of 1 could hold 80 TFlops, 32Gi VRAM');

    const undiscovered = one(findings, 'tf-gpus-undiscovered', 'gpu-node-2');
    expect(undiscovered.message).toBe('TensorFusion has not discovered the GPUs of node gpu-node-2: tensor-fusion-sys-public-gpu-info lacks its GPU model "NVIDIA GeForce RTX 4090 D"');
    expect(undiscovered.fix!.commands).toContain('kubectl delete job -n tensor-fusion-sys node-discovery-gpu-node-2');
  });
});

describe('examples/bitfusion', () => {
  it('finds the missing secret, the invalid annotation and the pods the webhook did not inject', async () => {
    const { exitCode, findings } = await doctor('bitfusion');
    expect(exitCode).toBe(1);
    expect(problems(findings, ['bitfusion', 'nodes'])).toEqual([
      'error bitfusion-annotation-invalid tensorflow-benchmark/resnet50-train-2gtdt',
      'error bitfusion-not-injected nlp/bert-finetune-5c8d7f6b49-8vqzn',
      'error bitfusion-not-injected tensorflow-benchmark/resnet50-train-2gtdt',
      'error bitfusion-secret-missing tensorflow-benchmark/bitfusion-secret',
      // remote GPUs: no local GPU is expected
      'info no-gpu-nodes kubernetes-admin@bf-lab',
    ]);
    const secret = one(findings, 'bitfusion-secret-missing', 'bitfusion-secret');
    expect(secret.evidence).toContain('event FailedMount on pod bf-pkgs: MountVolume.SetUp failed for volume "bitfusion-secret" : secret "bitfusion-secret" not found');
    expect(secret.fix!.commands).toContain('kubectl create secret generic bitfusion-secret --from-file=tokens -n tensorflow-benchmark');
    const annotation = one(findings, 'bitfusion-annotation-invalid', 'resnet50-train-2gtdt');
    expect(annotation.evidence).toEqual(
      expect.arrayContaining([
        'annotation bitfusion-client/os: "ubuntu22" is not one of ubuntu18, ubuntu20, centos7, centos8',
        'container resnet50: both bitfusion.io/gpu-percent (50) and bitfusion.io/gpu-memory (8000M) are set: give one of them',
      ]),
    );
    expect(one(findings, 'bitfusion-not-injected', 'bert-finetune-5c8d7f6b49-8vqzn').evidence).toContain('container trainer command: (image default)');
    expect(findings.find((f) => f.name === 'bitfusion-components-missing')?.severity).toBe('ok');
  });
});
