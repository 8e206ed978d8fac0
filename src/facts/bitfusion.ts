// VMware Bitfusion on Kubernetes (bitfusion-with-kubernetes-integration) as its manifests and webhook
// write it: the components `make deploy` installs, the annotations and resources a workload uses, and
// the valid values the integration documents.
import type { Container, KubeObject, Pod } from '../collection/kube.js';
import {
  BITFUSION_GPU_RESOURCE as GPU_RESOURCE,
  BITFUSION_WEBHOOK_NAMESPACE,
  CLIENT_ANNOTATION_PREFIX,
  DEVICE_PLUGIN_NAME,
  MANAGEMENT_ANNOTATION,
  SECRET_NAME,
  WEBHOOK_DEPLOYMENT_NAME,
} from '../stacks/bitfusion.js';

export { BITFUSION_WEBHOOK_NAMESPACE, DEVICE_PLUGIN_NAME, GPU_RESOURCE, MANAGEMENT_ANNOTATION, SECRET_NAME, WEBHOOK_DEPLOYMENT_NAME };
export const STATUS_ANNOTATION = 'auto-management/status';
export const OS_ANNOTATION = `${CLIENT_ANNOTATION_PREFIX}os`;
export const VERSION_ANNOTATION = `${CLIENT_ANNOTATION_PREFIX}version`;
export const INJECTED = 'injected';

/** The valid values, as the integration's documentation lists them. */
export const VALID_ANNOTATION_VALUES: Record<string, string[]> = {
  // all: install the client, import the token, rewrite the command to `bitfusion run`;
  // injection: install the client only; none: the device plugin leaves the container alone.
  [MANAGEMENT_ANNOTATION]: ['all', 'injection', 'none'],
  [OS_ANNOTATION]: ['ubuntu18', 'ubuntu20', 'centos7', 'centos8'],
  // 250 = Bitfusion client 2.5.0, the only client the images ship.
  [VERSION_ANNOTATION]: ['250'],
};

export const GPU_AMOUNT = 'bitfusion.io/gpu-amount';
export const GPU_PERCENT = 'bitfusion.io/gpu-percent';
export const GPU_MEMORY = 'bitfusion.io/gpu-memory';

export const SECRET_HOME = 'kube-system';
export const DEVICE_PLUGIN_NAMESPACE = 'kube-system';
export const MUTATING_WEBHOOK_NAME = 'bwki-webhook-cfg';
export const VALIDATING_WEBHOOK_NAME = 'validation.bitfusion.io-cfg';
export const DEPLOY_COMMAND = 'cd bitfusion-with-kubernetes-integration-main/bitfusion_device_plugin && make deploy';

/** What Bitfusion does to a pod, from its annotation: all | injection | none | (another value) | undefined. */
export function managementOf(o: KubeObject): string | undefined {
  return o.metadata.annotations?.[MANAGEMENT_ANNOTATION];
}

/** Pods the webhook is asked to inject (all or injection). */
export function isManaged(o: KubeObject): boolean {
  const mode = managementOf(o)?.trim().toLowerCase();
  return mode === 'all' || mode === 'injection';
}

export function bitfusionPods(pods: Pod[]): Pod[] {
  return pods.filter((p) => managementOf(p) !== undefined || containersOf(p).some((c) => requestsBitfusion(c)));
}

export function containersOf(pod: Pod): Container[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
}

export function requestsBitfusion(c: Container): boolean {
  return [...Object.keys(c.resources?.limits ?? {}), ...Object.keys(c.resources?.requests ?? {})].some((r) => r.startsWith('bitfusion.io/'));
}

function resourceValue(c: Container, name: string): string | undefined {
  return c.resources?.limits?.[name] ?? c.resources?.requests?.[name];
}

const POSITIVE_INTEGER = /^[1-9]\d*$/;
/** A positive integer, in bits by default, or with one of the units the integration accepts. */
const MEMORY = /^[1-9]\d*(Mi|M|G|Gi)?$/;

/** What is wrong with the annotations of a pod or pod template, one line each. */
export function annotationProblems(annotations: Record<string, string> | undefined): string[] {
  const problems: string[] = [];
  for (const [key, valid] of Object.entries(VALID_ANNOTATION_VALUES)) {
    const value = annotations?.[key];
    if (value !== undefined && !valid.includes(value)) problems.push(`annotation ${key}: "${value}" is not one of ${valid.join(', ')}`);
  }
  return problems;
}

/** What is wrong with the Bitfusion resources of one container, one line each. */
export function resourceProblems(c: Container): string[] {
  const amount = resourceValue(c, GPU_AMOUNT);
  const percent = resourceValue(c, GPU_PERCENT);
  const memory = resourceValue(c, GPU_MEMORY);
  if (amount === undefined && percent === undefined && memory === undefined) return [];
  const where = `container ${c.name}`;
  const problems: string[] = [];
  if (amount === undefined) problems.push(`${where}: ${GPU_AMOUNT} is missing (the number of GPUs, a positive integer)`);
  else if (!POSITIVE_INTEGER.test(String(amount))) problems.push(`${where}: ${GPU_AMOUNT}: "${amount}" is not a positive integer`);
  if (percent !== undefined && memory !== undefined) {
    problems.push(`${where}: both ${GPU_PERCENT} (${percent}) and ${GPU_MEMORY} (${memory}) are set: give one of them`);
  } else if (percent === undefined && memory === undefined) {
    problems.push(`${where}: neither ${GPU_PERCENT} nor ${GPU_MEMORY} is set: give one of them`);
  }
  if (percent !== undefined && !(POSITIVE_INTEGER.test(String(percent)) && Number(percent) <= 100)) {
    problems.push(`${where}: ${GPU_PERCENT}: "${percent}" is not a positive integer percentage (1–100) of each GPU's memory`);
  }
  if (memory !== undefined && !MEMORY.test(String(memory))) {
    problems.push(`${where}: ${GPU_MEMORY}: "${memory}" is not a positive integer (bits) or one with unit Mi, M, G or Gi`);
  }
  return problems;
}

/** The container commands as one line each, to see whether the webhook rewrote them to `bitfusion run`. */
export function commandText(c: Container): string {
  return [...(c.command ?? []), ...(c.args ?? [])].join(' ');
}

export const BITFUSION_RUN = /\bbitfusion run\b/;

/**
 * Errors of the Bitfusion client reaching its servers. The client logs `[ERROR] <time> …` where a healthy
 * run logs `[INFO] <time> Query server …`; VMware documents "Token expired at:" for an expired client
 * token. Only lines that name the server, the token or authentication count.
 */
export const TOKEN_ERROR_LINES: RegExp[] = [
  /Token expired at/i,
  /^\[(ERROR|FATAL)\].*\b(server|servers\.conf|token|auth\w*|certificate|x509|tls|connect\w*|unreachable|refused|timed? ?out)\b/i,
  /\bbitfusion\b.*\b(error|failed)\b.*\b(server|token|auth\w*|certificate|connect\w*)\b/i,
];

export function tokenErrorLines(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => TOKEN_ERROR_LINES.some((p) => p.test(l)));
}
