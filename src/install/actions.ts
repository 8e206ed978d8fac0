// Carries out one action: programs through Exec, internal actions (backup, write, mark) in-process.
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandResult, Exec } from './exec.js';
import { displayArgv } from './exec.js';
import { hostExists, hostPath } from './host-files.js';
import { RESTART_MARKERS } from './host-steps.js';
import type { Action } from './types.js';

export const BACKUP_DIR = '/var/lib/gpuctl/backups';

export interface Backup {
  /** The file that was about to change (host view). */
  path: string;
  /** Its copy, or undefined when the file did not exist before (roll back by removing it). */
  backup?: string;
  /** The exact command that puts the old file back. */
  restore: string;
}

export interface ActionOutcome {
  ok: boolean;
  result?: CommandResult;
  error?: string;
}

export function describeAction(action: Action, root: string): string {
  const at = (p: string) => hostPath(root, p);
  switch (action.kind) {
    case 'run':
      return `${action.env ? `${Object.entries(action.env).map(([k, v]) => `${k}=${v}`).join(' ')} ` : ''}${displayArgv(action.argv)}${action.input !== undefined ? ` <<'EOF'\n${action.input.trimEnd()}\nEOF` : ''}`;
    case 'pipe':
      return action.argvs.map(displayArgv).join(' | ');
    case 'backup':
      return `(back up ${at(action.path)} if it exists)`;
    case 'mkdir':
      return `(mkdir -p ${at(action.path)})`;
    case 'write-file':
      return `(write ${at(action.path)}: ${JSON.stringify(action.content)})`;
    case 'copy':
      return `(cp -p ${at(action.from)} ${at(action.to)} when ${at(action.to)} does not exist)`;
    case 'mark':
      return `(note that ${action.marker} must restart: ${at(`${RESTART_MARKERS}/${action.marker}`)})`;
    case 'unmark':
      return `(rm ${at(`${RESTART_MARKERS}/${action.marker}`)})`;
  }
}

export class ActionRunner {
  readonly backups: Backup[] = [];
  private readonly stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

  constructor(
    private readonly exec: Exec,
    private readonly root: string,
  ) {}

  async perform(action: Action): Promise<ActionOutcome> {
    const at = (p: string) => hostPath(this.root, p);
    try {
      switch (action.kind) {
        case 'run': {
          const result = await this.exec.run(action.argv, {
            ...(action.input !== undefined ? { input: action.input } : {}),
            ...(action.env ? { env: action.env } : {}),
            ...(action.timeoutMs ? { timeoutMs: action.timeoutMs } : {}),
          });
          return { ok: result.exitCode === 0 && !result.timedOut && !result.missing, result };
        }
        case 'pipe': {
          const result = await this.exec.pipe(action.argvs, action.timeoutMs ? { timeoutMs: action.timeoutMs } : {});
          return { ok: result.exitCode === 0 && !result.timedOut && !result.missing, result };
        }
        case 'backup':
          await this.backup(action.path);
          return { ok: true };
        case 'mkdir':
          await mkdir(at(action.path), { recursive: true });
          return { ok: true };
        case 'write-file':
          await mkdir(path.dirname(at(action.path)), { recursive: true });
          await writeAtomically(at(action.path), action.content);
          return { ok: true };
        case 'copy':
          if (!(await hostExists(this.root, action.to)) && (await hostExists(this.root, action.from))) await copyFile(at(action.from), at(action.to));
          return { ok: true };
        case 'mark':
          await mkdir(at(RESTART_MARKERS), { recursive: true });
          await writeAtomically(at(`${RESTART_MARKERS}/${action.marker}`), `${new Date().toISOString()}\n`);
          return { ok: true };
        case 'unmark':
          await rm(at(`${RESTART_MARKERS}/${action.marker}`), { force: true });
          return { ok: true };
      }
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  /** Copies the file into this run's backup directory; records how to put it back. */
  private async backup(file: string): Promise<void> {
    if (this.backups.some((b) => b.path === file)) return;
    const original = hostPath(this.root, file);
    if (!(await stat(original).catch(() => undefined))) {
      this.backups.push({ path: file, restore: `rm -f ${displayArgv([original])}   # did not exist before gpuctl created it` });
      return;
    }
    const copy = `${BACKUP_DIR}/${this.stamp}${file}`;
    await mkdir(path.dirname(hostPath(this.root, copy)), { recursive: true });
    await copyFile(original, hostPath(this.root, copy));
    this.backups.push({ path: file, backup: copy, restore: `cp -p ${displayArgv([hostPath(this.root, copy)])} ${displayArgv([original])}` });
  }
}

/**
 * Temp file in the same directory, fsync, rename over the target, fsync the directory: a crash or a full disk
 * leaves the old file or the new one, never half of either.
 */
export async function writeAtomically(file: string, content: string | Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.gpuctl-${process.pid}-${Date.now()}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const dir = await open(path.dirname(file), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
}
