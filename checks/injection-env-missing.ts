import { defineCheck } from '../src/check.js';
import { commandLine } from '../src/facts/exec-tree.js';
import type { WorkloadInjection } from '../src/facts/workload-injection.js';
import { injectingPods, subjectOf, whereOf, workloadInjections } from '../src/facts/workload-injection.js';
import type { Issue } from '../src/model.js';

export function injectionEnvMissing(w: WorkloadInjection): Issue[] {
  const { analysis } = w;
  if (!analysis.root || analysis.neverInjected.length === 0) return [];
  const env = analysis.root.env ?? {};
  return [
    {
      severity: 'error',
      subject: subjectOf(w),
      message: `${analysis.stack.name} runtime was never injected (${whereOf(w).toLowerCase()}): its first process lacks ${analysis.neverInjected
        .map((q) => (q.contains ? `${q.contains} in ${q.variable}` : q.variable))
        .join(', ')}`,
      evidence: [
        `stack: ${analysis.stack.name} (${w.stackEvidence})`,
        `first process: pid ${analysis.root.pid} ${commandLine(analysis.root)}`,
        ...analysis.stack.requirements.map((q) => `${q.variable}=${env[q.variable] ?? '(unset)'}`),
      ],
      fix: {
        summary: `The injection did not happen at pod creation: check that the ${analysis.stack.name} webhook mutated this pod, then recreate it`,
        commands: w.local
          ? [`env | grep -E '^(${analysis.stack.requirements.map((q) => q.variable).join('|')})='`]
          : [
              `kubectl get pod -n ${w.namespace} ${w.pod} -o jsonpath='{.spec.containers[*].env}'`,
              'kubectl get mutatingwebhookconfigurations',
              `kubectl delete pod -n ${w.namespace} ${w.pod}`,
            ],
      },
    },
  ];
}

export default defineCheck({
  name: 'injection-env-missing',
  title: 'Injected GPU runtime reaches the container (TensorFusion, HAMi, Bitfusion)',
  needs: ['Pod', 'process-tables'],
  ok: 'every captured workload got the environment its GPU stack injects',
  explain: {
    detects:
      'A workload of an injecting stack whose first process lacks what the stack injects: TensorFusion puts /tensor-fusion into PATH, LD_LIBRARY_PATH and LD_PRELOAD; HAMi preloads libvgpu.so (LD_PRELOAD or /etc/ld.so.preload); Bitfusion adds its client libraries to LD_LIBRARY_PATH.',
    why: 'Without the injected libraries the application talks to the real driver or to none: it sees no GPU, or all of them, and PyTorch fails with `device >= 0 && device < num_gpus`.',
    fix: 'Check that the stack\'s admission webhook mutated the pod (its env and volumes), then recreate the pod.',
  },
  zh: {
    title: '注入的 GPU 运行时到达了容器（TensorFusion、HAMi、Bitfusion）',
    ok: '每个已采集的工作负载都获得了其 GPU 软件栈注入的环境变量',
    headline: 'GPU 软件栈的运行时没有注入到工作负载的进程中',
    fixSummary: '检查该软件栈的准入 Webhook 是否修改了这个 Pod，然后重建 Pod',
    explain: {
      detects:
        '使用注入式软件栈的工作负载，其第一个进程缺少该软件栈注入的内容：TensorFusion 把 /tensor-fusion 加入 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD；HAMi 预加载 libvgpu.so（LD_PRELOAD 或 /etc/ld.so.preload）；Bitfusion 把其客户端库加入 LD_LIBRARY_PATH。',
      why: '没有注入的库，应用程序会直接与真实的驱动程序通信，或者根本找不到驱动：它看不到 GPU，或看到全部 GPU，PyTorch 报 `device >= 0 && device < num_gpus`。',
      fix: '检查该软件栈的准入 Webhook 是否修改了 Pod（其环境变量和卷），然后重建 Pod。',
    },
  },
  run(facts) {
    const captured = workloadInjections(facts);
    if (captured.length === 0) {
      const pods = injectingPods(facts);
      return pods.length === 0
        ? []
        : { skip: `${pods.length} running pod(s) of an injecting stack, but no process table captured: run \`gpuctl exec-check POD\` or the live doctor` };
    }
    return captured.flatMap(injectionEnvMissing);
  },
});
