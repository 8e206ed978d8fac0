// The validation steps of the GPU Operator as data: the init containers of nvidia-operator-validator
// and of the workload validators, what each proves and which operand it waits for. The fix and the
// related checks of each step are src/remedies/validation.ts's.

export interface ValidationStep {
  stage: string;
  /** The operand whose readiness the step proves (or waits for, in the operands' own init containers). */
  component: string;
  /** The layer to fix when the step fails. */
  layer: string;
  /** What the step does, in words. */
  does: string;
}

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
  },
  'toolkit-validation': {
    stage: 'toolkit',
    component: 'toolkit',
    layer: 'the container runtime (NVIDIA Container Toolkit, the nvidia runtime in containerd or CRI-O)',
    does: 'runs nvidia-smi in a plain container, which works only when the NVIDIA runtime injects the driver into it',
  },
  'cuda-validation': {
    stage: 'cuda',
    component: 'driver',
    layer: 'a CUDA workload on the driver (driver version against the CUDA of the validator image)',
    does: 'starts the nvidia-cuda-validator pod, which runs the vectorAdd CUDA sample on the node',
  },
  'plugin-validation': {
    stage: 'plugin',
    component: 'device-plugin',
    layer: 'the device plugin and the node\'s allocatable nvidia.com/gpu',
    does: 'waits until the node advertises nvidia.com/gpu, then starts the nvidia-device-plugin-validator pod, which asks for one GPU',
  },
};

/** The layer a step proves, naming the node's runtime where it is known ("CRI-O", "k3s' containerd"). */
export function stepLayer(step: ValidationStep, runtime: string | undefined): string {
  return step.stage === 'toolkit' && runtime ? `the container runtime (NVIDIA Container Toolkit, the nvidia runtime in ${runtime})` : step.layer;
}

/** A step the table does not know (newer operators add some): still named, with what its name says. */
export function validationStep(name: string): ValidationStep {
  return (
    VALIDATION_STEPS[name] ?? {
      stage: name.replace(/-validation$/, ''),
      component: name.replace(/-validation$/, ''),
      layer: `the component that ${name} validates`,
      does: `the validation step ${name}`,
    }
  );
}
