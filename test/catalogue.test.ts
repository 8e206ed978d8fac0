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

  it('assigns an id to every name of the minimum catalogue (shared/CHECKS.md)', () => {
    const checksMd = path.join(ROOT, '../shared/CHECKS.md');
    if (!existsSync(checksMd)) return; // outside the workplace the catalogue is not beside the checkout
    const names = [...readFileSync(checksMd, 'utf8').matchAll(/^\| ([a-z0-9]+(?:-[a-z0-9]+)+) \|/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((n) => !idTable.has(n))).toEqual([]);
  });
});
