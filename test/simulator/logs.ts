// pods/log from the snapshot's logs, with the container rules and error texts of the API server
// (pkg/registry/core/pod/strategy.go LogLocation).
import type { Pod } from '../../src/facts/kube.js';
import { logKey } from '../../src/collection/collection.js';
import { badRequest, type Status } from './status.js';

export interface LogQuery {
  container?: string;
  previous: boolean;
  tailLines?: number;
  limitBytes?: number;
}

export function readLogQuery(params: URLSearchParams): LogQuery | Status {
  const number = (name: string): number | undefined | Status => {
    const raw = params.get(name);
    if (raw === null || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) return badRequest(`invalid value for ${name}: ${raw}`);
    if (n < 0 || (name === 'limitBytes' && n === 0)) {
      return badRequest(`PodLogOptions.meta.k8s.io "" is invalid: ${name}: Invalid value: ${n}: must be greater than ${name === 'limitBytes' ? '0' : 'or equal to 0'}`);
    }
    return n;
  };
  const tailLines = number('tailLines');
  if (typeof tailLines === 'object') return tailLines;
  const limitBytes = number('limitBytes');
  if (typeof limitBytes === 'object') return limitBytes;
  const previous = params.get('previous');
  return { container: params.get('container') || undefined, previous: previous === 'true' || previous === '1', tailLines, limitBytes };
}

const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);

/** The container a pods/log or pods/exec request names, by the API server's rules, or the 400 it answers. */
export function resolveContainer(pod: Pod, wanted: string | undefined): string | Status {
  const name = pod.metadata.name;
  const containers = names(pod.spec?.containers);
  const initContainers = names(pod.spec?.initContainers);
  const ephemeral = names(pod.spec?.ephemeralContainers);
  if (!wanted) {
    if (containers.length === 1) return containers[0]!;
    if (containers.length === 0) return badRequest(`a container name must be specified for pod ${name}`);
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (initContainers.length > 0) message += ` or one of the init containers: [${initContainers.join(' ')}]`;
    return badRequest(message);
  }
  if (![...containers, ...initContainers, ...ephemeral].includes(wanted)) return badRequest(`container ${wanted} is not valid for pod ${name}`);
  return wanted;
}

/** The log bytes the API server would stream, or the Status it would answer with. */
export function podLog(pod: Pod, logs: Map<string, string>, query: LogQuery): Buffer | Status {
  const name = pod.metadata.name;
  const namespace = pod.metadata.namespace ?? '';
  const container = resolveContainer(pod, query.container);
  if (typeof container !== 'string') return container;

  const text = logs.get(logKey(namespace, name, container, query.previous));
  if (text === undefined) {
    if (query.previous) return badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const waiting = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find(
      (s) => s.name === container,
    )?.state?.waiting;
    if (waiting) return badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting.reason ?? 'ContainerCreating'}`);
    return Buffer.alloc(0);
  }
  return limit(tail(text, query.tailLines), query.limitBytes);
}

function tail(text: string, lines: number | undefined): string {
  if (lines === undefined) return text;
  if (lines === 0) return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const all = body.split('\n');
  const kept = all.slice(Math.max(0, all.length - lines)).join('\n');
  return text.endsWith('\n') ? kept + '\n' : kept;
}

/** limitBytes counts bytes, and may end inside a UTF-8 sequence, as the kubelet's does. */
function limit(text: string, bytes: number | undefined): Buffer {
  const buf = Buffer.from(text, 'utf8');
  return bytes === undefined || buf.length <= bytes ? buf : buf.subarray(0, bytes);
}
