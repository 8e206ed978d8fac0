// Live cluster source: the options contract; the code is in src/sources/live/ (client, kubeconfig, list,
// logs, collect). Loaded lazily by `doctor`, so @kubernetes/client-node stays off the start-up path.

import type { ResourceType } from '../collection/resources.js';
import type { LogScope } from '../facts/inputs.js';

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs: number;
  chunkSize: number;
  /** Keep the fields no check reads (ResourceType.unread): `gpuctl collect` writes whole objects. */
  keepUnread?: boolean;
  debug?: boolean;
  /** Query this Prometheus directly for the metric checks instead of going through the API server's service proxy. */
  prometheusUrl?: string;
  /** Running pods of injecting stacks whose process tables are read through exec; 0 = none. */
  maxExecPods?: number;
  /**
   * The resource types the lists phase lists (src/sources/live/collect.ts); absent: every type gpuctl reads
   * (RESOURCE_TYPES). The one place a narrower list — derived from the checks' needs — comes in.
   */
  resourceTypes?: readonly ResourceType[];
  /** Whose container logs the logs phase fetches (src/facts/log-targets.ts); absent: every scope. */
  logScopes?: readonly LogScope[];
  onProgress?: (text: string) => void;
}

export { collectLive } from './live/collect.js';
