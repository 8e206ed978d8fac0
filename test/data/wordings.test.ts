// Every wording row recognises its own sample and captures exactly the variable parts it declares; its
// finding is a catalogue name; ids are unique; sources say where the text comes from.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NVIDIA_SMI_EXIT_CODES, WORDINGS, WORDING_TABLES, matchWordings, wordingsFor } from '../../src/data/wordings/index.js';
import { catalogueNames } from './catalogue-names.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('wording tables', () => {
  it('has rows in every table and unique ids', () => {
    for (const [name, rows] of Object.entries(WORDING_TABLES)) expect(rows.length, name).toBeGreaterThan(0);
    const ids = WORDINGS.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(WORDINGS.map((w) => [w.id, w] as const))('%s matches its sample and captures its variable parts', (_id, w) => {
    const m = w.pattern.exec(w.sample);
    expect(m, `${w.id}: pattern ${w.pattern} does not match its sample`).not.toBeNull();
    const groups = Object.fromEntries(Object.entries(m!.groups ?? {}).filter(([, v]) => v !== undefined));
    expect(groups).toEqual(w.captures);
    // Every captured value is quoted from the sample.
    for (const v of Object.values(w.captures)) expect(w.sample).toContain(v);
  });

  it.each(WORDINGS.map((w) => [w.id, w] as const))('%s names a catalogue finding and a source', (_id, w) => {
    const names = catalogueNames(ROOT);
    expect(names.has(w.finding), `${w.id}: ${w.finding} is not a catalogue name`).toBe(true);
    for (const other of w.alsoMeans ?? []) expect(names.has(other), `${w.id}: alsoMeans ${other}`).toBe(true);
    expect(w.source).toMatch(/^(doc:|POSIX|[\w.-]+\/[\w.-]+@)/);
    expect(w.versions.length).toBeGreaterThan(0);
    expect(w.channels.length).toBeGreaterThan(0);
  });

  it('stable parts survive a reworded wrapper: containerd 1.x and 2.x sandbox errors both match the core row', () => {
    const core = WORDINGS.find((w) => w.id === 'containerd/no-runtime-configured')!;
    for (const id of ['containerd/sandbox-runtime-1x', 'containerd/sandbox-runtime-2x']) {
      const sample = WORDINGS.find((w) => w.id === id)!.sample;
      expect(matchWordings(sample, [core])[0]?.captures).toEqual({ handler: 'nvidia' });
    }
  });

  it('does not recognise look-alikes: a healthy nvidia-smi table or a Normal Scheduled event matches nothing', () => {
    const healthy = [
      '+-----------------------------------------------------------------------------------------+',
      '| NVIDIA-SMI 550.127.08             Driver Version: 550.127.08     CUDA Version: 12.4     |',
      '|   0  NVIDIA A100-PCIE-40GB          On  |   00000000:17:00.0 Off |                    0 |',
      'Successfully assigned default/cuda-vectoradd to gpu-1',
    ].join('\n');
    expect(matchWordings(healthy)).toEqual([]);
  });

  it('wordingsFor lists own rows before the ones that may also mean the finding', () => {
    const rows = wordingsFor('nvidia-runtime-missing');
    expect(rows.length).toBeGreaterThan(3);
    const firstAlso = rows.findIndex((w) => w.finding !== 'nvidia-runtime-missing');
    expect(rows.slice(firstAlso === -1 ? rows.length : firstAlso).every((w) => w.alsoMeans?.includes('nvidia-runtime-missing'))).toBe(true);
  });
});

describe('nvidia-smi exit codes', () => {
  it('lists the documented codes once each, with the driver-not-loaded and mismatch codes mapped', () => {
    const codes = NVIDIA_SMI_EXIT_CODES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of [0, 2, 3, 4, 6, 8, 9, 10, 12, 13, 14, 15, 255]) expect(codes).toContain(c);
    expect(NVIDIA_SMI_EXIT_CODES.find((c) => c.code === 9)?.finding).toBe('driver-not-loaded');
    expect(NVIDIA_SMI_EXIT_CODES.find((c) => c.code === 18)?.finding).toBe('driver-library-mismatch');
  });

  it('each printed text is recognised by a wording row of the same finding', () => {
    for (const c of NVIDIA_SMI_EXIT_CODES.filter((e) => e.printed && e.finding)) {
      const hits = matchWordings(c.printed!);
      expect(hits.map((h) => h.wording.finding), `exit ${c.code}`).toContain(c.finding);
    }
  });
});
