// Pod states as an operator reads them in `kubectl get pods`.
import type { ContainerStatus, Pod } from './kube.js';

export function podRef(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function allStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

export function restarts(pod: Pod): number {
  return allStatuses(pod).reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
}

/** The STATUS column of `kubectl get pods`, close enough to quote. */
export function displayStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const inits = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i]!;
    if (s.state?.terminated && s.state.terminated.exitCode === 0) continue;
    if (s.state?.terminated) return `Init:${s.state.terminated.reason ?? 'Error'}`;
    if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') return `Init:${s.state.waiting.reason}`;
    return `Init:${i}/${inits.length}`;
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    if (s.state?.waiting?.reason) return s.state.waiting.reason;
    if (s.state?.terminated?.reason) return s.state.terminated.reason;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
}

export function ownerName(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.name ?? pod.metadata.ownerReferences?.[0]?.name;
}

/** The last `lines` non-empty lines of a text, for quoting logs. */
export function lastLines(text: string | undefined, lines: number): string[] {
  if (!text) return [];
  return text.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-lines);
}
