// Pod states as an operator reads them in `kubectl get pods`.
import type { ContainerStatus, Pod } from '../collection/kube.js';

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

/** The STATUS column of `kubectl get pods`, following kubectl's printPod. */
export function displayStatus(pod: Pod): string {
  let reason = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  const inits = pod.status?.initContainerStatuses ?? [];
  let initializing = false;
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i]!;
    if (s.state?.terminated && s.state.terminated.exitCode === 0) continue;
    initializing = true;
    if (s.state?.terminated) reason = `Init:${s.state.terminated.reason || `ExitCode:${s.state.terminated.exitCode}`}`;
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') reason = `Init:${s.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const statuses = pod.status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const s = statuses[i]!;
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
      else if (s.state?.terminated?.reason) reason = s.state.terminated.reason;
      else if (s.state?.terminated) reason = `ExitCode:${s.state.terminated.exitCode ?? '?'}`;
      else if (s.ready && s.state?.running) hasRunning = true;
    }
    // One container done, another still running (a sidecar): kubectl says NotReady, or Running when Ready.
    if (reason === 'Completed' && hasRunning) reason = isReady(pod) ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) return pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export function ownerName(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.name ?? pod.metadata.ownerReferences?.[0]?.name;
}

/** The last `lines` non-empty lines of a text, for quoting logs. */
export function lastLines(text: string | undefined, lines: number): string[] {
  if (!text) return [];
  return text.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-lines);
}
