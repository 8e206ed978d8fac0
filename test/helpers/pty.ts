// gpuctl in a real pseudo-terminal, as a person runs it: util-linux `script` gives it a terminal (stdin,
// stdout and stderr all a tty, the spinner on), and a key pressed is a byte written to the terminal — the
// terminal driver, or whoever reads it in raw mode, turns Ctrl-C into the interrupt.
import { spawn } from 'node:child_process';
import { BIN, ROOT } from './cli.js';
import { which } from './sandbox.js';

export const SCRIPT = which('script') ?? '';
/** By its path: a sandbox's PATH (test/helpers/sandbox.ts) has no stty. */
const STTY = which('stty') || '/bin/stty';
const SETSID = which('setsid') || '/usr/bin/setsid';

/** How to get `script` where it is missing (.ci/run installs it). */
export const SCRIPT_MISSING = 'the interrupt tests need util-linux `script` (Debian/Ubuntu: apt-get install bsdutils)';

export interface PtyResult {
  /** gpuctl's exit status, as the shell in the terminal saw it. */
  exitCode: number;
  /** What the terminal showed, escape sequences and carriage returns removed. */
  screen: string;
  /** `stty -a` after gpuctl ended: the mode gpuctl left the terminal in. */
  stty: string;
  /** Milliseconds from the last key pressed to gpuctl's end. */
  afterKeyMs: number;
}

export interface PtyRun {
  /** The screen so far (cleaned as in PtyResult). */
  screen(): string;
  /** Types bytes on the terminal's keyboard (`\x03` is Ctrl-C). */
  press(keys: string): void;
  /** The terminal goes away (a dropped ssh session): `script` killed, the terminal hung up; `done` then rejects. */
  hangUp(): void;
  done: Promise<PtyResult>;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const EXIT_MARK = '__GPUCTL_EXIT=';

export function clean(raw: string): string {
  return raw
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b\][^\x07]*\x07/g, '')
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n');
}

/**
 * Runs `gpuctl ARGS` in a pseudo-terminal of 120×40; `stty` sets the terminal's mode first (`-isig`).
 * `env` is gpuctl's whole environment beside PATH and HOME. `ownSession`: gpuctl in a session of its own
 * (`setsid`), its output still the terminal, so that a hang-up reaches it only as writes failing with EIO.
 */
export function gpuctlInPty(args: string[], env: Record<string, string>, options: { stty?: string; timeoutMs?: number; ownSession?: boolean } = {}): PtyRun {
  const command = [
    `${STTY} cols 120 rows 40`,
    ...(options.stty ? [`${STTY} ${options.stty}`] : []),
    `${options.ownSession ? `${quote(SETSID)} -w ` : ''}${quote(BIN)} ${args.map(quote).join(' ')}`,
    `echo "${EXIT_MARK}$?"`,
    `${STTY} -a`,
  ].join('; ');
  const child = spawn(SCRIPT, ['-qfc', command, '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', LANG: 'C.UTF-8', SHELL: '/bin/sh', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  let lastKey = Date.now();
  const done = new Promise<PtyResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gpuctl did not end within ${options.timeoutMs ?? 40_000}ms; the screen:\n${clean(raw).slice(-2000)}`));
    }, options.timeoutMs ?? 40_000);
    child.on('exit', () => {
      clearTimeout(timer);
      const screen = clean(raw);
      const mark = screen.lastIndexOf(EXIT_MARK);
      if (mark < 0) return reject(new Error(`no exit status on the screen:\n${screen.slice(-2000)}`));
      const exitCode = Number(/^\d+/.exec(screen.slice(mark + EXIT_MARK.length))?.[0]);
      resolve({ exitCode, screen: screen.slice(0, mark), stty: screen.slice(mark), afterKeyMs: Date.now() - lastKey });
    });
  });
  return {
    screen: () => clean(raw),
    press: (keys) => {
      lastKey = Date.now();
      child.stdin.write(keys);
    },
    hangUp: () => {
      done.catch(() => undefined);
      child.kill('SIGKILL');
    },
    done,
  };
}

/** gpuctl's own lines on the screen (`gpuctl: …`), without the spinner frames drawn before them. */
export function gpuctlLines(screen: string): string[] {
  return screen
    .split('\n')
    .map((line) => line.slice(Math.max(0, line.indexOf('gpuctl: '))))
    .filter((line) => line.startsWith('gpuctl: '));
}

/** Whether a setting is on in `stty -a` output (`isig`, not `-isig`). */
export function sttyHas(stty: string, flag: string): boolean {
  return new RegExp(`(^|\\s)${flag}(\\s|$)`).test(stty);
}
