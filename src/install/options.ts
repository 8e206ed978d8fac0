// What `gpuctl install` / `gpuctl uninstall` were asked to do, parsed and checked once.
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { COMPONENTS, type ComponentId } from './charts.js';
import { PROFILES, type ProfileId } from './profiles.js';
import type { RuntimeKind } from './runtime-targets.js';

export type Tristate = 'auto' | 'yes' | 'no';

export interface InstallOptions {
  profile: ProfileId;
  phases: { host: boolean; cluster: boolean };
  dryRun: boolean;
  yes: boolean;
  output: 'text' | 'json';
  /** `--driver 535` → nvidia-driver-535; undefined → ubuntu-drivers picks. */
  driver?: string;
  runtime: 'auto' | RuntimeKind;
  hostDriver: Tristate;
  hostToolkit: Tristate;
  chartVersions: Partial<Record<ComponentId, string>>;
  charts: Partial<Record<ComponentId, string>>;
  values: Partial<Record<ComponentId, string[]>>;
  /** Nodes to label gpu=on (HAMi); undefined → every GPU node. */
  gpuNodes?: string[];
  force: boolean;
  kubeconfig?: string;
  context?: string;
  wait: boolean;
  waitTimeoutMs: number;
  pollMs: number;
  /** Overrides every command's own time limit. */
  commandTimeoutMs?: number;
  root: string;
}

export interface RawInstallOptions {
  profile?: string;
  host?: boolean;
  cluster?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  output?: string;
  driver?: string;
  runtime?: string;
  hostDriver?: string;
  hostToolkit?: string;
  chartVersion?: string[];
  chart?: string[];
  values?: string[];
  gpuNodes?: string;
  force?: boolean;
  kubeconfig?: string;
  context?: string;
  wait?: boolean;
  waitTimeout?: string;
  commandTimeout?: string;
  root?: string;
}

const DRIVER_BRANCH = /^\d{3}(-server)?(-open)?$/;

export function parseInstallOptions(raw: RawInstallOptions, env: NodeJS.ProcessEnv = process.env): InstallOptions {
  const profile = (raw.profile ?? 'gpu-operator') as ProfileId;
  if (!PROFILES[profile]) throw new UsageError(`unknown profile "${raw.profile}"`, `choose one of: ${Object.keys(PROFILES).join(', ')}`);
  if (raw.driver !== undefined && !DRIVER_BRANCH.test(raw.driver)) {
    throw new UsageError(`invalid --driver "${raw.driver}": expected a driver branch like 535, 550-server or 570-open`);
  }
  const components = PROFILES[profile].components;
  const main = PROFILES[profile].main;
  const pollMs = Number(env.GPUCTL_INSTALL_POLL_MS ?? 5000);
  return {
    profile,
    // Neither flag: both phases; one flag: that phase only.
    phases: raw.host || raw.cluster ? { host: !!raw.host, cluster: !!raw.cluster } : { host: true, cluster: true },
    dryRun: !!raw.dryRun,
    yes: !!raw.yes,
    output: raw.output === 'json' ? 'json' : 'text',
    driver: raw.driver,
    runtime: (raw.runtime ?? 'auto') as InstallOptions['runtime'],
    hostDriver: tristate(raw.hostDriver, '--host-driver'),
    hostToolkit: tristate(raw.hostToolkit, '--host-toolkit'),
    chartVersions: perComponent(raw.chartVersion, '--chart-version', main, components),
    charts: perComponent(raw.chart, '--chart', main, components),
    values: perComponentList(raw.values, '--values', main, components),
    gpuNodes: raw.gpuNodes ? raw.gpuNodes.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    force: !!raw.force,
    kubeconfig: raw.kubeconfig,
    context: raw.context,
    wait: raw.wait !== false,
    waitTimeoutMs: parseDuration(raw.waitTimeout ?? '10m', '--wait-timeout'),
    pollMs: Number.isFinite(pollMs) && pollMs > 0 ? pollMs : 5000,
    commandTimeoutMs: raw.commandTimeout ? parseDuration(raw.commandTimeout, '--command-timeout') : undefined,
    root: hostRootOf(raw.root, env),
  };
}

/** GPUCTL_HOST_ROOT (or --root) moves every host path under a directory: tests never touch the real /etc. */
export function hostRootOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const root = flag ?? env.GPUCTL_HOST_ROOT ?? '';
  return root === '/' ? '' : root.replace(/\/+$/, '');
}

function tristate(value: string | undefined, flag: string): Tristate {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'yes' || value === 'no') return value;
  throw new UsageError(`invalid ${flag} "${value}": expected auto, yes or no`);
}

/** `[COMPONENT=]VALUE`: without a component the value goes to the profile's main component. */
function splitComponent(item: string, flag: string, main: ComponentId, allowed: readonly ComponentId[]): [ComponentId, string] {
  const eq = item.indexOf('=');
  const maybe = eq > 0 ? item.slice(0, eq) : '';
  if (maybe && (COMPONENTS as readonly string[]).includes(maybe)) {
    if (!allowed.includes(maybe as ComponentId)) {
      throw new UsageError(`${flag} ${item}: this profile does not install ${maybe}`, `it installs: ${allowed.join(', ')}`);
    }
    return [maybe as ComponentId, item.slice(eq + 1)];
  }
  return [main, item];
}

function perComponent(items: string[] | undefined, flag: string, main: ComponentId, allowed: readonly ComponentId[]) {
  const out: Partial<Record<ComponentId, string>> = {};
  for (const item of items ?? []) {
    const [component, value] = splitComponent(item, flag, main, allowed);
    if (!value) throw new UsageError(`${flag} ${item}: the value is empty`);
    out[component] = value;
  }
  return out;
}

function perComponentList(items: string[] | undefined, flag: string, main: ComponentId, allowed: readonly ComponentId[]) {
  const out: Partial<Record<ComponentId, string[]>> = {};
  for (const item of items ?? []) {
    const [component, value] = splitComponent(item, flag, main, allowed);
    if (!value) throw new UsageError(`${flag} ${item}: the file name is empty`);
    (out[component] ??= []).push(value);
  }
  return out;
}
