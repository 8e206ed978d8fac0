// Metadata-only lists, as the API server serves them for
// `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` (client-go's metadata client).
import type { IncomingMessage } from 'node:http';

const PARTIAL_LIST = /(^|[;,\s])as=PartialObjectMetadataList(;|,|\s|$)/;

/** The Accept header asks for metadata-only lists (meta.k8s.io/v1). */
export function wantsPartialMetadataList(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((media) => PARTIAL_LIST.test(media) && /(^|;)\s*g=meta\.k8s\.io(;|$)/.test(media) && /(^|;)\s*v=v1(;|$)/.test(media));
}

/** A list body (JSON chunks) turned into a PartialObjectMetadataList: each item keeps its metadata only. */
export function partialMetadataList(body: Iterable<string | Buffer>): string {
  const list = JSON.parse(Buffer.concat([...body].map((c) => (Buffer.isBuffer(c) ? c : Buffer.from(c)))).toString('utf8')) as {
    metadata?: unknown;
    items?: { metadata?: unknown }[];
  };
  return JSON.stringify({
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: list.metadata ?? {},
    items: (list.items ?? []).map((item) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata ?? {} })),
  });
}
