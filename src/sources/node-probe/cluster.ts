// The node-probe phase of a live run (src/sources/pipeline.ts): --node-probe pod|daemonset connects, picks
// the GPU nodes from the Facts of the lists, and probes them with pods or one DaemonSet; local probes this machine.
import { GpuctlError } from '../../errors.js';
import type { Facts } from '../../facts/facts.js';
import { gpuNodes } from '../../facts/gpu.js';
import type { Collection } from '../../collection/collection.js';
import type { ProbeSelection } from '../../collection/probe-commands.js';
import type { LiveOptions } from '../live.js';
import type { LiveSession } from '../live/connect.js';
import { connectLive } from '../live/connect.js';
import { execInContainer } from '../live/exec.js';
import { probeNodesWithDaemonSet } from './daemonset.js';
import { probeNodesWithPods } from './pod.js';
import type { Phase } from '../pipeline.js';
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

/** (3) The node probes of the GPU nodes the lists found, through probe pods or one DaemonSet. */
export function remoteNodeProbePhase(mode: RemoteProbeMode, live: LiveOptions, options: RemoteProbeOptions): Phase {
  return {
    name: `node probes (${mode})`,
    reads: ['GPU nodes'],
    adds: ['nodes', 'problems', 'meta', 'objects'],
    run: (facts, collection) => probeClusterNodes(mode, live, facts, collection, options),
  };
}

export async function probeClusterNodes(mode: RemoteProbeMode, live: LiveOptions, facts: Facts, collection: Collection, options: RemoteProbeOptions): Promise<void> {
  const nodes = gpuNodes(facts).map((n) => n.metadata.name);
  if (nodes.length === 0) {
    if (facts.unavailable('Node') === undefined) options.notice?.(`--node-probe ${mode}: no GPU nodes to probe`);
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

/**
 * (3) --node-probe local|auto: this machine's files and commands, when it is a node the lists found; auto
 * probes nothing elsewhere, local says why it cannot.
 */
export function localNodeProbePhase(mode: 'auto' | 'local', progress: (text: string) => void, selection?: ProbeSelection): Phase {
  return {
    name: `node probe (${mode})`,
    reads: ['nodes'],
    adds: ['nodes', 'problems'],
    async run(facts, collection) {
      const { localNodeName, probeLocalNode } = await import('./local.js');
      const { hostname } = await import('node:os');
      const name = localNodeName(facts.nodes);
      if (!name) {
        if (mode === 'auto') return;
        throw new GpuctlError(
          `--node-probe local: this machine (${hostname()}) is not a node of the cluster`,
          2,
          'run gpuctl on the GPU node itself, or use --node-probe none',
        );
      }
      progress(`probing node ${name} (local)…`);
      const host = await probeLocalNode({ selection });
      if (!host.complete) collection.problems.push({ path: `nodes/${name}`, message: 'the node probe stopped before it finished; node facts are partial' });
      collection.nodes.set(name, host);
    },
  };
}
