// `gpuctl install`: plan the host and cluster phases, confirm, run, then verify with the doctor's checks.
import { summarize } from '../engine.js';
import { CLUSTER_GATES, clusterSteps, hostEvidence } from '../install/cluster-steps.js';
import { makeContext } from '../install/context.js';
import { HOST_GATES, hostSteps } from '../install/host-steps.js';
import { parseInstallOptions, type RawInstallOptions } from '../install/options.js';
import { PROFILES } from '../install/profiles.js';
import { renderBlocked, renderFailure, renderInterrupted, renderPlan, renderResultJson, renderSummary, renderVerify, type RunResult, type VerifySection } from '../install/render.js';
import { executePlan, makePlan, type PlanSpec, type RunnerIO } from '../install/runner.js';
import type { InstallContext, Phase, Step } from '../install/types.js';
import { verifyCluster, verifyHost, waitForPods } from '../install/verify.js';
import { askOnTerminal } from '../interrupt.js';
import { colourEnabled } from '../report/style.js';

export async function install(raw: RawInstallOptions): Promise<number> {
  const options = parseInstallOptions(raw);
  const ctx = makeContext(options);
  const phases: Phase[] = [...(options.phases.host ? ['host' as const] : []), ...(options.phases.cluster ? ['cluster' as const] : [])];
  const steps: Step[] = [];
  if (options.phases.host) steps.push(...hostSteps(await ctx.host.os()));
  if (options.phases.cluster) steps.push(...clusterSteps(ctx));
  const spec: PlanSpec = {
    command: 'install',
    phases,
    gates: [...(options.phases.host ? HOST_GATES : []), ...(options.phases.cluster ? CLUSTER_GATES : [])],
    steps,
    context: contextLines,
  };
  const io = runnerIO(options.output);
  const colour = options.output === 'text' && colourEnabled(process.stdout);

  const result = await planAndRun(ctx, spec, io, colour);
  if (result.outcome === 'ok' || result.outcome === 'nothing-to-do') await verify(ctx, result, io, colour);
  if (result.outcome === 'planned' && options.phases.cluster && options.wait) {
    result.notes.push(`then: wait up to ${Math.round(options.waitTimeoutMs / 1000)}s for the pods of ${PROFILES[options.profile].components.join(', ')} and run the doctor's ${PROFILES[options.profile].checkCategories.join(', ')} checks`);
  }
  return printOutcome(result, options.output, io, colour);
}

/** Plan, print the plan (and what blocks it), run it, and say how a failure or Ctrl-C left things. */
export async function planAndRun(ctx: InstallContext, spec: PlanSpec, io: RunnerIO, colour: boolean): Promise<RunResult> {
  const result = await makePlan(ctx, spec);
  io.out(renderPlan(result, colour));
  if (result.blocked.length) io.out(renderBlocked(result, colour));
  await executePlan(ctx, spec, result, io);
  if (result.outcome === 'failed') io.out(renderFailure(result, colour));
  if (result.outcome === 'interrupted') io.out(renderInterrupted(result, colour));
  return result;
}

/** The last words: the summary (text) or the one JSON object; the exit code. */
export function printOutcome(result: RunResult, output: 'text' | 'json', io: RunnerIO, colour: boolean): number {
  if (result.outcome === 'refused') process.stderr.write(`gpuctl: error: ${result.notes[0]}\n`);
  if (output === 'json') process.stdout.write(renderResultJson(result));
  else io.out(renderSummary(result, colour));
  return result.exitCode;
}

async function verify(ctx: InstallContext, result: RunResult, io: RunnerIO, colour: boolean): Promise<void> {
  const sections: VerifySection[] = [];
  if (ctx.options.phases.host) {
    const driver = await ctx.host.driver();
    const rebootPending = ctx.done.has('driver') || ctx.done.has('nouveau-blacklist') || (driver.installed && !driver.loaded);
    if (rebootPending) result.notes.push('reboot the node to load the NVIDIA driver (sudo reboot), then run gpuctl install again: it verifies the driver and changes nothing');
    const { report, deferred } = await verifyHost(ctx, rebootPending);
    sections.push({
      title: 'Verify: node checks (doctor categories runtime, driver) on this machine',
      report,
      notes: deferred.length ? [`${deferred.join(', ')} checks wait for the reboot`] : [],
    });
  }
  if (ctx.options.phases.cluster) {
    const section: VerifySection = { title: `Verify: ${PROFILES[ctx.options.profile].title} pods and the doctor's ${PROFILES[ctx.options.profile].checkCategories.join(', ')} checks`, notes: [] };
    if (ctx.options.wait) section.waits = await waitForPods(ctx, (line) => io.progress(`  waiting: ${line}`));
    else section.notes.push('--no-wait: the pods were not awaited');
    section.report = await verifyCluster(ctx);
    sections.push(section);
  }
  for (const section of sections) io.out(renderVerify(section, colour));
  result.verify = sections;
  const problems = sections.some((s) => (s.report && summarize(s.report).errors > 0) || s.waits?.some((w) => !w.ready));
  if (problems) {
    result.outcome = 'verify-failed';
    result.exitCode = 1;
  }
}

async function contextLines(ctx: InstallContext): Promise<string[]> {
  const o = ctx.options;
  const lines = [`profile ${o.profile}: ${PROFILES[o.profile].title}`];
  if (o.root) lines.push(`host root: ${o.root} (GPUCTL_HOST_ROOT / --root)`);
  if (o.phases.host) {
    const os = await ctx.host.os();
    const runtime = await ctx.host.runtime(o.runtime);
    lines.push(`host: ${os.prettyName}; runtime: ${runtime.target ? `${runtime.target.title} (${runtime.evidence})` : 'none found'}`);
  }
  if (o.phases.cluster) {
    const host = await hostEvidence(ctx);
    lines.push(await clusterLine(ctx));
    lines.push(`driver on the hosts: ${host.driver.present ? 'yes' : 'no'} (${host.driver.why}); toolkit: ${host.toolkit.present ? 'yes' : 'no'} (${host.toolkit.why})${host.distro ? `; ${host.distro.kind}` : ''}`);
  }
  return lines;
}

/** Which cluster, whether `kubectl get nodes` answered, and helm: what the header says it detected. */
export async function clusterLine(ctx: InstallContext): Promise<string> {
  const o = ctx.options;
  const target = `${o.context ? `context ${o.context}` : 'the current kubeconfig context'}${o.kubeconfig ? ` of ${o.kubeconfig}` : ''}`;
  const [nodes, helm] = await Promise.all([ctx.cluster.nodes(), ctx.cluster.helmVersion()]);
  const noConfig = /localhost:8080|127\.0\.0\.1:8080/.test(nodes.error ?? '') ? ' (no kubeconfig found: kubectl fell back to localhost:8080; set KUBECONFIG or --kubeconfig)' : '';
  const reach = nodes.nodes
    ? `kubectl get nodes: ${nodes.nodes.length} node${nodes.nodes.length === 1 ? '' : 's'}`
    : nodes.missing
      ? 'kubectl is not installed'
      : `kubectl get nodes failed: ${nodes.error}${noConfig}`;
  return `cluster: ${target}; ${reach}; helm: ${helm.missing ? 'not installed' : helm.raw || '?'}`;
}

export function runnerIO(output: 'text' | 'json'): RunnerIO {
  const text = output === 'text';
  return {
    out: (s) => {
      if (text) process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
    },
    progress: (line) => (text ? process.stdout : process.stderr).write(`${line}\n`),
    ...(process.stdin.isTTY
      ? {
          confirm: async (question: string) => /^y(es)?$/i.test((await askOnTerminal(question)).trim()),
        }
      : {}),
  };
}
