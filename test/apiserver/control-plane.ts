// A real control plane on loopback, as the Kubernetes project's integration tests run one (envtest):
// etcd and kube-apiserver, generated certificates, RBAC, the default admission plugins, no scheduler,
// controller manager or kubelet, so what a test loads stays as it is.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBinaries, type Binaries } from './build.js';

/** Users with a client certificate from certgen. */
export type User = 'admin' | 'restricted';

/** What a test process needs to talk to a running control plane (serialisable: vitest's provide/inject). */
export interface ControlPlaneInfo {
  /** https://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT */
  etcdUrl: string;
  /** ca.crt, admin.crt/key, restricted.crt/key, kubelet.crt/key… */
  certDir: string;
  /** Working folder: etcd data, logs. */
  dir: string;
}

export interface ControlPlane extends ControlPlaneInfo {
  stop(): Promise<void>;
  /** Seconds from spawning etcd to kube-apiserver's /readyz answering ok. */
  startSeconds: number;
}

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export interface ApiRequest {
  method?: string;
  path: string;
  body?: unknown;
  user?: User;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const agents = new Map<string, https.Agent>();
function agentFor(info: Pick<ControlPlaneInfo, 'certDir'>, user: User): https.Agent {
  const key = `${info.certDir}:${user}`;
  let agent = agents.get(key);
  if (!agent) {
    const read = (f: string) => readFileSync(path.join(info.certDir, f));
    agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: read('ca.crt'), cert: read(`${user}.crt`), key: read(`${user}.key`) });
    agents.set(key, agent);
  }
  return agent;
}

/** One request to the API server as `user` (admin by default); never throws on an HTTP status. */
export function apiRequest(info: Pick<ControlPlaneInfo, 'url' | 'certDir'>, req: ApiRequest): Promise<ApiResponse> {
  const url = new URL(req.path, info.url);
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const r = https.request(
      url,
      {
        method: req.method ?? 'GET',
        agent: agentFor(info, req.user ?? 'admin'),
        headers: {
          accept: req.accept ?? 'application/json',
          ...(body !== undefined ? { 'content-type': req.contentType ?? 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          ...req.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** A kubeconfig (JSON, which kubectl and client-node read) for `user`, written to `file`. */
export function writeKubeconfig(info: Pick<ControlPlaneInfo, 'url' | 'certDir'>, file: string, user: User = 'admin', context = 'real'): string {
  const b64 = (f: string) => readFileSync(path.join(info.certDir, f)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'real', cluster: { server: info.url, 'certificate-authority-data': b64('ca.crt') } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(`${user}.crt`), 'client-key-data': b64(`${user}.key`) } }],
    contexts: [{ name: context, context: { cluster: 'real', user } }],
    'current-context': context,
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

/** Compacts etcd at its current revision (what kube-apiserver does every --etcd-compaction-interval). */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const post = async (p: string, body: unknown) => {
    const res = await fetch(new URL(p, etcdUrl), { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`etcd ${p}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { header?: { revision?: string } };
  };
  // A range over one absent key answers the store's current revision in its header.
  const range = await post('/v3/kv/range', { key: Buffer.from('\0').toString('base64') });
  const revision = Number(range.header?.revision);
  if (!Number.isFinite(revision)) throw new Error('etcd did not say its revision');
  await post('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}

function waitForLine(child: ChildProcess, line: string, what: string, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs / 1000} s (log: ${logFile})`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready: ${tailOf(logFile)}`));
    });
  });
}

function tailOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitReady(info: ControlPlaneInfo, apiserver: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  apiserver.on('exit', (code) => (exited = code));
  let last = '';
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`kube-apiserver exited with ${exited} before it was ready: ${tailOf(logFile)}`);
    try {
      const res = await apiRequest(info, { path: '/readyz' });
      if (res.status === 200) return;
      last = `${res.status} ${res.text.split('\n').filter((l) => l.includes('failed')).join('; ')}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`kube-apiserver not ready after ${timeoutMs / 1000} s (${last}); log: ${logFile}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface StartOptions {
  bins?: Binaries;
  /** Extra kube-apiserver flags (`--feature-gates=…`). */
  extraArgs?: string[];
  readyTimeoutMs?: number;
}

/** Starts etcd and kube-apiserver on free loopback ports; resolves once /readyz answers ok. */
export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  const bins = options.bins ?? (await ensureBinaries((l) => process.stderr.write(l + '\n')));
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-apiserver-'));
  const certDir = path.join(dir, 'certs');
  const started = Date.now();
  execFileSync(bins.certgen, ['--dir', certDir]);

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const url = `https://127.0.0.1:${apiPort}`;
  const info: ControlPlaneInfo = { url, etcdUrl, certDir, dir };
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    children.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', onExit);

  try {
    const etcdLog = path.join(dir, 'etcd.log');
    const etcdFd = openSync(etcdLog, 'a');
    const etcd = spawn(bins.etcd, ['--data-dir', path.join(dir, 'etcd'), '--listen-client-url', etcdUrl, '--listen-peer-url', `http://127.0.0.1:${peerPort}`], {
      stdio: ['ignore', 'pipe', etcdFd],
    });
    closeSync(etcdFd);
    children.push(etcd);
    await waitForLine(etcd, 'ready', 'etcd', etcdLog, 60_000);

    const c = (f: string) => path.join(certDir, f);
    const apiLog = path.join(dir, 'kube-apiserver.log');
    const apiFd = openSync(apiLog, 'a');
    mkdirSync(path.join(dir, 'apiserver'), { recursive: true });
    const apiserver = spawn(
      bins.kubeApiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${path.join(dir, 'apiserver')}`,
        `--tls-cert-file=${c('apiserver.crt')}`,
        `--tls-private-key-file=${c('apiserver.key')}`,
        `--client-ca-file=${c('ca.crt')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${c('sa.pub')}`,
        `--service-account-signing-key-file=${c('sa.key')}`,
        '--service-cluster-ip-range=10.96.0.0/12',
        '--authorization-mode=RBAC',
        // No controller manager runs: nothing else would reconcile the kubernetes Service's endpoints.
        '--endpoint-reconciler-type=none',
        // GPU operands run privileged: a real cluster allows them, so must this one.
        '--allow-privileged=true',
        `--kubelet-client-certificate=${c('kubelet-client.crt')}`,
        `--kubelet-client-key=${c('kubelet-client.key')}`,
        `--kubelet-certificate-authority=${c('ca.crt')}`,
        // The loader gives every node an InternalDNS address of localhost, where the kubelet stand-in listens.
        '--kubelet-preferred-address-types=InternalDNS,InternalIP,Hostname,ExternalDNS,ExternalIP',
        '--profiling=false',
        '--v=1',
        ...(options.extraArgs ?? []),
      ],
      { stdio: ['ignore', apiFd, apiFd] },
    );
    closeSync(apiFd);
    children.push(apiserver);
    await waitReady(info, apiserver, apiLog, options.readyTimeoutMs ?? 180_000);
  } catch (err) {
    await stop();
    process.removeListener('exit', onExit);
    throw err;
  }
  return {
    ...info,
    startSeconds: (Date.now() - started) / 1000,
    stop: async () => {
      await stop();
      process.removeListener('exit', onExit);
    },
  };
}
