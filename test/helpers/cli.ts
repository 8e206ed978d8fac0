// Runs the built CLI as a user would: a real process, real exit code, stdout and stderr.
import { execa } from 'execa';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/gpuctl');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function gpuctl(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa(BIN, args, {
    reject: false,
    cwd: ROOT,
    // English unless a test asks otherwise: the language follows the locale (LC_ALL, LC_MESSAGES, LANG).
    env: { NO_COLOR: '1', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...env },
    timeout: 60_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}
