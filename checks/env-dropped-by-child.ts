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
  zh: {
    title: '工作负载中没有 exec 丢失注入的环境变量',
    ok: '已采集的进程树中没有 exec 丢失注入的环境变量',
    headline: '工作负载中的某次 exec 丢失了注入的环境变量',
    fixSummary: '修改入口或启动器以保留环境变量（不要用 env -i、exec -c、sudo env_reset，或自行构建新环境的启动方式）',
    explain: {
      detects: '工作负载进程树中（来自 /proc 或 strace 的 execve 跟踪）丢失注入变量的那一次 exec：父进程有该变量，它启动的程序却没有。',
      why: '真正使用 GPU 的进程在没有注入运行时的情况下运行，尽管容器本身拿到了它：GPU 共享悄悄失效，或 CUDA 在启动时失败。',
      fix: '修改所指的入口或启动器以保留环境变量（去掉 `env -i`、`exec -c`、sudo 的 env_reset，以及构建新环境的 `subprocess(env={…})`）。',
    },
  },
  run(facts) {
    return workloadInjections(facts).flatMap(envDroppedByChild);
  },
});
