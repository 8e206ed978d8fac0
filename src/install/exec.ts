// Every program gpuctl install runs goes through here: argv arrays (no shell), a time limit each, stderr kept.

export interface CommandResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The program is not installed (spawn ENOENT). */
  missing: boolean;
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export const PROBE_TIMEOUT_MS = 30_000;

/** Probes whose answer a run does not change: the tools' versions, the PCI bus. */
const STABLE = [/^helm version/, /^kubectl( --\S+ \S+)* version/, /^lspci /];

/** A command that changed something → the probes whose answers it can have changed. */
const INVALIDATES: [RegExp, RegExp][] = [
  [/^helm repo (add|update)/, /^helm repo list/],
  [/^helm (upgrade|uninstall)/, /^helm (list|get)|get pods/],
  [/^kubectl .*\b(apply|delete)\b/, /^kubectl .*\bget runtimeclass/],
  [/^kubectl .*\blabel nodes\b/, /^kubectl .*\bget nodes/],
];
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;

export class Exec {
  private readonly cache = new Map<string, Promise<CommandResult>>();
  private readonly running = new Set<Killable>();
  /** Every read-only probe run so far, in order (for --debug and the JSON report). */
  readonly probes: string[][] = [];

  constructor(private readonly timeoutOverrideMs?: number) {}

  /** A read-only command; the same argv answers from cache until forget(). Never throws. */
  probe(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
    const key = JSON.stringify([argv, options.input ?? null]);
    let result = this.cache.get(key);
    if (!result) {
      this.probes.push(argv);
      result = this.spawn([argv], { timeoutMs: PROBE_TIMEOUT_MS, ...options });
      this.cache.set(key, result);
    }
    return result;
  }

  /**
   * Forget cached probes after commands changed the system. A known change forgets only what it can have
   * changed (helm repo add → helm repo list); anything else forgets every probe but the stable ones.
   */
  forget(changed: string[][] = []): void {
    const rules = changed.map((argv) => INVALIDATES.find(([by]) => by.test(argv.join(' '))));
    for (const key of [...this.cache.keys()]) {
      const [argv] = JSON.parse(key) as [string[]];
      const line = argv.join(' ');
      if (STABLE.some((re) => re.test(line))) continue;
      if (rules.length === 0 || rules.some((rule) => !rule || rule[1].test(line))) this.cache.delete(key);
    }
  }

  /** A command that may change the system. */
  run(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
    return this.spawn([argv], { ...options, timeoutMs: this.timeoutOverrideMs ?? options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS });
  }

  pipe(argvs: string[][], options: RunOptions = {}): Promise<CommandResult> {
    return this.spawn(argvs, { ...options, timeoutMs: this.timeoutOverrideMs ?? options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS });
  }

  /** Second Ctrl-C: stop what is running now. */
  killRunning(): void {
    for (const sub of this.running) sub.kill('SIGTERM');
  }

  private async spawn(argvs: string[][], options: RunOptions): Promise<CommandResult> {
    const { execa } = await import('execa');
    const started = Date.now();
    const common = {
      reject: false,
      timeout: options.timeoutMs,
      env: options.env,
      // Own process group: a Ctrl-C in the terminal reaches gpuctl only, which lets the command finish.
      detached: true,
      stripFinalNewline: false,
    } as const;
    const [first, ...rest] = argvs as [string[], ...string[][]];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- execa's pipe() types differ per options
    let sub: any = execa(first[0]!, first.slice(1), {
      ...common,
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    });
    const subs: Killable[] = [sub];
    for (const argv of rest) {
      sub = sub.pipe(argv[0]!, argv.slice(1), common);
      subs.push(sub);
    }
    for (const s of subs) this.running.add(s);
    try {
      const result = (await sub) as unknown as ExecaLike;
      const chain = flatten(result);
      const failed = chain.find((r) => r.failed) ?? chain[chain.length - 1]!;
      return {
        argv: argvs.flatMap((a, i) => (i ? ['|', ...a] : a)),
        exitCode: failed.exitCode ?? (failed.failed ? 1 : 0),
        stdout: String(result.stdout ?? ''),
        stderr: chain.map((r) => String(r.stderr ?? '')).filter(Boolean).join('\n') || (failed.failed && failed.exitCode === undefined ? String(failed.shortMessage ?? '') : ''),
        missing: chain.some((r) => r.code === 'ENOENT'),
        timedOut: chain.some((r) => r.timedOut),
        durationMs: Date.now() - started,
      };
    } finally {
      for (const s of subs) this.running.delete(s);
    }
  }
}

interface Killable {
  kill(signal?: NodeJS.Signals): unknown;
}

interface ExecaLike {
  failed: boolean;
  exitCode?: number;
  stdout?: unknown;
  stderr?: unknown;
  code?: string;
  timedOut?: boolean;
  shortMessage?: string;
  pipedFrom?: ExecaLike[];
}

/** a | b | c comes back as c with pipedFrom [b with pipedFrom [a]]: first to last. */
function flatten(result: ExecaLike): ExecaLike[] {
  const before = (result.pipedFrom ?? []).flatMap(flatten);
  return [...before, result];
}

/** How a command is shown to a person: shell-quoted where needed, ready to paste. */
export function displayArgv(argv: string[]): string {
  return argv.map((a) => (a === '|' ? a : shellQuote(a))).join(' ');
}

export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
