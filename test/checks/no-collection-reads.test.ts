// Checks read Facts, never the Collection underneath (src/facts/facts.ts): what a check needs is a Facts
// accessor, so that the same check runs live, on a snapshot and over hand-made Facts. Two guards: no check
// (nor the remedies checks share) names `.collection`, and running every check on every example and test
// snapshot never touches Facts' `collection` getter, even through the fact helpers a check calls.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { Facts } from '../../src/facts/facts.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { ROOT } from '../helpers/cli.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SNAPSHOTS = [
  ...readdirSync(path.join(ROOT, 'examples')).filter((n) => statSync(path.join(ROOT, 'examples', n)).isDirectory()).map((n) => path.join(ROOT, 'examples', n)),
  ...['driver-snapshot', 'operator-seed', 'registry-k3s', 'runtime-snapshot'].map((n) => path.join(ROOT, 'test/fixtures', n)),
];

describe('checks read Facts, not facts.collection', () => {
  afterEach(() => vi.restoreAllMocks());

  it('no check file and no remedy names .collection', () => {
    const files = [...tsFiles(path.join(ROOT, 'checks')), ...tsFiles(path.join(ROOT, 'src/remedies')), path.join(ROOT, 'src/node-check.ts')];
    expect(files.length).toBeGreaterThan(40);
    const readers = files.filter((f) => /\.collection\b/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(readers).toEqual([]);
  });

  it('running every check on every example never reaches the Collection', async () => {
    expect(SNAPSHOTS.length).toBeGreaterThanOrEqual(10);
    for (const snapshot of SNAPSHOTS) {
      const facts = new Facts(await loadSnapshot(snapshot));
      const reads = vi.spyOn(Facts.prototype, 'collection', 'get');
      const readBy: string[] = [];
      for (const check of ALL_CHECKS) {
        const before = reads.mock.calls.length;
        check.run(facts);
        if (reads.mock.calls.length > before) readBy.push(check.name);
      }
      reads.mockRestore();
      expect({ snapshot: path.relative(ROOT, snapshot), readBy }).toEqual({ snapshot: path.relative(ROOT, snapshot), readBy: [] });
    }
  });

  it('the spy does see a read of facts.collection (the guard can fail)', async () => {
    const facts = new Facts(await loadSnapshot(SNAPSHOTS[0]!));
    const reads = vi.spyOn(Facts.prototype, 'collection', 'get');
    void facts.collection.objects;
    expect(reads).toHaveBeenCalledTimes(1);
  });
});
