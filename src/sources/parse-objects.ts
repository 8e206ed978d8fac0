// Turns what `kubectl get -o json|yaml` prints into objects: one object, a (*)List, or multi-document YAML.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../facts/kube.js';

/** YAML parsing is ~50× slower than JSON: past this, ask for JSON instead of hanging. */
export const MAX_YAML_BYTES = 32 * 1024 * 1024;

export type ParseResult = { objects: KubeObject[]; error?: undefined } | { objects: KubeObject[]; error: string };

export function looksBinary(buf: Buffer): boolean {
  const head = buf.subarray(0, 8192);
  return head.includes(0);
}

export function parseObjects(buf: Buffer, fileName: string): ParseResult {
  if (buf.length === 0) return { objects: [] };
  if (looksBinary(buf)) return { objects: [], error: 'binary data, not JSON or YAML' };
  const text = buf.toString('utf8');
  const isJson = /\.json$/i.test(fileName) || /^\s*[[{]/.test(text.slice(0, 64));
  const docs: unknown[] = [];
  if (isJson) {
    try {
      docs.push(JSON.parse(text));
    } catch (err) {
      return { objects: [], error: `invalid JSON: ${(err as Error).message}` };
    }
  } else {
    if (buf.length > MAX_YAML_BYTES) {
      return {
        objects: [],
        error: `YAML file of ${Math.round(buf.length / 1048576)} MB is over the ${MAX_YAML_BYTES / 1048576} MB YAML limit; save it with -o json`,
      };
    }
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        const e = doc.errors[0]!;
        const line = e.linePos?.[0]?.line;
        return { objects: [], error: `invalid YAML${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}` };
      }
      docs.push(doc.toJS({ maxAliasCount: 1000 }));
    }
  }
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    const bad = collect(doc, objects);
    if (bad) return { objects, error: bad };
  }
  return { objects };
}

function collect(doc: unknown, into: KubeObject[], listKind?: string, listApiVersion?: string): string | undefined {
  if (Array.isArray(doc)) {
    for (const item of doc) {
      const bad = collect(item, into, listKind, listApiVersion);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return `expected a Kubernetes object, found ${typeof doc}`;
  const obj = doc as Record<string, unknown>;
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  if (Array.isArray(obj.items) && (!kind || kind === 'List' || kind.endsWith('List'))) {
    const itemKind = kind && kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
    // The items of a typed list (`kubectl get --raw`) carry neither kind nor apiVersion: the list's are theirs.
    const itemApiVersion = itemKind && typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
    return collect(obj.items, into, itemKind, itemApiVersion);
  }
  const resolvedKind = kind ?? listKind;
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  if (!resolvedKind || typeof metadata?.name !== 'string') {
    return 'an item has no kind or metadata.name: not the output of kubectl get';
  }
  into.push({ ...(listApiVersion && obj.apiVersion === undefined ? { apiVersion: listApiVersion } : {}), ...obj, kind: resolvedKind } as KubeObject);
  return undefined;
}
