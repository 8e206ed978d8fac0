import { describe, expect, it } from 'vitest';
import { displayStatus } from '../../src/facts/pods.js';
import { pod } from '../helpers/facts.js';

const running = { ready: true, state: { running: { startedAt: 't' } } };
const completed = { ready: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } };

describe('displayStatus follows kubectl get pods', () => {
  it('a finished main container next to a running sidecar is NotReady (Running once the pod is Ready)', () => {
    const p = pod('default', 'cuda-vectoradd', { status: { phase: 'Running', containerStatuses: [{ name: 'cuda', ...completed }, { name: 'istio-proxy', ...running }] } });
    expect(displayStatus(p)).toBe('NotReady');
    p.status!.conditions = [{ type: 'Ready', status: 'True' }];
    expect(displayStatus(p)).toBe('Running');
  });
  it('shows init progress, init failures, waiting reasons, exit codes and Terminating', () => {
    const init = (s: object[]) => pod('x', 'p', { status: { phase: 'Pending', initContainerStatuses: s.map((x, i) => ({ name: `i${i}`, ...x })) } });
    expect(displayStatus(init([{ state: { terminated: { exitCode: 0 } } }, { state: { running: {} } }]))).toBe('Init:1/2');
    expect(displayStatus(init([{ state: { waiting: { reason: 'CrashLoopBackOff' } } }]))).toBe('Init:CrashLoopBackOff');
    expect(displayStatus(init([{ state: { terminated: { exitCode: 2 } } }]))).toBe('Init:ExitCode:2');
    expect(displayStatus(pod('x', 'p', { status: { phase: 'Running', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ImagePullBackOff' } } }] } }))).toBe('ImagePullBackOff');
    expect(displayStatus(pod('x', 'p', { status: { phase: 'Failed', reason: 'UnexpectedAdmissionError' } }))).toBe('UnexpectedAdmissionError');
    const gone = pod('x', 'p', { status: { phase: 'Running' } });
    gone.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(displayStatus(gone)).toBe('Terminating');
  });
});
