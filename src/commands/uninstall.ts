// `gpuctl uninstall`: removes the helm releases (and the RuntimeClass) that gpuctl installed — nothing else.
import { UsageError } from '../errors.js';
import { COMPONENTS, OWNER_LABEL, OWNER_SELECTOR, OWNER_VALUE, splitChartColumn, CHARTS } from '../install/charts.js';
import type { HelmRelease } from '../install/cluster-facts.js';
import { CLUSTER_GATES, RUNTIME_CLASS } from '../install/cluster-steps.js';
import { makeContext } from '../install/context.js';
import { parseInstallOptions } from '../install/options.js';
import type { PlanSpec } from '../install/runner.js';
import type { InstallContext, Step } from '../install/types.js';
import { colourEnabled } from '../report/style.js';
import { clusterLine, planAndRun, printOutcome, runnerIO } from './install.js';

export interface UninstallOptions {
  dryRun?: boolean;
  yes?: boolean;
  output?: string;
  kubeconfig?: string;
  context?: string;
  host?: boolean;
}

/** The seed's clean-up for a host, for people who want the driver and toolkit gone too. */
const MANUAL_HOST_UNINSTALL = [
  'kubectl drain NODE --ignore-daemonsets --delete-emptydir-data',
  "sudo apt-mark unhold $(apt-mark showhold | grep nvidia)",
  "sudo apt-get remove --purge '^nvidia-.*' '^libnvidia-.*'",
  'sudo apt-get autoremove',
  'sudo cp -p /var/lib/gpuctl/backups/STAMP/etc/containerd/config.toml /etc/containerd/config.toml   # the backup gpuctl install made',
  'sudo systemctl restart containerd',
];

export async function uninstall(raw: UninstallOptions): Promise<number> {
  if (raw.host) {
    throw new UsageError(
      'gpuctl uninstall removes what the cluster phase installed; it does not remove the driver or toolkit from a host',
      `to clean a host by hand:\n    ${MANUAL_HOST_UNINSTALL.join('\n    ')}`,
    );
  }
  const options = parseInstallOptions({ cluster: true, dryRun: raw.dryRun, yes: raw.yes, output: raw.output, kubeconfig: raw.kubeconfig, context: raw.context });
  const ctx = makeContext(options);
  const colour = options.output === 'text' && colourEnabled(process.stdout);
  const io = runnerIO(options.output);

  const gates = await Promise.all(CLUSTER_GATES.map(async (g) => ({ g, b: await g.check(ctx) })));
  // Without helm or the cluster the releases cannot be listed: a dry run still shows what would be removed.
  const steps = gates.some((x) => x.b) ? (options.dryRun ? genericUninstallSteps() : []) : await uninstallSteps(ctx);
  const spec: PlanSpec = {
    command: 'uninstall',
    phases: ['cluster'],
    gates: CLUSTER_GATES,
    steps,
    context: async (c) => [
      `releases labelled ${OWNER_SELECTOR} and RuntimeClass ${RUNTIME_CLASS} when gpuctl created it; releases installed by others stay`,
      await clusterLine(c),
    ],
  };
  const result = await planAndRun(ctx, spec, io, colour);
  if (result.outcome === 'ok') {
    result.notes.push('CRDs the charts installed stay (kubectl get crd | grep -e nvidia.com -e hami -e tensor-fusion); node labels such as gpu=on stay (kubectl label nodes NODE gpu-)');
  }
  return printOutcome(result, options.output, io, colour);
}

/** Later charts first: HAMi before the GPU Operator before Prometheus. */
function order(release: HelmRelease): number {
  const chart = splitChartColumn(release.chart).name;
  const index = COMPONENTS.findIndex((c) => CHARTS[c].chart === chart);
  return index < 0 ? COMPONENTS.length : index;
}

/** The plan when the releases cannot be listed: every release gpuctl labelled, then its RuntimeClass. */
function genericUninstallSteps(): Step[] {
  const unknown = async () => ({ needed: true, reason: 'cannot be listed yet' });
  return [
    {
      id: 'uninstall-releases',
      phase: 'cluster',
      title: `every helm release labelled ${OWNER_SELECTOR}, latest chart first`,
      needed: unknown,
      async commands(c) {
        return [
          { kind: 'run', argv: c.cluster.helm('list', '--all-namespaces', '--selector', OWNER_SELECTOR), mutating: false, note: 'the releases to remove' },
          { kind: 'run', argv: c.cluster.helm('uninstall', 'RELEASE', '--namespace', 'NAMESPACE'), mutating: true, note: 'for each of them' },
        ];
      },
      verify: async () => ({ ok: true, detail: '' }),
    },
    runtimeClassStep(),
  ];
}

async function uninstallSteps(ctx: InstallContext): Promise<Step[]> {
  const owned = [...(await ctx.cluster.ownedReleases())].sort((a, b) => order(b) - order(a));
  const steps: Step[] = owned.map((release) => {
    const present = async () => (await ctx.cluster.ownedReleases()).some((r) => r.name === release.name && r.namespace === release.namespace);
    return {
      id: `uninstall-${release.name}`,
      phase: 'cluster',
      title: `helm release ${release.namespace}/${release.name} (${release.chart})`,
      async needed() {
        return (await present()) ? { needed: true, reason: `installed by gpuctl (${OWNER_SELECTOR})` } : { needed: false, reason: 'already removed' };
      },
      async commands(c) {
        return [{ kind: 'run', argv: c.cluster.helm('uninstall', release.name, '--namespace', release.namespace), mutating: true, timeoutMs: 10 * 60_000 }];
      },
      async verify() {
        return (await present()) ? { ok: false, detail: 'helm list still shows the release' } : { ok: true, detail: 'removed' };
      },
    };
  });
  steps.push(runtimeClassStep());
  return steps;
}

function runtimeClassStep(): Step {
  return {
    id: 'uninstall-runtimeclass',
    phase: 'cluster',
    title: `RuntimeClass ${RUNTIME_CLASS}`,
    async needed(c) {
      const rc = await c.cluster.get('runtimeclass', RUNTIME_CLASS);
      if (!rc) return { needed: false, reason: `RuntimeClass ${RUNTIME_CLASS} does not exist` };
      if (rc.metadata.labels?.[OWNER_LABEL] !== OWNER_VALUE) return { needed: false, reason: `RuntimeClass ${RUNTIME_CLASS} was not created by gpuctl (no ${OWNER_SELECTOR} label): left as it is` };
      return { needed: true, reason: `created by gpuctl (${OWNER_SELECTOR})` };
    },
    async commands(c) {
      return [{ kind: 'run', argv: c.cluster.kubectl('delete', 'runtimeclass', RUNTIME_CLASS), mutating: true, timeoutMs: 60_000 }];
    },
    requires: ['cluster-access'],
    async verify(c) {
      return (await c.cluster.get('runtimeclass', RUNTIME_CLASS)) ? { ok: false, detail: 'still there' } : { ok: true, detail: 'deleted' };
    },
  };
}
