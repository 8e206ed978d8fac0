// labelSelector and fieldSelector as the API server evaluates them, compiled once per request into a
// predicate that reads objects in place (no copies: a list of 100,000 pods is filtered per page).
import type { KubeObject } from '../../src/facts/kube.js';

export type Predicate = (obj: KubeObject) => boolean;

export class SelectorError extends Error {}

const KEY = String.raw`[A-Za-z0-9](?:[-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EXISTS = new RegExp(`^(${KEY})$`);
const NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

/** Splits on commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim());
}

export function compileLabelSelector(selector: string | null | undefined): Predicate | undefined {
  if (!selector || !selector.trim()) return undefined;
  const tests: Predicate[] = splitRequirements(selector).map((req) => {
    let m: RegExpExecArray | null;
    if ((m = NOT_EXISTS.exec(req))) {
      const key = m[1]!;
      return (o) => o.metadata.labels?.[key] === undefined;
    }
    if ((m = EXISTS.exec(req))) {
      const key = m[1]!;
      return (o) => o.metadata.labels?.[key] !== undefined;
    }
    if ((m = EQUALITY.exec(req))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      // `!=` also matches objects without the label, as in Kubernetes.
      return op === '!=' ? (o) => o.metadata.labels?.[key] !== value : (o) => o.metadata.labels?.[key] === value;
    }
    if ((m = SET.exec(req))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = new Set(list.split(',').map((v) => v.trim()));
      for (const v of values) {
        if (!VALUE_ONLY.test(v)) throw new SelectorError(`unable to parse requirement: invalid label value: "${v}"`);
      }
      if (op === 'in') return (o) => values.has(o.metadata.labels?.[key] as string);
      return (o) => {
        const v = o.metadata.labels?.[key];
        return v === undefined || !values.has(v);
      };
    }
    throw new SelectorError(`unable to parse requirement: found '${req}', expected: label key, !key, key=value, key!=value, key in (…), key notin (…)`);
  });
  return tests.length === 1 ? tests[0] : (o) => tests.every((t) => t(o));
}

/** `spec.nodeName` → the value at that path as the API server compares it: a string, "" when absent. */
function fieldValue(obj: KubeObject, path: string[]): string {
  let cur: unknown = obj;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/** Field selector values may escape `,`, `=` and `\` with a backslash. */
function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function splitFieldRequirements(selector: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (c === '\\' && i + 1 < selector.length) {
      current += c + selector[++i];
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p);
}

/**
 * The field labels kube-apiserver takes in a fieldSelector, by resource (`plural` or `plural.group`):
 * its field label conversion functions (pkg/apis/core/v1/conversion.go and the other groups'). Every
 * resource takes metadata.name and metadata.namespace; anything else is refused with a 400.
 */
const FIELD_LABELS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  nodes: ['spec.unschedulable'],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  namespaces: ['status.phase'],
  secrets: ['type'],
  replicationcontrollers: ['status.replicas'],
  'replicasets.apps': ['status.replicas'],
  'jobs.batch': ['status.successful'],
  'certificatesigningrequests.certificates.k8s.io': ['spec.signerName'],
};

/** Whether kube-apiserver takes `field` in a fieldSelector on this resource. */
export function supportsFieldLabel(group: string, plural: string, field: string): boolean {
  return field === 'metadata.name' || field === 'metadata.namespace' || (FIELD_LABELS[group ? `${plural}.${group}` : plural]?.includes(field) ?? false);
}

/** `supported`: the resource's field labels; absent, any dotted path is taken. */
export function compileFieldSelector(selector: string | null | undefined, supported?: (field: string) => boolean): Predicate | undefined {
  if (!selector || !selector.trim()) return undefined;
  const tests: Predicate[] = splitFieldRequirements(selector).map((req) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(req);
    if (!m) throw new SelectorError(`invalid selector: '${req}'; can't understand '${req}'`);
    const [, field, op, raw] = m as unknown as [string, string, string, string];
    if (supported && !supported(field)) throw new SelectorError(`field label not supported: ${field}`);
    const path = field.split('.');
    const value = unescapeFieldValue(raw);
    return op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value;
  });
  return tests.length === 1 ? tests[0] : (o) => tests.every((t) => t(o));
}

export function combine(...predicates: (Predicate | undefined)[]): Predicate | undefined {
  const present = predicates.filter((p): p is Predicate => !!p);
  if (present.length <= 1) return present[0];
  return (o) => present.every((p) => p(o));
}
