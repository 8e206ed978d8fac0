// Flags as kubectl users type them: -o=json, -ojson and -o json; -v N as verbosity; --dry-run[=client|none].
import { InvalidArgumentError } from 'commander';

/**
 * kubectl (pflag) takes `-o=json` for a short option with a value; commander reads "=json" as the value.
 * Split `-X=VALUE` into `-X VALUE` up to `--` (what follows is a command for exec-check, passed as is).
 */
export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^-([A-Za-z])=(.*)$/s.exec(arg);
    if (m) out.push(`-${m[1]}`, m[2]!);
    else out.push(arg);
  }
  return out;
}

/** kubectl's -v/--v: a whole number 0–10. */
export function parseVerbosity(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10) {
    throw new InvalidArgumentError(`expected a log level from 0 to 10, as kubectl's -v (the version is --version)`);
  }
  return Number(value);
}

/** --dry-run alone or =client: a dry run; =none (kubectl's default): a real one. */
export function dryRunMode(value: string | boolean | undefined): boolean {
  return value === true || value === 'client';
}

/** The flag conventions, at the end of `gpuctl --help` (docs/flags.md has the full table). */
export const FLAG_HELP = `
Flags as kubectl takes them (all commands; table in docs/flags.md):
  -o FORMAT, -oFORMAT, -o=FORMAT, --output=FORMAT   output format (text, json, markdown, junit)
  -v N, --v=N                 verbosity; 6 and above log each API request (as --debug)
  --version, gpuctl version   the version
  --dry-run[=client|none]     print the plan, change nothing (=none: a real run)
  -y, --yes                   do not ask before changing anything (doctor --fix, install, uninstall)
  --kubeconfig, --context, -n   as kubectl; KUBECONFIG and in-cluster config are read too
  collect -f FILE | --output-directory DIR   where collect writes (-o is its format: json, yaml)
Environment: NO_COLOR=1 or FORCE_COLOR=0 turn colour off, FORCE_COLOR=1 on; KUBECONFIG.
Exit codes: 0 nothing at error severity, 1 an error finding, 2 could not run (usage, input, cluster).
`;
