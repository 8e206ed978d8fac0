// What a probe created, so that it is deleted whatever happens: success, error, timeout, Ctrl-C.
// Objects are tracked from the moment their POST is sent until a GET after their DELETE answers 404.
import type { ApiResponse } from '../live/client.js';
import { RequestFailure } from '../live/client.js';
import { onInterrupt } from '../../interrupt.js';
import { ANY_PROBE_SELECTOR } from './pod-spec.js';

export interface Deleter {
  delete<T>(path: string): Promise<ApiResponse<T>>;
  getJson<T>(path: string): Promise<ApiResponse<T>>;
}

/** DeleteOptions as query parameters: the pods of a deleted DaemonSet go with it. */
export const DELETE_QUERY = '?propagationPolicy=Background';

/** How long an interrupted run may spend deleting before it gives up and says what is left. */
export const INTERRUPT_CLEANUP_MS = 15_000;
/** How long one object's delete may take with its retries and the GETs that confirm it, outside an interrupt. */
export const DELETE_LIMIT_MS = 10_000;
/** First pause between tries; doubled each time up to DELETE_MAX_PAUSE_MS. */
export const DELETE_BACKOFF_MS = 250;
const DELETE_MAX_PAUSE_MS = 2_000;

/** A delete's end: gone (a GET answered 404), or still there and why. */
type Outcome = { gone: true } | { gone: false; cause: string };

export class ProbeCleanup {
  /** Object path → what it is (`pod kube-system/gpuctl-probe-…`). */
  private readonly tracked = new Map<string, string>();
  /** Objects whose delete failed for good and was reported: not tried again, named on a second interrupt. */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly api: Deleter,
    private readonly namespace: string,
    private readonly notice: (line: string) => void,
    private readonly backoffMs = DELETE_BACKOFF_MS,
  ) {}

  track(path: string, what: string): void {
    this.tracked.set(path, what);
  }

  get size(): number {
    return this.tracked.size;
  }

  /** Deletes one object (retried, confirmed by a GET); says in one line, with the kubectl command, when it cannot. */
  async delete(path: string, timeoutMs = DELETE_LIMIT_MS): Promise<boolean> {
    const what = this.tracked.get(path);
    if (!what) return true;
    const outcome = await this.deleteOne(path, Date.now() + timeoutMs);
    if (outcome.gone) return true;
    this.tracked.delete(path);
    this.reported.set(path, what);
    this.notice(this.leftLine([`${what} (${outcome.cause})`]));
    return false;
  }

  /**
   * DELETE until the API server has it, then GET until it answers 404: only then is the object gone.
   * 429, 5xx and lost answers (timeout, reset, a cut body) are tried again with backoff: a DELETE is safe to
   * repeat, and one whose answer was lost may have worked — the GET says. Other answers (403) are final.
   */
  private async deleteOne(path: string, deadline: number): Promise<Outcome> {
    let cause = 'no time left to try';
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt > 0) await pause(Math.min(this.backoffMs * 2 ** (attempt - 1), DELETE_MAX_PAUSE_MS), deadline);
      // Another delete of it (the interrupt's, or the probe's own) finished meanwhile.
      if (!this.tracked.has(path)) return this.reported.has(path) ? { gone: false, cause } : { gone: true };
      let deleted = false;
      try {
        const res = await this.api.delete(path + DELETE_QUERY);
        if (res.value !== undefined || res.status === 404) deleted = true;
        else {
          cause = res.message ? `${res.statusLine}: ${res.message}` : res.statusLine;
          if (!retryable(res.status)) return { gone: false, cause };
          continue;
        }
      } catch (err) {
        if (!(err instanceof RequestFailure)) throw err;
        cause = err.message; // the answer was lost: the GET below says whether the DELETE happened
      }
      const confirmed = await this.confirmGone(path, deadline, deleted);
      if (confirmed === true) {
        this.tracked.delete(path);
        return { gone: true };
      }
      if (confirmed) cause = confirmed;
    }
    return { gone: false, cause };
  }

  /**
   * GETs the object: 404 → true. Still there after a DELETE the server accepted (a pod terminating) → polled
   * until it goes or the time is up. Otherwise the reason it is still there.
   */
  private async confirmGone(path: string, deadline: number, accepted: boolean): Promise<true | string | undefined> {
    for (let poll = 0; ; poll++) {
      try {
        const res = await this.api.getJson<{ metadata?: { deletionTimestamp?: string } }>(path);
        if (res.status === 404) return true;
        if (!res.value) return `${res.statusLine} when checking it`;
        const terminating = !!res.value.metadata?.deletionTimestamp;
        if (!accepted && !terminating) return undefined; // the lost DELETE did not happen: try it again
        if (Date.now() >= deadline) return terminating ? 'still terminating' : 'still there after its delete was accepted';
      } catch (err) {
        if (!(err instanceof RequestFailure)) throw err;
        return `${err.message} when checking it`;
      }
      await pause(Math.min(this.backoffMs * 2 ** poll, DELETE_MAX_PAUSE_MS), deadline);
    }
  }

  /** Deletes everything still tracked, within a time limit; returns what was deleted and what is left (with why). */
  async deleteAll(timeoutMs: number): Promise<{ deleted: string[]; left: string[] }> {
    const deadline = Date.now() + timeoutMs;
    const deleted: string[] = [];
    const causes = new Map<string, string>();
    const entries = [...this.tracked];
    const attempt = Promise.all(
      entries.map(async ([path, what]) => {
        const outcome = await this.deleteOne(path, deadline);
        if (outcome.gone) deleted.push(what);
        else causes.set(path, `${what} (${outcome.cause})`);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([attempt, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs + 1_000)))]);
    clearTimeout(timer);
    // In the order they were created, whatever order the answers came in.
    const done = new Set(deleted);
    return {
      deleted: entries.filter(([, what]) => done.has(what)).map(([, what]) => what),
      left: entries.filter(([, what]) => !done.has(what)).map(([path, what]) => causes.get(path) ?? `${what} (no answer in time)`),
    };
  }

  /** After a run: what is still tracked is deleted; one line names what could not be, and how to remove it. */
  async finish(timeoutMs = INTERRUPT_CLEANUP_MS): Promise<void> {
    if (this.size === 0) return;
    const { left } = await this.deleteAll(timeoutMs);
    if (left.length) this.notice(this.leftLine(left));
  }

  removeCommand(): string {
    return `kubectl delete pods,daemonsets -n ${this.namespace} -l ${ANY_PROBE_SELECTOR}`;
  }

  private leftLine(left: string[]): string {
    return `could not delete ${left.join(', ')}; remove ${left.length === 1 ? 'it' : 'them'} with: ${this.removeCommand()}`;
  }

  /**
   * SIGINT, SIGTERM, SIGHUP, SIGQUIT while probing (src/interrupt.ts): delete what was created; the
   * interrupt's one line says what was deleted and what is left. One registration per probe run (doctor
   * --all-contexts probes several clusters). Returns the function that unregisters this run.
   */
  onSignals(): () => void {
    return onInterrupt({
      run: () => this.interrupt(),
      leftover: () => {
        const left = [...this.tracked.values(), ...this.reported.values()];
        return left.length ? `left ${left.join(', ')}; remove ${left.length === 1 ? 'it' : 'them'} with: ${this.removeCommand()}` : undefined;
      },
    });
  }

  /** This run's part of an interruption: delete what it created; the words for the interrupt's line. */
  async interrupt(): Promise<string | undefined> {
    if (this.size === 0 && this.reported.size === 0) return undefined;
    const { deleted, left } = await this.deleteAll(INTERRUPT_CLEANUP_MS);
    const parts = [];
    if (deleted.length) parts.push(`deleted ${deleted.join(', ')}`);
    const all = [...left, ...[...this.reported.values()].filter((what) => !left.some((l) => l.startsWith(`${what} `)))];
    if (all.length) parts.push(this.leftLine(all));
    return parts.join('; ');
  }
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Waits `ms`, but never past the deadline. */
function pause(ms: number, deadline: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, deadline - Date.now()))));
}
