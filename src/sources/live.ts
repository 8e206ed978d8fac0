// Live cluster source: the options contract; the code is in src/sources/live/ (client, kubeconfig, list,
// logs, collect). Loaded lazily by `doctor`, so @kubernetes/client-node stays off the start-up path.

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
  onProgress?: (text: string) => void;
  /** List only these kinds (the doctor: what its checks declare, liveKinds); absent: every resource type. */
  kinds?: ReadonlySet<string>;
}

export { collectLive } from './live/collect.js';
