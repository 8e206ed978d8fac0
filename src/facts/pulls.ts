// Containers that cannot start because their image does not pull, with the error kubelet reported.
import type { Facts } from './facts.js';
import { eventTime } from './facts.js';
import type { ImageReference, InvalidImageReference } from './images.js';
import { isInvalid, parseImageReference } from './images.js';
import type { ContainerStatus, Event, Pod } from '../collection/kube.js';
import type { PullCause } from './pull-errors.js';
import { classifyPullError, requestHostOf } from './pull-errors.js';

/** Waiting reasons kubelet sets while an image cannot be pulled. */
export const PULL_WAITING_REASONS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'RegistryUnavailable'];

export interface FailingPull {
  pod: Pod;
  container: string;
  init: boolean;
  /** The waiting reason: ErrImagePull, ImagePullBackOff, InvalidImageName. */
  reason: string;
  /** The image as written in the pod spec. */
  image: string;
  reference: ImageReference | InvalidImageReference;
  /** Registry host namespace; undefined when the reference does not parse. */
  registry?: string;
  node?: string;
  /** The container status's waiting message. */
  statusMessage?: string;
  /** The newest kubelet event about this image failing (Failed / InspectFailed). */
  event?: Event;
  /** The host the error names (the URL requested, or the name looked up). */
  requestHost?: string;
  cause: PullCause;
}

function specImage(pod: Pod, container: string, init: boolean): string | undefined {
  const list = init ? pod.spec?.initContainers : pod.spec?.containers;
  return list?.find((c) => c.name === container)?.image;
}

/** Kubelet's events quote the image as written: `Failed to pull image "nginx:1.25": …`. */
function pullEvent(facts: Facts, pod: Pod, image: string): Event | undefined {
  const quoted = `"${image}"`;
  const events = facts
    .eventsFor('Pod', pod.metadata.name, pod.metadata.namespace)
    .filter((e) => (e.reason === 'Failed' || e.reason === 'InspectFailed') && e.message?.includes(quoted))
    // Prefer the event with the cause over the bare "Error: ErrImagePull" ones.
    .filter((e) => !/^Error: \w+$/.test(e.message ?? ''));
  return events.sort((a, b) => eventTime(a).localeCompare(eventTime(b))).at(-1);
}

// Three checks ask for the failing pulls of every pod: find them once per Facts (read-only).
const pullsCache = new WeakMap<Facts, FailingPull[]>();

export function failingPulls(facts: Facts): FailingPull[] {
  let pulls = pullsCache.get(facts);
  if (!pulls) {
    pulls = [];
    for (const pod of facts.pods) {
      addFailingPulls(facts, pod, pod.status?.initContainerStatuses, true, pulls);
      addFailingPulls(facts, pod, pod.status?.containerStatuses, false, pulls);
    }
    pullsCache.set(facts, pulls);
  }
  return pulls;
}

function addFailingPulls(facts: Facts, pod: Pod, statuses: ContainerStatus[] | undefined, init: boolean, pulls: FailingPull[]): void {
  for (const status of statuses ?? []) {
    const reason = status.state?.waiting?.reason;
    if (!reason || !PULL_WAITING_REASONS.includes(reason)) continue;
    const image = specImage(pod, status.name, init) ?? status.image ?? '';
    const reference = parseImageReference(image);
    const event = pullEvent(facts, pod, image);
    const statusMessage = status.state?.waiting?.message;
    const errorText = event?.message ?? statusMessage;
    pulls.push({
      pod,
      container: status.name,
      init,
      reason,
      image,
      reference,
      ...(isInvalid(reference) ? {} : { registry: reference.host }),
      ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
      ...(statusMessage ? { statusMessage } : {}),
      ...(event ? { event } : {}),
      ...(requestHostOf(errorText) ? { requestHost: requestHostOf(errorText)! } : {}),
      // InvalidImageName is its own cause whatever the text says.
      cause: classifyPullError(reason === 'InvalidImageName' ? reason : undefined, event?.message, statusMessage),
    });
  }
}

/** The key pods failing on the same image share: the normalised reference, or the text as written. */
export function imageKey(pull: FailingPull): string {
  return isInvalid(pull.reference) ? pull.image : pull.reference.normalized;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push(item);
  }
  return groups;
}

/** Kubelet's back-off message that carries no error (some kubelet versions append the error after it). */
const BARE_BACK_OFF = /^Back-off pulling image "[^"]*"$/;

/** The error text to quote: the event's message, else the container status's waiting message. */
export function pullErrorText(pull: FailingPull): string | undefined {
  if (pull.event?.message) return pull.event.message;
  return pull.statusMessage && !BARE_BACK_OFF.test(pull.statusMessage) ? pull.statusMessage : undefined;
}

/** `kubelet on gpu-1, x4, 2024-05-01T10:00:00Z` — where an event came from, for evidence lines. */
export function eventOrigin(event: Event): string {
  const parts = [`event ${event.reason}`];
  if (event.source?.component) parts.push(`${event.source.component}${event.source.host ? ` on ${event.source.host}` : ''}`);
  if (event.count && event.count > 1) parts.push(`x${event.count}`);
  const when = eventTime(event);
  if (when) parts.push(when);
  return parts.join(', ');
}
