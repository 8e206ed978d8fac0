// What never leaves the cluster in a bundle: Secret data, and values that look like credentials.
import type { KubeObject } from '../facts/kube.js';

export const REDACTED = '<redacted by gpuctl>';
const SECRET_NAME = /(token|password|passwd|secret|key|auth|credential|cert|private)/i;
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A deep copy with secrets removed; the input is left as it was. */
export function redactObject(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as KubeObject & Record<string, any>;
  const annotations = copy.metadata.annotations;
  if (annotations) for (const key of DROPPED_ANNOTATIONS) delete annotations[key];
  if (copy.kind === 'Secret') {
    // Keep which keys exist (checks ask "is there a tokens key?"), never their values.
    for (const field of ['data', 'stringData']) {
      if (copy[field]) copy[field] = Object.fromEntries(Object.keys(copy[field]).map((k) => [k, REDACTED]));
    }
  }
  if (copy.kind === 'ConfigMap' && copy.data) {
    for (const key of Object.keys(copy.data)) if (isSecretName(key)) copy.data[key] = REDACTED;
  }
  for (const container of podContainers(copy)) {
    for (const env of container.env ?? []) {
      if (env.value !== undefined && isSecretName(env.name)) env.value = REDACTED;
    }
    container.args = redactArgs(container.args);
    container.command = redactArgs(container.command);
  }
  return copy;
}

/** Containers of a pod, or of a workload's pod template. */
function podContainers(obj: Record<string, any>): { env?: { name: string; value?: string }[]; args?: string[]; command?: string[] }[] {
  const spec = obj.kind === 'Pod' ? obj.spec : obj.spec?.template?.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
}

/** `--token=abc`, `--password abc` in command lines. */
function redactArgs(args: string[] | undefined): string[] | undefined {
  if (!args) return args;
  return args.map((arg, i) => {
    const eq = /^(--?[\w.-]+)=(.*)$/.exec(arg);
    if (eq && isSecretName(eq[1]!)) return `${eq[1]}=${REDACTED}`;
    const prev = args[i - 1];
    if (prev && /^--?[\w.-]+$/.test(prev) && isSecretName(prev) && !arg.startsWith('-')) return REDACTED;
    return arg;
  });
}

/** Host files (registries.yaml, hosts.toml, daemon.json) hold registry passwords and tokens. */
export function redactText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*"?([\w.-]+)"?\s*[:=]\s*)(.+)$/.exec(line);
      if (!m || !isSecretName(m[2]!) || /^[[{]\s*$/.test(m[3]!.trim())) return line;
      return `${m[1]}"${REDACTED}"`;
    })
    .join('\n');
}

/** Process environments captured by exec-check: same rule as pod env. */
export function redactEnviron(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, isSecretName(k) ? REDACTED : v]));
}
