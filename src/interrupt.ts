// Interrupts: Ctrl-C (SIGINT), SIGTERM, SIGHUP (the terminal or ssh session went away) and SIGQUIT (Ctrl-\)
// stop any command at once. One handler serves the whole process: on the first signal it stops the spinner,
// silences the command's own output (a half-finished report or an error about a pod the cleanup just deleted
// must not follow), runs what the command registered (probe pods and DaemonSets deleted, temp files removed),
// says in one line what it cleaned up, and exits 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM,
// 129 for SIGHUP, 131 for SIGQUIT), as a shell reports a command ended by that signal. A second signal
// exits at once with one line naming what is left.
//
// The terminal: a spinner library that puts the terminal in raw mode to hide typed keys also turns off the
// terminal's own Ctrl-C (-isig), and then nothing reads the key. So while a command waits on a terminal
// (watchTerminal), gpuctl reads the keys itself: Ctrl-C and Ctrl-\ become the interrupts whatever the
// terminal's mode, Ctrl-Z still suspends, other keys are discarded; the mode is restored when gpuctl ends.
import { constants } from 'node:os';
import type { ReadStream } from 'node:tty';

export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** 128 + the signal's number: what a shell reports for a command ended by that signal. */
export function signalExitCode(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** The signal as the user caused it. */
export function signalName(signal: InterruptSignal): string {
  return signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : signal === 'SIGHUP' ? 'SIGHUP (the terminal went away)' : signal;
}

export interface Cleanup {
  /** Synchronous, before the output is silenced: stop a spinner, restore the cursor. */
  stop?(): void;
  /** What the interrupted command must undo; returns the words for the one line ("deleted pod …"). */
  run?(signal: InterruptSignal): Promise<string | undefined> | string | undefined;
  /** On a second signal: what is still left, with the command that removes it. */
  leftover?(): string | undefined;
}

const cleanups = new Set<Cleanup>();
/** A command that stops by itself on the first signal (install finishes the running command): it gets it. */
let deferred: ((signal: InterruptSignal) => void) | undefined;
let interrupting: InterruptSignal | undefined;
/** The first signal received, deferred or not. */
let received: InterruptSignal | undefined;
let installed = false;
/** The most an interrupted command spends cleaning up (each cleanup has its own, shorter limit). */
export const INTERRUPT_LIMIT_MS = 20_000;
/** stderr's write as it was before muting: the interrupt's own line goes through it. */
let writeErr = (text: string) => process.stderr.write(text);

/** Registers what to undo on an interrupt; returns the function that unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * While `handler` is registered, the first signal goes to it and the command ends itself (with
 * signalExitCode); a second one interrupts as usual. Returns the function that unregisters it.
 */
export function deferInterrupts(handler: (signal: InterruptSignal) => void): () => void {
  deferred = handler;
  return () => {
    if (deferred === handler) deferred = undefined;
  };
}

/** Whether an interrupt is being handled (its cleanup is running). */
export function isInterrupting(): boolean {
  return interrupting !== undefined;
}

/** The first interrupt received (also one a command handles itself), if any. */
export function interruptedBy(): InterruptSignal | undefined {
  return received;
}

/** Installs the process's handlers for the four signals; once. */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, () => interrupt(signal));
}

/** The interrupt itself: from a signal, the terminal's Ctrl-C key, or a prompt's. */
export function interrupt(signal: InterruptSignal): void {
  if (interrupting) return again(signal);
  received ??= signal;
  if (deferred) {
    const handler = deferred;
    deferred = undefined;
    handler(signal);
    return;
  }
  interrupting = signal;
  const active = [...cleanups];
  for (const c of active) safely(() => c.stop?.());
  mute();
  const runs = active.map(async (c) => {
    try {
      return (await c.run?.(signal)) ?? undefined;
    } catch (err) {
      return `cleanup failed: ${(err as Error).message}`;
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), INTERRUPT_LIMIT_MS)));
  void Promise.race([Promise.all(runs), late]).then((said) => {
    clearTimeout(timer);
    if (said === 'late') {
      const left = active.map((c) => c.leftover?.()).filter((s): s is string => !!s);
      say(`interrupted by ${signalName(signal)}; the cleanup did not finish within ${INTERRUPT_LIMIT_MS / 1000}s${left.length ? `; ${left.join('; ')}` : ''}`);
    } else {
      const words = said.filter((s): s is string => !!s);
      say(`interrupted by ${signalName(signal)}${words.length ? `; ${words.join('; ')}` : ''}`);
    }
    exit(signalExitCode(signal));
  });
}

function again(signal: InterruptSignal): void {
  const left = [...cleanups].map((c) => c.leftover?.()).filter((s): s is string => !!s);
  say(`interrupted again by ${signalName(signal)}: stopped the cleanup${left.length ? `; ${left.join('; ')}` : ''}`);
  exit(signalExitCode(signal));
}

/** One line on stderr; a terminal that went away (SIGHUP) must not stop the cleanup. */
function say(line: string): void {
  safely(() => writeErr(`gpuctl: ${line}\n`));
}

function exit(code: number): void {
  restoreTerminal();
  process.exit(code);
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // stderr closed, a spinner already stopped: nothing to add
  }
}

/** From now on the command's own writes go nowhere; only the interrupt's line is written. */
function mute(): void {
  writeErr = process.stderr.write.bind(process.stderr);
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}

// --- the terminal ---------------------------------------------------------------------------------------

const CTRL_C = 0x03;
const CTRL_BACKSLASH = 0x1c;
const CTRL_Z = 0x1a;

interface Watch {
  stdin: ReadStream;
  wasRaw: boolean;
  onData: (chunk: Buffer) => void;
}
let watch: Watch | undefined;

/**
 * While a command waits with a person at the terminal (stdin and stderr are terminals), gpuctl reads the
 * keys: Ctrl-C and Ctrl-\ interrupt even in raw mode or with the terminal's signals off, typed keys do not
 * garble the spinner. Prompts call pauseTerminalWatch() first. Does nothing off a terminal.
 */
export function watchTerminal(): void {
  const stdin = process.stdin as ReadStream;
  if (watch || !stdin.isTTY || !process.stderr.isTTY || typeof stdin.setRawMode !== 'function') return;
  const onData = (chunk: Buffer | string) => {
    for (const byte of Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)) {
      if (byte === CTRL_C) return interrupt('SIGINT');
      if (byte === CTRL_BACKSLASH) return interrupt('SIGQUIT');
      if (byte === CTRL_Z) return suspend();
    }
  };
  try {
    watch = { stdin, wasRaw: stdin.isRaw, onData };
    stdin.setRawMode(true);
  } catch {
    watch = undefined; // a terminal that refuses raw mode keeps its own Ctrl-C
    return;
  }
  stdin.on('data', onData);
  // A terminal that went away (its SIGHUP follows) fails the read with EIO: not a crash.
  if (!stdin.listenerCount('error')) stdin.on('error', () => restoreTerminal());
  stdin.resume();
  // Reading the terminal must not keep gpuctl alive once the command is done.
  stdin.unref();
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', restoreTerminal);
  }
}
let exitHooked = false;

/** Gives the terminal back as it was (before a prompt, at exit). */
export function pauseTerminalWatch(): void {
  restoreTerminal();
}

function restoreTerminal(): void {
  if (!watch) return;
  const { stdin, wasRaw, onData } = watch;
  watch = undefined;
  stdin.off('data', onData);
  safely(() => stdin.setRawMode(wasRaw));
  stdin.pause();
  stdin.ref();
}

/** Ctrl-Z in raw mode: give the terminal back, stop as the shell expects, and take it again on `fg`. */
function suspend(): void {
  restoreTerminal();
  process.once('SIGCONT', () => watchTerminal());
  process.kill(process.pid, 'SIGTSTP');
}

/**
 * A question on the terminal (y/N, a --fix choice): the keys go to the prompt while it is open, and its
 * Ctrl-C interrupts as a signal would (readline alone would only close the prompt).
 */
export async function askOnTerminal(question: string): Promise<string> {
  const watching = watch !== undefined;
  pauseTerminalWatch();
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  rl.on('SIGINT', () => interrupt('SIGINT'));
  try {
    return await rl.question(question);
  } finally {
    rl.close();
    if (watching) watchTerminal();
  }
}

/**
 * A temporary file or directory removed if an interrupt comes before the code that made it removes it
 * itself (process.exit skips its `finally`). `shown`: the path is beside the user's output (a partial
 * bundle) and the interrupt's line names it. Returns the function that unregisters it.
 */
export function removeOnInterrupt(target: string, shown = false): () => void {
  return onInterrupt({
    run: async () => {
      const { rm } = await import('node:fs/promises');
      await rm(target, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      return shown ? `removed the partial ${target}` : undefined;
    },
  });
}
