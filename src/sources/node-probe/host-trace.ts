// exec-check --strace-from-host: one probe pod (hostPID, privileged, the host's / at /host) on the pod's
// node attaches the host's strace to the container's processes for the trace window; the pod is deleted
// whatever happens (the node probe's cleanup, SIGINT included).
import { GpuctlError } from '../../errors.js';
import { hostTraceCommand, osName, parseHostTraceOutput, straceInstallLine } from '../../facts/container-probe.js';
import type { StraceParse } from '../../facts/strace.js';
import { parseStrace } from '../../facts/strace.js';
import { emptyCollection } from '../../collection/collection.js';
import type { ExecResult } from '../live/exec.js';
import { POD_PROBE_PERMISSIONS } from './access.js';
import { PROBE_CONTAINER } from './pod-spec.js';
import { probeOneNode } from './pod.js';
import type { ProbeApi, RemoteProbeOptions } from './remote.js';
import { startRun } from './remote.js';

export interface HostTraceRequest {
  node: string;
  /** The runtime's container ID, without the `containerd://` scheme. */
  containerId: string;
  /** The pod and container, for messages. */
  what: string;
  traceMs: number;
  /** Added to traceMs for the exec's own limit. */
  slackMs: number;
}

export interface HostTrace extends StraceParse {
  /** The host PID strace attached to. */
  pid: number;
}

export async function traceFromHost(api: ProbeApi, req: HostTraceRequest, options: Omit<RemoteProbeOptions, 'concurrency'>): Promise<HostTrace> {
  const { node } = req;
  const collection = emptyCollection(`node ${node}`);
  const probeOptions: RemoteProbeOptions = {
    ...options,
    concurrency: 1,
    purpose: { label: '--strace-from-host', instead: 'use --strace (strace inside the container)' },
  };
  const run = await startRun(api, 'pod', POD_PROBE_PERMISSIONS, [node], collection, probeOptions);
  let result: ExecResult | undefined;
  try {
    run.progress(`tracing ${req.what} from node ${node} for ${Math.round(req.traceMs / 1000)}s…`);
    await probeOneNode(api, node, run.results.get(node)!, run.cleanup, { ...probeOptions, runId: run.runId }, async (podName) => {
      const target = { namespace: options.namespace, pod: podName, container: PROBE_CONTAINER };
      result = await api.exec(target, hostTraceCommand(req.containerId, req.traceMs), req.traceMs + req.slackMs);
    });
  } finally {
    await run.finish();
  }
  const failure = collection.meta.nodeProbeFailures?.[node];
  if (failure) throw new GpuctlError(`--strace-from-host could not trace ${req.what}: ${failure}`);
  return hostTraceOf(result!, req);
}

function hostTraceOf(result: ExecResult, req: HostTraceRequest): HostTrace {
  const output = parseHostTraceOutput(result.stdout.toString('utf8'));
  if (!output) {
    const why = result.stderr.split('\n').find((l) => l.trim()) ?? result.message ?? `exit code ${result.exitCode ?? '?'}`;
    throw new GpuctlError(`--strace-from-host: the probe pod on node ${req.node} could not run its script: ${why.trim()}`);
  }
  if (output.kind === 'no-strace') {
    const os = osName(output.tools);
    const install = straceInstallLine(output.tools);
    throw new GpuctlError(
      `strace is not installed on node ${req.node}${os ? ` (${os})` : ''}; ` +
        `${install ? `install it on the node (${install})` : 'install it on the node'} or use --strace to trace inside the container`,
    );
  }
  if (output.kind === 'no-pid') {
    throw new GpuctlError(`--strace-from-host found no process of ${req.what} on node ${req.node} (container ${req.containerId.slice(0, 12)}: neither crictl nor /proc/*/cgroup knows it)`);
  }
  const parsed = parseStrace(output.trace);
  if (parsed.records.length === 0) {
    const line = output.trace.split('\n').find((l) => /^strace: /.test(l));
    if (line) throw new GpuctlError(`--strace-from-host: strace could not attach to pid ${output.pid} on node ${req.node}: ${line.replace(/^strace: /, '').trim()}`);
    throw new GpuctlError(
      `--strace-from-host: ${req.what} started no program during the ${Math.round(req.traceMs / 1000)}s trace (only execs inside the window are seen); ` +
        'restart the pod while tracing, raise --timeout, or use --strace to run the entrypoint under strace from its start',
    );
  }
  return { ...parsed, pid: output.pid };
}
