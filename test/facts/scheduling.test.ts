import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../../src/facts/kube.js';
import {
  formatToleration,
  mentionsUntoleratedTaint,
  taintsInMessage,
  tolerates,
  tolerationFor,
  untoleratedTaints,
} from '../../src/facts/scheduling.js';

const gpuTaint: Taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

describe('tolerates (Kubernetes ToleratesTaint)', () => {
  const cases: [string, Toleration, Taint, boolean][] = [
    ['Exists on the key, same effect', { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, gpuTaint, true],
    ['Exists on the key, no effect: every effect', { key: 'nvidia.com/gpu', operator: 'Exists' }, { ...gpuTaint, effect: 'NoExecute' }, true],
    ['Exists with another effect', { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, gpuTaint, false],
    ['empty key with Exists tolerates everything', { operator: 'Exists' }, { key: 'dedicated', value: 'x', effect: 'NoExecute' }, true],
    ['empty key with Exists and an effect: only that effect', { operator: 'Exists', effect: 'NoExecute' }, gpuTaint, false],
    ['Equal with the same value', { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }, gpuTaint, true],
    ['Equal with another value', { key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }, gpuTaint, false],
    ['no operator means Equal', { key: 'nvidia.com/gpu', value: 'present' }, gpuTaint, true],
    ['no operator, no value, taint with a value', { key: 'nvidia.com/gpu' }, gpuTaint, false],
    ['Equal, empty value against a taint without value', { key: 'gpu', operator: 'Equal' }, { key: 'gpu', effect: 'NoSchedule' }, true],
    ['another key', { key: 'gpu', operator: 'Exists' }, gpuTaint, false],
    ['unknown operator tolerates nothing', { key: 'nvidia.com/gpu', operator: 'Gt' as 'Exists', value: '1' }, gpuTaint, false],
  ];
  it.each(cases)('%s', (_, toleration, taint, expected) => {
    expect(tolerates(toleration, taint)).toBe(expected);
  });

  it('only NoSchedule and NoExecute taints block, and only untolerated ones', () => {
    const taints: Taint[] = [gpuTaint, { key: 'soft', effect: 'PreferNoSchedule' }, { key: 'evict', value: 'y', effect: 'NoExecute' }];
    expect(untoleratedTaints(undefined, taints).map((t) => t.key)).toEqual(['nvidia.com/gpu', 'evict']);
    expect(untoleratedTaints([{ key: 'nvidia.com/gpu', operator: 'Exists' }], taints).map((t) => t.key)).toEqual(['evict']);
    expect(untoleratedTaints([{ operator: 'Exists' }], taints)).toEqual([]);
  });
});

describe('tolerationFor', () => {
  it('uses Exists for nvidia.com/gpu and for taints without value, Equal otherwise', () => {
    expect(formatToleration(tolerationFor(gpuTaint))).toBe('{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}');
    expect(formatToleration(tolerationFor({ key: 'sku', value: 'gpu', effect: 'NoSchedule' }))).toBe('{key: sku, operator: Equal, value: gpu, effect: NoSchedule}');
    expect(tolerationFor({ key: 'dedicated', value: '' })).toEqual({ key: 'dedicated', operator: 'Exists' });
  });
  it('produces a toleration that tolerates the taint', () => {
    for (const taint of [gpuTaint, { key: 'sku', value: 'gpu', effect: 'NoExecute' }, { key: 'x', effect: 'NoSchedule' }]) {
      expect(tolerates(tolerationFor(taint), taint)).toBe(true);
    }
  });
});

describe('FailedScheduling messages', () => {
  it('reads the taints of the current and the older wording', () => {
    const current =
      '0/3 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect(mentionsUntoleratedTaint(current)).toBe(true);
    expect(taintsInMessage(current)).toEqual([
      { key: 'nvidia.com/gpu', value: 'present' },
      { key: 'node-role.kubernetes.io/control-plane', value: '' },
    ]);
    const older = "0/2 nodes are available: 2 node(s) had taint {nvidia.com/gpu: true}, that the pod didn't tolerate.";
    expect(mentionsUntoleratedTaint(older)).toBe(true);
    expect(taintsInMessage(older)).toEqual([{ key: 'nvidia.com/gpu', value: 'true' }]);
  });
  it('knows the newest wording names no taint', () => {
    const newest = '0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient nvidia.com/gpu.';
    expect(mentionsUntoleratedTaint(newest)).toBe(true);
    expect(taintsInMessage(newest)).toEqual([]);
    expect(mentionsUntoleratedTaint('0/1 nodes are available: 1 Insufficient nvidia.com/gpu.')).toBe(false);
  });
});
