// What a probe created, so that it is deleted whatever happens: success, error, timeout, Ctrl-C.
// Objects are tracked from the moment their POST is sent until their DELETE is answered.
import type { ApiResponse } from '../live/client.js';
import { RequestFailure } from '../live/client.js';
import { ANY_PROBE_SELECTOR } from './pod-spec.js';

export interface Deleter {
  delete<T>(path: string): Promise<ApiResponse<T>>;
}

/** DeleteOptions as query parameters: the pods of a deleted DaemonSet go with it. */
export const DELETE_QUERY = '?propagationPolicy=Background';

/** How long an interrupted run may spend deleting before it gives up and says what is left. */
export const INTERRUPT_CLEANUP_MS = 15_000;

export class ProbeCleanup {
  /** Object path → what it is (`pod kube-system/gpuctl-probe-…`). */
  private readonly tracked = new Map<string, string>();

  constructor(
    private readonly api: Deleter,
    private readonly namespace: string,
    private readonly notice: (line: string) => void,
  ) {}

  track(path: string, what: string): void {
    this.tracked.set(path, what);
  }

  get size(): number {
    return this.tracked.size;
  }

  /** Deletes one object; a 404 counts as deleted. Says so (with the kubectl command) when it cannot. */
  async delete(path: string): Promise<boolean> {
    const what = this.tracked.get(path);
    if (!what) return true;
    let cause: string;
    try {
      const res = await this.api.delete(path + DELETE_QUERY);
      if (res.value !== undefined || res.status === 404) {
        this.tracked.delete(path);
        return true;
      }
      cause = res.message ? `${res.statusLine}: ${res.message}` : res.statusLine;
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
      cause = err.message;
    }
    this.notice(`could not delete ${what} (${cause}); remove it with: ${this.removeCommand()}`);
    return false;
  }

  /** Deletes everything still tracked, within a time limit; returns what was deleted and what is left. */
  async deleteAll(timeoutMs: number): Promise<{ deleted: string[]; left: string[] }> {
    const entries = [...this.tracked];
    const deleted: string[] = [];
    const attempt = Promise.all(
      entries.map(async ([path, what]) => {
        if (await this.delete(path)) deleted.push(what);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([attempt, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return { deleted, left: [...this.tracked.values()] };
  }

  removeCommand(): string {
    return `kubectl delete pods,daemonsets -n ${this.namespace} -l ${ANY_PROBE_SELECTOR}`;
  }

  /**
   * SIGINT/SIGTERM while probing: delete what was created, then exit 130 (143 for SIGTERM), as a shell
   * reports a command ended by that signal. A second signal exits at once, naming what is left.
   * One handler serves every probe run of the process (doctor --all-contexts probes several clusters).
   * Returns the function that unregisters this run.
   */
  onSignals(): () => void {
    active.add(this);
    if (active.size === 1) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    return () => {
      active.delete(this);
      if (active.size === 0) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    };
  }

  /** This run's part of an interruption: delete what it created and say what happened. */
  async interrupt(): Promise<void> {
    if (this.size === 0) return;
    this.notice(`interrupted: deleting ${this.size} probe object(s)…`);
    const { deleted, left } = await this.deleteAll(INTERRUPT_CLEANUP_MS);
    if (deleted.length) this.notice(`deleted ${deleted.join(', ')}`);
    if (left.length) this.notice(`could not delete ${left.join(', ')}; remove them with: ${this.removeCommand()}`);
  }
}

const active = new Set<ProbeCleanup>();
let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  const code = signal === 'SIGTERM' ? 143 : 130;
  if (interrupted) {
    for (const cleanup of active) {
      if (cleanup.size) process.stderr.write(`gpuctl: interrupted again: left ${cleanup.size} probe object(s); remove them with: ${cleanup.removeCommand()}\n`);
    }
    process.exit(code);
  }
  interrupted = true;
  void Promise.all([...active].map((cleanup) => cleanup.interrupt())).then(() => process.exit(code));
}
