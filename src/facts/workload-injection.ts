// For each container whose process table was captured (or that exec-check traced), which stack it uses and
// where injection broke.
import type { ExecAnalysis } from './exec-tree.js';
import { analyzeExecTree, recordsFromProcesses } from './exec-tree.js';
import type { Facts } from './facts.js';
import type { InjectionStack, InjectionStackId } from './injection.js';
import { detectPodStack, INJECTION_STACKS, stackById } from './injection.js';
import type { Pod } from '../collection/kube.js';

export interface WorkloadInjection {
  namespace: string;
  pod: string;
  container: string;
  stackEvidence: string;
  analysis: ExecAnalysis;
  /** A local trace (exec-check --local): `pod` holds the command line, there is nothing to kubectl. */
  local?: boolean;
}

export function subjectOf(w: WorkloadInjection) {
  return w.local ? { kind: 'Command', name: w.pod } : { kind: 'Pod', name: w.pod, namespace: w.namespace };
}

/** Where the workload is, for messages: "container main" or "the traced command". */
export function whereOf(w: WorkloadInjection): string {
  return w.local ? 'The traced command' : `Container ${w.container}`;
}

const cache = new WeakMap<Facts, WorkloadInjection[]>();

export function workloadInjections(facts: Facts): WorkloadInjection[] {
  let result = cache.get(facts);
  if (result) return result;
  result = [];
  for (const [key, processes] of facts.processTables()) {
    const [namespace, podName, container] = key.split('/') as [string, string, string];
    const pod = facts.pod(namespace, podName);
    const records = recordsFromProcesses(processes);
    const detected = (pod && detectPodStack(pod)) ?? stackFromEnv(records[0]?.env);
    if (!detected) continue;
    const preload = facts.preloadFile(key);
    result.push({
      namespace,
      pod: podName,
      container,
      stackEvidence: detected.evidence,
      analysis: analyzeExecTree(records, detected.stack, preload),
    });
  }
  for (const [key, trace] of facts.execTraces()) {
    result.push({
      namespace: trace.namespace,
      pod: trace.pod,
      container: trace.container,
      stackEvidence: trace.stack.evidence,
      analysis: analyzeExecTree(trace.records, stackById(trace.stack.id as InjectionStackId), facts.preloadFile(key)),
      ...(trace.local ? { local: true } : {}),
    });
  }
  cache.set(facts, result);
  return result;
}

/** Without a pod object (exec-check --local), the injected values themselves tell the stack. */
export function stackFromEnv(env: Record<string, string> | undefined): { stack: InjectionStack; evidence: string } | undefined {
  if (!env) return undefined;
  for (const stack of INJECTION_STACKS) {
    const hit = stack.requirements.find((q) => q.contains && env[q.variable]?.includes(q.contains));
    if (hit) return { stack, evidence: `${hit.variable} contains ${hit.contains}` };
    // A requirement on no text (the toolkit's NVIDIA_VISIBLE_DEVICES) is met by the variable being set.
    const set = stack.requirements.find((q) => !q.contains && env[q.variable] !== undefined);
    if (set) return { stack, evidence: `${set.variable} is set` };
  }
  return undefined;
}

/** Pods of an injecting stack (not plain nvidia.com/gpu) that are running: candidates for a process capture. */
export function injectingPods(facts: Facts): { pod: Pod; stack: InjectionStack }[] {
  return facts.pods
    .filter((p) => p.status?.phase === 'Running')
    .map((pod) => ({ pod, detected: detectPodStack(pod) }))
    .filter(({ detected }) => detected && !detected.stack.generic)
    .map(({ pod, detected }) => ({ pod, stack: detected!.stack }));
}
