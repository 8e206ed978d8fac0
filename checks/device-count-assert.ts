import { defineCheck } from '../src/check.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { podRef } from '../src/facts/pods.js';
import { matchWordings } from '../src/data/wordings/index.js';
import { rowsOf } from '../src/facts/said.js';

const PATTERNS = [/DeferredCudaCallError/, /device >= 0 && device < num_gpus/];
/** CUDA's "no CUDA-capable device" and PyTorch's device-count errors; codes 802–804 are other checks' causes. */
const ROWS = rowsOf('device-count-assert');
const OTHER_CAUSES = new Set(['802', '803', '804']);

function saysNoDevice(line: string): boolean {
  if (PATTERNS.some((p) => p.test(line))) return true;
  return matchWordings(line, ROWS).some((h) => !OTHER_CAUSES.has(h.captures.code ?? ''));
}

export default defineCheck({
  name: 'device-count-assert',
  title: 'No PyTorch device-count assertion in workload logs',
  needs: ['Pod', 'logs:stack', 'logs:workloads', 'Event'],
  ok: 'no workload log shows the PyTorch device-count assertion',
  explain: {
    detects: 'Container logs with `DeferredCudaCallError` or `device >= 0 && device < num_gpus INTERNAL ASSERT FAILED`.',
    why: 'PyTorch saw no usable GPU: with TensorFusion or HAMi this means the runtime injection did not reach the process (see injection-env-missing, env-dropped-by-child, shell-drops-preload).',
    fix: 'Print PATH, LD_LIBRARY_PATH and LD_PRELOAD at program start, or run `gpuctl exec-check POD` (with --strace) to find the exec that dropped them.',
  },
  zh: {
    title: '工作负载日志中没有 PyTorch 设备数断言错误',
    ok: '没有工作负载日志出现 PyTorch 设备数断言错误',
    headline: '工作负载日志中出现 PyTorch 设备数断言错误：GPU 运行时没有注入到进程中',
    fixSummary: '从 Pod 内部找出注入的环境变量在哪里丢失（gpuctl exec-check）',
    explain: {
      detects: '容器日志中出现 `DeferredCudaCallError` 或 `device >= 0 && device < num_gpus INTERNAL ASSERT FAILED`。',
      why: 'PyTorch 没有看到可用的 GPU：对于 TensorFusion 或 HAMi，这意味着运行时注入没有到达进程（见 injection-env-missing、env-dropped-by-child、shell-drops-preload）。',
      fix: '在程序启动时打印 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD，或运行 `gpuctl exec-check POD`（加 --strace）找出丢失它们的那次 exec。',
    },
  },
  run(facts) {
    return facts.pods.flatMap((pod) => {
      const ns = pod.metadata.namespace ?? 'default';
      // Every place the pod's words are: logs (this run and the previous) of init and app containers, their
      // state messages (terminated.message carries the log's tail with FallbackToLogsOnError), and its events.
      const byContainer = new Map<string, string[]>();
      for (const text of podTexts(facts, pod)) {
        const hits = text.text.split('\n').filter(saysNoDevice);
        if (hits.length === 0) continue;
        const key = text.container ?? '';
        byContainer.set(key, [...(byContainer.get(key) ?? []), ...hits.map((l) => `${text.source}: ${l.trim().slice(0, 300)}`)]);
      }
      return [...byContainer].map(([container, lines]) => {
        const c = container || pod.spec?.containers?.[0]?.name || 'main';
        return {
          severity: 'error' as const,
          subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
          message: `Pod ${podRef(pod)}${container ? ` container ${container}` : ''} hit the PyTorch device-count assertion: the GPU runtime was not injected into the process`,
          evidence: lines.slice(-3),
          fix: {
            summary: 'Find where the injected variables were lost, from inside the pod',
            commands: [`gpuctl exec-check ${pod.metadata.name} -n ${ns} -c ${c} --strace`],
          },
        };
      });
    });
  },
});
