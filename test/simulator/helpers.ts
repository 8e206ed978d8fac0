// Small HTTP helpers for simulator tests: one GET, its status, headers and parsed body.
import type { KubeObject } from '../../src/facts/kube.js';

export interface Got<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function get<T = any>(base: string, path: string, headers: Record<string, string> = {}): Promise<Got<T>> {
  const res = await fetch(base + path, { headers });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, text, body: (type.startsWith('application/json') ? JSON.parse(text) : text) as T };
}

export interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

/** Every page of a list, following continue tokens. */
export async function listAll(base: string, path: string, limit: number): Promise<{ items: KubeObject[]; pages: ListBody[] }> {
  const pages: ListBody[] = [];
  const items: KubeObject[] = [];
  let token: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const r = await get<ListBody>(base, `${path}${sep}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    pages.push(r.body);
    for (const item of r.body.items) items.push(item);
    token = r.body.metadata.continue;
  } while (token);
  return { items, pages };
}

export const objectKey = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
