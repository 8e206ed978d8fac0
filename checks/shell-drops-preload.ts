import { defineCheck } from '../src/check.js';
import { commandLine } from '../src/facts/exec-tree.js';
import type { WorkloadInjection } from '../src/facts/workload-injection.js';
import { subjectOf, whereOf, workloadInjections } from '../src/facts/workload-injection.js';
import type { Issue } from '../src/model.js';

export function shellDropsPreload(w: WorkloadInjection): Issue[] {
  return w.analysis.drops
    .filter((d) => d.shell && d.variable === 'LD_PRELOAD')
    .map(({ from, to, shell }) => ({
      severity: 'error',
      subject: subjectOf(w),
      message: `${whereOf(w)}: LD_PRELOAD was lost at ${shell} (\`${commandLine(to, 60)}\`)`,
      evidence: [
        `stack: ${w.analysis.stack.name} (${w.stackEvidence})`,
        `had it: pid ${from.pid} ${commandLine(from)} LD_PRELOAD=${from.env?.LD_PRELOAD ?? '(unset)'}`,
        `lost it: pid ${to.pid} ${commandLine(to)} LD_PRELOAD=${to.env?.LD_PRELOAD ?? '(unset)'}`,
      ],
      fix: {
        summary: `Start ${shell} through sh so the preload survives, or use sh itself`,
        commands: [
          ...(w.local ? [] : [`kubectl exec -it -n ${w.namespace} ${w.pod} -c ${w.container} -- sh -c "${shell} …"`]),
          `# in the image: CMD ["sh", "-c", "${shell} /entrypoint.sh"]`,
        ],
      },
    }));
}

export default defineCheck({
  name: 'shell-drops-preload',
  title: 'bash/zsh in the entrypoint keep LD_PRELOAD',
  needs: ['Pod', 'process-tables'],
  ok: 'no bash or zsh in the captured process trees lost LD_PRELOAD',
  explain: {
    detects: 'LD_PRELOAD is present above a bash or zsh process in the tree and gone at or below it (the known TensorFusion case: bash/zsh may ignore LD_PRELOAD).',
    why: 'The GPU process runs without the preloaded interception library: TensorFusion or HAMi limits do not apply and PyTorch may fail with the device count assertion.',
    fix: 'Run the shell through `sh -c "bash …"`, or use sh directly, as the TensorFusion troubleshooting page says.',
  },
  zh: {
    title: '入口中的 bash/zsh 保留了 LD_PRELOAD',
    ok: '已采集的进程树中没有 bash 或 zsh 丢失 LD_PRELOAD',
    headline: '入口中的 bash/zsh 丢失了 LD_PRELOAD',
    fixSummary: '通过 sh 启动 bash/zsh（sh -c "bash …"），或直接使用 sh',
    explain: {
      detects: '进程树中 bash 或 zsh 进程之上存在 LD_PRELOAD，而在它本身或其下的进程中消失（TensorFusion 的已知问题：LD_PRELOAD 可能被 bash/zsh 忽略）。',
      why: '使用 GPU 的进程在没有预加载拦截库的情况下运行：TensorFusion 或 HAMi 的限制不生效，PyTorch 可能报设备数断言错误。',
      fix: '通过 `sh -c "bash …"` 运行 shell，或直接使用 sh，正如 TensorFusion 排查手册所述。',
    },
  },
  run(facts) {
    return workloadInjections(facts).flatMap(shellDropsPreload);
  },
});
