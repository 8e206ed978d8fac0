// The runner of the commands gpuctl runs on the machine it runs on (their list: src/collection/local-commands.ts). Their output lands in Collection.localCommands; a snapshot carries it in
// local/commands/NAME.txt (NAME.exit, NAME.stderr beside it, as for node probes).
import type { CommandOutput } from '../collection/collection.js';
import { NOT_FOUND_EXIT } from '../collection/collection.js';

export { LOCAL_COMMANDS, type LocalCommand, type LocalCommandName } from '../collection/local-commands.js';
import { LOCAL_COMMANDS } from '../collection/local-commands.js';

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
