// One live session: the kubeconfig as kubectl would pick it, an HTTP client for GETs and the credentials
// an exec WebSocket needs. Shared by `doctor` (collect.ts) and `exec-check`.
import { GpuctlError } from '../../errors.js';
import type { Pod } from '../../collection/kube.js';
import type { ExecConnection } from './exec.js';
import { KubeClient, RequestFailure } from './client.js';
import type { LoadedKubeconfig } from './kubeconfig.js';
import { credentials, loadKubeconfig } from './kubeconfig.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs: number;
  debug?: boolean;
}

export interface LiveSession {
  loaded: LoadedKubeconfig;
  server: string;
  client: KubeClient;
  exec: ExecConnection;
  /** The context's namespace, else `default`: what kubectl uses without -n. */
  namespace: string;
  close(): void;
}

export async function connectLive(options: ConnectOptions, serviceAccountRoot = ''): Promise<LiveSession> {
  const loaded = await loadKubeconfig(options, serviceAccountRoot);
  const server = loaded.cluster.server;
  const debug = options.debug ? (line: string) => process.stderr.write(`gpuctl: ${line}\n`) : undefined;
  const creds = await credentials(loaded);
  const client = new KubeClient({ server, credentials: creds, timeoutMs: options.requestTimeoutMs, debug });
  return {
    loaded,
    server,
    client,
    exec: { server, credentials: creds, debug },
    namespace: loaded.kc.getContextObject(loaded.context)?.namespace || 'default',
    close: () => client.close(),
  };
}

/** GET one pod; every way that fails is one line naming the pod. */
export async function getPod(session: LiveSession, namespace: string, name: string): Promise<Pod> {
  const ref = `${namespace}/${name}`;
  let res;
  try {
    res = await session.client.getJson<Pod>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`);
  } catch (err) {
    if (!(err instanceof RequestFailure)) throw err;
    throw new GpuctlError(`cannot reach the API server ${session.server}: ${err.message}`);
  }
  if (res.value) return { ...res.value, kind: 'Pod' };
  if (res.status === 404) throw new GpuctlError(`pod ${ref} not found`);
  if (res.status === 401) throw new GpuctlError(`the API server rejected the credentials of context ${session.loaded.context} (401 Unauthorized)`);
  if (res.status === 403) throw new GpuctlError(`cannot get pod ${ref}: forbidden (${res.message})`);
  throw new GpuctlError(`cannot get pod ${ref}: ${res.statusLine}${res.message ? `: ${res.message}` : ''}`);
}
