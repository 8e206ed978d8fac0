// The cluster phase as data: helm repositories, the RuntimeClass, one release per chart, node labels.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { Facts } from '../facts/facts.js';
import { gpuNodes } from '../facts/gpu.js';
import { emptyCollection } from '../collection/collection.js';
import { localNodeName } from '../sources/node-probe/local.js';
import { CHARTS, chartRef, needsRepo, OWNER_LABEL, OWNER_SELECTOR, OWNER_VALUE, splitChartColumn, type ChartSpec, type ComponentId } from './charts.js';
import { helmTooOld, MIN_HELM, type HelmRelease } from './cluster-facts.js';
import { PROFILES, type Profile } from './profiles.js';
import type { Blocker, Gate, InstallContext, Need, Step } from './types.js';
import { derivedValues, diffValues, setArgs, valuesObject, type DerivedValue, type HostEvidence, type ValueDifference } from './values.js';

export const RUNTIME_CLASS = 'nvidia';

export const RUNTIME_CLASS_MANIFEST = `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: ${RUNTIME_CLASS}
  labels:
    ${OWNER_LABEL}: ${OWNER_VALUE}
handler: nvidia
`;

const HELM_INSTALL = 'curl -fsSL -o get_helm.sh https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 && chmod 700 get_helm.sh && ./get_helm.sh';

export const CLUSTER_GATES: Gate[] = [
  {
    id: 'helm',
    phase: 'cluster',
    title: `Helm ${MIN_HELM} or newer`,
    async check(ctx) {
      const helm = await ctx.cluster.helmVersion();
      if (helm.missing) {
        return { code: 'helm-missing', message: 'helm is not installed (not found on PATH)', hint: `install Helm ${MIN_HELM} or newer: https://helm.sh/docs/intro/install/`, manual: [HELM_INSTALL] };
      }
      if (helmTooOld(helm.version)) {
        return {
          code: 'helm-too-old',
          message: `helm ${helm.raw || '(no version printed)'} is older than ${MIN_HELM}: gpuctl needs release labels (--labels, --selector) and the charts need a current helm`,
          hint: `upgrade Helm to ${MIN_HELM} or newer`,
          manual: [HELM_INSTALL],
        };
      }
      return undefined;
    },
  },
  {
    id: 'cluster-access',
    phase: 'cluster',
    title: 'Access to the cluster',
    async check(ctx) {
      const nodes = await ctx.cluster.nodes();
      if (nodes.nodes) return undefined;
      return nodes.missing
        ? { code: 'kubectl-missing', message: 'kubectl is not installed (not found on PATH)', hint: 'install kubectl: https://kubernetes.io/docs/tasks/tools/' }
        : { code: 'cluster-unreachable', message: `cannot reach the cluster: ${nodes.error}`, hint: 'check KUBECONFIG / --kubeconfig / --context: kubectl get nodes must work' };
    },
  },
];

/** Does the host side have a driver and toolkit? Flags first, then this run's host phase, then this machine. */
export async function hostEvidence(ctx: InstallContext): Promise<HostEvidence> {
  const o = ctx.options;
  const local = async () => ((await ctx.host.nvidiaDevices()).lines.length > 0 ? ctx.host : undefined);
  // The host phase installs them only when it runs: a blocked one (no GPU seen, lspci missing) installs nothing.
  const hostPhaseRuns = o.phases.host && !ctx.blockedPhases.has('host');
  const blockedNote = o.phases.host && !hostPhaseRuns ? '; the host phase of this run is blocked' : '';
  const driver = await (async () => {
    if (o.hostDriver !== 'auto') return { present: o.hostDriver === 'yes', why: `--host-driver ${o.hostDriver}` };
    if (hostPhaseRuns) return { present: true, why: 'the host phase of this run installs it' };
    const host = await local();
    const d = host ? await host.driver() : undefined;
    return d?.installed ? { present: true, why: d.evidence[0] ?? 'found on this node' } : { present: false, why: `not found on this machine${blockedNote}; the GPU Operator deploys it (--host-driver yes if the nodes have one)` };
  })();
  const toolkit = await (async () => {
    if (o.hostToolkit !== 'auto') return { present: o.hostToolkit === 'yes', why: `--host-toolkit ${o.hostToolkit}` };
    if (hostPhaseRuns) return { present: true, why: 'the host phase of this run installs it' };
    const host = await local();
    const t = host ? await host.toolkit() : undefined;
    return t?.installed ? { present: true, why: `nvidia-container-toolkit ${t.version} on this node` } : { present: false, why: `not found on this machine${blockedNote}; the GPU Operator deploys it (--host-toolkit yes if the nodes have one)` };
  })();
  const nodes = (await ctx.cluster.nodes()).nodes ?? [];
  let distro: HostEvidence['distro'];
  for (const n of nodes) {
    const info = n.status?.nodeInfo;
    const text = `${info?.kubeletVersion ?? ''} ${info?.containerRuntimeVersion ?? ''}`;
    const kind = /k3s/.test(text) ? 'k3s' : /rke2/.test(text) ? 'rke2' : undefined;
    if (kind) {
      distro = { kind, why: `node ${n.metadata.name}: kubelet ${info?.kubeletVersion}, runtime ${info?.containerRuntimeVersion}` };
      break;
    }
  }
  return { driver, toolkit, ...(distro ? { distro } : {}) };
}

interface ReleasePlan {
  spec: ChartSpec;
  ref: string;
  version?: string;
  values: DerivedValue[];
  files: string[];
  existing?: HelmRelease;
  owned: boolean;
  differences: ValueDifference[];
  versionDiffers: boolean;
  blocked?: Blocker;
}

async function releasePlan(ctx: InstallContext, component: ComponentId): Promise<ReleasePlan> {
  const spec = CHARTS[component];
  const override = ctx.options.charts[component];
  const ref = chartRef(spec, override);
  const local = !needsRepo(override);
  const version = ctx.options.chartVersions[component] ?? (local ? undefined : spec.version);
  const values = derivedValues(component, {
    profile: ctx.options.profile,
    host: await hostEvidence(ctx),
    kubeVersion: await ctx.cluster.serverVersion(),
  });
  const files = ctx.options.values[component] ?? [];
  const fileValues: Record<string, unknown>[] = [];
  let blocked: Blocker | undefined;
  for (const file of files) {
    try {
      const parsed = parseYaml(await readFile(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fileValues.push(parsed as Record<string, unknown>);
      else if (parsed != null) throw new Error('the top level is not a mapping of values');
    } catch (err) {
      blocked = { code: 'values-file-invalid', message: `--values ${file}: ${(err as Error).message.split('\n')[0]}`, hint: 'pass a readable YAML file of chart values' };
    }
  }
  const releases = await ctx.cluster.releases();
  const existing =
    releases.find((r) => r.name === spec.release && r.namespace === spec.namespace) ?? releases.find((r) => splitChartColumn(r.chart).name === spec.chart);
  const owned = !!existing && (await ctx.cluster.ownedReleases()).some((r) => r.name === existing.name && r.namespace === existing.namespace);
  const differences = existing ? diffValues(valuesObject(values, fileValues), await ctx.cluster.values(existing)) : [];
  const have = existing ? splitChartColumn(existing.chart).version : '';
  const versionDiffers = !!existing && !!version && have.replace(/^v/, '') !== version.replace(/^v/, '');
  return { spec, ref, ...(version ? { version } : {}), values, files, ...(existing ? { existing } : {}), owned, differences, versionDiffers, ...(blocked ? { blocked } : {}) };
}

function describeDifferences(plan: ReleasePlan): string[] {
  const lines = plan.differences.map((d) => `${d.key}: installed ${d.have ?? '(not set)'}, gpuctl sets ${d.want ?? '(not set)'}`);
  if (plan.versionDiffers) lines.unshift(`chart version: installed ${splitChartColumn(plan.existing!.chart).version}, gpuctl installs ${plan.version}`);
  return lines;
}

function releaseStep(component: ComponentId): Step {
  const spec = CHARTS[component];
  return {
    id: `release-${component}`,
    phase: 'cluster',
    title: `${spec.title} (helm release ${spec.namespace}/${spec.release})`,
    async needed(ctx) {
      const plan = await releasePlan(ctx, component);
      if (plan.blocked) return { needed: true, reason: plan.blocked.message, blocked: plan.blocked };
      const valueNotes = plan.values.map((v) => `${v.key}=${v.value} (${v.why})`);
      const explained = valueNotes.length ? `; values: ${valueNotes.join('; ')}` : '';
      if (!plan.existing) return { needed: true, reason: `not installed${explained}` };
      const where = `${plan.existing.namespace}/${plan.existing.name} (${plan.existing.chart}, ${plan.existing.status ?? 'unknown status'})`;
      if (/^pending-/.test(plan.existing.status ?? '')) {
        return {
          needed: true,
          reason: where,
          blocked: {
            code: 'release-busy',
            message: `helm release ${where} is in the middle of another operation`,
            hint: `wait for it, or roll it back: helm rollback ${plan.existing.name} -n ${plan.existing.namespace}`,
            manual: [`helm history ${plan.existing.name} -n ${plan.existing.namespace}`],
          },
        };
      }
      const same = plan.differences.length === 0 && !plan.versionDiffers && plan.existing.status === 'deployed';
      if (plan.owned) {
        return same ? { needed: false, reason: `${where} installed by gpuctl with these values` } : { needed: true, reason: `upgrade ${where}: ${describeDifferences(plan).join('; ') || `status ${plan.existing.status}`}` };
      }
      if (same) return { needed: false, reason: `${where} installed by someone else (no ${OWNER_SELECTOR} label) with the same values: left as it is` };
      const need: Need = { needed: true, reason: `${where} was installed by someone else with other values; --force takes it over: ${describeDifferences(plan).join('; ')}` };
      if (!ctx.options.force) {
        need.blocked = {
          code: 'release-conflict',
          message: `helm release ${where} was installed by someone else (no ${OWNER_SELECTOR} label) with other values`,
          hint: 'keep it (drop this profile\'s chart), or pass --force to upgrade it with the values below (it becomes gpuctl\'s)',
          manual: describeDifferences(plan),
        };
      }
      return need;
    },
    async commands(ctx) {
      const plan = await releasePlan(ctx, component);
      const name = plan.existing?.name ?? spec.release;
      const namespace = plan.existing?.namespace ?? spec.namespace;
      const argv = ctx.cluster.helm(
        'upgrade',
        '--install',
        name,
        plan.ref,
        '--namespace',
        namespace,
        '--create-namespace',
        ...(plan.version ? ['--version', plan.version] : []),
        '--labels',
        OWNER_SELECTOR,
        ...setArgs(plan.values),
        ...plan.files.flatMap((f) => ['--values', f]),
      );
      return [{ kind: 'run', argv, mutating: true, timeoutMs: 10 * 60_000 }];
    },
    async verify(ctx) {
      const plan = await releasePlan(ctx, component);
      if (!plan.existing) return { ok: false, detail: `helm list shows no ${spec.release} release` };
      if (plan.existing.status !== 'deployed') return { ok: false, detail: `release ${plan.existing.namespace}/${plan.existing.name} is ${plan.existing.status}` };
      const diff = describeDifferences(plan);
      return diff.length ? { ok: false, detail: `release differs after the upgrade: ${diff.join('; ')}` } : { ok: true, detail: `${plan.existing.namespace}/${plan.existing.name} ${plan.existing.chart} deployed` };
    },
  };
}

function repoStep(repo: { name: string; url: string }): Step {
  return {
    id: `helm-repo-${repo.name}`,
    phase: 'cluster',
    title: `Helm repository ${repo.name} (${repo.url})`,
    async needed(ctx) {
      const existing = (await ctx.cluster.repos()).find((r) => r.name === repo.name);
      if (!existing) return { needed: true, reason: `helm repo list has no ${repo.name}` };
      if (sameUrl(existing.url, repo.url)) return { needed: false, reason: `${repo.name} → ${existing.url}` };
      return {
        needed: false,
        reason: `${repo.name} → ${existing.url}`,
        blocked: {
          code: 'helm-repo-name-taken',
          message: `the helm repository name ${repo.name} points at ${existing.url}, not ${repo.url}`,
          hint: `point it at the chart's repository (helm repo add ${repo.name} ${repo.url} --force-update) or install from a local chart with --chart`,
        },
      };
    },
    async commands() {
      return [{ kind: 'run', argv: ['helm', 'repo', 'add', repo.name, repo.url], mutating: true, timeoutMs: 2 * 60_000 }];
    },
    async verify(ctx) {
      const ok = (await ctx.cluster.repos()).some((r) => r.name === repo.name && sameUrl(r.url, repo.url));
      return ok ? { ok: true, detail: `${repo.name} added` } : { ok: false, detail: `helm repo list still has no ${repo.name}` };
    },
  };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function repoUpdateStep(repos: string[], releases: Step[]): Step {
  return {
    id: 'helm-repo-update',
    phase: 'cluster',
    title: 'Fetch the current chart indexes',
    async needed(ctx) {
      for (const release of releases) {
        if ((await release.needed(ctx)).needed) return { needed: true, reason: `${release.id} installs or upgrades a chart` };
      }
      return { needed: false, reason: 'no chart to install or upgrade' };
    },
    async commands() {
      return [{ kind: 'run', argv: ['helm', 'repo', 'update', ...repos], mutating: true, timeoutMs: 5 * 60_000 }];
    },
    async verify() {
      return { ok: true, detail: 'indexes updated' };
    },
  };
}

const runtimeClassStep: Step = {
  id: 'runtimeclass',
  phase: 'cluster',
  requires: ['cluster-access'], // kubectl only, no helm
  title: `RuntimeClass ${RUNTIME_CLASS} (pods choose the NVIDIA runtime with runtimeClassName: ${RUNTIME_CLASS})`,
  async needed(ctx) {
    const rc = await ctx.cluster.get('runtimeclass', RUNTIME_CLASS);
    if (rc) return { needed: false, reason: `RuntimeClass ${RUNTIME_CLASS} exists (handler ${String((rc as { handler?: string }).handler ?? '?')})` };
    return { needed: true, reason: `RuntimeClass ${RUNTIME_CLASS} does not exist` };
  },
  async commands(ctx) {
    return [{ kind: 'run', argv: ctx.cluster.kubectl('apply', '-f', '-'), input: RUNTIME_CLASS_MANIFEST, mutating: true, timeoutMs: 60_000 }];
  },
  async verify(ctx) {
    return (await ctx.cluster.get('runtimeclass', RUNTIME_CLASS)) ? { ok: true, detail: `RuntimeClass ${RUNTIME_CLASS} exists` } : { ok: false, detail: `RuntimeClass ${RUNTIME_CLASS} is still missing` };
  },
};

/** The GPU nodes to label: --gpu-nodes, else every node with GPU evidence, plus this machine when it has a GPU. */
export async function chosenGpuNodes(ctx: InstallContext): Promise<{ nodes: string[]; why: string }> {
  if (ctx.options.gpuNodes) return { nodes: ctx.options.gpuNodes, why: '--gpu-nodes' };
  const nodes = (await ctx.cluster.nodes()).nodes ?? [];
  const collection = { ...emptyCollection('cluster'), objects: nodes };
  const devices = await ctx.host.nvidiaDevices();
  const here = devices.lines.length ? localNodeName(nodes) : undefined;
  if (here) collection.nodes.set(here, { files: new Map(), dirs: new Set(), commands: new Map([['lspci', { stdout: devices.lines.join('\n'), exitCode: 0 }]]) });
  const names = gpuNodes(new Facts(collection)).map((n) => n.metadata.name);
  return { nodes: names, why: here ? `GPU nodes (this machine is ${here})` : 'nodes with GPU labels or capacity' };
}

function nodeLabelStep(profile: Profile): Step {
  const labels = profile.nodeLabels;
  const text = labels.map((l) => `${l.key}=${l.value}`).join(' ');
  return {
    id: 'node-labels',
    phase: 'cluster',
    requires: ['cluster-access'],
    title: `Label the GPU nodes ${text} (${labels.map((l) => l.why).join('; ')})`,
    async needed(ctx) {
      const { nodes, why } = await chosenGpuNodes(ctx);
      if (nodes.length === 0) return { needed: false, reason: 'no GPU node known yet: pass --gpu-nodes NODE,… or re-run once the GPU Operator has labelled them' };
      const missing = await unlabelled(ctx, nodes);
      if (missing.unknown.length) {
        return { needed: false, reason: why, blocked: { code: 'unknown-node', message: `no such node: ${missing.unknown.join(', ')}`, hint: 'kubectl get nodes lists the names' } };
      }
      return missing.nodes.length ? { needed: true, reason: `${why}: not labelled ${text}: ${missing.nodes.join(', ')}` } : { needed: false, reason: `${nodes.join(', ')} labelled ${text}` };
    },
    async commands(ctx) {
      const { nodes } = await chosenGpuNodes(ctx);
      const missing = await unlabelled(ctx, nodes);
      return [{ kind: 'run', argv: ctx.cluster.kubectl('label', 'nodes', ...missing.nodes, ...labels.map((l) => `${l.key}=${l.value}`), '--overwrite'), mutating: true, timeoutMs: 60_000 }];
    },
    async verify(ctx) {
      const { nodes } = await chosenGpuNodes(ctx);
      const missing = await unlabelled(ctx, nodes);
      return missing.nodes.length ? { ok: false, detail: `still not labelled: ${missing.nodes.join(', ')}` } : { ok: true, detail: `${nodes.join(', ')} labelled ${text}` };
    },
  };

  async function unlabelled(ctx: InstallContext, names: string[]): Promise<{ nodes: string[]; unknown: string[] }> {
    const nodes = (await ctx.cluster.nodes()).nodes ?? [];
    const unknown = names.filter((n) => !nodes.some((x) => x.metadata.name === n));
    const missing = names.filter((n) => {
      const node = nodes.find((x) => x.metadata.name === n);
      return node && labels.some((l) => node.metadata.labels?.[l.key] !== l.value);
    });
    return { nodes: missing, unknown };
  }
}

/** The cluster steps of a profile, in order. */
export function clusterSteps(ctx: InstallContext): Step[] {
  const profile = PROFILES[ctx.options.profile];
  const releases = profile.components.map(releaseStep);
  const repos = profile.components
    .filter((c) => needsRepo(ctx.options.charts[c]))
    .map((c) => CHARTS[c].repo)
    .filter((r, i, all) => all.findIndex((x) => x.name === r.name) === i);
  return [
    ...repos.map(repoStep),
    ...(repos.length ? [repoUpdateStep(repos.map((r) => r.name), releases)] : []),
    // Before the charts: the device plugin's pods ask for runtimeClassName nvidia.
    runtimeClassStep,
    ...releases,
    ...(profile.nodeLabels.length ? [nodeLabelStep(profile)] : []),
  ];
}
