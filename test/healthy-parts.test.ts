// Symptoms do not blame healthy parts (issue 16): on every example and real case, a finding that a root cause
// explains says what it sees and points at its cause; its message and fix never send the user to a part of the
// stack that another check found healthy, nor to a check that passed.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import { CATALOGUE, type CheckName } from '../src/catalogue.js';
import type { Report } from '../src/engine.js';
import { causesOf, runChecks } from '../src/engine.js';
import { Facts } from '../src/facts/facts.js';
import { isReady } from '../src/facts/pods.js';
import { devicePluginPodsOn } from '../src/facts/device-plugins.js';
import type { Finding } from '../src/model.js';
import { eitherOf, narrowEither } from '../src/model.js';
import { loadSnapshot } from '../src/sources/snapshot.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const INPUTS = [
  ...readdirSync(path.join(ROOT, 'examples')).filter((d) => d !== 'README.md').map((d) => `examples/${d}`),
  ...readdirSync(path.join(ROOT, 'test/cases/real')).filter((d) => d !== 'README.md').map((d) => `test/cases/real/${d}`),
];

/** A part of the stack, the checks whose ✓ shows it healthy on every node, and the words that tell the user to fix it. */
interface Part {
  part: string;
  /** All of these passed: the part is healthy. */
  passed: CheckName[];
  blame: RegExp;
  /** Judged on symptoms only: a root cause's own fix may set this part up differently (RKE2's config template). */
  symptomsOnly?: true;
}

export const PARTS: Part[] = [
  {
    part: 'the NVIDIA runtime of the container runtime',
    passed: ['nvidia-runtime-missing', 'nvidia-runtime-not-selected'],
    blame: /check the runtime on the node|did not run with the nvidia runtime|nvidia-ctk runtime configure|runtimes\.nvidia/i,
  },
  {
    part: 'the NVIDIA driver',
    passed: ['driver-not-loaded', 'driver-library-mismatch', 'driver-too-old-for-cuda'],
    blame: /fix (the NVIDIA driver|a CUDA workload on the driver)|driver too old|broken driver install|fix the driver|install the driver/i,
  },
  { part: "the toolkit's containerd settings", passed: ['toolkit-config-unsupported'], blame: /CONTAINERD_CONFIG|CONTAINERD_SOCKET/, symptomsOnly: true },
  { part: "the GPU Operator's deploy labels", passed: ['operand-deploy-label-missing', 'operands-disabled'], blame: /kubectl label nodes? \S+ nvidia\.com\/gpu\.deploy\./ },
  { part: 'GPUs held by finished pods', passed: ['gpu-held-by-finished-pod'], blame: /free GPUs held by pods/i },
  { part: 'the Bitfusion webhook', passed: ['bitfusion-components-missing'], blame: /make sure the Bitfusion webhook runs/i },
];

/** Words that send the user to the device plugin of a node, wrong where its pod there is Ready. */
const BLAMES_DEVICE_PLUGIN = /fix the device plugin|restart the (device )?plugin|the device plugin needs NVML/i;

const NAMES = CATALOGUE.map((c) => c.name as string);

function textOf(f: Finding): string {
  return [f.message, f.fix?.summary ?? '', ...(f.fix?.commands ?? [])].join('\n');
}

function nodesOf(f: Finding, facts: Facts): string[] {
  if (f.subject.kind === 'Node') return [f.subject.name];
  if (f.subject.kind !== 'Pod') return [];
  const node = facts.pod(f.subject.namespace ?? 'default', f.subject.name)?.spec?.nodeName;
  return node ? [node] : [];
}

/**
 * What the findings say against the healthy parts: "name on subject: why" per problem. The symptoms (findings a
 * root cause explains) by default; `roots` for the root causes too.
 */
export function blamesOfHealthy(report: Report, facts: Facts, roots = false): string[] {
  const graph = causesOf(report);
  const passed = new Set(report.findings.filter((f) => f.severity === 'ok').map((f) => f.name));
  const problems: string[] = [];
  for (const f of report.findings) {
    if (f.severity === 'ok' || (!roots && !graph.explainedBy.get(f)?.length)) continue;
    const text = textOf(f);
    const where = `${f.name} on ${f.subject.kind} ${f.subject.name}`;
    for (const name of NAMES) {
      if (name !== f.name && passed.has(name) && new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(text)) problems.push(`${where}: names ${name}, which passed`);
    }
    const root = !graph.explainedBy.get(f)?.length;
    for (const p of PARTS) {
      if (root && p.symptomsOnly) continue;
      const hit = text.match(p.blame);
      if (hit && p.passed.every((n) => passed.has(n))) problems.push(`${where}: "${hit[0]}" blames ${p.part}, healthy (${p.passed.join(', ')} passed)`);
    }
    const hit = text.match(BLAMES_DEVICE_PLUGIN);
    if (hit) {
      for (const node of nodesOf(f, facts)) {
        const ready = devicePluginPodsOn(facts, node).find(({ pod }) => isReady(pod) && pod.metadata.name !== f.subject.name);
        if (ready) problems.push(`${where}: "${hit[0]}" although device plugin pod ${ready.pod.metadata.name} on ${node} is Ready`);
      }
    }
  }
  return problems;
}

describe('symptoms do not blame healthy parts', () => {
  it.each(INPUTS)('%s', async (dir) => {
    const facts = new Facts(await loadSnapshot(path.join(ROOT, dir)));
    const report = runChecks(ALL_CHECKS, facts);
    expect(blamesOfHealthy(report, facts)).toEqual([]);
    // Nor do the root causes themselves.
    expect(blamesOfHealthy(report, facts, true)).toEqual([]);
    // The causes a check named with eitherOf reach no reader unnarrowed.
    expect(report.findings.filter((f) => JSON.stringify(f).includes('⟦')).map((f) => f.name)).toEqual([]);
  });

  it('the test can fail: a symptom that blames a healthy part is caught', async () => {
    // The demo's refused validator, worded as before the audit: "fix the device plugin" while it is Ready.
    const facts = new Facts(await loadSnapshot(path.join(ROOT, 'examples/passthrough-gpu-held')));
    const report = runChecks(ALL_CHECKS, facts);
    const graph = causesOf(report);
    const symptom = report.findings.find((f) => f.name === 'validator-failed' && graph.explainedBy.get(f)?.length)!;
    const was = { ...symptom };
    symptom.message = `${was.message.split(':')[0]}: the plugin stage fails, fix the device plugin and the node's allocatable nvidia.com/gpu`;
    symptom.fix = { summary: 'Free GPUs held by pods that no longer need them', commands: ['gpuctl doctor --checks driver-too-old-for-cuda'] };
    const problems = blamesOfHealthy(report, facts);
    expect(problems.some((p) => p.includes('names driver-too-old-for-cuda, which passed'))).toBe(true);
    expect(problems.some((p) => p.includes('although device plugin pod nvidia-device-plugin-daemonset-8x6zq on z-k8s-n-1 is Ready'))).toBe(true);
    // gpu-held-by-finished-pod does not pass here: freeing GPUs is the fix, not a blame.
    expect(problems.some((p) => p.includes('GPUs held by finished pods'))).toBe(false);
  });

  it('a fix follows the facts: the runtime the GPU Operator writes waits for the driver, not for nvidia-ctk by hand', async () => {
    const facts = new Facts(await loadSnapshot(path.join(ROOT, 'test/cases/real/gpu-operator-418')));
    const report = runChecks(ALL_CHECKS, facts);
    const runtime = report.findings.find((f) => f.name === 'nvidia-runtime-missing')!;
    expect(runtime.fix!.commands.join('\n')).not.toContain('nvidia-ctk runtime configure');
    expect(runtime.fix!.summary).toContain('waits for it in driver-validation: fix the driver first');
    // Without the operator's toolkit on the node (gpu-operator-26: its DaemonSet lands nowhere) the hand fix stays.
    const other = runChecks(ALL_CHECKS, new Facts(await loadSnapshot(path.join(ROOT, 'test/cases/real/gpu-operator-26'))));
    expect(other.findings.find((f) => f.name === 'nvidia-runtime-missing')!.fix!.commands).toContain('sudo nvidia-ctk runtime configure --runtime=docker');
  });
});

/** The nodes of the inputs that run CRI-O, as their Node objects report it. */
function crioNodes(facts: Facts): Set<string> {
  return new Set(facts.nodes.filter((n) => n.status?.nodeInfo?.containerRuntimeVersion?.startsWith('cri-o://')).map((n) => n.metadata.name));
}

describe('fixes follow the node\'s runtime', () => {
  it('no finding about a CRI-O node or its pods tells the user to configure or restart containerd', async () => {
    const judged: string[] = [];
    for (const dir of INPUTS) {
      const facts = new Facts(await loadSnapshot(path.join(ROOT, dir)));
      const crio = crioNodes(facts);
      if (crio.size === 0) continue;
      for (const f of runChecks(ALL_CHECKS, facts).findings) {
        if (f.severity === 'ok' || !nodesOf(f, facts).some((n) => crio.has(n))) continue;
        judged.push(`${dir} ${f.name}`);
        expect(textOf(f), `${dir}: ${f.name} on ${f.subject.name}`).not.toMatch(/containerd/);
      }
    }
    // The CRI-O cases (OpenShift, RKE2 with CRI-O, an AWS node) have such findings: the test judges something.
    expect(judged.filter((j) => j.includes('gpu-operator-2236')).length).toBeGreaterThan(0);
    expect(judged.filter((j) => j.includes('gpu-operator-722')).length).toBeGreaterThan(0);
    expect(judged.some((j) => j.endsWith(' operand-unhealthy'))).toBe(true);
  });
});

describe('eitherOf', () => {
  it('keeps the causes no check ruled out, all of them when every one passed', () => {
    const text = `see ${eitherOf(['nvidia-runtime-missing', 'runtimeclass-missing'])}; gpuctl doctor --checks ${eitherOf(['nvidia-runtime-missing', 'runtimeclass-missing'], ',')}`;
    expect(narrowEither(text, new Set(['runtimeclass-missing']))).toBe('see nvidia-runtime-missing; gpuctl doctor --checks nvidia-runtime-missing');
    expect(narrowEither(text, new Set())).toBe('see nvidia-runtime-missing or runtimeclass-missing; gpuctl doctor --checks nvidia-runtime-missing,runtimeclass-missing');
    expect(narrowEither(text, new Set(['nvidia-runtime-missing', 'runtimeclass-missing']))).toBe(narrowEither(text, new Set()));
    expect(eitherOf(['driver-not-loaded'])).toBe('driver-not-loaded');
  });
});
