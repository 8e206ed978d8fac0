import { defineCheck } from '../src/check.js';
import { lastLines, podRef } from '../src/facts/pods.js';
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
  needs: ['Pod', 'logs:stack', 'logs:workloads'],
  ok: 'no workload log shows the PyTorch device-count assertion',
  explain: {
    detects: 'Container logs with `DeferredCudaCallError` or `device >= 0 && device < num_gpus INTERNAL ASSERT FAILED`.',
    why: 'PyTorch saw no usable GPU: with TensorFusion or HAMi this means the runtime injection did not reach the process (see injection-env-missing, env-dropped-by-child, shell-drops-preload).',
    fix: 'Print PATH, LD_LIBRARY_PATH and LD_PRELOAD at program start, or run `gpuctl exec-check POD` (with --strace) to find the exec that dropped them.',
  },
  run(facts) {
    return facts.pods.flatMap((pod) => {
      const ns = pod.metadata.namespace ?? 'default';
      const containers = pod.spec?.containers ?? [];
      return containers.flatMap((c) => {
        const text = [facts.log(ns, pod.metadata.name, c.name, true), facts.log(ns, pod.metadata.name, c.name)].filter(Boolean).join('\n');
        const hits = text.split('\n').filter(saysNoDevice);
        if (hits.length === 0) return [];
        return [
          {
            severity: 'error' as const,
            subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
            message: `Pod ${podRef(pod)} container ${c.name} hit the PyTorch device-count assertion: the GPU runtime was not injected into the process`,
            evidence: [...lastLines(hits.join('\n'), 3).map((l) => `log: ${l.trim().slice(0, 300)}`)],
            fix: {
              summary: 'Find where the injected variables were lost, from inside the pod',
              commands: [`gpuctl exec-check ${pod.metadata.name} -n ${ns} -c ${c.name} --strace`],
            },
          },
        ];
      });
    });
  },
});
