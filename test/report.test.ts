import { describe, expect, it } from 'vitest';
import { version } from '../package.json';
import { defineCheck } from '../src/check.js';
import { runChecks } from '../src/engine.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { colourEnabled } from '../src/report/style.js';
import { renderText } from '../src/report/text.js';
import { factsOf } from './helpers/facts.js';

const explain = { detects: 'something long enough', why: 'something long enough', fix: 'something long enough' };
const failing = defineCheck({
  id: 'GPU997', name: 'always-fails', category: 'operator', title: 't', needs: [], ok: 'fine', explain,
  run: () => [
    {
      severity: 'error',
      subject: { kind: 'Pod', name: 'validator', namespace: 'gpu-operator' },
      message: 'validator | stuck',
      evidence: ['init container plugin-validation waiting'],
      fix: { summary: 'delete the finished pod', commands: ['kubectl delete pod -n default cuda-vectoradd'] },
    },
  ],
});
const skipped = defineCheck({ id: 'GPU996', name: 'cannot-see', category: 'nodes', title: 't', needs: ['Node'], ok: 'x', explain, run: () => [] });
const passing = defineCheck({ id: 'GPU995', name: 'all-good', category: 'nodes', title: 't', needs: [], ok: 'nodes look fine', explain, run: () => [] });

const report = runChecks([failing, skipped, passing], factsOf([], { unavailable: new Map([['Node', 'forbidden']]) }));

describe('text report', () => {
  it('groups by category with symbols, evidence, fix commands; no escape codes without colour', () => {
    const text = renderText(report, { colour: false });
    expect(text).toContain('nodes\n-----\n✓ nodes look fine\n- cannot-see skipped: cannot list nodes (forbidden)');
    expect(text).toContain('✗ validator | stuck [GPU997 always-fails]\n    on Pod gpu-operator/validator\n    · init container plugin-validation waiting\n    fix: delete the finished pod\n      $ kubectl delete pod -n default cuda-vectoradd');
    expect(text.indexOf('nodes\n')).toBeLessThan(text.indexOf('operator\n'));
    // Nodes could not be listed: the run is incomplete, and says what it did not read.
    expect(text).toMatch(/Status: INCOMPLETE — 1 error, 0 warnings, 1 passed, 1 skipped \(3 checks\)\nnot read, so the checks that need it did not pass or fail: nodes \(forbidden\)\n$/);
    expect(text).not.toMatch(/\x1b\[/);
  });
  it('colours with escape codes when asked, and hides ok lines with showOk false', () => {
    expect(renderText(report, { colour: true })).toMatch(/\x1b\[31m✗/);
    expect(renderText(report, { colour: false, showOk: false })).not.toContain('nodes look fine');
  });
  it('decides colour from TTY, NO_COLOR and FORCE_COLOR', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(pipe, {})).toBe(false);
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('json report', () => {
  it('follows the DESIGN.md contract', () => {
    const out = JSON.parse(renderJson(report));
    // Later versions only add: rootCauses, and per finding its ref and explainedBy.
    expect(Object.keys(out)).toEqual(['findings', 'skipped', 'summary', 'rootCauses']);
    expect(out.findings[0]).toEqual({
      id: 'GPU995', name: 'all-good', severity: 'ok', category: 'nodes', subject: { kind: 'Cluster', name: 'cluster' },
      message: 'nodes look fine', evidence: [], docs: 'docs/checks/all-good.md', docsUrl: `https://unpkg.com/gpuctl@${version}/docs/checks/all-good.md`,
      ref: 'all-good:Cluster/cluster',
    });
    expect(out.findings[1]).toMatchObject({ ref: 'always-fails:Pod/gpu-operator/validator', explainedBy: [] });
    expect(out.rootCauses).toEqual([{ name: 'always-fails', severity: 'error', findings: ['always-fails:Pod/gpu-operator/validator'], explains: [] }]);
    expect(out.findings[1]).toMatchObject({ severity: 'error', subject: { kind: 'Pod', name: 'validator', namespace: 'gpu-operator' }, fix: { commands: ['kubectl delete pod -n default cuda-vectoradd'] } });
    expect(out.skipped).toEqual([{ id: 'GPU996', name: 'cannot-see', reason: 'cannot list nodes (forbidden)', incomplete: true }]);
    expect(out.summary).toMatchObject({ errors: 1, warnings: 0, ok: 1, skipped: 1, checks: 3, incomplete: true, unread: [{ what: 'nodes', why: 'forbidden' }] });
    // A complete run's summary has no such keys.
    expect(Object.keys(JSON.parse(renderJson(runChecks([passing], factsOf([])))).summary)).toEqual(['origin', 'checks', 'errors', 'warnings', 'info', 'ok', 'skipped']);
  });
});

describe('markdown report', () => {
  it('escapes table cells and puts fixes in sh blocks', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| ✗ | `always-fails` | Pod gpu-operator/validator | validator \\| stuck |');
    expect(md).toContain('```sh\nkubectl delete pod -n default cuda-vectoradd\n```');
    expect(md).toContain('| - | `cannot-see` | | skipped: cannot list nodes (forbidden) |');
  });
});

describe('junit report', () => {
  it('one testcase per check: failure for errors, skipped with reason, and warnings fail only with --fail-on warning', async () => {
    const { renderJunit } = await import('../src/report/junit.js');
    const xml = renderJunit(report);
    // The check that could not read its nodes is an error of the run, not a skip.
    expect(xml).toContain('<testsuite name="gpuctl doctor" tests="3" failures="1" errors="1" skipped="0">');
    expect(xml).toContain('<testcase classname="gpuctl.operator" name="always-fails (GPU997)">\n    <failure message="validator | stuck" type="error">');
    expect(xml).toContain('  $ kubectl delete pod -n default cuda-vectoradd</failure>');
    expect(xml).toContain('<error message="cannot list nodes (forbidden)" type="incomplete"/>');
    const judgedNothing = defineCheck({ id: 'GPU993', name: 'no-facts', category: 'nodes', title: 't', needs: [], ok: 'x', explain, run: () => ({ skip: 'no node facts' }) });
    const plain = renderJunit(runChecks([judgedNothing], factsOf([])));
    expect(plain).toContain('tests="1" failures="0" errors="0" skipped="1"');
    expect(plain).toContain('<skipped message="no node facts"/>');
    expect(xml).toContain('<testcase classname="gpuctl.nodes" name="all-good (GPU995)"/>');
  });
  it('escapes XML and strips control characters', async () => {
    const { renderJunit } = await import('../src/report/junit.js');
    const nasty = defineCheck({ id: 'GPU994', name: 'nasty-text', category: 'nodes', title: 't', needs: [], ok: 'x', explain, run: () => [{ severity: 'warning', subject: { kind: 'Node', name: 'n' }, message: 'a <b> & "c"\u0007' }] });
    const r = runChecks([nasty], factsOf([]));
    expect(renderJunit(r)).not.toContain('<failure');
    expect(renderJunit(r, 'warning')).toContain('<failure message="a &lt;b&gt; &amp; &quot;c&quot;" type="warning">');
  });
});
