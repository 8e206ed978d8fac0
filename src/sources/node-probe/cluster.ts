// --node-probe pod|daemonset on a live cluster: connect, pick the GPU nodes from the objects already
// collected, and probe them with pods or one DaemonSet.
import { Facts } from '../../facts/facts.js';
import { gpuNodes } from '../../facts/gpu.js';
import type { Collection } from '../../collection/collection.js';
import type { LiveOptions } from '../live.js';
import type { LiveSession } from '../live/connect.js';
import { connectLive } from '../live/connect.js';
import { execInContainer } from '../live/exec.js';
import { probeNodesWithDaemonSet } from './daemonset.js';
import { probeNodesWithPods } from './pod.js';
import type { ProbeApi, RemoteProbeOptions } from './remote.js';

/** The probe's API over one live session: its client for requests, its exec connection. */
export function probeApiOf(session: LiveSession): ProbeApi {
  const { client } = session;
  return {
    getJson: (path) => client.getJson(path),
    post: (path, body) => client.post(path, body),
    delete: (path) => client.delete(path),
    exec: (target, command, timeoutMs) => execInContainer(session.exec, target, command, { timeoutMs }),
  };
}

export type RemoteProbeMode = 'pod' | 'daemonset';

export async function probeClusterNodes(mode: RemoteProbeMode, live: LiveOptions, collection: Collection, options: RemoteProbeOptions): Promise<void> {
  const nodes = gpuNodes(new Facts(collection)).map((n) => n.metadata.name);
  if (nodes.length === 0) {
    if (!collection.unavailable.has('Node')) options.notice?.(`--node-probe ${mode}: no GPU nodes to probe`);
    return;
  }
  const session = await connectLive(live);
  const api = probeApiOf(session);
  try {
    await (mode === 'pod' ? probeNodesWithPods : probeNodesWithDaemonSet)(api, nodes, collection, options);
  } finally {
    session.close();
  }
}
