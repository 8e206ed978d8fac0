// Gathers a Collection from a live cluster, for doctor, fleet and collect: the phases of src/sources/pipeline.ts
// (lists, logs, process tables, node probes) built from the command's flags.
import { parseCount, parseDuration, parsePositiveInt } from '../duration.js';
import type { Collection } from '../collection/collection.js';
import type { CollectionPlan } from '../facts/inputs.js';
import { DEFAULT_PROBE_IMAGE, DEFAULT_PROBE_NAMESPACE } from '../sources/node-probe/pod-spec.js';

export type NodeProbeMode = 'auto' | 'local' | 'pod' | 'daemonset' | 'none';

export interface LiveGatherOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  chunkSize: string;
  nodeProbe: NodeProbeMode;
  /** Keep the fields no check reads: for `gpuctl collect`. */
  keepUnread?: boolean;
  /** pod and daemonset modes (defaults in the CLI's options). */
  nodeConcurrency?: string;
  probeImage?: string;
  probeNamespace?: string;
  probeTimeout?: string;
  /** Running pods of injecting stacks whose process tables are read through exec; "0" = none. */
  maxExecPods?: string;
  debug?: boolean;
  /** Several gathers at once (fleet) must not draw spinners over each other. */
  spinner?: boolean;
  /** --prometheus-url: the metric checks query it instead of going through the API server. */
  prometheusUrl?: string;
  /**
   * What to collect, derived from what the checks declare (livePlan: the resource types listed, whose logs are
   * fetched, what the node probe runs and copies): the doctor and fleet pass it; absent — collect, whose bundle
   * is for a person — everything.
   */
  plan?: CollectionPlan;
}

export async function gatherLive(opts: LiveGatherOptions): Promise<Collection> {
  const requestTimeoutMs = parseDuration(opts.requestTimeout, '--request-timeout');
  const chunkSize = parsePositiveInt(opts.chunkSize, '--chunk-size');
  const remote = opts.nodeProbe === 'pod' || opts.nodeProbe === 'daemonset' ? remoteOptions(opts) : undefined;
  // Absent: collectLive's default bound.
  const maxExecPods = opts.maxExecPods === undefined ? undefined : parseCount(opts.maxExecPods, '--max-exec-pods');
  // src/interrupt.ts reads the terminal's keys (Ctrl-C included): ora's own stdin handling would switch Ctrl-C off.
  const spinner = process.stderr.isTTY && !opts.debug && opts.spinner !== false ? (await import('ora')).default({ stream: process.stderr, discardStdin: false }) : undefined;
  const { onInterrupt } = await import('../interrupt.js');
  const unregister = onInterrupt({ stop: () => spinner?.stop() });
  spinner?.start('connecting to the cluster');
  const progress = (text: string) => spinner && (spinner.text = text);
  const notice = (line: string) => {
    spinner?.clear();
    process.stderr.write(`gpuctl: ${line}\n`);
    spinner?.render();
  };
  try {
    const { collectLive } = await import('../sources/live.js');
    const { localNodeProbePhase, remoteNodeProbePhase } = await import('../sources/node-probe/cluster.js');
    const live = { kubeconfig: opts.kubeconfig, context: opts.context, requestTimeoutMs, chunkSize, debug: opts.debug };
    // The lists, the logs and process tables of what they found, then the node probes (src/sources/pipeline.ts).
    const nodeProbes = remote
      ? [remoteNodeProbePhase(opts.nodeProbe as 'pod' | 'daemonset', live, { ...remote, progress, notice, selection: opts.plan?.probe })]
      : opts.nodeProbe === 'none'
        ? []
        : [localNodeProbePhase(opts.nodeProbe as 'auto' | 'local', progress, opts.plan?.probe)];
    const options = { ...live, keepUnread: opts.keepUnread, maxExecPods, prometheusUrl: opts.prometheusUrl, resourceTypes: opts.plan?.resourceTypes, logScopes: opts.plan?.logScopes, onProgress: progress };
    return await collectLive(options, '', nodeProbes);
  } finally {
    spinner?.stop();
    unregister();
  }
}

/** The flags of the pod and daemonset probes, checked before anything connects. */
function remoteOptions(opts: LiveGatherOptions) {
  return {
    namespace: opts.probeNamespace ?? DEFAULT_PROBE_NAMESPACE,
    image: opts.probeImage ?? DEFAULT_PROBE_IMAGE,
    timeoutMs: parseDuration(opts.probeTimeout ?? '60s', '--probe-timeout'),
    concurrency: parsePositiveInt(opts.nodeConcurrency ?? '5', '--node-concurrency'),
  };
}
