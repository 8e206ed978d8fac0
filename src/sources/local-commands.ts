// Commands gpuctl runs on the machine it runs on (the operator's workstation, not a node), as data, and
// the runner. Their output lands in Collection.localCommands; a snapshot carries it in
// local/commands/NAME.txt (NAME.exit, NAME.stderr beside it, as for node probes).
import type { CommandOutput } from './collection.js';

export interface LocalCommand {
  name: string;
  argv: [string, ...string[]];
  why: string;
}

export const LOCAL_COMMANDS = localCommands([
  { name: 'helm-version', argv: ['helm', 'version', '--short'], why: 'Kantaloupe needs Helm 3.14 or newer' },
]);

/** The name of a command gpuctl runs where it runs: what a check's `local-command:NAME` need may name. */
export type LocalCommandName = (typeof LOCAL_COMMANDS)[number]['name'];

function localCommands<const N extends string>(commands: (LocalCommand & { name: N })[]): (LocalCommand & { name: N })[] {
  return commands;
}

/** The exit code a shell gives a command it cannot find: how an absent tool is recorded. */
export const NOT_FOUND_EXIT = 127;
export const LOCAL_COMMAND_TIMEOUT_MS = 5000;

/** Runs each command once, concurrently, with a time limit; a missing or hung tool is an output, never a throw. */
export async function runLocalCommands(commands = LOCAL_COMMANDS, timeoutMs = LOCAL_COMMAND_TIMEOUT_MS): Promise<Map<string, CommandOutput>> {
  const { execa } = await import('execa');
  const outputs = await Promise.all(
    commands.map(async (command): Promise<[string, CommandOutput]> => {
      const [file, ...args] = command.argv;
      const r = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore' });
      const code = (r as { code?: string }).code;
      if (code === 'ENOENT') return [command.name, { stdout: '', exitCode: NOT_FOUND_EXIT, stderr: `${file}: command not found` }];
      if (r.timedOut) return [command.name, { stdout: String(r.stdout ?? ''), exitCode: 124, stderr: `${command.argv.join(' ')}: no answer within ${timeoutMs / 1000}s` }];
      return [command.name, { stdout: String(r.stdout ?? ''), exitCode: r.exitCode ?? 1, ...(r.stderr ? { stderr: String(r.stderr) } : {}) }];
    }),
  );
  return new Map(outputs);
}
