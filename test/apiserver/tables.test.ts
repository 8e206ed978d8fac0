// kubectl's `get` through the simulator prints what it prints through the real kube-apiserver: every example
// and real case loaded into both, the Tables of the types the troubleshooting playbooks list compared row by
// row, cell by cell (test/simulator/tables.ts is written from the server's printers; this is its oracle).
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator/server.js';
import { apiRequest } from './control-plane.js';
import { controlPlane, kubeletFor, loadExample } from './helpers.js';
import type { KubeletStandIn } from './kubelet.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const PATHS = ['/api/v1/pods', '/api/v1/nodes', '/api/v1/events', '/apis/apps/v1/daemonsets', '/apis/apps/v1/deployments', '/apis/node.k8s.io/v1/runtimeclasses'];
/** Columns that count from an object's creation: the real server stamped its copies when they were loaded. */
const TIME_COLUMNS = new Set(['Age', 'Created At', 'Last Seen', 'First Seen']);

const dirs = (root: string) => readdirSync(root).filter((d) => statSync(path.join(root, d)).isDirectory()).map((d) => path.join(root, d));
const SNAPSHOTS = [...dirs('examples'), ...dirs('test/cases/real')];

interface Table {
  kind: string;
  columnDefinitions: { name: string; type: string; priority?: number }[];
  rows: { cells: unknown[]; object?: { metadata?: { name?: string; namespace?: string } } }[];
}

function simTable(url: string, p: string): Promise<Table> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(p, url), { headers: { accept: TABLE } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      })
      .on('error', reject);
  });
}

/** `namespace/name` → the cells a user reads, time columns left out. */
function rowsByName(table: Table): Map<string, string> {
  const keep = table.columnDefinitions.map((c) => !TIME_COLUMNS.has(c.name) && c.type !== 'date');
  return new Map(table.rows.map((r) => [`${r.object?.metadata?.namespace ?? ''}/${r.object?.metadata?.name}`, JSON.stringify(r.cells.filter((_, i) => keep[i]))]));
}

let kubelet: KubeletStandIn;
beforeAll(async () => {
  kubelet = await kubeletFor();
});
afterAll(async () => {
  await kubelet?.close();
});

describe('kubectl get: the simulator prints what kube-apiserver prints', () => {
  it.each(SNAPSHOTS)('%s', async (dir) => {
    const example = await loadExample(dir, kubelet);
    const sim = await startSimulator({ collection: example.collection });
    try {
      const refused = new Set(example.refused.map((r) => r.ref));
      let compared = 0;
      const differences: string[] = [];
      for (const p of PATHS) {
        const real = (await apiRequest(controlPlane(), { path: p, accept: TABLE })).json() as Table;
        const simulated = await simTable(sim.url, p);
        expect(real.kind, p).toBe('Table');
        expect(simulated.kind, p).toBe('Table');
        expect(simulated.columnDefinitions.map((c) => [c.name, c.type, c.priority ?? 0]), p).toEqual(real.columnDefinitions.map((c) => [c.name, c.type, c.priority ?? 0]));
        const a = rowsByName(simulated);
        const b = rowsByName(real);
        for (const [name, cells] of a) {
          const theirs = b.get(name);
          // Objects the real server refused (their reason is in the loader's report) are not there to compare.
          if (theirs === undefined) continue;
          compared++;
          if (theirs !== cells) differences.push(`${p} ${name}: ${cells} vs ${theirs}`);
        }
        // Every object loaded is printed by both.
        for (const ref of example.created.filter((c) => p.endsWith(`/${c.path.split('/').at(-2)}`))) {
          const key = `${ref.namespace ?? ''}/${ref.name}`;
          if (!refused.has(key)) expect(a.has(key), `${p}: ${key} printed by the simulator`).toBe(true);
        }
      }
      expect(compared).toBeGreaterThan(0);
      expect(differences).toEqual([]);
    } finally {
      await sim.close();
      await example.unload();
    }
  });
});
