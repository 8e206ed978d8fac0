// What the cluster has already, read with helm and kubectl (read-only probes, cached until refresh()).
import semver from 'semver';
import type { KubeObject, Node, Pod } from '../collection/kube.js';
import { OWNER_SELECTOR } from './charts.js';
import type { CommandResult, Exec } from './exec.js';
import { firstLine } from './host-facts.js';

export const MIN_HELM = '3.14.0';

export interface HelmRelease {
  name: string;
  namespace: string;
  revision?: string;
  status?: string;
  /** "gpu-operator-v25.3.0" */
  chart: string;
  app_version?: string;
}

export interface KubeAccess {
  kubeconfig?: string;
  context?: string;
}

export class ClusterFacts {
  constructor(
    private readonly exec: Exec,
    private readonly access: KubeAccess,
  ) {}

  kubectl(...args: string[]): string[] {
    return [
      'kubectl',
      ...(this.access.kubeconfig ? ['--kubeconfig', this.access.kubeconfig] : []),
      ...(this.access.context ? ['--context', this.access.context] : []),
      ...args,
    ];
  }

  helm(...args: string[]): string[] {
    return [
      'helm',
      ...args,
      ...(this.access.kubeconfig ? ['--kubeconfig', this.access.kubeconfig] : []),
      ...(this.access.context ? ['--kube-context', this.access.context] : []),
    ];
  }

  /** `helm version --short` → "v3.14.4+g81c902a"; missing → undefined. */
  async helmVersion(): Promise<{ missing: boolean; raw: string; version?: string; error?: string }> {
    const r = await this.exec.probe(['helm', 'version', '--short']);
    if (r.missing) return { missing: true, raw: '' };
    const raw = r.stdout.trim();
    const version = semver.coerce(raw)?.version;
    return { missing: false, raw, ...(version ? { version } : {}), ...(r.exitCode !== 0 ? { error: firstLine(r.stderr) } : {}) };
  }

  async nodes(): Promise<{ nodes?: Node[]; error?: string; missing?: boolean }> {
    const r = await this.exec.probe(this.kubectl('get', 'nodes', '-o', 'json'));
    if (r.missing) return { missing: true, error: 'kubectl is not installed' };
    if (r.exitCode !== 0) return { error: kubectlError(r.stderr) || `kubectl exited ${r.exitCode}` };
    const list = parseJson<{ items?: Node[] }>(r.stdout);
    return list ? { nodes: (list.items ?? []).map((n) => ({ ...n, kind: 'Node' as const })) } : { error: 'kubectl get nodes printed no JSON' };
  }

  /** The API server's version, e.g. v1.28.4 (a k3s suffix like +k3s1 removed). */
  async serverVersion(): Promise<string | undefined> {
    const r = await this.exec.probe(this.kubectl('version', '-o', 'json'));
    const v = parseJson<{ serverVersion?: { gitVersion?: string } }>(r.stdout)?.serverVersion?.gitVersion;
    return v?.replace(/\+.*$/, '');
  }

  /** `helm repo list` fails with "no repositories to show" when there are none: that is an empty list. */
  async repos(): Promise<{ name: string; url: string }[]> {
    const r = await this.exec.probe(['helm', 'repo', 'list', '-o', 'json']);
    return r.exitCode === 0 ? (parseJson<{ name: string; url: string }[]>(r.stdout) ?? []) : [];
  }

  async releases(): Promise<HelmRelease[]> {
    return listOf(await this.exec.probe(this.helm('list', '--all-namespaces', '--all', '-o', 'json')));
  }

  /** The releases gpuctl installed: they carry its storage label. */
  async ownedReleases(): Promise<HelmRelease[]> {
    return listOf(await this.exec.probe(this.helm('list', '--all-namespaces', '--all', '--selector', OWNER_SELECTOR, '-o', 'json')));
  }

  /** `helm get values -o json`: the user-supplied values (null when there were none). */
  async values(release: HelmRelease): Promise<Record<string, unknown>> {
    const r = await this.exec.probe(this.helm('get', 'values', release.name, '--namespace', release.namespace, '-o', 'json'));
    return (r.exitCode === 0 ? parseJson<Record<string, unknown> | null>(r.stdout) : undefined) ?? {};
  }

  async get(kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const r = await this.exec.probe(this.kubectl('get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json', '--ignore-not-found'));
    return r.exitCode === 0 && r.stdout.trim() ? parseJson<KubeObject>(r.stdout) : undefined;
  }

  /** Pods of one namespace, optionally by label selector; read fresh each time (waits poll it). */
  async pods(namespace: string, selector?: string): Promise<{ pods?: Pod[]; error?: string }> {
    const r = await this.exec.run(this.kubectl('get', 'pods', '-n', namespace, ...(selector ? ['-l', selector] : []), '-o', 'json'), { timeoutMs: 30_000 });
    if (r.exitCode !== 0) return { error: kubectlError(r.stderr) || `kubectl exited ${r.exitCode}` };
    return { pods: (parseJson<{ items?: Pod[] }>(r.stdout)?.items ?? []).map((p) => ({ ...p, kind: 'Pod' as const })) };
  }
}

export function helmTooOld(version: string | undefined): boolean {
  return !version || semver.lt(version, MIN_HELM);
}

function listOf(r: CommandResult): HelmRelease[] {
  return r.exitCode === 0 ? (parseJson<HelmRelease[]>(r.stdout) ?? []) : [];
}

export function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * What kubectl said, without its klog lines ("E1203 12:00:00.000 memcache.go:265] couldn't get …"): the last
 * plain line ("The connection to the server localhost:8080 was refused …"), else the first line.
 */
export function kubectlError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => !/^[EIWF]\d{4} /.test(l)).at(-1) ?? lines[0] ?? '';
}
