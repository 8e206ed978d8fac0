// Which cluster, as kubectl would pick it: --kubeconfig, else KUBECONFIG (several files, first wins),
// else ~/.kube/config, else the pod's service account. client-node's loadFromDefault() has the same order
// but cannot say which file is broken and silently falls back to http://localhost:8080, so the order is
// spelled out here with its primitives (loadFromFile, loadFromCluster).
// config.js alone, not the package index: the index drags in every generated API class (a 3.5 MB chunk
// that took ~250 ms to load on each live run); KubeConfig needs ~0.8 MB of it.
import type { Cluster } from '@kubernetes/client-node/dist/config_types.js';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type https from 'node:https';
import { accessSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GpuctlError } from '../../errors.js';
import { oneLine } from '../../errors.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export const NO_KUBECONFIG = 'no kubeconfig (no --kubeconfig, KUBECONFIG unset, no ~/.kube/config, not in a pod)';
/** The name of the error thrown without any kubeconfig. */
export const NO_KUBECONFIG_ERROR = 'NoKubeconfigError';

export interface KubeconfigFlags {
  kubeconfig?: string;
  context?: string;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** The context in use (set as current on kc). */
  context: string;
  cluster: Cluster;
  /** Where it came from, for messages: "kubeconfig /x/config", "in-cluster service account". */
  source: string;
}

/** serviceAccountRoot prefixes SERVICE_ACCOUNT_DIR (client-node's loadFromCluster pathPrefix), for tests. */
export async function loadKubeconfig(flags: KubeconfigFlags, serviceAccountRoot = ''): Promise<LoadedKubeconfig> {
  const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
  const kc = new KubeConfig();
  let source: string;
  const kubeconfigVar = process.env.KUBECONFIG?.split(path.delimiter).filter(Boolean) ?? [];
  const homeConfig = path.join(process.env.HOME || os.homedir(), '.kube', 'config');
  if (flags.kubeconfig) {
    loadFile(kc, flags.kubeconfig);
    source = `kubeconfig ${flags.kubeconfig}`;
  } else if (kubeconfigVar.length > 0) {
    // kubectl skips KUBECONFIG entries that do not exist, and fails only when none does.
    const present = kubeconfigVar.filter(exists);
    if (present.length === 0) throw new GpuctlError(`kubeconfig not found: KUBECONFIG=${process.env.KUBECONFIG}`);
    for (const file of present) mergeFirstWins(kc, loadFile(new KubeConfig(), file));
    source = present.length === 1 ? `kubeconfig ${present[0]}` : `KUBECONFIG ${present.join(path.delimiter)}`;
  } else if (exists(homeConfig)) {
    loadFile(kc, homeConfig);
    source = `kubeconfig ${homeConfig}`;
  } else if (process.env.KUBERNETES_SERVICE_HOST && exists(`${serviceAccountRoot}${SERVICE_ACCOUNT_DIR}/token`)) {
    kc.loadFromCluster(serviceAccountRoot);
    source = 'in-cluster service account';
  } else {
    // Only the doctor reads snapshots: it adds --snapshot to the way out (commands/doctor.ts).
    throw Object.assign(new GpuctlError(`${NO_KUBECONFIG}: pass --kubeconfig FILE or set KUBECONFIG`), { name: NO_KUBECONFIG_ERROR });
  }
  return selectContext(kc, flags.context, source);
}

function selectContext(kc: KubeConfig, wanted: string | undefined, source: string): LoadedKubeconfig {
  const names = kc.getContexts().map((c) => c.name);
  const available = names.length > 0 ? `available: ${names.join(', ')}` : 'it defines no contexts';
  if (kc.getClusters().length === 0) throw new GpuctlError(`${source} defines no clusters`);
  const context = wanted ?? kc.getCurrentContext();
  if (!context) throw new GpuctlError(`${source} sets no current-context; pick one with --context (${available})`);
  const contextObject = kc.getContextObject(context);
  if (!contextObject) {
    const what = wanted ? `context "${context}"` : `current-context "${context}"`;
    throw new GpuctlError(`${what} not found in ${source} (${available})`);
  }
  kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new GpuctlError(`context "${context}" names cluster "${contextObject.cluster}", which ${source} does not define`);
  return { kc, context, cluster, source };
}

function loadFile(kc: KubeConfig, file: string): KubeConfig {
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new GpuctlError(describeLoadError(err, file));
  }
  return kc;
}

function describeLoadError(err: unknown, file: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return `kubeconfig not found: ${file}`;
  if (e.code === 'EISDIR') return `kubeconfig ${file} is a directory, not a file`;
  if (e.code) return `cannot read kubeconfig ${file}: ${e.code}`;
  const first = oneLine(err);
  if (e.name === 'YAMLException') return `kubeconfig ${file} is not valid YAML: ${first}`;
  // An empty file or a YAML scalar: client-node reads fields of `undefined`.
  if (e instanceof TypeError) return `kubeconfig ${file} is not a kubeconfig (no clusters, contexts or users)`;
  return `kubeconfig ${file} is invalid: ${first}`;
}

/** kubectl's merge of KUBECONFIG files: the first file to define a name (or current-context) wins. */
function mergeFirstWins(into: KubeConfig, next: KubeConfig): void {
  const add = <T extends { name: string }>(have: T[], more: T[]) => [...have, ...more.filter((m) => !have.some((h) => h.name === m.name))];
  into.loadFromOptions({
    clusters: add(into.getClusters(), next.getClusters()),
    users: add(into.getUsers(), next.getUsers()),
    contexts: add(into.getContexts(), next.getContexts()),
    currentContext: into.getCurrentContext() || next.getCurrentContext(),
  });
}

function exists(file: string): boolean {
  try {
    accessSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * TLS material and auth headers of the context (token, client certificate, exec and OIDC plugins), from
 * client-node. The HTTP itself is ours. An agent is returned only where a proxy-url needs client-node's.
 */
export async function credentials(loaded: LoadedKubeconfig): Promise<https.RequestOptions> {
  let kc = loaded.kc;
  if (loaded.cluster.server.startsWith('http:') && !loaded.cluster.skipTLSVerify) {
    // client-node refuses http:// unless TLS verification is off, yet plain HTTP has no TLS to verify
    // (`kubectl proxy`, the simulator): mark it so, on a copy.
    const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: loaded.kc.getClusters().map((c) => (c.name === loaded.cluster.name ? { ...c, skipTLSVerify: true } : c)),
      users: loaded.kc.getUsers(),
      contexts: loaded.kc.getContexts(),
      currentContext: loaded.context,
    });
  }
  const opts: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new GpuctlError(`cannot load the credentials of context ${loaded.context}: ${oneLine(err)}`);
  }
  if (!loaded.cluster.proxyUrl) delete opts.agent;
  return opts;
}
