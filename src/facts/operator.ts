// The NVIDIA GPU Operator, the standalone device plugin and HAMi's device plugin as data: which pod is
// which operand, which pods advertise nvidia.com/gpu on a node, and which pods wait for a GPU there.
// Labels are those of GPU Operator v23–v25 (assets/state-*), the nvidia-device-plugin chart and static
// manifest, and the HAMi chart.
import type { Facts } from './facts.js';
import { eventTime } from './facts.js';
import { GPU_RESOURCE, podGpuRequest } from './gpu.js';
import type { ContainerStatus, Event, KubeObject, Pod } from './kube.js';
import type { Issue } from '../model.js';
import { isTerminal, lastLines, podRef } from './pods.js';
import { failedSchedulingEvents, isUnscheduled, matchesNodeSelector } from './scheduling.js';

export type Provider = 'gpu-operator' | 'nvidia-device-plugin' | 'hami';

export const PROVIDER_TITLES: Record<Provider, string> = {
  'gpu-operator': 'NVIDIA GPU Operator',
  'nvidia-device-plugin': 'standalone NVIDIA device plugin',
  hami: 'HAMi',
};

/** Where a fix command points: the pod, its namespace and node, the container to read. */
export interface OperandContext {
  namespace: string;
  pod: string;
  container: string;
  node?: string;
  previous: boolean;
}

export interface FixHint {
  summary: string;
  commands: string[];
}

/**
 * Every key must match; a value ending in `*` matches as a prefix (precompiled and NVIDIADriver
 * driver pods carry the kernel or OS in their `app` label).
 */
export type LabelSelector = Record<string, string>;

export interface OperandSpec {
  component: string;
  title: string;
  provider: Provider;
  /** Any one selector identifies the pod (or a DaemonSet's pod template). */
  selectors: LabelSelector[];
  /** Main containers, the one to read first. */
  containers: string[];
  /** The ClusterPolicy state that reconciles it (`status.conditions` name them: "states not ready: [state-driver]"). */
  clusterPolicyState?: string;
  /** Registers nvidia.com/gpu with the kubelet. */
  advertisesGpus?: boolean;
  /** Validator pods are validator-failed's business, not operand-unhealthy's. */
  validator?: boolean;
  /** For the workload validators: the validation step they carry out (also their init container's name). */
  step?: string;
  fix(ctx: OperandContext): FixHint;
}

function logsCommand(ctx: OperandContext): string {
  return `kubectl logs -n ${ctx.namespace} ${ctx.pod} -c ${ctx.container}${ctx.previous ? ' --previous' : ''} --tail=100`;
}

const restartPod = (ctx: OperandContext) => `kubectl delete pod -n ${ctx.namespace} ${ctx.pod}   # the DaemonSet recreates it`;

function genericFix(what: string) {
  return (ctx: OperandContext): FixHint => ({
    summary: `Read the ${what} log for the error, fix its cause, then let the DaemonSet recreate the pod`,
    commands: [logsCommand(ctx), `kubectl describe pod -n ${ctx.namespace} ${ctx.pod}`, restartPod(ctx)],
  });
}

const devicePluginFix = (ctx: OperandContext): FixHint => ({
  summary:
    'The device plugin needs NVML from the NVIDIA runtime: "could not load NVML library" or "Incompatible strategy detected" in its log means the pod did not run with the nvidia runtime (RuntimeClass nvidia or containerd default_runtime_name); check the runtime on the node',
  commands: [
    logsCommand(ctx),
    'kubectl get runtimeclass nvidia -o yaml',
    ...(ctx.node ? [`# on ${ctx.node}: grep -n -A3 'runtimes.nvidia' /etc/containerd/config.toml`] : []),
    restartPod(ctx),
  ],
});

/** Table order matters: the first spec whose selector matches wins. */
export const OPERANDS: OperandSpec[] = [
  // validators first: their pods share nothing with the operands, but keep them explicit
  {
    component: 'operator-validator',
    title: 'operator validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-operator-validator' }],
    containers: ['nvidia-operator-validator'],
    clusterPolicyState: 'state-operator-validation',
    validator: true,
    fix: genericFix('validator'),
  },
  {
    component: 'cuda-validator',
    title: 'CUDA validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-cuda-validator' }],
    containers: ['nvidia-cuda-validator'],
    validator: true,
    step: 'cuda-validation',
    fix: genericFix('CUDA validator'),
  },
  {
    component: 'device-plugin-validator',
    title: 'device plugin validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-device-plugin-validator' }],
    containers: ['nvidia-device-plugin-validator'],
    validator: true,
    step: 'plugin-validation',
    fix: genericFix('device plugin validator'),
  },
  {
    component: 'sandbox-validator',
    title: 'sandbox validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-sandbox-validator' }],
    containers: ['nvidia-sandbox-validator'],
    clusterPolicyState: 'state-sandbox-validation',
    validator: true,
    fix: genericFix('sandbox validator'),
  },
  {
    component: 'operator',
    title: 'controller',
    provider: 'gpu-operator',
    selectors: [{ app: 'gpu-operator' }, { 'app.kubernetes.io/component': 'gpu-operator' }],
    containers: ['gpu-operator'],
    fix: (ctx) => ({
      summary: 'Read the controller log; it reconciles the ClusterPolicy and every operand',
      commands: [logsCommand(ctx), `kubectl get clusterpolicy -o yaml`],
    }),
  },
  {
    component: 'driver',
    title: 'NVIDIA driver',
    provider: 'gpu-operator',
    selectors: [
      { 'app.kubernetes.io/component': 'nvidia-driver' },
      { app: 'nvidia-driver-daemonset*' },
      { app: 'nvidia-gpu-driver-*' },
    ],
    containers: ['nvidia-driver-ctr', 'k8s-driver-manager'],
    clusterPolicyState: 'state-driver',
    fix: (ctx) => ({
      summary:
        'The driver container compiles and loads the kernel module: look for missing kernel headers for the running kernel, Secure Boot refusing the unsigned module, nouveau still loaded, or a driver already installed on the host (then run the operator with driver.enabled=false)',
      commands: [
        logsCommand({ ...ctx, container: ctx.container === 'k8s-driver-manager' ? ctx.container : 'nvidia-driver-ctr' }),
        `kubectl logs -n ${ctx.namespace} ${ctx.pod} -c k8s-driver-manager --tail=50`,
        `# on ${ctx.node ?? 'the node'}: uname -r; ls /usr/src | grep "$(uname -r)"; mokutil --sb-state; lsmod | grep -e nouveau -e nvidia`,
        `# a driver already on the host: helm upgrade gpu-operator nvidia/gpu-operator -n ${ctx.namespace} --reuse-values --set driver.enabled=false`,
        restartPod(ctx),
      ],
    }),
  },
  {
    component: 'toolkit',
    title: 'NVIDIA Container Toolkit',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-container-toolkit-daemonset' }],
    containers: ['nvidia-container-toolkit-ctr'],
    clusterPolicyState: 'state-container-toolkit',
    fix: (ctx) => ({
      summary:
        'The toolkit container rewrites the containerd config and restarts containerd through its socket: when the node keeps them elsewhere (k3s, RKE2, MicroK8s) set CONTAINERD_CONFIG and CONTAINERD_SOCKET in toolkit.env',
      commands: [
        logsCommand(ctx),
        `kubectl get pod -n ${ctx.namespace} ${ctx.pod} -o jsonpath='{range .spec.containers[0].env[*]}{.name}={.value}{"\\n"}{end}'`,
        `# k3s: helm upgrade gpu-operator nvidia/gpu-operator -n ${ctx.namespace} --reuse-values --set toolkit.env[0].name=CONTAINERD_CONFIG --set toolkit.env[0].value=/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl --set toolkit.env[1].name=CONTAINERD_SOCKET --set toolkit.env[1].value=/run/k3s/containerd/containerd.sock`,
        restartPod(ctx),
      ],
    }),
  },
  {
    component: 'device-plugin',
    title: 'NVIDIA device plugin',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-device-plugin-daemonset' }],
    containers: ['nvidia-device-plugin', 'config-manager'],
    clusterPolicyState: 'state-device-plugin',
    advertisesGpus: true,
    fix: devicePluginFix,
  },
  {
    component: 'mps-control-daemon',
    title: 'MPS control daemon',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-device-plugin-mps-control-daemon' }],
    containers: ['mps-control-daemon-ctr'],
    fix: genericFix('MPS control daemon'),
  },
  {
    component: 'gfd',
    title: 'GPU Feature Discovery',
    provider: 'gpu-operator',
    selectors: [{ app: 'gpu-feature-discovery' }],
    containers: ['gpu-feature-discovery', 'config-manager'],
    clusterPolicyState: 'gpu-feature-discovery',
    fix: genericFix('GPU Feature Discovery'),
  },
  {
    component: 'dcgm-exporter',
    title: 'DCGM exporter',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-dcgm-exporter' }],
    containers: ['nvidia-dcgm-exporter'],
    clusterPolicyState: 'state-dcgm-exporter',
    fix: (ctx) => ({
      summary:
        'dcgm-exporter needs NVML and, with a standalone DCGM, the nvidia-dcgm hostengine on port 5555; a crash right after start is often an unsupported GPU or a metrics CSV naming unknown fields',
      commands: [logsCommand(ctx), `kubectl get pods -n ${ctx.namespace} -l app=nvidia-dcgm -o wide`, restartPod(ctx)],
    }),
  },
  {
    component: 'dcgm',
    title: 'DCGM hostengine',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-dcgm' }],
    containers: ['nvidia-dcgm-ctr'],
    clusterPolicyState: 'state-dcgm',
    fix: genericFix('DCGM'),
  },
  {
    component: 'mig-manager',
    title: 'MIG manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-mig-manager' }],
    containers: ['nvidia-mig-manager'],
    clusterPolicyState: 'state-mig-manager',
    fix: (ctx) => ({
      summary:
        'The MIG manager applies the profile named by the node label nvidia.com/mig.config; a bad profile name or GPUs in use keep it failing (nvidia.com/mig.config.state=failed)',
      commands: [
        logsCommand(ctx),
        ...(ctx.node ? [`kubectl get node ${ctx.node} -L nvidia.com/mig.config -L nvidia.com/mig.config.state`] : []),
        restartPod(ctx),
      ],
    }),
  },
  {
    component: 'node-status-exporter',
    title: 'node status exporter',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-node-status-exporter' }],
    containers: ['nvidia-node-status-exporter'],
    clusterPolicyState: 'state-node-status-exporter',
    fix: genericFix('node status exporter'),
  },
  {
    component: 'vgpu-manager',
    title: 'vGPU manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-vgpu-manager-daemonset' }],
    containers: ['nvidia-vgpu-manager-ctr'],
    clusterPolicyState: 'state-vgpu-manager',
    fix: genericFix('vGPU manager'),
  },
  {
    component: 'vgpu-device-manager',
    title: 'vGPU device manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-vgpu-device-manager' }],
    containers: ['nvidia-vgpu-device-manager'],
    clusterPolicyState: 'state-vgpu-device-manager',
    fix: genericFix('vGPU device manager'),
  },
  {
    component: 'sandbox-device-plugin',
    title: 'sandbox device plugin',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-sandbox-device-plugin-daemonset' }],
    containers: ['nvidia-sandbox-device-plugin-ctr'],
    clusterPolicyState: 'state-sandbox-device-plugin',
    fix: genericFix('sandbox device plugin'),
  },
  {
    component: 'vfio-manager',
    title: 'VFIO manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-vfio-manager' }],
    containers: ['nvidia-vfio-manager'],
    clusterPolicyState: 'state-vfio-manager',
    fix: genericFix('VFIO manager'),
  },
  // NFD, deployed by the GPU Operator chart (or on its own): one entry per role
  ...(['master', 'worker', 'gc'] as const).map(
    (role): OperandSpec => ({
      component: `nfd-${role}`,
      title: `Node Feature Discovery ${role}`,
      provider: 'gpu-operator',
      selectors: [{ 'app.kubernetes.io/name': 'node-feature-discovery', role }],
      containers: [role, `nfd-${role}`],
      fix: genericFix(`NFD ${role}`),
    }),
  ),
  // the standalone device plugin: the Helm chart (nvdp) and the static manifest in kube-system
  {
    component: 'device-plugin',
    title: 'NVIDIA device plugin',
    provider: 'nvidia-device-plugin',
    selectors: [{ 'app.kubernetes.io/name': 'nvidia-device-plugin' }, { name: 'nvidia-device-plugin-ds' }],
    containers: ['nvidia-device-plugin-ctr', 'nvidia-device-plugin-sidecar'],
    advertisesGpus: true,
    fix: (ctx) => {
      const base = devicePluginFix(ctx);
      return {
        ...base,
        commands: [
          ...base.commands.slice(0, -1),
          `# containerd without nvidia as default runtime: helm upgrade nvdp nvdp/nvidia-device-plugin -n ${ctx.namespace} --reuse-values --set runtimeClassName=nvidia`,
          base.commands.at(-1)!,
        ],
      };
    },
  },
  {
    component: 'mps-control-daemon',
    title: 'MPS control daemon',
    provider: 'nvidia-device-plugin',
    selectors: [{ 'app.kubernetes.io/name': 'nvidia-device-plugin-mps-control-daemon' }],
    containers: ['mps-control-daemon-ctr'],
    fix: genericFix('MPS control daemon'),
  },
  {
    component: 'gfd',
    title: 'GPU Feature Discovery',
    provider: 'nvidia-device-plugin',
    selectors: [
      { 'app.kubernetes.io/name': 'nvidia-device-plugin-gpu-feature-discovery' },
      { 'app.kubernetes.io/name': 'gpu-feature-discovery' },
    ],
    containers: ['gpu-feature-discovery-ctr', 'gpu-feature-discovery'],
    fix: genericFix('GPU Feature Discovery'),
  },
  {
    component: 'dcgm-exporter',
    title: 'DCGM exporter',
    provider: 'nvidia-device-plugin',
    selectors: [{ 'app.kubernetes.io/name': 'dcgm-exporter' }],
    containers: ['exporter'],
    fix: genericFix('DCGM exporter'),
  },
  // HAMi registers nvidia.com/gpu itself; it runs beside the GPU Operator only with devicePlugin.enabled=false
  {
    component: 'device-plugin',
    title: 'HAMi device plugin',
    provider: 'hami',
    selectors: [{ 'app.kubernetes.io/component': 'hami-device-plugin' }],
    containers: ['device-plugin', 'vgpu-monitor'],
    advertisesGpus: true,
    fix: (ctx) => ({
      summary: 'Read the HAMi device plugin log; it needs the NVIDIA driver and runtime on the node and the node label gpu=on',
      commands: [logsCommand(ctx), ...(ctx.node ? [`kubectl get node ${ctx.node} -L gpu`] : []), restartPod(ctx)],
    }),
  },
];

/** A selector as [key, value, isPrefix] terms, read once: it is matched against every pod of the cluster. */
type CompiledSelector = [key: string, want: string, prefix: boolean][];

const COMPILED_OPERANDS: { spec: OperandSpec; selectors: CompiledSelector[] }[] = OPERANDS.map((spec) => ({
  spec,
  selectors: spec.selectors.map((selector) =>
    Object.entries(selector).map(([key, want]): [string, string, boolean] => (want.endsWith('*') ? [key, want.slice(0, -1), true] : [key, want, false])),
  ),
}));

function selectorMatches(selector: CompiledSelector, labels: Record<string, string>): boolean {
  for (const [key, want, prefix] of selector) {
    const have = labels[key];
    if (have === undefined || (prefix ? !have.startsWith(want) : have !== want)) return false;
  }
  return true;
}

/** The operand a set of pod labels belongs to, if any. */
export function operandOfLabels(labels: Record<string, string> | undefined): OperandSpec | undefined {
  if (!labels) return undefined;
  return COMPILED_OPERANDS.find(({ selectors }) => selectors.some((s) => selectorMatches(s, labels)))?.spec;
}

export function operandOf(pod: Pod): OperandSpec | undefined {
  return operandOfLabels(pod.metadata.labels);
}

/** A DaemonSet's operand, read from its pod template (where the selectors live) or its own labels. */
export function operandOfDaemonSet(ds: KubeObject): OperandSpec | undefined {
  return operandOfLabels(ds.spec?.template?.metadata?.labels) ?? operandOfLabels(ds.metadata.labels);
}

export interface OperandPod {
  pod: Pod;
  spec: OperandSpec;
}

// Several checks ask the same questions of a large cluster: answer each once per Facts.
const operandCache = new WeakMap<Facts, OperandPod[]>();
const unscheduledGpuCache = new WeakMap<Facts, { pod: Pod; failure: SchedulingFailure }[]>();

export function operandPods(facts: Facts): OperandPod[] {
  let found = operandCache.get(facts);
  if (!found) {
    found = [];
    for (const pod of facts.pods) {
      const spec = operandOf(pod);
      if (spec) found.push({ pod, spec });
    }
    operandCache.set(facts, found);
  }
  return found;
}

const operandsByNodeCache = new WeakMap<Facts, Map<string, OperandPod[]>>();

/** Operand pods (validators included) bound to a node: "the same layer on the same node", indexed once. */
export function operandPodsOn(facts: Facts, nodeName: string): OperandPod[] {
  let byNode = operandsByNodeCache.get(facts);
  if (!byNode) {
    byNode = new Map();
    for (const entry of operandPods(facts)) {
      const node = entry.pod.spec?.nodeName;
      if (!node) continue;
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(entry);
    }
    operandsByNodeCache.set(facts, byNode);
  }
  return byNode.get(nodeName) ?? [];
}

/** Device plugin pods that are alive (not terminal) and bound to a node, per node. */
export function devicePluginPodsByNode(facts: Facts): Map<string, OperandPod[]> {
  const byNode = new Map<string, OperandPod[]>();
  for (const entry of operandPods(facts)) {
    const node = entry.pod.spec?.nodeName;
    if (!entry.spec.advertisesGpus || !node || isTerminal(entry.pod)) continue;
    let list = byNode.get(node);
    if (!list) byNode.set(node, (list = []));
    list.push(entry);
  }
  return byNode;
}

export function devicePluginDaemonSets(facts: Facts): { ds: KubeObject; spec: OperandSpec }[] {
  return facts
    .all('DaemonSet')
    .map((ds) => ({ ds, spec: operandOfDaemonSet(ds) }))
    .filter((x): x is { ds: KubeObject; spec: OperandSpec } => !!x.spec?.advertisesGpus);
}

// ---- validation steps: init containers of nvidia-operator-validator and of the workload validators ----

export interface ValidationStep {
  stage: string;
  /** The operand whose readiness the step proves (or waits for, in the operands' own init containers). */
  component: string;
  /** The layer to fix when the step fails. */
  layer: string;
  /** What the step does, in words. */
  does: string;
  /** Checks of gpuctl that look at that layer. */
  related: string[];
  fix(ctx: OperandContext): FixHint;
}

const validatorLogs = (ctx: OperandContext) =>
  `kubectl logs -n ${ctx.namespace} ${ctx.pod} -c ${ctx.container}${ctx.previous ? ' --previous' : ''} --tail=100`;
const rerunValidator = (ctx: OperandContext) =>
  `kubectl delete pod -n ${ctx.namespace} ${ctx.pod}   # after the fix: the validation runs again`;

/**
 * Keyed by init container name. The operator validator runs them in this order; the operands' own
 * init containers (driver-validation in the toolkit, toolkit-validation in the device plugin, GFD,
 * DCGM exporter) wait on the same files under /run/nvidia/validations.
 */
export const VALIDATION_STEPS: Record<string, ValidationStep> = {
  'driver-validation': {
    stage: 'driver',
    component: 'driver',
    layer: 'the NVIDIA driver (driver DaemonSet, or the host driver)',
    does: 'runs nvidia-smi in the driver root (/run/nvidia/driver, or / for a host driver) and waits until it works',
    related: ['driver-not-loaded', 'nouveau-loaded', 'driver-library-mismatch'],
    fix: (ctx) => ({
      summary: 'Fix the driver first: read the driver container log, or check the host driver with nvidia-smi',
      commands: [
        validatorLogs(ctx),
        `kubectl logs -n ${ctx.namespace} -l app.kubernetes.io/component=nvidia-driver -c nvidia-driver-ctr --tail=50`,
        `# on ${ctx.node ?? 'the node'}: nvidia-smi; lsmod | grep nvidia`,
        'gpuctl doctor --checks driver',
        rerunValidator(ctx),
      ],
    }),
  },
  'toolkit-validation': {
    stage: 'toolkit',
    component: 'toolkit',
    layer: 'the container runtime (NVIDIA Container Toolkit, containerd nvidia runtime)',
    does: 'runs nvidia-smi in a plain container, which works only when the NVIDIA runtime injects the driver into it',
    related: ['nvidia-runtime-missing', 'runtime-binary-missing', 'runtimeclass-missing'],
    fix: (ctx) => ({
      summary: 'Fix the runtime: read the toolkit container log and check the nvidia runtime in the containerd config',
      commands: [
        validatorLogs(ctx),
        `kubectl logs -n ${ctx.namespace} -l app=nvidia-container-toolkit-daemonset -c nvidia-container-toolkit-ctr --tail=50`,
        `# on ${ctx.node ?? 'the node'}: containerd config dump | grep -n -A3 'runtimes.nvidia'`,
        'gpuctl doctor --checks runtime',
        rerunValidator(ctx),
      ],
    }),
  },
  'cuda-validation': {
    stage: 'cuda',
    component: 'driver',
    layer: 'a CUDA workload on the driver (driver version against the CUDA of the validator image)',
    does: 'starts the nvidia-cuda-validator pod, which runs the vectorAdd CUDA sample on the node',
    related: ['driver-too-old-for-cuda', 'driver-library-mismatch'],
    fix: (ctx) => ({
      summary: 'Read the vectorAdd output of the CUDA validator: a driver too old for its CUDA, or a broken driver install',
      commands: [
        validatorLogs(ctx),
        `kubectl logs -n ${ctx.namespace} -l app=nvidia-cuda-validator -c cuda-validation --tail=50`,
        'gpuctl doctor --checks driver-too-old-for-cuda,driver-library-mismatch',
        rerunValidator(ctx),
      ],
    }),
  },
  'plugin-validation': {
    stage: 'plugin',
    component: 'device-plugin',
    layer: 'the device plugin and the node\'s allocatable nvidia.com/gpu',
    does: 'waits until the node advertises nvidia.com/gpu, then starts the nvidia-device-plugin-validator pod, which asks for one GPU',
    related: ['gpu-not-allocatable', 'gpu-held-by-finished-pod', 'unexpected-admission-error', 'operand-unhealthy'],
    fix: (ctx) => ({
      summary: 'Make a GPU allocatable and free on the node: a healthy device plugin, and no finished pod holding the GPU',
      commands: [
        validatorLogs(ctx),
        ...(ctx.node
          ? [
              `kubectl get node ${ctx.node} -o jsonpath='{.status.allocatable.nvidia\\.com/gpu}'`,
              `kubectl get pods -A -o wide --field-selector spec.nodeName=${ctx.node}`,
            ]
          : []),
        `kubectl logs -n ${ctx.namespace} -l app=nvidia-device-plugin-daemonset -c nvidia-device-plugin --tail=50`,
        rerunValidator(ctx),
      ],
    }),
  },
};

// ---- ClusterPolicy ----

export interface PolicyCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** "ClusterPolicy is not ready, states not ready: [state-driver state-container-toolkit]" → the state names. */
export function clusterPolicyStatesNotReady(conditions: PolicyCondition[]): string[] {
  for (const c of conditions) {
    const m = c.message?.match(/states not ready: \[([^\]]*)\]/);
    if (m) return m[1]!.split(/[\s,]+/).filter(Boolean);
  }
  return [];
}

// ---- scheduling and admission: who waits for a GPU ----

/** The kubelet's device manager refuses a pod at admission with this reason (pod phase Failed). */
export const UNEXPECTED_ADMISSION = 'UnexpectedAdmissionError';

const INSUFFICIENT_GPU = /Insufficient nvidia\.com\/gpu/;

export function isUnexpectedAdmission(pod: Pod): boolean {
  return pod.status?.reason === UNEXPECTED_ADMISSION;
}

/** "Requested: 1, Available: 0" of the kubelet's admission message. */
export function parseAdmissionMessage(message: string | undefined): { resource: string; requested: number; available: number } | undefined {
  const m = message?.match(/unavailable for (\S+?)\.? Requested: (\d+), Available: (\d+)/);
  return m ? { resource: m[1]!, requested: Number(m[2]), available: Number(m[3]) } : undefined;
}

export interface SchedulingFailure {
  message: string;
  /** Where the message came from, for evidence. */
  source: string;
}

/** Why the scheduler left a GPU pod Pending with "Insufficient nvidia.com/gpu": its condition, else its latest event. */
export function insufficientGpu(pod: Pod, facts: Facts): SchedulingFailure | undefined {
  if (!isUnscheduled(pod)) return undefined;
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (condition?.message && INSUFFICIENT_GPU.test(condition.message)) {
    return { message: condition.message, source: `PodScheduled condition (${condition.reason ?? 'Unschedulable'})` };
  }
  const event = failedSchedulingEvents(facts, pod)
    .reverse()
    .find((ev) => INSUFFICIENT_GPU.test(ev.message ?? ''));
  if (event) return { message: event.message!, source: `event FailedScheduling${countSuffix(event)}` };
  return undefined;
}

export interface GpuWaiter {
  pod: Pod;
  /** Why it counts as waiting, quoted. */
  why: string;
}

/** Validators whose last step needs a free GPU on the node. */
const GPU_VALIDATORS = new Set(['device-plugin-validator', 'cuda-validator']);
const GPU_VALIDATION_STEPS = new Set(['plugin-validation', 'cuda-validation']);

function validatorWaiting(pod: Pod): string | undefined {
  const spec = operandOf(pod);
  if (!spec?.validator || pod.status?.phase === 'Succeeded' || isUnexpectedAdmission(pod)) return undefined;
  if (GPU_VALIDATORS.has(spec.component)) return `${spec.title} not completed (${pod.status?.phase ?? 'Unknown'})`;
  const step = firstUnfinishedInit(pod);
  if (spec.component === 'operator-validator' && step && GPU_VALIDATION_STEPS.has(step.name)) {
    return `operator validator stuck in ${step.name}`;
  }
  return undefined;
}

/**
 * Pods that wait for a GPU that a pod on this node holds: refused at admission on the node, a validator
 * that needs a GPU there, or Pending with "Insufficient nvidia.com/gpu" and free to land on the node.
 */
export function podsWaitingForGpu(facts: Facts, nodeName: string): GpuWaiter[] {
  const waiters: GpuWaiter[] = [];
  for (const pod of facts.podsOn(nodeName)) {
    if (isUnexpectedAdmission(pod)) {
      waiters.push({ pod, why: `${UNEXPECTED_ADMISSION}: ${pod.status?.message ?? ''}`.trim() });
      continue;
    }
    const validator = validatorWaiting(pod);
    if (validator) waiters.push({ pod, why: validator });
  }
  const node = facts.node(nodeName);
  for (const { pod, failure } of unscheduledForWantOfGpu(facts)) {
    if (!node || matchesNodeSelector(pod, node)) waiters.push({ pod, why: `Pending: ${failure.message}` });
  }
  return waiters;
}

/** Unscheduled GPU pods the scheduler turned down with "Insufficient nvidia.com/gpu". */
export function unscheduledForWantOfGpu(facts: Facts): { pod: Pod; failure: SchedulingFailure }[] {
  let found = unscheduledGpuCache.get(facts);
  if (!found) {
    found = [];
    for (const pod of facts.pods) {
      if (pod.spec?.nodeName || podGpuRequest(pod) === 0) continue;
      const failure = insufficientGpu(pod, facts);
      if (failure) found.push({ pod, failure });
    }
    unscheduledGpuCache.set(facts, found);
  }
  return found;
}

// ---- pods that hold GPUs ----

export interface GpuHolder {
  pod: Pod;
  gpus: number;
  /** Terminal, or every container that asks for a GPU has exited while the pod lives on. */
  finished: boolean;
}

function containerStatus(pod: Pod, name: string): ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((s) => s.name === name);
}

/**
 * A pod whose work is over but that still sits on the node with its GPU: phase Succeeded/Failed, or
 * (kubectl's "NotReady") every GPU container terminated while a sidecar keeps the pod Running.
 */
export function isFinishedGpuPod(pod: Pod): boolean {
  if (!pod.spec?.nodeName || podGpuRequest(pod) === 0 || isUnexpectedAdmission(pod)) return false;
  if (isTerminal(pod)) return true;
  const gpuContainers = (pod.spec.containers ?? []).filter((c) =>
    [c.resources?.limits?.[GPU_RESOURCE], c.resources?.requests?.[GPU_RESOURCE]].some((q) => q && q !== '0'),
  );
  return gpuContainers.length > 0 && gpuContainers.every((c) => !!containerStatus(pod, c.name)?.state?.terminated);
}

const holdersCache = new WeakMap<Facts, Map<string, GpuHolder[]>>();

/** Pods bound to the node that ask for GPUs, the finished ones flagged. Admission-refused pods hold nothing. */
export function gpuHolders(facts: Facts, nodeName: string): GpuHolder[] {
  // Several checks ask this of every GPU node: once per node and Facts (the lists are read-only).
  let byNode = holdersCache.get(facts);
  if (!byNode) holdersCache.set(facts, (byNode = new Map()));
  let holders = byNode.get(nodeName);
  if (!holders) {
    holders = [];
    for (const pod of facts.podsOn(nodeName)) {
      const gpus = podGpuRequest(pod);
      if (gpus > 0 && !isUnexpectedAdmission(pod)) holders.push({ pod, gpus, finished: isFinishedGpuPod(pod) });
    }
    byNode.set(nodeName, holders);
  }
  return holders;
}

export function describeHolder(holder: GpuHolder): string {
  const phase = holder.pod.status?.phase ?? 'Unknown';
  return `${podRef(holder.pod)} (${holder.gpus} GPU, ${phase}${holder.finished ? ', finished' : ''})`;
}

// ---- pod details for evidence ----

/** The first init container that has not exited 0, if the pod is still initialising. */
export function firstUnfinishedInit(pod: Pod): ContainerStatus | undefined {
  return (pod.status?.initContainerStatuses ?? []).find(
    (s) => !(s.state?.terminated && s.state.terminated.exitCode === 0),
  );
}

function countSuffix(ev: Event): string {
  return ev.count && ev.count > 1 ? ` ×${ev.count}` : '';
}

/** The last Warning events about a pod, newest last, as evidence lines. */
export function warningEventLines(facts: Facts, pod: Pod, limit = 3): string[] {
  return facts
    .eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)
    .filter((ev) => ev.type === 'Warning')
    .slice(-limit)
    .map((ev) => `event ${ev.reason ?? 'Warning'}${countSuffix(ev)}${eventTime(ev) ? ` at ${eventTime(ev)}` : ''}: ${oneLine(ev.message ?? '')}`);
}

/** The last lines of a container's log (the previous run's when it restarted), as evidence lines. */
export function logLines(facts: Facts, pod: Pod, container: string, previous: boolean, limit = 5): string[] {
  const ns = pod.metadata.namespace ?? '';
  const text = (previous ? facts.log(ns, pod.metadata.name, container, true) : undefined) ?? facts.log(ns, pod.metadata.name, container);
  const usedPrevious = previous && facts.log(ns, pod.metadata.name, container, true) !== undefined;
  const lines = lastLines(text, limit);
  if (lines.length === 0) return [`log ${container}: not collected`];
  return lines.map((line) => `log ${container}${usedPrevious ? ' (previous run)' : ''}: ${line}`);
}

/**
 * Known causes that events name outright, each pointing to the check that owns it.
 * `blocksStart`: the pod's sandbox or containers cannot start at all, so no validation stage ran.
 */
export const EVENT_CAUSES: { pattern: RegExp; cause: string; check: string; blocksStart?: boolean }[] = [
  { pattern: /no runtime for "nvidia" is configured/, cause: 'containerd has no "nvidia" runtime', check: 'nvidia-runtime-missing', blocksStart: true },
  { pattern: /RuntimeClass "[^"]+" not found|runtimeclass\.node\.k8s\.io "[^"]+" not found/i, cause: 'the RuntimeClass is missing', check: 'runtimeclass-missing', blocksStart: true },
  { pattern: /Back-off pulling image|ErrImagePull|ImagePullBackOff|Failed to pull image/, cause: 'the image cannot be pulled', check: 'image-pull-failing' },
  { pattern: /UnexpectedAdmissionError|Allocate failed due to requested number of devices unavailable/, cause: 'the kubelet found no free GPU at admission', check: 'unexpected-admission-error' },
];

/** Causes named by the pod's Warning events. */
export function eventCauseEntries(facts: Facts, pod: Pod): (typeof EVENT_CAUSES)[number][] {
  const messages = facts
    .eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)
    .filter((ev) => ev.type === 'Warning')
    .map((ev) => `${ev.reason ?? ''} ${ev.message ?? ''}`);
  return EVENT_CAUSES.filter((c) => messages.some((m) => c.pattern.test(m)));
}

/** Causes named by the pod's Warning events, as "see CHECK" lines. */
export function eventCauses(facts: Facts, pod: Pod): string[] {
  return eventCauseEntries(facts, pod).map((c) => `${c.cause}: see ${c.check}`);
}

/** Waiting reasons that mean an image could not be pulled: image-pull-failing reports them. */
export const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/** An operator pod stuck on an image pull: mentioned at info, the diagnosis is image-pull-failing's. */
export function imagePullPointer(pod: Pod, what: string, status: ContainerStatus | undefined): Issue {
  const waiting = status?.state?.waiting;
  return {
    severity: 'info',
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
    message: `${what} cannot pull its image (${waiting?.reason ?? 'ImagePullBackOff'}): image-pull-failing names the registry and the fix`,
    evidence: [`container ${status?.name ?? '?'} image ${status?.image ?? '?'}: ${waiting?.message ?? waiting?.reason ?? ''}`],
    fix: { summary: 'See the image-pull-failing finding for this pod', commands: ['gpuctl doctor --checks image-pull-failing'] },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
