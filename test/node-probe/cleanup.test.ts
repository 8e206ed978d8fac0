// ProbeCleanup's rules, against a scripted API: an object is gone only when a GET answers 404; a pod that is
// terminating is waited for; a DELETE whose answer was lost is checked by GET and sent again only when the
// object is still there untouched; 5xx and 429 are retried, 403 is final; what is left is named once.
import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../src/sources/live/client.js';
import { RequestFailure, statusLine } from '../../src/sources/live/client.js';
import { ProbeCleanup } from '../../src/sources/node-probe/cleanup.js';

type Answer = number | 'lost' | { terminating: true };

/** Answers each DELETE and GET from its list in turn (the last one repeats); records what was asked. */
function scripted(deletes: Answer[], gets: Answer[]) {
  const asked: string[] = [];
  const answer = (list: Answer[], method: string): ApiResponse<unknown> => {
    const next = list.length > 1 ? list.shift()! : list[0]!;
    asked.push(`${method} ${typeof next === 'object' ? 'terminating' : next}`);
    if (next === 'lost') throw new RequestFailure('the connection was reset', true);
    if (typeof next === 'object') return { status: 200, statusLine: statusLine(200), attempts: 1, value: { metadata: { deletionTimestamp: '2026-12-03T15:00:00Z' } }, message: '' };
    const ok = next >= 200 && next < 300;
    return { status: next, statusLine: statusLine(next), attempts: 1, ...(ok ? { value: { metadata: {} } } : {}), message: ok ? '' : 'said no' };
  };
  return {
    asked,
    api: {
      delete: async <T>(_path: string) => answer(deletes, 'DELETE') as ApiResponse<T>,
      getJson: async <T>(_path: string) => answer(gets, 'GET') as ApiResponse<T>,
    },
  };
}

async function deleteWith(deletes: Answer[], gets: Answer[], timeoutMs = 2_000) {
  const { api, asked } = scripted(deletes, gets);
  const notices: string[] = [];
  const cleanup = new ProbeCleanup(api, 'kube-system', (line) => notices.push(line), 1);
  cleanup.track('/api/v1/namespaces/kube-system/pods/p', 'pod kube-system/p');
  const gone = await cleanup.delete('/api/v1/namespaces/kube-system/pods/p', timeoutMs);
  return { gone, asked, notices, left: cleanup.size };
}

describe('ProbeCleanup.delete', () => {
  it('calls a pod gone only after a GET answers 404, waiting while it terminates', async () => {
    const r = await deleteWith([200], [{ terminating: true }, { terminating: true }, 404]);
    expect(r).toMatchObject({ gone: true, notices: [], left: 0 });
    expect(r.asked).toEqual(['DELETE 200', 'GET terminating', 'GET terminating', 'GET 404']);
  });

  it('retries 500, 503 and 429, not 403', async () => {
    expect((await deleteWith([500, 503, 429, 200], [404])).asked).toEqual(['DELETE 500', 'DELETE 503', 'DELETE 429', 'DELETE 200', 'GET 404']);
    const refused = await deleteWith([403], [200]);
    expect(refused.asked).toEqual(['DELETE 403']);
    expect(refused.gone).toBe(false);
    expect(refused.notices).toEqual([
      'could not delete pod kube-system/p (403 Forbidden: said no); remove it with: kubectl delete pods,daemonsets -n kube-system -l app.kubernetes.io/managed-by=gpuctl,gpuctl.io/probe',
    ]);
  });

  it('a lost answer: gone if the GET says 404, sent again if the object is there untouched', async () => {
    expect((await deleteWith(['lost'], [404])).asked).toEqual(['DELETE lost', 'GET 404']);
    expect((await deleteWith(['lost', 200], [200, 404])).asked).toEqual(['DELETE lost', 'GET 200', 'DELETE 200', 'GET 404']);
    // A lost DELETE that did start the deletion: no second DELETE, the termination is waited for.
    expect((await deleteWith(['lost'], [{ terminating: true }, 404])).asked).toEqual(['DELETE lost', 'GET terminating', 'GET 404']);
  });

  it('a pod that never goes within the limit is named as left, once, with its state', async () => {
    const r = await deleteWith([200], [{ terminating: true }], 100);
    expect(r.gone).toBe(false);
    expect(r.notices).toEqual([expect.stringMatching(/^could not delete pod kube-system\/p \(still terminating\); remove it with: kubectl delete /)]);
  });
});
