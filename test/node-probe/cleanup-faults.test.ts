// Deleting the probe objects when the API server misbehaves (issue 12, problem 9): a DELETE answered 5xx, or
// whose answer is lost (cut mid-answer, never answered), is tried again with backoff, and an object is called
// gone only once a GET answers 404 — a DELETE cut after the server acted must not be reported as failed.
// When it finally fails, one line names the objects left and the kubectl command that removes them; the same
// during an interrupt (SIGTERM here), in the interrupt's one line.
import { describe, expect, it } from 'vitest';
import { DRIVER, simulators, type Served, until } from './helpers.js';

const serve = simulators();
let served: Served;

const GPU1 = 'gpuctl-probe-[0-9a-f]{8}-gpu-1$';
const REMOVE = 'kubectl delete pods,daemonsets -n kube-system -l app.kubernetes.io/managed-by=gpuctl,gpuctl.io/probe';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The DELETEs and GETs of gpu-1's probe pod, in order, with their status. */
function podRequests(): string[] {
  return served.sim.requests.filter((q) => new RegExp(GPU1).test(q.path) && (q.method === 'DELETE' || q.method === 'GET')).map((q) => `${q.method} ${q.status}${q.fault ? ` ${q.fault}` : ''}`);
}

describe('probe cleanup against a failing API server', () => {
  it('retries a DELETE answered 500 and 503, then confirms the pod gone with a GET (404)', async () => {
    served = await serve(DRIVER);
    served.sim.setFaults([
      { method: 'DELETE', path: GPU1, count: 1, status: 500, message: 'etcdserver: request timed out' },
      { method: 'DELETE', path: GPU1, count: 1, status: 503 },
    ]);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.stderr).toBe('');
    expect(served.leftovers()).toEqual([]);
    expect(podRequests().filter((l) => l.startsWith('DELETE'))).toEqual(['DELETE 500 status', 'DELETE 503 status', 'DELETE 200']);
    expect(podRequests().at(-1)).toBe('GET 404');
  });

  it('a DELETE cut mid-answer that went through is confirmed by the GET, not reported as failed', async () => {
    served = await serve(DRIVER);
    served.sim.setFaults([{ method: 'DELETE', path: GPU1, count: 1, cut: true }]);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.stderr).toBe('');
    expect(served.leftovers()).toEqual([]);
    expect(podRequests().filter((l) => !l.startsWith('GET 200'))).toEqual(['DELETE 200 cut', 'GET 404']);
  });

  it('a DELETE never answered (past --request-timeout) is tried again', async () => {
    served = await serve(DRIVER);
    served.sim.setFaults([{ method: 'DELETE', path: GPU1, count: 1, hang: true }]);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod', '--request-timeout', '1s']);
    expect(r.stderr).toBe('');
    expect(served.leftovers()).toEqual([]);
    expect(podRequests().filter((l) => l.startsWith('DELETE'))).toEqual(['DELETE 0 hang', 'DELETE 200']);
  });

  it('a DELETE refused for good (403): one line names the pod left and the kubectl command, no retry', async () => {
    served = await serve(DRIVER);
    served.sim.setFaults([{ method: 'DELETE', path: GPU1, status: 403 }]);
    const r = await served.run(['doctor', '-o', 'json', '--node-probe', 'pod']);
    expect(r.stderr).toMatch(new RegExp(`^gpuctl: could not delete pod kube-system/${GPU1.slice(0, -1)} \\(403 Forbidden: pods "[^"]+" is forbidden: User "[^"]+" cannot delete resource "pods" [^\\n]+\\); remove it with: ${escape(REMOVE)}$`));
    expect(served.leftovers().map((o) => o.metadata.name)).toEqual([expect.stringMatching(new RegExp(GPU1))]);
    expect(podRequests().filter((l) => l.startsWith('DELETE'))).toEqual(['DELETE 403 status']);
  });

  it('on SIGTERM, retries the failing DELETEs and says in one line what it deleted', async () => {
    served = await serve(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const child = served.spawn(['doctor', '--node-probe', 'pod', '--probe-timeout', '60s']);
    await until(() => served.leftovers().length === 2);
    served.sim.setFaults([
      { method: 'DELETE', path: GPU1, count: 2, status: 500 },
      { method: 'DELETE', path: 'gpu-2$', count: 1, cut: true },
    ]);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toMatch(/^gpuctl: interrupted by SIGTERM; deleted pod kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-\d, pod kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-\d$/);
    expect(served.leftovers()).toEqual([]);
  });

  it('on SIGHUP with DELETE refused: one line names both pods left and the kubectl command, exit 129', async () => {
    served = await serve(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const child = served.spawn(['doctor', '--node-probe', 'pod', '--probe-timeout', '60s']);
    await until(() => served.leftovers().length === 2);
    served.sim.setFaults([{ method: 'DELETE', path: 'gpuctl-probe-', status: 403 }]);
    child.kill('SIGHUP');
    const r = await child;
    expect(r.exitCode).toBe(129);
    expect(r.stderr).toMatch(
      /^gpuctl: interrupted by SIGHUP \(the terminal went away\); could not delete pod kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-\d \(403 Forbidden: [^)]+\), pod kube-system\/gpuctl-probe-[0-9a-f]{8}-gpu-\d \(403 Forbidden: [^)]+\); remove them with: kubectl delete pods,daemonsets -n kube-system -l \S+$/,
    );
    expect(served.leftovers()).toHaveLength(2);
  });
});
