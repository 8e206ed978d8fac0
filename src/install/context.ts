// One run's context: options, the host root, the command runner and the lazily probed facts.
import { ClusterFacts } from './cluster-facts.js';
import { Exec } from './exec.js';
import { HostFacts } from './host-facts.js';
import type { InstallOptions } from './options.js';
import type { InstallContext } from './types.js';

export function makeContext(options: InstallOptions): InstallContext {
  const exec = new Exec(options.commandTimeoutMs);
  return {
    options,
    root: options.root,
    exec,
    host: new HostFacts(options.root, exec),
    cluster: new ClusterFacts(exec, { kubeconfig: options.kubeconfig, context: options.context }),
    done: new Set(),
    blockedPhases: new Set(),
    refresh: (changed) => exec.forget(changed),
  };
}
