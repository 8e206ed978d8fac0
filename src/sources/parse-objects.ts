// Turns what `kubectl get -o json|yaml` prints into objects: one object, a (*)List, or multi-document YAML.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../collection/kube.js';

/** YAML parsing is ~50× slower than JSON: past this, ask for JSON instead of hanging. */
export const MAX_YAML_BYTES = 32 * 1024 * 1024;

export type ParseResult = { objects: KubeObject[]; error?: undefined } | { objects: KubeObject[]; error: string };

export function looksBinary(buf: Buffer): boolean {
  const head = buf.subarray(0, 8192);
  return head.includes(0);
}

/** Brackets nested deeper than this are refused before parsing: parsers and walkers recurse. */
export const MAX_NESTING = 512;

/** How deep `[`/`{` nest in TEXT outside strings, stopping past MAX: linear, no recursion. */
export function nestingDepth(text: string, max = MAX_NESTING): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \\ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (ch === 93 || ch === 125) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

export function parseObjects(buf: Buffer, fileName: string): ParseResult {
  try {
    return parseObjectsUnguarded(buf, fileName);
  } catch (err) {
    // The parsers' own limits (a stack overflow, a string too long for V8, an alias bomb): a problem, never a crash.
    const message = err instanceof RangeError ? `too large or too deeply nested to parse (${err.message})` : (err as Error).message;
    return { objects: [], error: `cannot parse: ${message.split('\n')[0]}` };
  }
}

function parseObjectsUnguarded(buf: Buffer, fileName: string): ParseResult {
  if (buf.length === 0) return { objects: [] };
  if (looksBinary(buf)) return { objects: [], error: 'binary data, not JSON or YAML' };
  let text = buf.toString('utf8');
  // A byte-order mark (Windows editors, PowerShell's Out-File) is not content.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const isJson = /\.json$/i.test(fileName) || /^\s*[[{]/.test(text.slice(0, 64));
  // JSON.parse does not recurse; the YAML parser does, so flow collections are measured first.
  if (!isJson && nestingDepth(text) > MAX_NESTING) return { objects: [], error: `nested more than ${MAX_NESTING} levels deep; not parsed` };
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
      try {
        docs.push(doc.toJS({ maxAliasCount: 1000 }));
      } catch (err) {
        return { objects: [], error: `invalid YAML: ${(err as Error).message.split('\n')[0]}` };
      }
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

/**
 * One copy of each object (kind, namespace, name): the same object saved in several files must not make
 * findings twice or inflate counts. The copy with the highest resourceVersion wins, else the first.
 */
export function dedupeObjects(objects: KubeObject[]): KubeObject[] {
  const byKey = new Map<string, number>();
  const out: KubeObject[] = [];
  for (const obj of objects) {
    const group = typeof obj.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    const key = `${group}\u0000${obj.kind}\u0000${obj.metadata?.namespace ?? ''}\u0000${obj.metadata?.name}`;
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, out.length);
      out.push(obj);
    } else if (resourceVersion(obj) > resourceVersion(out[at]!)) out[at] = obj;
  }
  return out;
}

function resourceVersion(obj: KubeObject): number {
  return Number((obj.metadata as { resourceVersion?: string } | undefined)?.resourceVersion) || 0;
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
