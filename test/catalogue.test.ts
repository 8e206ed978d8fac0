import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { CATEGORIES } from '../src/model.js';
import { ROOT } from './helpers/cli.js';

const idTable = new Map(
  [...readFileSync(path.join(ROOT, 'docs/checks/README.md'), 'utf8').matchAll(/^\| (GPU\d{3}) \| ([a-z0-9-]+) \| ([a-z-]+) \|$/gm)].map((m) => [
    m[2]!,
    { id: m[1]!, category: m[3]! },
  ]),
);

const MINIMUM = (JSON.parse(readFileSync(path.join(ROOT, 'test/data/minimum-catalogue.json'), 'utf8')) as { names: string[] }).names;
const SHARED_CHECKS = path.join(ROOT, '../shared/CHECKS.md');

describe('the check catalogue', () => {
  it('has unique ids and names', () => {
    expect(new Set(ALL_CHECKS.map((c) => c.id)).size).toBe(ALL_CHECKS.length);
    expect(new Set(ALL_CHECKS.map((c) => c.name)).size).toBe(ALL_CHECKS.length);
  });

  it.each(ALL_CHECKS.map((c) => [c.name, c] as const))('%s: id and category as assigned, docs page, explain texts', (name, check) => {
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(idTable.get(name)).toEqual({ id: check.id, category: check.category });
    expect(CATEGORIES).toContain(check.category);
    expect(existsSync(path.join(ROOT, 'docs/checks', `${name}.md`))).toBe(true);
    for (const text of [check.title, check.ok, check.explain.detects, check.explain.why, check.explain.fix]) {
      expect(text.length).toBeGreaterThan(10);
    }
  });

  it('assigns an id to every name of the minimum catalogue (test/data/minimum-catalogue.json)', () => {
    expect(MINIMUM.length).toBeGreaterThan(40);
    expect(MINIMUM.filter((n) => !idTable.has(n))).toEqual([]);
  });

  it('has a check for every name of the minimum catalogue', () => {
    const names = new Set(ALL_CHECKS.map((c) => c.name));
    expect(MINIMUM.filter((n) => !names.has(n))).toEqual([]);
  });

  // The workplace keeps the catalogue beside the checkout; a clone elsewhere has only the copy above.
  it.skipIf(!existsSync(SHARED_CHECKS))('keeps the copy equal to shared/CHECKS.md', () => {
    const names = [...readFileSync(SHARED_CHECKS, 'utf8').matchAll(/^\| ([a-z0-9]+(?:-[a-z0-9]+)+) \|/gm)].map((m) => m[1]!);
    expect(MINIMUM).toEqual(names);
  });
});
