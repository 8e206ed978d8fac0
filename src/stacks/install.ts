// The shape of a stack's install profile (`gpuctl install --profile NAME`): which charts, in which order,
// which node labels, and which doctor checks verify them. Data only: the charts' specs, the values derived
// from the facts and the steps that run them are the installer's (src/install/).
/** The Helm charts `gpuctl install` knows, by id (their repositories and pinned versions: src/install/charts.ts). */
export const COMPONENTS = ['kube-prometheus-stack', 'gpu-operator', 'device-plugin', 'hami', 'tensor-fusion'] as const;
export type ComponentId = (typeof COMPONENTS)[number];

export interface NodeLabel {
  key: string;
  value: string;
  why: string;
}

export interface InstallProfile {
  /** The name `--profile` takes (and the install JSON's `profile`); it may differ from the stack's id. */
  id: string;
  title: string;
  /** Installed in this order (Prometheus first: the GPU Operator's ServiceMonitor needs its CRD). */
  components: readonly ComponentId[];
  /** What `--values FILE` and `--chart-version V` without a COMPONENT= prefix apply to. */
  main: ComponentId;
  /** Labels put on the chosen GPU nodes. */
  nodeLabels: readonly NodeLabel[];
  /**
   * Doctor categories run after the cluster phase. Plain strings here (the categories are derived from the
   * stacks, so naming their type would be circular); src/install/profiles.ts makes an unknown one a type error.
   */
  checkCategories: readonly string[];
  /** The values the installer derives from the facts, as docs/install.md's profile table says them (Markdown). */
  valuesDoc: string;
}
