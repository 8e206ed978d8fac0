// What to do when a validation step of the GPU Operator fails (the steps are src/data/validation-steps.ts):
// the commands that fix its layer, and the checks of gpuctl that look at that layer.
import type { CheckName } from '../catalogue.js';
import type { Fix } from '../model.js';
import { eitherOf } from '../model.js';

/** What makes vectorAdd fail on a node whose driver loaded. */
const CUDA_CAUSES: CheckName[] = ['driver-too-old-for-cuda', 'driver-library-mismatch', 'fabric-manager-not-running'];
import type { OperandContext } from './operands.js';
import { logsCommand } from './operands.js';
import { nvidiaRuntimeLookup } from './runtime.js';

const rerunValidator = (ctx: OperandContext) =>
  `kubectl delete pod -n ${ctx.namespace} ${ctx.pod}   # after the fix: the validation runs again`;

interface StepRemedy {
  /** Checks of gpuctl that look at the layer the step proves. */
  related: CheckName[];
  fix(ctx: OperandContext): Fix;
}

/** Keyed by init container name, as VALIDATION_STEPS is. */
export const STEP_REMEDIES: Record<string, StepRemedy> = {
  'driver-validation': {
    related: ['driver-not-loaded', 'nouveau-loaded', 'driver-library-mismatch'],
    fix: (ctx) => ({
      summary: 'Fix the driver first: read the driver container log, or check the host driver with nvidia-smi',
      commands: [
        logsCommand(ctx),
        `kubectl logs -n ${ctx.namespace} -l app.kubernetes.io/component=nvidia-driver -c nvidia-driver-ctr --tail=50`,
        `# on ${ctx.node ?? 'the node'}: nvidia-smi; lsmod | grep nvidia`,
        'gpuctl doctor --checks driver',
        rerunValidator(ctx),
      ],
    }),
  },
  'toolkit-validation': {
    related: ['nvidia-runtime-missing', 'runtime-binary-missing', 'runtimeclass-missing'],
    fix: (ctx) => ({
      summary: `Fix the runtime: read the toolkit container log and check the nvidia runtime in ${ctx.runtime ? `the ${ctx.runtime.name} config` : "the node's runtime config"}`,
      commands: [
        logsCommand(ctx),
        `kubectl logs -n ${ctx.namespace} -l app=nvidia-container-toolkit-daemonset -c nvidia-container-toolkit-ctr --tail=50`,
        `# on ${ctx.node ?? 'the node'}: ${ctx.runtime?.lookup ?? nvidiaRuntimeLookup(undefined, undefined)}`,
        'gpuctl doctor --checks runtime',
        rerunValidator(ctx),
      ],
    }),
  },
  'cuda-validation': {
    related: CUDA_CAUSES,
    fix: (ctx) => ({
      summary: `Read the vectorAdd output of the CUDA validator: it names what fails (see ${eitherOf(CUDA_CAUSES)})`,
      commands: [
        logsCommand(ctx),
        `kubectl logs -n ${ctx.namespace} -l app=nvidia-cuda-validator -c cuda-validation --tail=50`,
        `gpuctl doctor --checks ${eitherOf(CUDA_CAUSES, ',')}`,
        rerunValidator(ctx),
      ],
    }),
  },
  'plugin-validation': {
    related: ['gpu-not-allocatable', 'gpu-held-by-finished-pod', 'unexpected-admission-error', 'operand-unhealthy'],
    fix: (ctx) => ({
      summary: 'Make a GPU allocatable and free on the node: a healthy device plugin, and no finished pod holding the GPU',
      commands: [
        logsCommand(ctx),
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

/** A step the table does not know: the generic advice, named after its init container. */
function unknownStep(name: string): StepRemedy {
  return {
    related: ['operand-unhealthy'],
    fix: (ctx) => ({
      summary: `Read the ${name} log and fix the component it names`,
      commands: [
        `kubectl logs -n ${ctx.namespace} ${ctx.pod} -c ${name}${ctx.previous ? ' --previous' : ''} --tail=100`,
        `kubectl delete pod -n ${ctx.namespace} ${ctx.pod}   # after the fix: the validation runs again`,
      ],
    }),
  };
}

export function stepRemedy(step: string): StepRemedy {
  return STEP_REMEDIES[step] ?? unknownStep(step);
}
