// What a probe created, so that it is deleted whatever happens: success, error, timeout, Ctrl-C.
// Objects are tracked from the moment their POST is sent until their DELETE is answered.
import type { ApiResponse } from '../live/client.js';
import { RequestFailure } from '../live/client.js';
import { ANY_PROBE_SELECTOR } from './pod-spec.js';

export interface Deleter {
  deleteJson<T>(path: string, body?: unknown): Promise<ApiResponse<T>>;
}

interface Tracked {
  /** `pod kube-system/gpuctl-probe-…` */
  what: string;
  body: unknown;
}

/** How long an interrupted run may spend deleting before it gives up and says what is left. */
export const INTERRUPT_CLEANUP_MS = 15_000;

export class ProbeCleanup {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly api: Deleter,
    private readonly namespace: string,
    private readonly notice: (line: string) => void,
  ) {}

  track(path: string, what: string, body: unknown): void {
    this.tracked.set(path, { what, body });
  }

  get size(): number {
    return this.tracked.size;
  }

  /** Deletes one object; a 404 counts as deleted. Says so (with the kubectl command) when it cannot. */
  async delete(path: string): Promise<boolean> {
    const entry = this.tracked.get(path);
    if (!entry) return true;
    let cause: string;
    try {
      const res = await this.api.deleteJson(path, entry.body);
      if (res.value !== undefined || res.status === 404) {
        this.tracked.delete(path);
        return true;
      }
      cause = res.message ? `${res.statusLine}: ${res.message}` : res.statusLine;
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
      cause = err.message;
    }
    this.notice(`could not delete ${entry.what} (${cause}); remove it with: ${this.removeCommand()}`);
    return false;
  }

  /** Deletes everything still tracked, within a time limit; returns what was deleted and what is left. */
  async deleteAll(timeoutMs: number): Promise<{ deleted: string[]; left: string[] }> {
    const entries = [...this.tracked];
    const deleted: string[] = [];
    const attempt = Promise.all(
      entries.map(async ([path, { what }]) => {
        if (await this.delete(path)) deleted.push(what);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([attempt, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return { deleted, left: [...this.tracked.values()].map((t) => t.what) };
  }

  removeCommand(): string {
    return `kubectl delete pods,daemonsets -n ${this.namespace} -l ${ANY_PROBE_SELECTOR}`;
  }

  /**
   * SIGINT/SIGTERM while probing: delete what was created, then exit 130 (143 for SIGTERM), as a shell
   * reports a command ended by that signal. A second signal exits at once, naming what is left.
   * Returns the function that removes the handlers.
   */
  onSignals(): () => void {
    let interrupted = false;
    const handler = (signal: NodeJS.Signals) => {
      const code = signal === 'SIGTERM' ? 143 : 130;
      if (interrupted) {
        this.notice(`interrupted again: left ${this.size} probe object(s); remove them with: ${this.removeCommand()}`);
        process.exit(code);
      }
      interrupted = true;
      if (this.size === 0) process.exit(code);
      this.notice(`interrupted: deleting ${this.size} probe object(s)…`);
      void this.deleteAll(INTERRUPT_CLEANUP_MS).then(({ deleted, left }) => {
        if (deleted.length) this.notice(`deleted ${deleted.join(', ')}`);
        if (left.length) this.notice(`could not delete ${left.join(', ')}; remove them with: ${this.removeCommand()}`);
        process.exit(code);
      });
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  }
}
