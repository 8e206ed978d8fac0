// The detected stacks at the top of the report, and checks of absent stacks kept quiet.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { defineCheck } from '../src/check.js';
import { runChecks, summarize } from '../src/engine.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderText } from '../src/report/text.js';
import { factsOf, gpuNode } from './helpers/facts.js';
import { gpuOperator, hami } from './helpers/stacks.js';
import { gpuctl } from './helpers/cli.js';

const explain = { detects: 'something long enough', why: 'something long enough', fix: 'something long enough' };
const hamiOnly = defineCheck({
  id: 'GPU990', name: 'hami-only', category: 'hami-kantaloupe', title: 't', needs: [], stacks: ['hami'], ok: 'hami fine', explain,
  run: () => [{ severity: 'warning', subject: { kind: 'Node', name: 'gpu-1' }, message: 'hami problem' }],
});
const everywhere = defineCheck({ id: 'GPU991', name: 'everywhere', category: 'nodes', title: 't', needs: [], ok: 'all fine', explain, run: () => [] });

describe('checks of absent stacks', () => {
  it('do not run: no finding, no skip, listed as not applicable with the reason', () => {
    const report = runChecks([hamiOnly, everywhere], factsOf([...gpuOperator(), gpuNode('gpu-1')]));
    expect(report.findings.map((f) => f.name)).toEqual(['everywhere']);
    expect(report.skipped).toEqual([]);
    expect(report.notApplicable).toEqual([{ id: 'GPU990', name: 'hami-only', reason: 'HAMi not detected' }]);
    expect(report.checks.map((c) => c.name)).toEqual(['everywhere']);
    expect(summarize(report).checks).toBe(1);
  });
  it('run where their stack is detected', () => {
    const report = runChecks([hamiOnly, everywhere], factsOf([...hami(), gpuNode('gpu-1')]));
    expect(report.findings.map((f) => f.name).sort()).toEqual(['everywhere', 'hami-only']);
    expect(report.notApplicable).toEqual([]);
  });
  it('are skipped as incomplete when the stack could not be told (pods not listed): never judged without it', () => {
    const report = runChecks([hamiOnly], factsOf([gpuNode('gpu-1')], { unavailable: new Map([['Pod', 'forbidden']]) }));
    expect(report.notApplicable).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.skipped.map((s) => [s.name, s.incomplete])).toEqual([['hami-only', true]]);
    expect(report.skipped[0]!.reason).toMatch(/^not read: pods \(forbidden\), so whether HAMi runs is unknown$/);
  });
  it('on a GPU Operator cluster, the HAMi and Kantaloupe checks of the catalogue stay quiet', () => {
    const report = runChecks(ALL_CHECKS, factsOf([...gpuOperator(), gpuNode('gpu-1')]));
    expect(report.notApplicable!.filter((s) => ALL_CHECKS.find((c) => c.id === s.id)!.stacks!.some((id) => id === 'hami' || id === 'kantaloupe')).map((s) => s.name).sort()).toEqual(['gateway-api-missing', 'gpu-metrics-missing', 'hami-node-not-enabled', 'helm-too-old', 'prometheus-too-old']);
    expect(report.findings.some((f) => f.category === 'hami-kantaloupe' && f.name !== 'servicemonitor-not-selected')).toBe(false);
  });
});

describe('the stack header', () => {
  it('text: each stack with its namespaces and first evidence, then what was not found', () => {
    const text = renderText(runChecks([hamiOnly, everywhere], factsOf([...gpuOperator(), ...hami(), gpuNode('gpu-1')])), { colour: false });
    const header = text.slice(text.indexOf('GPU stacks'), text.indexOf('nodes\n'));
    expect(header).toContain('GPU stacks\n----------\n● NVIDIA GPU Operator  gpu-operator\n    · Namespace gpu-operator (the GPU Operator namespace)\n');
    expect(header).toContain('● HAMi  hami-system\n');
    expect(header).toContain('not detected: NVIDIA device plugin (standalone), Kantaloupe (prerequisites), TensorFusion, VMware Bitfusion\n');
    expect(text.indexOf('GPU stacks')).toBeLessThan(text.indexOf('nodes\n'));
  });
  it('text: says when no stack was found, and counts the checks not run', () => {
    const none = renderText(runChecks([hamiOnly, everywhere], factsOf([gpuNode('gpu-1')])), { colour: false });
    expect(none).toContain('● none detected (no GPU Operator, device plugin, HAMi, Kantaloupe, TensorFusion or Bitfusion objects)');
    const some = renderText(runChecks([hamiOnly, everywhere], factsOf([...gpuOperator(), gpuNode('gpu-1')])), { colour: false });
    expect(some).toMatch(/not detected: .*HAMi.* \(1 check not run\)\n/);
  });
  it('markdown: one line under the summary', () => {
    const md = renderMarkdown(runChecks([everywhere], factsOf([...gpuOperator(), ...hami()])));
    expect(md).toContain('GPU stacks: **NVIDIA GPU Operator** (gpu-operator), **HAMi** (hami-system)\n');
  });
  it('json: a stacks array next to findings, skipped and summary, and the checks not applicable', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/sim', '-o', 'json']);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['stacks', 'findings', 'skipped', 'notApplicable', 'summary', 'playbook', 'rootCauses']);
    expect(out.stacks.map((s: { id: string }) => s.id)).toEqual(['gpu-operator']);
    expect(out.stacks[0]).toMatchObject({ name: 'NVIDIA GPU Operator', namespaces: ['gpu-operator'], evidence: expect.arrayContaining(['Namespace gpu-operator (the GPU Operator namespace)']) });
    expect(out.notApplicable).toContainEqual({ id: 'GPU105', name: 'hami-node-not-enabled', reason: 'HAMi not detected' });
    expect(out.findings.some((f: { name: string }) => f.name === 'hami-node-not-enabled')).toBe(false);
  });
});
