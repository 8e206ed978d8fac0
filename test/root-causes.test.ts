// The report leads with the root cause: pinned per example, checked on the real-case corpus and at 2,000 nodes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import type { Report } from '../src/engine.js';
import { causesOf, runChecks } from '../src/engine.js';
import { Facts } from '../src/facts/facts.js';
import { renderJson } from '../src/report/json.js';
import { renderSummary } from '../src/report/summary.js';
import { commandKey, walkPlaybook } from '../src/playbook/walk.js';
import { fleetTable } from '../src/commands/fleet.js';
import { renderJunit } from '../src/report/junit.js';
import { MARKDOWN_BUDGET, ROWS_PER_CHECK, renderMarkdown } from '../src/report/markdown.js';
import { loadSnapshot } from '../src/sources/snapshot.js';
import { gpuctl } from './helpers/cli.js';
import { syntheticCluster } from './simulator/synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = async (dir: string): Promise<Report> => runChecks(ALL_CHECKS, new Facts(await loadSnapshot(path.join(ROOT, dir))));
const rootNames = (report: Report) => causesOf(report).roots.map((r) => `${r.severity} ${r.name}`);

/** The root causes of each example, in the order the report shows them. */
const EXAMPLE_ROOTS: Record<string, string[]> = {
  'passthrough-gpu-held': ['error gpu-held-by-finished-pod'],
  'no-nvidia-runtime': ['error nvidia-runtime-missing'],
  'healthy-gpu-operator': [],
  'tensor-fusion-injection': ['error no-mirror-for-host', 'error shell-drops-preload', 'error tf-schedule-failed', 'error tf-gpus-undiscovered', 'info gpu-not-allocatable'],
  bitfusion: ['error bitfusion-annotation-invalid', 'error bitfusion-not-injected', 'error bitfusion-secret-missing', 'info no-gpu-nodes'],
  'hami-kantaloupe': ['error device-plugin-conflict', 'warning hami-node-not-enabled', 'warning gateway-api-missing', 'warning servicemonitor-not-selected', 'warning prometheus-too-old'],
};

const EXAMPLES = readdirSync(path.join(ROOT, 'examples')).filter((d) => d !== 'README.md');
const CASES = readdirSync(path.join(ROOT, 'test/cases/real')).filter((d) => d !== 'README.md');

/** Every error that is not a root cause names what explains it, in JSON and under its root cause in text. */
function expectExplained(report: Report): void {
  const graph = causesOf(report);
  const json = JSON.parse(renderJson(report));
  const roots = new Set(graph.roots.flatMap((r) => r.findings));
  report.findings.forEach((f, i) => {
    if (f.severity !== 'error' || roots.has(f)) return;
    expect(json.findings[i].explainedBy.length, `${f.name} on ${f.subject.name}`).toBeGreaterThan(0);
    expect(graph.roots.some((r) => r.explains.includes(f)), `${f.name} on ${f.subject.name} under a root cause`).toBe(true);
  });
  // Every ref a root cause or explainedBy names is a finding's ref; refs are unique.
  const refs = json.findings.map((f: { ref: string }) => f.ref);
  expect(new Set(refs).size).toBe(refs.length);
  for (const r of json.rootCauses) for (const ref of [...r.findings, ...r.explains]) expect(refs).toContain(ref);
  for (const f of json.findings) for (const ref of f.explainedBy ?? []) expect(refs).toContain(ref);
  expect(json.findings.filter((f: { severity: string; explainedBy?: string[] }) => f.severity !== 'ok' && !f.explainedBy)).toEqual([]);
  const text = renderSummary(report, { colour: false });
  for (const r of graph.roots.filter((r) => r.severity !== 'info')) for (const f of r.explains) expect(text).toContain(`${f.name}  `);
}

/** What a markdown report shows unfolded: the text outside every <details> block (they nest). */
function outsideDetails(md: string): string {
  let depth = 0;
  const out: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('<details>')) depth++;
    if (depth === 0) out.push(line);
    if (line === '</details>') depth--;
  }
  expect(depth).toBe(0);
  return out.join('\n');
}

describe('root causes of the examples', () => {
  it('pins every example', () => {
    expect(Object.keys(EXAMPLE_ROOTS).sort()).toEqual([...EXAMPLES].sort());
  });
  it.each(EXAMPLES)('%s: the root causes in order, and the text report starts with the first', async (name) => {
    const report = await run(`examples/${name}`);
    expect(rootNames(report)).toEqual(EXAMPLE_ROOTS[name]);
    expectExplained(report);
    const lines = renderSummary(report, { colour: false, width: 80 }).split('\n');
    const heading = lines.findIndex((l) => /^Root causes?$/.test(l));
    const first = causesOf(report).roots[0];
    if (!first || first.severity === 'info') {
      expect(heading).toBe(-1);
      return;
    }
    // The title, the stacks line, a blank line, then the root causes.
    expect(heading).toBe(lines.findIndex((l) => l === '') + 1);
    expect(lines.slice(heading + 2, heading + 5).join(' ').replace(/\s+/g, ' ')).toContain(first.findings.length === 1 ? `[${first.findings[0]!.id} ${first.name}]` : first.name);
  });
});

describe('the demo', () => {
  it('fits in about 40 lines, leads with the finished pod, and prints each command once', async () => {
    const r = await gpuctl(['doctor', '--demo'], { COLUMNS: '80' });
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines[3]).toBe('Root cause');
    expect(lines[5]).toMatch(/^✗ Finished pod default\/cuda-vectoradd/);
    const commands = lines.filter((l) => /^\s+\$ /.test(l)).map((l) => l.trim());
    expect(commands).toContain('$ kubectl delete pod -n default cuda-vectoradd');
    expect(new Set(commands).size).toBe(commands.length);
    // The symptoms' own follow-ups, once, after the cause's fix and before the symptoms: the refused validator
    // pod is deleted so that the ClusterPolicy creates it again (unexpected-admission-error and validator-failed
    // both say so; it is printed once).
    const text = lines.join('\n').replace(/ \\\n\s+/g, ' ');
    const cause = text.indexOf('$ kubectl delete pod -n default cuda-vectoradd');
    const then = text.indexOf('then, once that is fixed, recreate what gave up waiting:');
    const refused = text.indexOf('$ kubectl delete pod -n gpu-operator nvidia-device-plugin-validator-m9f2p');
    expect(cause).toBeGreaterThan(0);
    expect(then).toBeGreaterThan(cause);
    expect(refused).toBeGreaterThan(then);
    expect(refused).toBeLessThan(text.indexOf('explains 5 findings:'));
    expect(text.split('kubectl delete pod -n gpu-operator nvidia-device-plugin-validator-m9f2p')).toHaveLength(2);
    expect(text).toContain('$ kubectl delete pod -n gpu-operator nvidia-operator-validator-jx7kt');
    // The symptoms, one line each under it.
    for (const name of ['validator-failed', 'unexpected-admission-error', 'clusterpolicy-not-ready', 'insufficient-gpu']) expect(r.stdout).toContain(`${name}  `);
  });
  it('symptoms say what they see and point to their cause; none blames the healthy device plugin', async () => {
    const report = await run('examples/passthrough-gpu-held');
    const validators = report.findings.filter((f) => f.name === 'validator-failed');
    expect(validators).toHaveLength(2);
    for (const f of validators) {
      expect(f.message).not.toMatch(/fix the device plugin/);
      expect(f.message).toContain('although the device plugin pod gpu-operator/nvidia-device-plugin-daemonset-8x6zq is Running and node z-k8s-n-1 advertises 1 nvidia.com/gpu');
      expect(f.message).toContain('finished pod default/cuda-vectoradd holds it (see gpu-held-by-finished-pod)');
    }
  });
  it('-o wide keeps every finding with its evidence, the passes and the playbook', async () => {
    const r = await gpuctl(['doctor', '--demo', '-o', 'wide'], { COLUMNS: '400' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('✓ every file of the input was read');
    expect(r.stdout).toContain('· pod status: UnexpectedAdmissionError, phase Failed, node z-k8s-n-1');
    expect(r.stdout).toContain('Playbook\n');
  });
});

describe('root causes of the real cases', () => {
  it.each(CASES)('%s: the confirmed cause leads; every other error names what explains it', async (name) => {
    const report = await run(`test/cases/real/${name}`);
    const spec = JSON.parse(readFileSync(path.join(ROOT, 'test/cases/real', name, 'case.json'), 'utf8')) as { healthy: boolean; expect: { errors?: string[] } };
    const roots = causesOf(report).roots.filter((r) => r.severity === 'error');
    if (spec.healthy) expect(roots).toEqual([]);
    else expect(spec.expect.errors).toContain(roots[0]?.name);
    expectExplained(report);
  });
});

describe('at 2,000 nodes', () => {
  it('the default report stays under 300 lines and lists every distinct root cause with its count', () => {
    const cluster = syntheticCluster({ nodes: 2000, podsPerNode: 20, brokenFraction: 0.1, seed: 1 });
    const report = runChecks(ALL_CHECKS, new Facts(cluster));
    const text = renderSummary(report, { colour: false, width: 100, jsonCommand: 'gpuctl doctor -o json' });
    expect(text.split('\n').length).toBeLessThan(300);
    const roots = causesOf(report).roots;
    expect(roots.length).toBeGreaterThan(3);
    for (const r of roots) {
      const kinds = new Set(r.findings.map((f) => f.subject.kind));
      if (r.findings.length === 1) expect(text).toContain(`${r.findings[0]!.id} ${r.name}]`);
      else expect(text, r.name).toMatch(new RegExp(`${r.name} on ${r.findings.length} ${kinds.has('Node') ? 'nodes' : '\\w+'} `));
    }
    // The symptoms' follow-ups stay bounded: at most a few lines per root cause, the rest in -o wide.
    const thens = text.split('\n').filter((l) => l.includes('then, once that is fixed')).length;
    expect(thens).toBeLessThanOrEqual(roots.length);
    // The same fix on many nodes: once, with how to find them all.
    expect(text).toContain(`select(.name == "nvidia-runtime-missing") | .subject.name`);
    expect(text.match(/\$ sudo nvidia-ctk runtime configure --runtime=containerd/g)).toHaveLength(1);
    // Its summary is for all of them: the nodes' runtime (containerd, from their nodeInfo), no first node's name.
    const runtime = roots.find((r) => r.name === 'nvidia-runtime-missing')!;
    expect(text).toContain(`fix: Configure the nvidia runtime in containerd and restart it (on each of the ${runtime.findings.length} nodes)`);
    // -o markdown: the same root causes with their counts before the table; every finding's detail folded.
    const md = renderMarkdown(report, 'en', 'gpuctl doctor', 'gpuctl doctor -o json');
    const top = md.slice(0, md.indexOf('| | check |'));
    expect(top.split('\n').length).toBeLessThan(300);
    roots.filter((r) => r.severity !== 'info').forEach((r, i) => {
      const kinds = new Set(r.findings.map((f) => f.subject.kind));
      if (r.findings.length === 1) expect(top).toMatch(new RegExp(`^${i + 1}\\. . \\*\\*.*\\*\\* — \`${r.name}\``, 'm'));
      else expect(top, r.name).toMatch(new RegExp(`^${i + 1}\\. . \\*\\*\`${r.name}\` on ${r.findings.length} ${kinds.has('Node') ? 'nodes' : '\\w+'}\\*\\* `, 'm'));
    });
    for (const r of roots.filter((r) => r.severity === 'info')) expect(top).toContain(`\`${r.name}\``);
    expect(top.match(/^ {3}sudo nvidia-ctk runtime configure --runtime=containerd$/gm)).toHaveLength(1);
    expect(top).toContain(`select(.name == "nvidia-runtime-missing") | .subject.name`);
    expect(outsideDetails(md).match(/nvidia-ctk runtime configure/g)).toHaveLength(1);
    // It pastes into an issue: under GitHub's 65,536 characters, saying what it left out and where it all is.
    expect(md.length).toBeLessThan(MARKDOWN_BUDGET);
    expect(md).toMatch(/… and \d+ more not shown here, to keep this under GitHub's 65,536 characters: `gpuctl doctor -o json` has them all/);
    const problems = report.findings.filter((f) => f.severity !== 'ok');
    const perCheck = new Map<string, number>();
    for (const f of problems) perCheck.set(f.name, (perCheck.get(f.name) ?? 0) + 1);
    const tableRows = md.split('\n').filter((l) => /^\| [✗‼i] \| `/.test(l));
    for (const [name, count] of perCheck) {
      expect(tableRows.filter((l) => l.includes(`| \`${name}\` |`)).length, name).toBeLessThanOrEqual(ROWS_PER_CHECK);
      if (count > ROWS_PER_CHECK) expect(md, name).toContain(`| | \`${name}\` | | … and ${count - ROWS_PER_CHECK} more not shown here`);
    }
  }, 60_000);
});

describe('the playbook walks the graph', () => {
  it('causes before their symptoms, then the layers; each command once', async () => {
    // gpu-operator-26: the untolerated taint (nodes layer) keeps the driver off the nodes (driver layer).
    const report = await run('test/cases/real/gpu-operator-26');
    const byLayer = walkPlaybook(report.findings);
    expect(byLayer[0]!.findings.map((f) => f.name)).toContain('driver-not-loaded');
    const byCause = walkPlaybook(report.findings, undefined, causesOf(report));
    expect(byCause[0]!.findings.map((f) => f.name)).toEqual(Array(5).fill('operand-taint-untolerated'));
    for (const name of ['passthrough-gpu-held', 'no-nvidia-runtime']) {
      const r = await run(`examples/${name}`);
      const taken = walkPlaybook(r.findings, undefined, causesOf(r));
      expect(taken[0]!.findings.map((f) => f.name)).toContain(causesOf(r).roots[0]!.name);
      const keys = taken.flatMap((t) => t.commands.map(commandKey));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('the other formats lead with the cause too', () => {
  it('--all-contexts shows each cluster\'s first root cause, not its first symptom', async () => {
    const table = fleetTable([{ context: 'z', report: await run('examples/passthrough-gpu-held') }, { context: 'y', report: await run('examples/no-nvidia-runtime') }], false, 'en', 200);
    const [header, z, y] = table.split('\n');
    expect(header).toMatch(/ROOT CAUSE$/);
    expect(z).toMatch(/gpu-held-by-finished-pod: Finished pod default\/cuda-vectoradd/);
    expect(y).toMatch(/nvidia-runtime-missing: /);
  });
  it('-o json: rootCauses in the report\'s order, each with the refs of its findings and of what it explains; explainedBy per finding', async () => {
    const r = await gpuctl(['doctor', '--demo', '-o', 'json']);
    expect(r.exitCode).toBe(1);
    const json = JSON.parse(r.stdout) as { findings: { ref: string; severity: string; explainedBy?: string[] }[]; rootCauses: { name: string; severity: string; findings: string[]; explains: string[] }[] };
    const HELD = 'gpu-held-by-finished-pod:Pod/default/cuda-vectoradd';
    expect(json.rootCauses).toEqual([
      {
        name: 'gpu-held-by-finished-pod',
        severity: 'error',
        findings: [HELD],
        explains: [
          'validator-failed:Pod/gpu-operator/nvidia-device-plugin-validator-m9f2p',
          'unexpected-admission-error:Pod/gpu-operator/nvidia-device-plugin-validator-m9f2p',
          'clusterpolicy-not-ready:ClusterPolicy/cluster-policy',
          'validator-failed:Pod/gpu-operator/nvidia-operator-validator-jx7kt',
          'insufficient-gpu:Pod/default/stable-diffusion-webui-l5qqnplkwk-99qlr',
        ],
      },
    ]);
    const by = new Map(json.findings.map((f) => [f.ref, f]));
    expect(by.get(HELD)!.explainedBy).toEqual([]);
    expect(by.get('unexpected-admission-error:Pod/gpu-operator/nvidia-device-plugin-validator-m9f2p')!.explainedBy).toEqual([HELD]);
    // Each finding a root cause explains is explained by something (directly; the root cause through others).
    for (const ref of json.rootCauses[0]!.explains) expect(by.get(ref)!.explainedBy!.length, ref).toBeGreaterThan(0);
    // A pass has no explainedBy.
    expect(json.findings.filter((f) => f.severity === 'ok' && 'explainedBy' in f)).toEqual([]);
    // On every example the JSON's order is the text report's.
    for (const name of EXAMPLES) {
      const rootCauses = JSON.parse(renderJson(await run(`examples/${name}`))).rootCauses as { name: string; severity: string }[];
      expect(rootCauses.map((c) => `${c.severity} ${c.name}`), name).toEqual(EXAMPLE_ROOTS[name]);
    }
  });
  it('-o markdown is the text report\'s structure: the fix once, the follow-ups, the symptoms a line each; the rest folded', async () => {
    const report = await run('examples/passthrough-gpu-held');
    const md = renderMarkdown(report);
    const top = md.slice(0, md.indexOf('| | check |'));
    // The cause, its evidence line, its fix once, the symptoms' follow-ups after it, then the symptoms.
    const at = (s: string) => {
      const i = top.indexOf(s);
      expect(i, s).toBeGreaterThan(0);
      return i;
    };
    const order = [
      '1. ✗ **Finished pod default/cuda-vectoradd',
      '   · pod default/cuda-vectoradd: phase Running, status NotReady',
      '   **Fix:** Delete the finished pod to release its GPU',
      '   kubectl delete pod -n default cuda-vectoradd\n',
      '   then, once that is fixed, recreate what gave up waiting:',
      '   kubectl delete pod -n gpu-operator nvidia-device-plugin-validator-m9f2p   # after the fix: the validation runs again',
      '   kubectl delete pod -n gpu-operator nvidia-operator-validator-jx7kt',
      '   explains 5 findings:',
      '   - ✗ `validator-failed` Pod gpu-operator/nvidia-device-plugin-validator-m9f2p\n',
      '   - ✗ `unexpected-admission-error` Pod gpu-operator/nvidia-device-plugin-validator-m9f2p\n',
      '   - ✗ `clusterpolicy-not-ready` ClusterPolicy cluster-policy\n',
      '   - ‼ `insufficient-gpu` Pod default/stable-diffusion-webui-l5qqnplkwk-99qlr\n',
    ].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Outside the folded blocks each command is printed once; every finding's own fix is in the details.
    const visible = outsideDetails(md);
    const commands = visible.split('\n').filter((l) => /^ {3}kubectl /.test(l)).map((l) => l.trim().replace(/\s+#.*/, ''));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    expect(new Set(commands).size).toBe(commands.length);
    expect(visible).not.toContain('#### ');
    expect(visible).not.toContain('Playbook');
    expect(md).toMatch(/<details><summary>Details: the 6 findings with evidence and fix<\/summary>\n\n#### ✗ device plugin validator pod/);
    expect(md.split('<summary>Details: ')[1]).toMatch(/^kubectl delete pod -n default cuda-vectoradd {3}# finished, still holds the GPU$/m);
  });
  it('-o markdown starts with the root cause and folds the passes; -o junit marks explained findings', async () => {
    const report = await run('examples/passthrough-gpu-held');
    const md = renderMarkdown(report);
    expect(md.indexOf('### Root cause')).toBeLessThan(md.indexOf('| | check |'));
    expect(md).toMatch(/### Root cause\n\n1\. ✗ \*\*Finished pod default\/cuda-vectoradd/);
    expect(md.match(/kubectl delete pod -n default cuda-vectoradd$/gm)?.length).toBeGreaterThanOrEqual(1);
    expect(md).toContain('<details><summary>✓ ');
    const junit = renderJunit(report);
    expect(junit).toContain('type="error (explained)"');
    expect(junit).toMatch(/no nvidia\.com\/gpu was available at admission \(a finished pod holds it\) \(explained by gpu-held-by-finished-pod on Pod default\/cuda-vectoradd\)/);
    // The root cause itself is a plain failure.
    expect(junit).toMatch(/<failure message="Finished pod default\/cuda-vectoradd[^"]*" type="error">/);
  });
});
