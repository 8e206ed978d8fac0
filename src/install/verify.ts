// After the steps: the doctor's own checks confirm the result (node checks on the host, operator checks on the cluster).
import { pushAll } from '../bounded.js';
import { hostname } from 'node:os';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Check } from '../check.js';
import { requiredKinds } from '../check.js';
import type { Report } from '../engine.js';
import { runChecks } from '../engine.js';
import { Facts } from '../facts/facts.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import { displayStatus, isReady } from '../facts/pods.js';
import type { Category } from '../model.js';
import { emptyCollection } from '../collection/collection.js';
import { resourceName, resourceTypeOfKind } from '../collection/resources.js';
import { CHARTS, type ComponentId } from './charts.js';
import { chosenGpuNodes } from './cluster-steps.js';
import { parseJson } from './cluster-facts.js';
import { PROFILES } from './profiles.js';
import type { InstallContext } from './types.js';

export function checksOf(categories: readonly Category[]): Check[] {
  return ALL_CHECKS.filter((c) => categories.includes(c.category));
}

/** The node checks (runtime, driver) over a probe of this machine. Driver checks wait for the reboot a new driver needs. */
export async function verifyHost(ctx: InstallContext, rebootPending: boolean): Promise<{ report: Report; deferred: Category[] }> {
  const { probeLocalNode } = await import('../sources/node-probe/local.js');
  const host = await probeLocalNode({ hostRoot: ctx.root });
  const name = hostname();
  const collection = emptyCollection(`node ${name} (local probe)`);
  collection.nodes.set(name, host);
  const deferred: Category[] = rebootPending ? ['driver'] : [];
  const categories = (['runtime', 'driver'] as Category[]).filter((c) => !deferred.includes(c));
  return { report: runChecks(checksOf(categories), new Facts(collection)), deferred };
}

export interface WaitResult {
  component: ComponentId;
  ready: boolean;
  summary: string;
  notReady: string[];
}

/** Polls the pods of each chart until all are ready (or finished), within the deadline; says what it waits for. */
export async function waitForPods(ctx: InstallContext, progress: (line: string) => void): Promise<WaitResult[]> {
  const deadline = Date.now() + ctx.options.waitTimeoutMs;
  const gpuNodes = (await chosenGpuNodes(ctx)).nodes;
  const results: WaitResult[] = [];
  for (const component of PROFILES[ctx.options.profile].components) {
    const spec = CHARTS[component];
    const where = spec.podSelector ? `${spec.namespace} (${spec.podSelector})` : spec.namespace;
    let last = '';
    for (;;) {
      const { pods, error } = await ctx.cluster.pods(spec.namespace, spec.podSelector);
      const state = podState(pods ?? [], component === 'gpu-operator' && gpuNodes.length > 0);
      const line = error ? `${spec.title}: cannot list pods in ${where}: ${error}` : `${spec.title}: ${state.summary}`;
      if (line !== last) progress(line);
      last = line;
      if (!error && state.ready) {
        results.push({ component, ready: true, summary: state.summary, notReady: [] });
        break;
      }
      if (Date.now() >= deadline) {
        results.push({ component, ready: false, summary: `${state.summary} after ${Math.round(ctx.options.waitTimeoutMs / 1000)}s`, notReady: state.notReady });
        break;
      }
      await new Promise((r) => setTimeout(r, Math.min(ctx.options.pollMs, Math.max(0, deadline - Date.now()))));
    }
  }
  return results;
}

export function podState(pods: Pod[], needValidator: boolean): { ready: boolean; summary: string; notReady: string[] } {
  const done = (p: Pod) => isReady(p) || p.status?.phase === 'Succeeded';
  const notReady = pods.filter((p) => !done(p)).map((p) => `${p.metadata.name} (${displayStatus(p)})`);
  const validator = pods.find((p) => p.metadata.name.startsWith('nvidia-operator-validator'));
  const waitingForValidator = needValidator && !(validator && done(validator));
  const ready = pods.length > 0 && notReady.length === 0 && !waitingForValidator;
  const parts = [`${pods.length - notReady.length}/${pods.length} pods ready`];
  if (notReady.length) parts.push(`waiting for ${notReady.slice(0, 3).join(', ')}${notReady.length > 3 ? ` and ${notReady.length - 3} more` : ''}`);
  if (waitingForValidator && !validator) parts.push('no nvidia-operator-validator pod yet');
  if (pods.length === 0) parts.push('no pod yet');
  return { ready, summary: parts.join('; '), notReady };
}

/** The profile's doctor checks over what kubectl lists now (each kind the checks need, read once). */
export async function verifyCluster(ctx: InstallContext): Promise<Report> {
  const checks = checksOf(PROFILES[ctx.options.profile].checkCategories);
  const kinds = [...new Set(['Node', 'Pod', ...checks.flatMap(requiredKinds)])];
  const collection = emptyCollection(ctx.options.context ? `context ${ctx.options.context}` : 'cluster (kubectl)');
  for (const kind of kinds) {
    const type = resourceTypeOfKind(kind);
    if (!type) {
      collection.unavailable.set(kind, 'not read by gpuctl install');
      (collection.notCollected ??= new Set()).add(kind);
      continue;
    }
    const r = await ctx.exec.run(ctx.cluster.kubectl('get', resourceName(type), ...(type.namespaced ? ['--all-namespaces'] : []), '-o', 'json'), { timeoutMs: 60_000 });
    if (r.exitCode !== 0) {
      if (type.crd && /doesn't have a resource type|the server could not find the requested resource/.test(r.stderr)) collection.notInstalled.add(kind);
      else collection.unavailable.set(kind, r.stderr.trim().split('\n')[0] || `kubectl exited ${r.exitCode}`);
      continue;
    }
    const items = parseJson<{ items?: KubeObject[] }>(r.stdout)?.items ?? [];
    pushAll(collection.objects, items.map((o) => ({ ...o, kind })));
  }
  return runChecks(checks, new Facts(collection));
}
