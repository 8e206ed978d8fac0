// The shape of a troubleshooting playbook (gpuctl playbook, the end of the doctor's report): each step is a
// question an operator asks, the commands that answer it by hand, and the findings that mean "this step
// failed". A stack's playbook is written in its module (src/stacks/<id>.ts `playbook:`); the walk over
// them is src/playbook/. Layers give the dependency order: fix the driver before the validator.
export const LAYERS = [
  'hardware',
  'driver',
  'toolkit',
  'runtime',
  'nodes',
  'operator',
  'scheduling',
  'registry',
  'workload',
  'injection',
  'stack',
  'monitoring',
] as const;
export type Layer = (typeof LAYERS)[number];

export interface PlaybookStep {
  id: string;
  layer: Layer;
  title: string;
  /** The title in Simplified Chinese (`--lang zh-CN`). */
  zh?: string;
  /** The commands the seed tells a person to run to answer the question. */
  verify: readonly string[];
  /** Finding names that mean this step failed. */
  findings: readonly string[];
}

export interface Playbook {
  id: string;
  title: string;
  /** The title in Simplified Chinese (`--lang zh-CN`). */
  zh?: string;
  /** The seed document and section it follows. */
  source: string;
  steps: readonly PlaybookStep[];
}

/** A step as written: its Chinese title beside the English one. */
export type StepDefinition = Omit<PlaybookStep, 'zh'> & { zh: string };

/**
 * A stack's playbook as written: its id is the stack's (`gpuctl playbook --stack ID`). Its findings are
 * plain strings here (the catalogue's categories come from the stacks, so naming `CheckName` would be
 * circular); src/playbook/steps.ts makes a name that is not in the catalogue a type error.
 */
export interface StackPlaybook extends Omit<Playbook, 'id' | 'steps' | 'zh'> {
  zh: string;
  steps: readonly StepDefinition[];
}
