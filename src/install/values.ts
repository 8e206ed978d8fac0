// Helm values derived from facts, as data: each rule says when it applies and why.
import type { ComponentId } from './charts.js';
import { PROFILES, type ProfileId } from './profiles.js';

export interface HostEvidence {
  driver: { present: boolean; why: string };
  toolkit: { present: boolean; why: string };
  /** The Kubernetes distribution, when it moves containerd's config and socket. */
  distro?: { kind: 'k3s' | 'rke2'; why: string };
}

export interface ValueFacts {
  profile: ProfileId;
  host: HostEvidence;
  /** e.g. v1.28.4, for HAMi's bundled kube-scheduler image. */
  kubeVersion?: string;
}

export interface DerivedValue {
  key: string;
  value: string;
  why: string;
}

interface ValueRule {
  component: ComponentId;
  key: string;
  value: string | ((f: ValueFacts) => string | undefined);
  when: (f: ValueFacts) => boolean;
  why: (f: ValueFacts) => string;
}

const K3S_CONTAINERD = {
  k3s: { config: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml', socket: '/run/k3s/containerd/containerd.sock' },
  rke2: { config: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl', socket: '/run/k3s/containerd/containerd.sock' },
} as const;

const operatorToolkitOnDistro = (f: ValueFacts) => !f.host.toolkit.present && !!f.host.distro;
/** The profile installs HAMi's chart (its own device plugin): the hami and kantaloupe profiles. */
const sharing = (f: ValueFacts) => PROFILES[f.profile].components.includes('hami');

export const VALUE_RULES: ValueRule[] = [
  {
    component: 'gpu-operator',
    key: 'driver.enabled',
    value: 'false',
    when: (f) => f.host.driver.present,
    why: (f) => `the hosts have the NVIDIA driver (${f.host.driver.why})`,
  },
  {
    component: 'gpu-operator',
    key: 'toolkit.enabled',
    value: 'false',
    when: (f) => f.host.toolkit.present,
    why: (f) => `the hosts have the NVIDIA container toolkit (${f.host.toolkit.why})`,
  },
  {
    component: 'gpu-operator',
    key: 'toolkit.env[0].name',
    value: 'CONTAINERD_CONFIG',
    when: operatorToolkitOnDistro,
    why: (f) => `${f.host.distro!.kind} keeps containerd's config elsewhere (${f.host.distro!.why})`,
  },
  {
    component: 'gpu-operator',
    key: 'toolkit.env[0].value',
    value: (f) => K3S_CONTAINERD[f.host.distro!.kind].config,
    when: operatorToolkitOnDistro,
    why: (f) => `${f.host.distro!.kind}'s containerd config`,
  },
  {
    component: 'gpu-operator',
    key: 'toolkit.env[1].name',
    value: 'CONTAINERD_SOCKET',
    when: operatorToolkitOnDistro,
    why: (f) => `${f.host.distro!.kind} serves containerd on its own socket`,
  },
  {
    component: 'gpu-operator',
    key: 'toolkit.env[1].value',
    value: (f) => K3S_CONTAINERD[f.host.distro!.kind].socket,
    when: operatorToolkitOnDistro,
    why: (f) => `${f.host.distro!.kind}'s containerd socket`,
  },
  {
    component: 'gpu-operator',
    key: 'devicePlugin.enabled',
    value: 'false',
    when: sharing,
    why: () => 'HAMi brings its own device plugin; two plugins would both advertise nvidia.com/gpu',
  },
  {
    component: 'gpu-operator',
    key: 'dcgmExporter.serviceMonitor.enabled',
    value: 'true',
    when: (f) => f.profile === 'kantaloupe',
    why: () => 'Kantaloupe reads GPU metrics from Prometheus through the DCGM exporter ServiceMonitor',
  },
  {
    component: 'device-plugin',
    key: 'runtimeClassName',
    value: 'nvidia',
    when: () => true,
    why: () => 'the plugin must run with the nvidia runtime to see the GPUs (RuntimeClass nvidia)',
  },
  {
    component: 'hami',
    key: 'scheduler.kubeScheduler.imageTag',
    value: (f) => f.kubeVersion,
    when: (f) => !!f.kubeVersion,
    why: (f) => `HAMi's scheduler runs the kube-scheduler of the cluster's version (${f.kubeVersion})`,
  },
  {
    component: 'hami',
    key: 'scheduler.serviceMonitor.enabled',
    value: 'true',
    when: (f) => f.profile === 'kantaloupe',
    why: () => 'Kantaloupe collects HAMi scheduler metrics',
  },
  {
    component: 'hami',
    key: 'devicePlugin.serviceMonitor.enabled',
    value: 'true',
    when: (f) => f.profile === 'kantaloupe',
    why: () => 'Kantaloupe collects HAMi device plugin metrics',
  },
  {
    component: 'tensor-fusion',
    key: 'agent.agentId',
    value: '',
    when: () => true,
    why: () => 'local mode without the TensorFusion console (docs: --set agent.agentId="")',
  },
  {
    component: 'kube-prometheus-stack',
    key: 'grafana.enabled',
    value: 'false',
    when: () => true,
    why: () => 'Kantaloupe needs Prometheus only (its prerequisites guide)',
  },
];

export function derivedValues(component: ComponentId, facts: ValueFacts): DerivedValue[] {
  const out: DerivedValue[] = [];
  for (const rule of VALUE_RULES) {
    if (rule.component !== component || !rule.when(facts)) continue;
    const value = typeof rule.value === 'function' ? rule.value(facts) : rule.value;
    if (value !== undefined) out.push({ key: rule.key, value, why: rule.why(facts) });
  }
  return out;
}

export function setArgs(values: DerivedValue[]): string[] {
  return values.flatMap((v) => ['--set', `${v.key}=${v.value}`]);
}

/** What `helm get values` returns for these --set flags on top of the -f files (helm's typing of scalars). */
export function valuesObject(values: DerivedValue[], files: Record<string, unknown>[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of files) deepMerge(out, file);
  for (const v of values) setPath(out, v.key, typed(v.value));
  return out;
}

function typed(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  return value;
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.').flatMap((p) => {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(p);
    if (!m) return [p];
    return [m[1]!, ...[...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))];
  });
  let cur: any = target;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (last) {
      cur[part] = value;
      return;
    }
    const nextIsIndex = typeof parts[i + 1] === 'number';
    if (cur[part] === undefined || cur[part] === null || typeof cur[part] !== 'object') cur[part] = nextIsIndex ? [] : {};
    cur = cur[part];
  });
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source ?? {})) {
    if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object' && !Array.isArray(target[k])) {
      deepMerge(target[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
}

/** Dotted keys → JSON text of each leaf, for comparing two sets of values. */
export function flattenValues(obj: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(obj)) {
    if (obj.length === 0 && prefix) out.set(prefix, '[]');
    obj.forEach((v, i) => flattenValues(v, `${prefix}[${i}]`, out));
  } else if (obj && typeof obj === 'object') {
    const entries = Object.entries(obj);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [k, v] of entries) flattenValues(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, JSON.stringify(obj));
  }
  return out;
}

export interface ValueDifference {
  key: string;
  want?: string;
  have?: string;
}

export function diffValues(want: unknown, have: unknown): ValueDifference[] {
  const w = flattenValues(want);
  const h = flattenValues(have);
  const keys = [...new Set([...w.keys(), ...h.keys()])].sort();
  return keys
    .filter((k) => w.get(k) !== h.get(k))
    .map((k) => ({ key: k, ...(w.has(k) ? { want: w.get(k)! } : {}), ...(h.has(k) ? { have: h.get(k)! } : {}) }));
}
