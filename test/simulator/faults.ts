// Injectable faults for reliability tests: matched by method, path and query, optionally for the first N
// matching requests only. One fault may delay a request and then answer it with a status, a cut
// connection, or nothing at all.

export interface Fault {
  /** HTTP method to match (`GET`); any when absent. */
  method?: string;
  /** Matched against the URL path (`/api/v1/pods`); a string is a regular expression source. */
  path: RegExp | string;
  /** Matched against the raw query string without `?` (`limit=500&continue=…`). */
  query?: RegExp | string;
  /** Only the first N matching requests get the fault; every one when absent. */
  count?: number;

  /** Wait this long before answering (combines with the effects below, or alone). */
  latencyMs?: number;
  /** Answer with this status code and a Status body worded as the API server words it. */
  status?: number;
  /** 429/503: the Retry-After header in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Replaces the default Status message (for 500: the cause after "Internal error occurred: "). */
  message?: string;
  /** 403: the user the message names. */
  user?: string;
  /** Send the headers and part of the body, then destroy the socket: `true` cuts mid-body. */
  cut?: boolean | { afterBytes: number };
  /** Never answer; the connection stays open until the client gives up or the simulator closes. */
  hang?: boolean;
  /**
   * The API server goes away (crashed, restarting): the simulator stops accepting connections and drops
   * this one without an answer, so the retry and every later new connection is refused (ECONNREFUSED).
   */
  refuse?: boolean;
}

export const DEFAULT_USER = 'system:serviceaccount:default:gpuctl';

interface ArmedFault {
  fault: Fault;
  path: RegExp;
  query?: RegExp;
  remaining: number;
}

const toRegExp = (r: RegExp | string) => (typeof r === 'string' ? new RegExp(r) : r);

export class FaultTable {
  private armed: ArmedFault[] = [];

  set(faults: Fault[]): void {
    this.armed = faults.map((fault) => ({
      fault,
      path: toRegExp(fault.path),
      query: fault.query === undefined ? undefined : toRegExp(fault.query),
      remaining: fault.count ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** The first armed fault matching this request, consuming one of its count. */
  take(method: string, path: string, query: string): Fault | undefined {
    for (const a of this.armed) {
      if (a.remaining <= 0) continue;
      if (a.fault.method && a.fault.method.toUpperCase() !== method) continue;
      if (!matches(a.path, path)) continue;
      if (a.query && !matches(a.query, query)) continue;
      a.remaining--;
      return a.fault;
    }
    return undefined;
  }
}

/** `test` on a /g or /y regex moves lastIndex; reset so a fault matches the same way every time. */
function matches(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}
