// Runs a plan: gates, then each step's need → commands → verify; stops at the first failure or Ctrl-C.
import { deferInterrupts, type InterruptSignal, onInterrupt, signalExitCode } from '../interrupt.js';
import { ActionRunner, describeAction } from './actions.js';
import { diagnose } from './diagnose.js';
import { displayArgv } from './exec.js';
import type { PlannedCommand, RunResult, StepRecord } from './render.js';
import { isMutating, isRun, type Action, type Gate, type InstallContext, type Phase, type Step } from './types.js';

export interface RunnerIO {
  /** The plan and results, for a person (text mode only). */
  out(text: string): void;
  /** Progress lines (stdout in text mode, stderr with -o json). */
  progress(line: string): void;
  /** y/N on a terminal; undefined when there is no terminal to ask. */
  confirm?(question: string): Promise<boolean>;
}

export interface PlanSpec {
  command: 'install' | 'uninstall';
  phases: Phase[];
  gates: Gate[];
  steps: Step[];
  /** The header: what was detected; a function is called after the gates (it may say what they found missing). */
  context: string[] | ((ctx: InstallContext) => Promise<string[]>);
}

/**
 * An interrupt (src/interrupt.ts) between commands: finish the one running, then stop. A second one aborts it
 * (the running commands are killed) and exits at once.
 */
class Interrupt {
  requested = false;
  signal: InterruptSignal = 'SIGINT';
  private readonly undo: (() => void)[] = [];
  constructor(
    private readonly onFirst: (signal: InterruptSignal) => void,
    private readonly onAbort: () => void,
  ) {}
  arm(): void {
    this.undo.push(
      deferInterrupts((signal) => {
        this.requested = true;
        this.signal = signal;
        this.onFirst(signal);
      }),
      onInterrupt({ stop: () => this.onAbort() }),
    );
  }
  disarm(): void {
    for (const undo of this.undo.splice(0)) undo();
  }
  get exitCode(): number {
    return signalExitCode(this.signal);
  }
}

export function plannedCommands(actions: Action[], root: string): PlannedCommand[] {
  return actions.map((a) => ({
    display: describeAction(a, root),
    ...(isRun(a) ? { argv: a.kind === 'run' ? a.argv : a.argvs.flatMap((x, i) => (i ? ['|', ...x] : x)) } : {}),
    mutating: isMutating(a),
    ...(a.kind === 'run' && a.note ? { note: a.note } : {}),
  }));
}

/** Gates and needs: the whole plan, before anything changes. */
export async function makePlan(ctx: InstallContext, spec: PlanSpec): Promise<RunResult> {
  const result: RunResult = {
    command: spec.command,
    ...(spec.command === 'install' ? { profile: ctx.options.profile } : {}),
    phases: spec.phases,
    dryRun: ctx.options.dryRun,
    outcome: 'planned',
    exitCode: 0,
    context: [],
    steps: [],
    blocked: [],
    backups: [],
    notes: [],
    verify: [],
  };
  const dryRun = ctx.options.dryRun;
  for (const gate of spec.gates) {
    // One stop per phase (no GPU question on an OS gpuctl cannot install on), except in a dry run, which lists
    // every missing prerequisite.
    if (!dryRun && result.blocked.some((b) => spec.gates.find((g) => g.id === b.gate)?.phase === gate.phase)) continue;
    const blocker = await gate.check(ctx);
    if (blocker) result.blocked.push({ ...blocker, gate: gate.id });
  }
  const blockedPhases = new Set(spec.gates.filter((g) => result.blocked.some((b) => b.gate === g.id)).map((g) => g.phase));
  for (const phase of blockedPhases) ctx.blockedPhases.add(phase);
  result.context = typeof spec.context === 'function' ? await spec.context(ctx) : spec.context;
  for (const step of spec.steps) {
    if (blockedPhases.has(step.phase)) {
      // A failed gate (no GPU, no helm) stops the phase: a real run shows the gate alone; a dry run still shows
      // each step, marked with the prerequisites it waits for.
      if (dryRun) result.steps.push(await waitingStep(ctx, spec, step, result));
      continue;
    }
    const need = await step.needed(ctx);
    const commands = need.needed || need.blocked ? plannedCommands(await step.commands(ctx), ctx.root) : [];
    const record: StepRecord = {
      id: step.id,
      phase: step.phase,
      title: step.title,
      status: need.blocked ? 'blocked' : need.needed ? 'needed' : 'satisfied',
      reason: need.reason,
      commands,
      ...(need.blocked ? { blocked: need.blocked } : {}),
    };
    result.steps.push(record);
    if (need.blocked) result.blocked.push({ ...need.blocked, step: step.id });
  }
  return result;
}

/** A step of a blocked phase in a dry run: its commands as far as they can be known, and what it waits for. */
async function waitingStep(ctx: InstallContext, spec: PlanSpec, step: Step, result: RunResult): Promise<StepRecord> {
  const gates = spec.gates.filter((g) => g.phase === step.phase && (step.requires ?? [g.id]).includes(g.id)).map((g) => g.id);
  const missing = result.blocked.filter((b) => b.gate && gates.includes(b.gate)).map(({ gate: _g, step: _s, ...b }) => b);
  const hidden = spec.gates.some((g) => g.hidesCommands && gates.includes(g.id) && result.blocked.some((b) => b.gate === g.id));
  let commands: PlannedCommand[] = [];
  try {
    if (!hidden) commands = plannedCommands(await step.commands(ctx), ctx.root);
  } catch {
    // The commands depend on facts the missing prerequisite hides (helm's releases): the title says what it does.
  }
  if (missing.length === 0) {
    // Its own prerequisites are there (kubectl, not helm): plan it as usual.
    const need = await step.needed(ctx);
    return { id: step.id, phase: step.phase, title: step.title, status: need.needed ? 'needed' : 'satisfied', reason: need.reason, commands: need.needed ? commands : [] };
  }
  return {
    id: step.id,
    phase: step.phase,
    title: step.title,
    status: 'blocked',
    reason: `waits for ${missing.map((b) => b.code).join(', ')}`,
    commands,
    missing,
  };
}

/** Carries out a plan made by makePlan. Returns the same result, filled in. */
export async function executePlan(ctx: InstallContext, spec: PlanSpec, result: RunResult, io: RunnerIO): Promise<RunResult> {
  if (result.blocked.length) return finish(result, 'blocked', 2);
  const needed = result.steps.filter((s) => s.status === 'needed');
  if (ctx.options.dryRun) return finish(result, 'planned', 0);
  if (needed.length === 0) return finish(result, 'nothing-to-do', 0);

  if (!ctx.options.yes) {
    const question = `Run ${needed.length} step(s), ${needed.flatMap((s) => s.commands).filter((c) => c.mutating).length} change(s)? [y/N] `;
    if (!io.confirm) {
      result.notes.push('refusing to change the system without confirmation: there is no terminal to ask; pass --yes (or --dry-run to see the plan)');
      return finish(result, 'refused', 2);
    }
    if (!(await io.confirm(question))) {
      result.notes.push('not confirmed: nothing was changed');
      return finish(result, 'refused', 2);
    }
  }

  const actions = new ActionRunner(ctx.exec, ctx.root);
  result.backups = actions.backups;
  const interrupt = new Interrupt(
    (signal) => io.progress(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after the current command (press Ctrl-C again to abort it now)`),
    () => ctx.exec.killRunning(),
  );
  interrupt.arm();
  try {
    const total = result.steps.length;
    for (const [index, step] of spec.steps.entries()) {
      const record = result.steps.find((r) => r.id === step.id)!;
      if (interrupt.requested) {
        markRest(result, index);
        return finish(result, 'interrupted', interrupt.exitCode);
      }
      // Facts may have changed since the plan (an earlier step installed something): ask again.
      const need = await step.needed(ctx);
      if (need.blocked) {
        record.status = 'failed';
        record.blocked = need.blocked;
        record.failure = { message: `${need.blocked.code}: ${need.blocked.message}${need.blocked.hint ? ` — ${need.blocked.hint}` : ''}` };
        markRest(result, index + 1);
        return finish(result, 'failed', 1);
      }
      if (!need.needed) {
        if (record.status === 'needed') io.progress(`[${index + 1}/${total}] ${step.id}: already satisfied now (${need.reason})`);
        record.status = 'satisfied';
        record.reason = need.reason;
        continue;
      }
      const stepActions = await step.commands(ctx);
      record.commands = plannedCommands(stepActions, ctx.root);
      record.reason = need.reason;
      io.progress(`[${index + 1}/${total}] ${step.id}: ${step.title}`);
      for (const action of stepActions) {
        const shown = describeAction(action, ctx.root);
        if (isRun(action)) io.progress(`  $ ${shown.split('\n')[0]}`);
        const outcome = await actions.perform(action);
        if (!outcome.ok) {
          const r = outcome.result;
          const output = r ? `${r.stderr}\n${r.stdout}` : (outcome.error ?? '');
          const diagnosis = diagnose(output, step.phase, !!r?.timedOut, isRun(action) ? (ctx.options.commandTimeoutMs ?? action.timeoutMs) : undefined);
          record.status = 'failed';
          record.failure = {
            message: r
              ? r.missing
                ? `${r.argv[0]} is not installed (not found on PATH)`
                : r.timedOut
                  ? `${displayArgv(r.argv)} timed out`
                  : `${displayArgv(r.argv)} exited with ${r.exitCode}`
              : `${shown}: ${outcome.error}`,
            command: shown,
            ...(r ? { exitCode: r.exitCode, stderr: r.stderr || r.stdout } : {}),
            ...(diagnosis ? { diagnosis } : {}),
          };
          markRest(result, index + 1);
          return finish(result, 'failed', 1);
        }
        if (isRun(action) && interrupt.requested && action !== stepActions[stepActions.length - 1]) {
          record.status = 'interrupted';
          record.reason = `stopped after: ${shown}`;
          markRest(result, index + 1);
          return finish(result, 'interrupted', interrupt.exitCode);
        }
      }
      // Internal actions (files written) may change any host fact: forget everything then.
      ctx.refresh(stepActions.every(isRun) ? stepActions.map((a) => (a.kind === 'run' ? a.argv : a.argvs.flat())) : []);
      ctx.done.add(step.id);
      const verdict = await step.verify(ctx);
      if (!verdict.ok) {
        record.status = 'failed';
        record.failure = { message: `the commands ran, but the check after them failed: ${verdict.detail}` };
        markRest(result, index + 1);
        return finish(result, 'failed', 1);
      }
      record.status = 'done';
      record.detail = verdict.detail;
      io.progress(`  ✓ ${verdict.detail}`);
    }
    if (interrupt.requested) return finish(result, 'interrupted', interrupt.exitCode);
    return finish(result, 'ok', 0);
  } finally {
    interrupt.disarm();
  }
}

function markRest(result: RunResult, from: number): void {
  for (const record of result.steps.slice(from)) if (record.status === 'needed') record.status = 'not-run';
}

function finish(result: RunResult, outcome: RunResult['outcome'], exitCode: number): RunResult {
  result.outcome = outcome;
  result.exitCode = exitCode;
  return result;
}
