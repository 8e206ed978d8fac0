// Inputs that made "internal error" (issue 13, problem 6) and the smaller parse problems (problem 8): each is
// now a snapshot-file-unreadable problem about its file, or is read as what it is, and the rest is analysed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { runChecks } from '../../src/engine.js';
import { Facts } from '../../src/facts/facts.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { nestingDepth, parseObjects } from '../../src/sources/parse-objects.js';
import { gpuctl } from '../helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-parse-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));
const put = async (rel: string, content: string | Buffer) => {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), content);
};
const node = (name: string, rv = '1') => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, resourceVersion: rv } });

describe('parse failures are findings', () => {
  it('JSON and YAML nested 100,000 deep, a YAML alias bomb: problems about their files', () => {
    expect(parseObjects(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), 'deep.json').error).toMatch(/^cannot parse: too large or too deeply nested/);
    expect(parseObjects(Buffer.from('a: ' + '['.repeat(100_000) + ']'.repeat(100_000)), 'deep.yaml').error).toBe('nested more than 512 levels deep; not parsed');
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`)].join('\n');
    expect(parseObjects(Buffer.from(bomb), 'bomb.yaml').error).toMatch(/^invalid YAML: .*alias/i);
    expect(nestingDepth('{"a": "[[[[", "b": [1]}')).toBe(2);
  });

  it('a byte-order mark is accepted, meta.json = null is a problem, duplicates are one object', async () => {
    await put('cluster/nodes.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [node('gpu-1')] }))]));
    await put('cluster/again.json', JSON.stringify(node('gpu-1', '7')));
    await put('cluster/again.yaml', '\ufeffapiVersion: v1\nkind: Node\nmetadata:\n  name: gpu-1\n  resourceVersion: "3"\n');
    await put('meta.json', 'null');
    const c = await loadSnapshot(dir);
    expect(c.objects).toEqual([expect.objectContaining({ metadata: { name: 'gpu-1', resourceVersion: '7' } })]);
    expect(c.problems).toEqual([{ path: 'meta.json', message: 'not a JSON object (found null); ignored' }]);
  });

  it('a 100,000-deep process chain and deep objects: the doctor judges, no internal error', async () => {
    await put('cluster/pods.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ml', labels: { 'tensor-fusion.ai/workload': 'w' } }, spec: { nodeName: 'gpu-1', containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } }));
    await put('cluster/deep.json', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`);
    const chain = Array.from({ length: 100_000 }, (_, i) => ({ pid: i + 1, ppid: i, cmdline: ['sh', '-c', `step ${i}`], environ: { PATH: '/tensor-fusion:/usr/bin', LD_PRELOAD: i > 50_000 ? '' : '/tensor-fusion/libcuda.so' } }));
    await put('pods/ml/p/c/processes.json', JSON.stringify(chain));
    const c = await loadSnapshot(dir);
    const report = runChecks(ALL_CHECKS, new Facts(c));
    expect(report.skipped.filter((s) => s.reason.startsWith('check failed'))).toEqual([]);
    const r = await gpuctl(['doctor', '--snapshot', dir, '-o', 'text']);
    expect(r.stderr).not.toContain('internal error');
    expect([0, 1]).toContain(r.exitCode);
  }, 60_000);
});
