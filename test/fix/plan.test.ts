// doctor --fix: the table from finding to API call, and the flow (plan, ask, apply, re-check) with fakes.
import { describe, expect, it } from 'vitest';
import type { FixDeps } from '../../src/commands/fix.js';
import { fixFindings } from '../../src/commands/fix.js';
import type { Report } from '../../src/engine.js';
import { FIXERS, jobFromCommand, labelsFromCommand, planFixes, runtimeClassFromCommand } from '../../src/fix/plan.js';
import type { ApiAction } from '../../src/fix/plan.js';
import type { Finding } from '../../src/model.js';

const finding = (name: string, subject: Finding['subject'], commands: string[] = [], severity: Finding['severity'] = 'error'): Finding => ({
  id: 'GPU000', name, severity, category: 'nodes', subject, message: `${name} on ${subject.name}`, evidence: [], docs: '', ...(commands.length ? { fix: { summary: 's', commands } } : {}),
});
const node = (name: string) => ({ kind: 'Node', name });

describe('reading the commands findings carry', () => {
  it('labels of `kubectl label node(s)` for one node, removals included', () => {
    expect(labelsFromCommand(['kubectl label nodes gpu-2 gpu=on --overwrite'], 'gpu-2')).toEqual({ gpu: 'on' });
    expect(labelsFromCommand(['kubectl label node gpu-2 nvidia.com/gpu.deploy.operands-'], 'gpu-2')).toEqual({ 'nvidia.com/gpu.deploy.operands': null });
    expect(labelsFromCommand(['kubectl label nodes gpu-3 gpu=on'], 'gpu-2')).toBeUndefined();
    expect(labelsFromCommand(['kubectl label nodes gpu-2 $(cat labels)'], 'gpu-2')).toBeUndefined();
  });
  it('the job of `kubectl delete job`, wherever -n stands', () => {
    expect(jobFromCommand(['kubectl delete job -n tensor-fusion-sys node-discovery-gpu-1'])).toEqual({ namespace: 'tensor-fusion-sys', name: 'node-discovery-gpu-1' });
    expect(jobFromCommand(['kubectl delete jobs.batch node-discovery-gpu-1 --namespace=tf'])).toEqual({ namespace: 'tf', name: 'node-discovery-gpu-1' });
    expect(jobFromCommand(['kubectl delete pod x'])).toBeUndefined();
  });
  it('the RuntimeClass of a heredoc manifest', () => {
    const cmd = "kubectl apply -f - <<'EOF'\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: nvidia\nhandler: nvidia\nEOF";
    expect(runtimeClassFromCommand([cmd])).toEqual({ name: 'nvidia', handler: 'nvidia' });
  });
});

describe('the fix table', () => {
  it('labels the node of gpu-node-unlabeled and hami-node-not-enabled with a merge patch', () => {
    const [a] = FIXERS['gpu-node-unlabeled']!(finding('gpu-node-unlabeled', node('gpu-1'), [], 'warning'))!;
    expect(a).toMatchObject({ method: 'PATCH', path: '/api/v1/nodes/gpu-1', body: { metadata: { labels: { 'nvidia.com/gpu.present': 'true' } } }, kubectl: 'kubectl label node gpu-1 nvidia.com/gpu.present=true --overwrite' });
    const [b] = FIXERS['hami-node-not-enabled']!(finding('hami-node-not-enabled', node('gpu-2'), ['kubectl label nodes gpu-2 gpu=on --overwrite', 'kubectl get pods -A']))!;
    expect(b).toMatchObject({ body: { metadata: { labels: { gpu: 'on' } } }, describe: 'label node gpu-2 gpu=on', undo: 'kubectl label node gpu-2 gpu-' });
  });
  it('removes the operands opt-out only where it does harm (warning), with null in the merge patch', () => {
    const [a] = FIXERS['operands-disabled']!(finding('operands-disabled', node('gpu-2'), ['kubectl label node gpu-2 nvidia.com/gpu.deploy.operands-'], 'warning'))!;
    expect(a).toMatchObject({ body: { metadata: { labels: { 'nvidia.com/gpu.deploy.operands': null } } }, undo: 'kubectl label node gpu-2 nvidia.com/gpu.deploy.operands=false --overwrite' });
    expect(FIXERS['operands-disabled']!(finding('operands-disabled', node('gpu-2'), ['x'], 'info'))).toBeUndefined();
  });
  it('deletes the finished pod, the NodeDiscovery job with its pods, and creates the RuntimeClass', () => {
    expect(FIXERS['gpu-held-by-finished-pod']!(finding('gpu-held-by-finished-pod', { kind: 'Pod', name: 'cuda-vectoradd', namespace: 'default' }))).toMatchObject([
      { method: 'DELETE', path: '/api/v1/namespaces/default/pods/cuda-vectoradd', kubectl: 'kubectl delete pod -n default cuda-vectoradd' },
    ]);
    expect(FIXERS['tf-gpus-undiscovered']!(finding('tf-gpus-undiscovered', { kind: 'Job', name: 'nd-gpu-1', namespace: 'tensor-fusion-sys' }))).toMatchObject([
      { method: 'DELETE', path: '/apis/batch/v1/namespaces/tensor-fusion-sys/jobs/nd-gpu-1?propagationPolicy=Background' },
    ]);
    expect(FIXERS['tf-gpus-undiscovered']!(finding('tf-gpus-undiscovered', { kind: 'GPUNode', name: 'gpu-1' }, ['kubectl delete job -n tensor-fusion-sys nd-gpu-1']))).toMatchObject([{ path: '/apis/batch/v1/namespaces/tensor-fusion-sys/jobs/nd-gpu-1?propagationPolicy=Background' }]);
    const create = "kubectl apply -f - <<'EOF'\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: nvidia\nhandler: nvidia\nEOF";
    expect(FIXERS['runtimeclass-missing']!(finding('runtimeclass-missing', { kind: 'RuntimeClass', name: 'nvidia' }, [create]))).toMatchObject([
      { method: 'POST', path: '/apis/node.k8s.io/v1/runtimeclasses', body: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'nvidia' }, handler: 'nvidia' } },
    ]);
    // replacing an existing RuntimeClass (delete + create) is not a safe fix
    expect(FIXERS['runtimeclass-missing']!(finding('runtimeclass-missing', { kind: 'RuntimeClass', name: 'nvidia' }, ['kubectl delete runtimeclass nvidia', create]))).toBeUndefined();
  });
});

describe('planFixes', () => {
  it('splits what gpuctl applies from what it prints, and why; ok and info need nothing', () => {
    const plan = planFixes([
      finding('hami-node-not-enabled', node('gpu-2'), ['kubectl label nodes gpu-2 gpu=on --overwrite'], 'warning'),
      finding('device-plugin-conflict', node('gpu-1'), ['helm upgrade gpu-operator nvidia/gpu-operator -n gpu-operator --reuse-values --set devicePlugin.enabled=false']),
      finding('nvidia-runtime-missing', node('gpu-1'), ['sudo nvidia-ctk runtime configure --runtime=containerd', 'sudo systemctl restart containerd']),
      finding('image-pull-failing', { kind: 'Image', name: 'x' }, ['skopeo inspect docker://x']),
      finding('no-gpu-nodes', { kind: 'Cluster', name: 'c' }, [], 'ok'),
      finding('helm-too-old', { kind: 'Tool', name: 'helm' }, ['curl … | sh'], 'info'),
    ]);
    expect(plan.automatic.map((a) => a.finding.name)).toEqual(['hami-node-not-enabled']);
    expect(plan.manual.map((m) => [m.finding.name, m.reason])).toEqual([
      ['device-plugin-conflict', 'changes Helm values or releases'],
      ['nvidia-runtime-missing', 'runs on the node'],
      ['image-pull-failing', 'needs your judgement'],
    ]);
  });
  it('makes one change once, and says which manual fix the changes cover', () => {
    const plan = planFixes([
      finding('operands-disabled', node('gpu-2'), ['kubectl label node gpu-2 nvidia.com/gpu.deploy.operands-'], 'warning'),
      finding('gpu-not-allocatable', node('gpu-2'), ['kubectl label node gpu-2 nvidia.com/gpu.deploy.operands-']),
      finding('gpu-node-unlabeled', node('gpu-3'), [], 'warning'),
      finding('gpu-node-unlabeled', node('gpu-3'), [], 'warning'),
    ]);
    expect(plan.automatic.flatMap((a) => a.actions.map((x) => x.describe))).toEqual([
      'remove label nvidia.com/gpu.deploy.operands from node gpu-2',
      'label node gpu-3 nvidia.com/gpu.present=true',
    ]);
    expect(plan.manual).toMatchObject([{ finding: { name: 'gpu-not-allocatable' }, reason: 'made by the changes above' }]);
  });
});

describe('fixFindings', () => {
  const report = (findings: Finding[]): Report => ({ origin: 'test', findings, skipped: [], checks: [] });
  const before = report([
    finding('hami-node-not-enabled', node('gpu-2'), ['kubectl label nodes gpu-2 gpu=on --overwrite']),
    finding('gpu-held-by-finished-pod', { kind: 'Pod', name: 'cuda-vectoradd', namespace: 'default' }, ['kubectl delete pod -n default cuda-vectoradd']),
    finding('device-plugin-conflict', node('gpu-1'), ['helm upgrade gpu-operator nvidia/gpu-operator --set devicePlugin.enabled=false']),
  ]);

  function fakes(answers: string[] = [], after: Finding[] = []) {
    let out = '';
    const asked: string[] = [];
    const applied: ApiAction[] = [];
    let rechecked = 0;
    const deps: FixDeps = {
      write: (t) => (out += t),
      apply: async (actions) => {
        applied.push(...actions);
        return actions.map((action) => (action.method === 'DELETE' ? { action, ok: false, outcome: '403 Forbidden: pods "cuda-vectoradd" is forbidden' } : { action, ok: true, outcome: '200 OK' }));
      },
      recheck: async () => {
        rechecked++;
        return report(after);
      },
      ask: async (q) => {
        asked.push(q);
        return answers.shift() ?? '';
      },
    };
    return { deps, out: () => out, asked, applied, rechecked: () => rechecked };
  }

  it('--dry-run prints the plan and changes nothing', async () => {
    const f = fakes();
    expect(await fixFindings(before, { dryRun: true, colour: false, failOn: 'error' }, f.deps)).toBe(1);
    expect(f.out()).toContain('gpuctl can make 2 changes (safe; deletes save the object and its logs first):\n  1. label node gpu-2 gpu=on [hami-node-not-enabled]\n     $ kubectl label node gpu-2 gpu=on --overwrite\n     PATCH /api/v1/nodes/gpu-2 {"metadata":{"labels":{"gpu":"on"}}}');
    expect(f.out()).toContain('Not applied by gpuctl (1): their commands are in the report above\n  ✗ device-plugin-conflict on Node gpu-1 — changes Helm values or releases');
    expect(f.out()).toContain('--dry-run: nothing was changed.');
    expect(f.applied).toEqual([]);
    expect(f.asked).toEqual([]);
  });
  it('asks before each change: y applies, n skips; then re-checks and shows what was fixed', async () => {
    const f = fakes(['y', 'n'], [finding('device-plugin-conflict', node('gpu-1'))]);
    const code = await fixFindings(before, { colour: false, failOn: 'error' }, f.deps);
    expect(f.asked).toEqual(['Apply 1/2: label node gpu-2 gpu=on? [y/N/a/q] ', 'Apply 2/2: delete pod default/cuda-vectoradd (its manifest and every container\'s logs are saved first)? [y/N/a/q] ']);
    expect(f.applied.map((a) => a.path)).toEqual(['/api/v1/nodes/gpu-2']);
    expect(f.out()).toContain('Applying\n  ✓ label node gpu-2 gpu=on: 200 OK\n');
    expect(f.out()).toContain('After the fixes (cluster read again, checks run again)\n  ✓ fixed: hami-node-not-enabled on Node gpu-2\n');
    expect(f.out()).toContain('1 problem left (errors and warnings)');
    expect(code).toBe(1);
  });
  it('a: this and the rest; q: none of the rest; nothing chosen, nothing applied', async () => {
    const all = fakes(['a']);
    await fixFindings(before, { colour: false, failOn: 'error' }, all.deps);
    expect(all.asked).toHaveLength(1);
    expect(all.applied).toHaveLength(2);
    const quit = fakes(['q']);
    expect(await fixFindings(before, { colour: false, failOn: 'error' }, quit.deps)).toBe(1);
    expect(quit.applied).toEqual([]);
    expect(quit.rechecked()).toBe(0);
    expect(quit.out()).toContain('Nothing applied.');
  });
  it('--yes applies without asking; a refused change is reported and a finding still there is "still failing"', async () => {
    const still = finding('gpu-held-by-finished-pod', { kind: 'Pod', name: 'cuda-vectoradd', namespace: 'default' });
    const f = fakes([], [still]);
    const code = await fixFindings(before, { yes: true, colour: false, failOn: 'error' }, f.deps);
    expect(f.asked).toEqual([]);
    expect(f.out()).toContain('  ✗ delete pod default/cuda-vectoradd (its manifest and every container\'s logs are saved first): 403 Forbidden: pods "cuda-vectoradd" is forbidden\n');
    // only the applied change is re-judged: the refused delete is not listed as fixed or failing
    expect(f.out()).toContain('  ✓ fixed: hami-node-not-enabled on Node gpu-2\n');
    expect(f.out()).not.toContain('fixed: gpu-held-by-finished-pod');
    expect(code).toBe(1);
  });
  it('says so when there is nothing it can change', async () => {
    const f = fakes();
    expect(await fixFindings(report([finding('device-plugin-conflict', node('gpu-1'), ['helm upgrade x'])]), { yes: true, colour: false, failOn: 'error' }, f.deps)).toBe(1);
    expect(f.out()).toContain('Nothing gpuctl can change by itself.');
  });
});
