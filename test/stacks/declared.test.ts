// What the stack modules declare besides detection: their install profiles (`gpuctl install --profile`)
// and whether they hand out GPUs without nvidia.com/gpu. The installer and the checks read only these.
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/model.js';
import { PROFILES } from '../../src/install/profiles.js';
import { PLAYBOOKS } from '../../src/playbook/steps.js';
import { installProfiles, stackPlaybooks, stacksAllocatingGpusThemselves } from '../../src/stacks/derived.js';
import { STACKS } from '../../src/stacks/index.js';
import { COMPONENTS } from '../../src/stacks/install.js';

describe('install profiles, declared by the stacks', () => {
  it('keep the names users type, each declared by its stack, in the order of the stacks', () => {
    expect(installProfiles().map((p) => [p.id, p.stack])).toEqual([
      ['gpu-operator', 'gpu-operator'],
      ['device-plugin', 'nvidia-device-plugin'],
      ['hami', 'hami'],
      ['kantaloupe', 'kantaloupe'],
      ['tensor-fusion', 'tensor-fusion'],
    ]);
    expect(Object.keys(PROFILES)).toEqual(installProfiles().map((p) => p.id));
    // Bitfusion is not installed by gpuctl.
    expect(STACKS.filter((s) => !('install' in s)).map((s) => s.id)).toEqual(['bitfusion']);
  });

  it('name known charts, their main chart among them, and known doctor categories', () => {
    for (const p of installProfiles()) {
      expect(p.components.length, p.id).toBeGreaterThan(0);
      for (const c of p.components) expect(COMPONENTS, p.id).toContain(c);
      expect(p.components, p.id).toContain(p.main);
      expect(new Set(p.components).size, p.id).toBe(p.components.length);
      for (const category of p.checkCategories) expect(CATEGORIES, p.id).toContain(category);
      for (const label of p.nodeLabels) expect(label.why.length, `${p.id} ${label.key}`).toBeGreaterThan(10);
    }
  });
});

describe('stacks that hand out GPUs themselves', () => {
  it('are TensorFusion and Bitfusion, each saying why', () => {
    expect(stacksAllocatingGpusThemselves()).toEqual(['tensor-fusion', 'bitfusion']);
    for (const s of STACKS) if ('allocatesGpusItself' in s) expect(s.allocatesGpusItself.length, s.id).toBeGreaterThan(20);
  });
});

describe('playbooks, written in the stack modules', () => {
  it("are the stacks' own under the stack's id, after the GPU node's, each step with a Chinese title", () => {
    expect(stackPlaybooks().map((p) => p.id)).toEqual(['gpu-operator', 'kantaloupe', 'tensor-fusion', 'bitfusion']);
    expect(PLAYBOOKS.map((p) => p.id)).toEqual(['homelab-ladder', ...stackPlaybooks().map((p) => p.id)]);
    for (const p of PLAYBOOKS) {
      expect(p.zh, p.id).toMatch(/[\u4e00-\u9fff]/);
      expect(new Set(p.steps.map((s) => s.id)).size, p.id).toBe(p.steps.length);
      for (const s of p.steps) expect(s.zh, `${p.id}/${s.id}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
