// Which finding explains which, as data beside the checks: the engine links the findings by these rules after
// every check ran (src/causes.ts), and the report leads with the findings nothing explains.
// Each rule: the symptom, its cause, what they share (the same node, the same pod, the same namespace, the
// same image, or only the cluster), and where needed a condition on the two. test/causes.test.ts tests
// each rule both ways: the link is made; the same cause on another node (or pod) is not linked.
import type { CauseRule, Linked } from '../src/causes.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject } from '../src/facts/kube.js';
import { operandOfDaemonSet } from '../src/facts/operands.js';
import type { CheckName } from '../src/catalogue.js';

type Rule = CauseRule<CheckName>;

/** The validation stages in the order the operator validator runs them. */
const STAGES = ['driver', 'toolkit', 'cuda', 'plugin'];
/** What each cause breaks first, as a stage: it explains a failure at that stage or a later one. */
function stageAtLeast(stage: string) {
  return (s: Linked) => {
    // A pod that cannot start ran no stage: what blocks it explains it (blockedBy).
    if (tagged('cannot-start')(s)) return false;
    const at = s.finding.scope?.stage;
    // A stage gpuctl does not know (sandbox, mofed) or none: only the driver explains it.
    return at === undefined || !STAGES.includes(at) ? stage === 'driver' : STAGES.indexOf(at) >= STAGES.indexOf(stage);
  };
}

const component = (...names: string[]) => (c: Linked) => c.component !== undefined && names.includes(c.component);
const symptomComponent = (...names: string[]) => (s: Linked) => s.component !== undefined && names.includes(s.component);
const tagged = (tag: string) => (s: Linked) => !!s.finding.scope?.tags?.includes(tag);
const isError = (c: Linked) => c.finding.severity === 'error';
/** The finding says which finding's cause keeps its pod from starting (validator-failed: "see nvidia-runtime-missing"). */
const blockedBy = (s: Linked, c: Linked) => !!s.finding.scope?.tags?.includes(`blocked-by:${c.finding.name}`);

/** The GPU Operator runs the container toolkit on the nodes: it waits for the driver, and sets up the runtime. */
function operatorRunsToolkit(facts: Facts | undefined): boolean {
  if (!facts || facts.unavailable('DaemonSet')) return false;
  return facts.all<KubeObject>('DaemonSet').some((ds) => {
    const o = operandOfDaemonSet(ds);
    return o?.provider === 'gpu-operator' && o.component === 'toolkit';
  });
}

/** The component a node-level finding stands for, for the ClusterPolicy's operand states. */
const NODE_FINDING_COMPONENT: Partial<Record<CheckName, string>> = {
  'driver-not-loaded': 'driver',
  'driver-image-unavailable': 'driver',
  'nouveau-loaded': 'driver',
  'driver-library-mismatch': 'driver',
  'nvidia-runtime-missing': 'toolkit',
  'toolkit-config-unsupported': 'toolkit',
  'validator-failed': 'operator-validator',
  'fabric-manager-not-running': 'operator-validator',
};
const VALIDATORS = ['operator-validator', 'cuda-validator', 'device-plugin-validator', 'sandbox-validator'];
/** clusterpolicy-not-ready names the operand states that hold it back: a cause must be one of them. */
function namedByPolicy(s: Linked, c: Linked): boolean {
  const named = s.finding.scope?.components;
  if (!named?.length) return true;
  const comp = c.component ?? NODE_FINDING_COMPONENT[c.finding.name as CheckName];
  if (!comp) return false;
  // Any validator pod failing holds back state-operator-validation.
  return named.includes(comp) || (VALIDATORS.includes(comp) && named.some((n) => VALIDATORS.includes(n)));
}

const NODE_DRIVER_CAUSES: CheckName[] = ['driver-not-loaded', 'driver-library-mismatch', 'driver-image-unavailable', 'nouveau-loaded'];
const NODE_RUNTIME_CAUSES: CheckName[] = ['nvidia-runtime-missing', 'nvidia-runtime-not-selected', 'toolkit-config-unsupported', 'runtime-binary-missing'];

const each = (symptom: CheckName, causes: CheckName[], rest: Omit<Rule, 'symptom' | 'cause'>): Rule[] => causes.map((cause) => ({ symptom, cause, ...rest }));

export const CAUSE_RULES: readonly Rule[] = [
  // A node that advertises no nvidia.com/gpu: whatever keeps the device plugin from registering its GPUs.
  ...each('gpu-not-allocatable', [...NODE_RUNTIME_CAUSES, ...NODE_DRIVER_CAUSES], { on: 'node', because: 'the device plugin on the node cannot reach the GPUs' }),
  { symptom: 'gpu-not-allocatable', cause: 'operand-unhealthy', on: 'node', when: (_s, c) => component('device-plugin', 'driver', 'toolkit')(c), because: 'the device plugin on the node (or what it waits for) is not running' },
  { symptom: 'gpu-not-allocatable', cause: 'operand-taint-untolerated', on: 'node', when: (_s, c) => component('device-plugin', 'driver', 'toolkit')(c), because: 'the DaemonSet places no pod on the node' },
  ...each('gpu-not-allocatable', ['operand-deploy-label-missing', 'operands-disabled', 'hami-node-not-enabled'], { on: 'node', because: 'node labels keep the device plugin off the node' }),
  // No device plugin anywhere: its DaemonSet lands nowhere.
  { symptom: 'no-device-plugin', cause: 'operand-taint-untolerated', on: 'cluster', when: (_s, c) => component('device-plugin')(c), because: 'the device plugin DaemonSet tolerates no GPU node\'s taint' },
  ...each('no-device-plugin', ['operand-deploy-label-missing', 'operands-disabled'], { on: 'cluster', because: 'node labels keep the device plugin off the GPU nodes' }),
  { symptom: 'no-device-plugin', cause: 'nvidia-runtime-not-selected', on: 'cluster', because: 'the device plugin runs without the NVIDIA runtime and finds no GPU' },
  { symptom: 'no-device-plugin', cause: 'operand-unhealthy', on: 'cluster', when: (_s, c) => component('device-plugin')(c), because: 'the device plugin pods are not running' },

  // Pending for want of GPUs.
  { symptom: 'insufficient-gpu', cause: 'gpu-held-by-finished-pod', on: 'cluster', when: (s) => !tagged('oversized')(s), because: 'finished pods hold the GPUs the pod waits for' },
  ...each('insufficient-gpu', ['gpu-not-allocatable', 'no-device-plugin'], { on: 'cluster', when: (s, c) => tagged('none-advertised')(s) && isError(c), because: 'no node advertises a GPU' }),
  { symptom: 'insufficient-gpu', cause: 'operand-taint-untolerated', on: 'cluster', when: (s, c) => tagged('none-advertised')(s) && component('device-plugin')(c), because: 'the device plugin runs on no GPU node' },
  { symptom: 'insufficient-gpu', cause: 'gpu-taint-untolerated', on: 'pod', because: 'the pod does not tolerate the GPU nodes\' taint' },
  { symptom: 'unexpected-admission-error', cause: 'gpu-held-by-finished-pod', on: 'node', because: 'a finished pod holds the GPU the kubelet would admit it to' },

  // The validators: a failing stage is explained by what that stage checks.
  { symptom: 'validator-failed', cause: 'unexpected-admission-error', on: 'pod', because: 'the kubelet refused the validator pod' },
  { symptom: 'validator-failed', cause: 'gpu-held-by-finished-pod', on: 'node', when: stageAtLeast('plugin'), because: 'no free GPU for the plugin validation' },
  ...each('validator-failed', NODE_DRIVER_CAUSES, { on: 'node', when: stageAtLeast('driver'), because: 'the driver is not usable on the node' }),
  ...each('validator-failed', NODE_RUNTIME_CAUSES, { on: 'node', when: stageAtLeast('toolkit'), because: 'the container runtime does not inject the GPU' }),
  { symptom: 'validator-failed', cause: 'fabric-manager-not-running', on: 'node', when: stageAtLeast('cuda'), because: 'CUDA cannot initialise without the fabric manager' },
  { symptom: 'validator-failed', cause: 'driver-too-old-for-cuda', on: 'node', when: stageAtLeast('cuda'), because: 'the driver is older than the CUDA the validator runs' },
  { symptom: 'validator-failed', cause: 'gpu-not-allocatable', on: 'node', when: stageAtLeast('plugin'), because: 'the node advertises no GPU for the plugin validation' },
  { symptom: 'validator-failed', cause: 'image-pull-failing', on: 'pod', because: 'the validator image does not pull' },
  ...each('validator-failed', ['nvidia-runtime-missing'], { on: 'node', when: blockedBy, because: 'the pod cannot start without the runtime' }),
  ...each('validator-failed', ['runtimeclass-missing'], { on: 'cluster', when: blockedBy, because: 'the pod cannot start without its RuntimeClass' }),
  { symptom: 'validator-failed', cause: 'operand-taint-untolerated', on: 'node', when: (s, c) => (component('driver')(c) && stageAtLeast('driver')(s)) || (component('toolkit')(c) && stageAtLeast('toolkit')(s)) || (component('device-plugin')(c) && stageAtLeast('plugin')(s)), because: 'the operand the stage validates has no pod on the node' },
  { symptom: 'validator-failed', cause: 'operand-unhealthy', on: 'node', when: (s, c) => (component('driver')(c) && stageAtLeast('driver')(s)) || (component('toolkit')(c) && stageAtLeast('toolkit')(s)) || (component('device-plugin')(c) && stageAtLeast('plugin')(s)), because: 'the operand the stage validates is not running on the node' },
  // The operator validator starts the CUDA and plugin validator pods: their failure is its failure.
  { symptom: 'validator-failed', cause: 'validator-failed', on: 'node', when: (s, c) => symptomComponent('operator-validator')(s) && component('cuda-validator', 'device-plugin-validator')(c), because: 'the validator pod it started failed' },

  // Operand pods waiting for what is below them.
  ...each('operand-unhealthy', [...NODE_RUNTIME_CAUSES, ...NODE_DRIVER_CAUSES, 'fabric-manager-not-running'], { on: 'node', when: (s) => !symptomComponent('driver', 'toolkit')(s), because: 'the operand waits for the driver and the runtime' }),
  ...each('operand-unhealthy', ['toolkit-config-unsupported', 'runtime-binary-missing', ...NODE_DRIVER_CAUSES], { on: 'node', when: symptomComponent('toolkit'), because: 'the toolkit cannot configure the runtime, or waits for the driver' }),
  ...each('operand-unhealthy', ['nouveau-loaded', 'driver-image-unavailable'], { on: 'node', when: symptomComponent('driver'), because: 'the driver container cannot install the driver' }),
  { symptom: 'operand-unhealthy', cause: 'image-pull-failing', on: 'pod', because: 'its image does not pull' },
  // Operands wait for the driver and toolkit validations; the plugin stage waits for the device plugin instead.
  { symptom: 'operand-unhealthy', cause: 'validator-failed', on: 'node', when: (s, c) => !symptomComponent(...VALIDATORS, 'driver', 'toolkit')(s) && ['driver', 'toolkit'].includes(c.finding.scope?.stage ?? ''), because: 'the operand waits for the validation files' },
  { symptom: 'operand-unhealthy', cause: 'operand-unhealthy', on: 'node', when: (s, c) => component('driver')(c) && !symptomComponent('driver')(s), because: 'the operand waits for the driver pod' },

  // The runtime and the driver on a node.
  { symptom: 'nvidia-runtime-missing', cause: 'toolkit-config-unsupported', on: 'node', because: 'the toolkit could not write the nvidia runtime where the runtime reads it' },
  { symptom: 'nvidia-runtime-missing', cause: 'operand-taint-untolerated', on: 'node', when: (_s, c) => component('toolkit', 'driver')(c), because: 'the toolkit (or the driver it waits for) has no pod on the node' },
  { symptom: 'nvidia-runtime-missing', cause: 'operand-unhealthy', on: 'node', when: (_s, c) => component('toolkit')(c), because: 'the toolkit pod that configures the runtime is not running' },
  ...each('nvidia-runtime-missing', ['driver-not-loaded', 'driver-image-unavailable'], { on: 'node', when: (_s, _c, facts) => operatorRunsToolkit(facts), because: "the GPU Operator's toolkit waits for the driver before it configures the runtime" }),
  { symptom: 'containerd-config-invalid', cause: 'toolkit-config-unsupported', on: 'node', because: 'the toolkit wrote what containerd does not read' },
  { symptom: 'driver-not-loaded', cause: 'nouveau-loaded', on: 'node', because: 'nouveau holds the GPU' },
  { symptom: 'driver-not-loaded', cause: 'driver-image-unavailable', on: 'node', because: 'the driver container has no image to run' },
  { symptom: 'driver-not-loaded', cause: 'operand-taint-untolerated', on: 'node', when: (_s, c) => component('driver')(c), because: 'the driver DaemonSet has no pod on the node' },
  { symptom: 'driver-not-loaded', cause: 'operand-unhealthy', on: 'node', when: (_s, c) => component('driver')(c), because: 'the driver pod on the node is not running' },
  // A container without the host's libraries says "insufficient driver": the runtime, not the driver.
  { symptom: 'driver-too-old-for-cuda', cause: 'nvidia-runtime-not-selected', on: 'node', because: 'the pod runs without the NVIDIA runtime' },

  // The ClusterPolicy summarises the operands: the ones it names explain it.
  ...each('clusterpolicy-not-ready', ['validator-failed', 'operand-unhealthy', 'operand-taint-untolerated', 'driver-image-unavailable', 'toolkit-config-unsupported', 'nvidia-runtime-missing', 'driver-not-loaded', 'nouveau-loaded', 'driver-library-mismatch'], { on: 'cluster', when: namedByPolicy, because: 'an operand state it names is not ready' }),

  // Images.
  ...each('image-pull-failing', ['no-mirror-for-host', 'mirror-not-loaded'], { on: 'node', because: 'the node has no working mirror for the registry' }),
  { symptom: 'image-pull-failing', cause: 'driver-image-unavailable', on: 'image', because: 'the driver image tag does not exist for the OS' },
  { symptom: 'tf-operator-restarting', cause: 'image-pull-failing', on: 'pod', because: 'the restarted operator cannot pull its own image' },
  { symptom: 'tf-operator-restarting', cause: 'image-pull-failing', on: 'cluster', when: (_s, c) => c.images.some((i) => /greptime/.test(i)), because: 'its metrics store, GreptimeDB, cannot pull its image' },

  // Injection and the workloads that need it.
  ...each('device-count-assert', ['shell-drops-preload', 'injection-env-missing', 'env-dropped-by-child'], { on: 'pod', because: 'the process lost the injected environment' }),
  ...each('tf-worker-not-running', ['shell-drops-preload', 'injection-env-missing', 'env-dropped-by-child'], { on: 'pod', because: 'the process lost the injected environment' }),
  { symptom: 'tf-worker-not-running', cause: 'tf-schedule-failed', on: 'namespace', when: (s, c) => s.finding.subject.name.startsWith(`${c.finding.subject.name}-`), because: 'its workload found no GPU' },
  { symptom: 'bitfusion-not-injected', cause: 'bitfusion-annotation-invalid', on: 'pod', because: 'the webhook skips a pod with invalid annotations' },
  { symptom: 'gpu-metrics-missing', cause: 'servicemonitor-not-selected', on: 'cluster', because: 'Prometheus does not scrape the exporter' },
];
