// The install plan is data: steps that say whether they are needed, what they run, and how to verify.
import type { ClusterFacts } from './cluster-facts.js';
import type { Exec } from './exec.js';
import type { HostFacts } from './host-facts.js';
import type { InstallOptions } from './options.js';

export type Phase = 'host' | 'cluster';

/** A program run with an argv array, never through a shell. */
export interface RunAction {
  kind: 'run';
  argv: string[];
  /** Changes the system. A run on an installed system executes no mutating action. */
  mutating: boolean;
  /** Written to the program's stdin (e.g. a manifest for `kubectl apply -f -`). */
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Shown next to the command in the plan, e.g. what a dry run cannot know yet. */
  note?: string;
}

/** `a | b | c`, each an argv array (the official curl | gpg --dearmor route). */
export interface PipeAction {
  kind: 'pipe';
  argvs: string[][];
  mutating: boolean;
  timeoutMs?: number;
}

/** Internal actions run in-process; each says what it does in the plan. */
export type InternalAction =
  /** Copy a file into this run's backup directory before it changes (skipped when the file does not exist). */
  | { kind: 'backup'; path: string }
  | { kind: 'mkdir'; path: string }
  | { kind: 'write-file'; path: string; content: string }
  /** Seed a file from another when it does not exist yet (k3s config template from the rendered config). */
  | { kind: 'copy'; from: string; to: string }
  /** Restart-pending markers survive an interrupted run, so a re-run still restarts the runtime. */
  | { kind: 'mark'; marker: string }
  | { kind: 'unmark'; marker: string };

export type Action = RunAction | PipeAction | InternalAction;

/** Why a step cannot go ahead; the run stops before any change. */
export interface Blocker {
  /** Stable code, e.g. no-nvidia-pci-device, secure-boot-unsigned-driver, apt-locked. */
  code: string;
  message: string;
  hint?: string;
  /** Commands a person can run instead, one a line. */
  manual?: string[];
}

export interface Need {
  needed: boolean;
  /** The evidence: why it is needed, or why it is already satisfied. */
  reason: string;
  blocked?: Blocker;
}

export interface Verdict {
  ok: boolean;
  detail: string;
}

export interface Step {
  id: string;
  phase: Phase;
  title: string;
  needed(ctx: InstallContext): Promise<Need>;
  commands(ctx: InstallContext): Promise<Action[]>;
  verify(ctx: InstallContext): Promise<Verdict>;
  /** The gates (ids) it cannot run without; default: every gate of its phase. */
  requires?: string[];
}

/** A check of the whole phase that runs before planning its steps (OS, NVIDIA device, helm). */
export interface Gate {
  id: string;
  phase: Phase;
  title: string;
  check(ctx: InstallContext): Promise<Blocker | undefined>;
  /** When it fails, the steps' commands are not known either (an OS without install commands): a dry run shows none. */
  hidesCommands?: boolean;
}

export interface InstallContext {
  options: InstallOptions;
  /** Host filesystem root ('' on a real node; a temporary directory in tests). */
  root: string;
  exec: Exec;
  host: HostFacts;
  cluster: ClusterFacts;
  /** Steps of this run that changed something, by id (values and notes depend on them). */
  done: Set<string>;
  /** Phases whose gates failed: this run will not carry them out (a dry run still shows their steps). */
  blockedPhases: Set<Phase>;
  /** Forget cached probe results after a step changed the system (by the argv it ran; none: all). */
  refresh(changed?: string[][]): void;
}

export function isRun(action: Action): action is RunAction | PipeAction {
  return action.kind === 'run' || action.kind === 'pipe';
}

export function isMutating(action: Action): boolean {
  return isRun(action) ? action.mutating : action.kind !== 'backup';
}
