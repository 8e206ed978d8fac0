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
  run(facts) {
    return workloadInjections(facts).flatMap(shellDropsPreload);
  },
});
