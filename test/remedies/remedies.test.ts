// Every operand of the catalogue and every validation step has its own remedy, and a remedy points at the
// pod it is about.
import { describe, expect, it } from 'vitest';
import { OPERANDS } from '../../src/data/operands.js';
import { VALIDATION_STEPS } from '../../src/data/validation-steps.js';
import { OPERAND_FIXES, operandFix } from '../../src/remedies/operands.js';
import { STEP_REMEDIES, stepRemedy } from '../../src/remedies/validation.js';

const ctx = { namespace: 'gpu-operator', pod: 'p-1', container: 'c', node: 'gpu-1', previous: true };

describe('operand remedies', () => {
  it('cover every operand of the catalogue, and nothing else', () => {
    const keys = OPERANDS.map((o) => `${o.provider}/${o.component}`);
    expect(keys.filter((k) => !OPERAND_FIXES[k])).toEqual([]);
    expect(Object.keys(OPERAND_FIXES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('read the pod\'s log first and name the pod', () => {
    for (const spec of OPERANDS) {
      const fix = operandFix(spec, ctx);
      expect(fix.commands[0]).toBe('kubectl logs -n gpu-operator p-1 -c ' + (spec.component === 'driver' ? 'nvidia-driver-ctr' : 'c') + ' --previous --tail=100');
      expect(fix.summary.length).toBeGreaterThan(20);
    }
  });
});

describe('validation step remedies', () => {
  it('cover every step of the table', () => {
    expect(Object.keys(STEP_REMEDIES).sort()).toEqual(Object.keys(VALIDATION_STEPS).sort());
  });

  it('a step the table does not know still gets its log read and a rerun', () => {
    const remedy = stepRemedy('mofed-validation');
    expect(remedy.related).toEqual(['operand-unhealthy']);
    expect(remedy.fix(ctx).commands).toEqual([
      'kubectl logs -n gpu-operator p-1 -c mofed-validation --previous --tail=100',
      'kubectl delete pod -n gpu-operator p-1   # after the fix: the validation runs again',
    ]);
  });
});
