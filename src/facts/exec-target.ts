// Which container of a pod exec-check and the live doctor look into, and whether it can be exec'd into.
import type { InjectionStack } from './injection.js';
import { INJECTION_STACKS } from './injection.js';
import type { Pod } from '../collection/kube.js';
import { podRef } from './pods.js';

/** kubectl's default container; stacks may name the containers they inject (src/stacks: containerAnnotation). */
export const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';
/** The annotations by which stacks name the containers they inject (TensorFusion's). */
const INJECT_CONTAINER_ANNOTATIONS = [...new Set(INJECTION_STACKS.flatMap((s) => s.containerAnnotation ?? []))];
const namedIn = (pod: Pod, annotation: string | undefined) =>
  (annotation && pod.metadata.annotations?.[annotation]?.split(',').map((s) => s.trim())) || [];

const containerNames = (pod: Pod) => (pod.spec?.containers ?? []).map((c) => c.name);

/** `-c NAME`, else the container TensorFusion injects, else kubectl's default container, else the first. */
export function chooseContainer(pod: Pod, wanted?: string): { container: string } | { error: string } {
  const names = containerNames(pod);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (wanted) {
    if (names.includes(wanted) || ephemeral.includes(wanted)) return { container: wanted };
    return { error: `pod ${podRef(pod)} has no container "${wanted}" (containers: ${names.join(', ') || 'none'})` };
  }
  const annotations = pod.metadata.annotations ?? {};
  const preferred = [...INJECT_CONTAINER_ANNOTATIONS.flatMap((a) => namedIn(pod, a)), annotations[DEFAULT_CONTAINER]].find((n) => n && names.includes(n));
  const container = preferred ?? names[0];
  return container ? { container } : { error: `pod ${podRef(pod)} has no containers` };
}

/** Why a container cannot be exec'd into now, in kubectl's words; undefined when it runs. */
export function notRunningReason(pod: Pod, container: string): string | undefined {
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase === 'Succeeded' || phase === 'Failed') return `pod ${podRef(pod)} has completed (phase ${phase}): there is no process left to look at`;
  if (pod.metadata.deletionTimestamp) return `pod ${podRef(pod)} is terminating`;
  const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find((s) => s.name === container);
  if (status?.state?.running) return undefined;
  const waiting = status?.state?.waiting?.reason;
  const terminated = status?.state?.terminated;
  const state = waiting ? `waiting: ${waiting}` : terminated ? `terminated: ${terminated.reason ?? `exit code ${terminated.exitCode}`}` : `pod phase ${phase}`;
  return `container ${container} of pod ${podRef(pod)} is not running (${state})`;
}

/**
 * The containers a stack injects into, for the live doctor: the ones it names (TensorFusion's annotation), else those that
 * request one of the stack's resources, else the default container. Sidecars are left alone: they were
 * never meant to carry the injected runtime.
 */
export function injectedContainers(pod: Pod, stack: InjectionStack): string[] {
  const names = containerNames(pod);
  const named = namedIn(pod, stack.containerAnnotation).filter((n) => names.includes(n));
  if (named.length > 0) return named;
  const requesting = (pod.spec?.containers ?? [])
    .filter((c) => {
      const resources = [...Object.keys(c.resources?.limits ?? {}), ...Object.keys(c.resources?.requests ?? {})];
      return resources.some((r) => stack.markers.resources.some((m) => r.startsWith(m)) || r === 'nvidia.com/gpu');
    })
    .map((c) => c.name);
  if (requesting.length > 0) return requesting;
  const fallback = chooseContainer(pod);
  return 'container' in fallback ? [fallback.container] : [];
}

/** The command the container was started with, where the pod spec says it (an image's ENTRYPOINT is not in the API). */
export function specCommand(pod: Pod, container: string): string[] | undefined {
  const c = pod.spec?.containers?.find((x) => x.name === container);
  if (!c?.command?.length) return undefined;
  return [...c.command, ...(c.args ?? [])];
}

/** `containerd://0123…` → `0123…`: the id crictl takes. */
export function runtimeContainerId(pod: Pod, container: string): string | undefined {
  return pod.status?.containerStatuses?.find((s) => s.name === container)?.containerID?.replace(/^[a-z-]+:\/\//, '');
}
