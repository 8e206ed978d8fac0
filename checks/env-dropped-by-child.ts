import { defineCheck } from '../src/check.js';
import type { Drop } from '../src/facts/exec-tree.js';
import { commandLine } from '../src/facts/exec-tree.js';
import type { WorkloadInjection } from '../src/facts/workload-injection.js';
import { subjectOf, whereOf, workloadInjections } from '../src/facts/workload-injection.js';
import type { Issue } from '../src/model.js';

/** Drops that are not the bash/zsh LD_PRELOAD case, grouped per exec. */
export function envDroppedByChild(w: WorkloadInjection): Issue[] {
  const other = w.analysis.drops.filter((d) => !(d.shell && d.variable === 'LD_PRELOAD'));
  return groupByExec(other).map((drops) => {
    const { from, to } = drops[0]!;
    const vars = drops.map((d) => d.variable);
    return {
      severity: 'error',
      subject: subjectOf(w),
      message: `${whereOf(w)}: \`${commandLine(from, 60)}\` started \`${commandLine(to, 60)}\` without ${vars.join(', ')}`,
      evidence: [
        `stack: ${w.analysis.stack.name} (${w.stackEvidence})`,
        `had it: pid ${from.pid} ${commandLine(from)}`,
        ...vars.map((v) => `  ${v}=${from.env?.[v] ?? '(unset)'}`),
        `lost it: pid ${to.pid} ${commandLine(to)}`,
        ...vars.map((v) => `  ${v}=${to.env?.[v] ?? '(unset)'}`),
      ],
      fix: {
        summary: `Make the entrypoint pass ${vars.join(', ')} on (no \`env -i\`, \`exec -c\`, env_reset, or a launcher that builds a fresh environment); ${w.analysis.stack.fix}`,
        commands: w.local
          ? [`strace -f -e trace=execve -v -s 99999 ${w.pod}`]
          : [`gpuctl exec-check ${w.pod} -n ${w.namespace} -c ${w.container} --strace`],
      },
    } satisfies Issue;
  });
}

export function groupByExec(drops: Drop[]): Drop[][] {
  const groups = new Map<number, Drop[]>();
  for (const d of drops) groups.set(d.to.id, [...(groups.get(d.to.id) ?? []), d]);
  return [...groups.values()];
}

export default defineCheck({
  name: 'env-dropped-by-child',
  title: 'No exec in the workload drops the injected variables',
  needs: ['Pod', 'process-tables'],
  ok: 'no exec in the captured process trees dropped an injected variable',
  explain: {
    detects:
      'The exact exec in a workload\'s process tree (from /proc or an strace execve trace) where an injected variable was lost: the parent had it, the program it started did not.',
    why: 'The process that actually uses the GPU runs without the injected runtime, although the container got it: GPU sharing silently does not apply, or CUDA fails at start.',
    fix: 'Change the named entrypoint or launcher to keep the environment (drop `env -i`, `exec -c`, sudo env_reset, `subprocess(env={…})` that builds a new one).',
  },
  run(facts) {
    return workloadInjections(facts).flatMap(envDroppedByChild);
  },
});
