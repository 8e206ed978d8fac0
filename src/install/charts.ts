// The Helm charts gpuctl installs, pinned: a run installs what was tested, `--chart-version` overrides.

import type { ComponentId } from '../stacks/install.js';

export { COMPONENTS, type ComponentId } from '../stacks/install.js';

export interface ChartSpec {
  component: ComponentId;
  title: string;
  repo: { name: string; url: string };
  chart: string;
  version: string;
  release: string;
  namespace: string;
  /** Which pods to wait for after the install: a label selector, or the whole namespace. */
  podSelector?: string;
  docs: string;
}

/** Storage label on every release gpuctl installs (`helm --labels`); `gpuctl uninstall` removes only these. */
export const OWNER_LABEL = 'installed-by';
export const OWNER_VALUE = 'gpuctl';
export const OWNER_SELECTOR = `${OWNER_LABEL}=${OWNER_VALUE}`;

export const CHARTS: Record<ComponentId, ChartSpec> = {
  'kube-prometheus-stack': {
    component: 'kube-prometheus-stack',
    title: 'Prometheus (kube-prometheus-stack)',
    repo: { name: 'prometheus-community', url: 'https://prometheus-community.github.io/helm-charts' },
    chart: 'kube-prometheus-stack',
    version: '75.15.1',
    release: 'prometheus',
    namespace: 'monitoring',
    docs: 'https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack',
  },
  'gpu-operator': {
    component: 'gpu-operator',
    title: 'NVIDIA GPU Operator',
    repo: { name: 'nvidia', url: 'https://helm.ngc.nvidia.com/nvidia' },
    chart: 'gpu-operator',
    version: 'v25.3.0',
    release: 'gpu-operator',
    namespace: 'gpu-operator',
    docs: 'https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html',
  },
  'device-plugin': {
    component: 'device-plugin',
    title: 'NVIDIA device plugin',
    repo: { name: 'nvdp', url: 'https://nvidia.github.io/k8s-device-plugin' },
    chart: 'nvidia-device-plugin',
    version: '0.17.1',
    release: 'nvdp',
    namespace: 'nvidia-device-plugin',
    docs: 'https://github.com/NVIDIA/k8s-device-plugin#deployment-via-helm',
  },
  hami: {
    component: 'hami',
    title: 'HAMi',
    repo: { name: 'hami-charts', url: 'https://project-hami.github.io/HAMi/' },
    chart: 'hami',
    version: '2.4.0',
    release: 'hami',
    namespace: 'kube-system',
    podSelector: 'app.kubernetes.io/instance=hami',
    docs: 'https://github.com/Project-HAMi/HAMi#quick-start',
  },
  'tensor-fusion': {
    component: 'tensor-fusion',
    title: 'TensorFusion',
    repo: { name: 'tensor-fusion', url: 'https://download.tensor-fusion.ai' },
    chart: 'tensor-fusion',
    version: '1.3.1',
    release: 'tensor-fusion-sys',
    namespace: 'tensor-fusion-sys',
    docs: 'https://tensor-fusion.ai/guide/getting-started/deployment-k8s',
  },
};

/** The chart reference helm installs: `repo/chart`, or what `--chart` gave (a .tgz, an oci:// ref). */
export function chartRef(spec: ChartSpec, override?: string): string {
  return override ?? `${spec.repo.name}/${spec.chart}`;
}

/** A local archive or an OCI reference needs no `helm repo add`. */
export function needsRepo(override?: string): boolean {
  return !override || !(override.startsWith('oci://') || override.endsWith('.tgz') || override.startsWith('.') || override.startsWith('/'));
}

/** `helm list` prints "gpu-operator-v25.3.0": the chart's name and version joined by a dash. */
export function splitChartColumn(chart: string): { name: string; version: string } {
  const m = /^(.+?)-(v?\d+\.\d+\.\d+[^\s]*)$/.exec(chart);
  return m ? { name: m[1]!, version: m[2]! } : { name: chart, version: '' };
}
