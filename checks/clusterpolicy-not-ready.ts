import { defineCheck } from '../src/check.js';
import { OPERANDS } from '../src/data/operands.js';
import type { PolicyCondition } from '../src/facts/cluster-policy.js';
import { clusterPolicyStatesNotReady } from '../src/facts/cluster-policy.js';
import type { Facts } from '../src/facts/facts.js';
import type { KubeObject, Pod } from '../src/facts/kube.js';
import { operandPods } from '../src/facts/operands.js';
import { displayStatus, isReady, podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';

/**
 * What the gpu-operator controller logs while it reconciles (controllers/clusterpolicy_controller.go): one
 * "ClusterPolicy step completed" per state with its status, and its errors (init, a failed step, not ready).
 */
const STEP = /ClusterPolicy step completed.*?"state:"\s*[:=]?\s*"(?<state>state-[\w-]+)".*?"status"\s*[:=]?\s*"(?<status>\w+)"/;
const CONTROLLER_ERRORS = /unable to initialize ClusterPolicy controller|Reconciler error|only one CR may be present|NFD labels missing|No GPU node can be found/;

interface ControllerSaid {
  /** States whose latest step said notReady, in the order logged. */
  notReady: { state: string; line: string }[];
  errors: string[];
  source?: string;
}

function controllerSaid(facts: Facts, pods: Pod[]): ControllerSaid {
  const out: ControllerSaid = { notReady: [], errors: [] };
  for (const pod of pods) {
    for (const c of pod.spec?.containers ?? []) {
      const text = facts.log(pod.metadata.namespace ?? '', pod.metadata.name, c.name);
      if (!text) continue;
      const latest = new Map<string, { status: string; line: string }>();
      for (const raw of text.split('\n')) {
        const line = raw.trim();
        const step = STEP.exec(line);
        if (step) latest.set(step.groups!.state!, { status: step.groups!.status!, line });
        else if (CONTROLLER_ERRORS.test(line)) out.errors.push(line);
      }
      out.notReady = [...latest].filter(([, v]) => v.status === 'notReady').map(([state, v]) => ({ state, line: v.line }));
      out.source = `log of ${podRef(pod)} container ${c.name}`;
      return out;
    }
  }
  return out;
}

function operatorNamespace(policy: KubeObject, fallback: string | undefined): string {
  return (policy.status?.namespace as string | undefined) ?? fallback ?? 'gpu-operator';
}

export default defineCheck({
  name: 'clusterpolicy-not-ready',
  title: 'The GPU Operator ClusterPolicy is ready',
  needs: ['Pod', 'ClusterPolicy', 'logs:stack'],
  requires: ['ClusterPolicy'],
  ok: 'the ClusterPolicy is ready',
  // A ClusterPolicy makes the GPU Operator detected (src/stacks/gpu-operator.ts): without one, not applicable.
  stacks: ['gpu-operator'],
  explain: {
    detects:
      'A ClusterPolicy (nvidia.com/v1) whose status.state is not "ready": notReady with the operand states that hold it back (conditions Ready=False, Error=True "ClusterPolicy is not ready, states not ready: [state-driver …]"), ignored (a second ClusterPolicy), or no status at all (the operator controller is not reconciling it).',
    why: 'The ClusterPolicy is the GPU Operator\'s summary of the whole stack: while it is not ready some operand (driver, toolkit, device plugin, validator…) is not running on some GPU node, and GPU pods there fail or wait.',
    fix: 'Read its conditions, then fix the operands they name (see operand-unhealthy and validator-failed); with no status, look at the gpu-operator controller pod; with state ignored, delete the extra ClusterPolicy.',
  },
  zh: {
    title: 'GPU Operator 的 ClusterPolicy 已就绪',
    ok: 'ClusterPolicy 已就绪',
    headline: 'GPU Operator 的 ClusterPolicy 未就绪',
    fixSummary: '根据其 conditions 修复所列出的 operand；没有 status 时检查 gpu-operator 控制器；状态为 ignored 时删除多余的 ClusterPolicy',
    explain: {
      detects:
        'status.state 不是 "ready" 的 ClusterPolicy（nvidia.com/v1）：notReady，并列出阻碍它的 operand 状态（conditions Ready=False、Error=True "ClusterPolicy is not ready, states not ready: [state-driver …]"）；ignored（存在第二个 ClusterPolicy）；或完全没有 status（operator 控制器没有在调谐它）。',
      why: 'ClusterPolicy 是 GPU Operator 对整个软件栈的汇总：它未就绪时，某个 GPU 节点上有某个 operand（驱动程序、工具包、设备插件、验证器……）没有运行，那里的 GPU Pod 会失败或等待。',
      fix: '查看其 conditions，然后修复其中列出的 operand（见 operand-unhealthy 和 validator-failed）；没有 status 时，查看 gpu-operator 控制器 Pod；状态为 ignored 时，删除多余的 ClusterPolicy。',
    },
  },
  run(facts) {
    const policies = facts.all('ClusterPolicy');
    // The operator found by its namespace or operands, but no ClusterPolicy: nothing to call ready or not.
    if (policies.length === 0) return { skip: 'no ClusterPolicy object: the GPU Operator was found by its namespace or operands, so its state cannot be read' };
    const operands = operandPods(facts).filter((o) => o.spec.provider === 'gpu-operator');
    const controllerNs = operands.find((o) => o.spec.component === 'operator')?.pod.metadata.namespace;
    const issues: Issue[] = [];
    for (const policy of policies) {
      const name = policy.metadata.name;
      const ns = operatorNamespace(policy, controllerNs);
      const state = policy.status?.state as string | undefined;
      if (state === 'ready') continue;
      const conditions: PolicyCondition[] = Array.isArray(policy.status?.conditions) ? policy.status.conditions : [];
      const evidence = [`ClusterPolicy ${name} status.state: ${state ?? '(no status)'}`];
      for (const c of conditions) {
        evidence.push(`condition ${c.type}=${c.status}${c.reason ? ` reason ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}${c.lastTransitionTime ? ` (since ${c.lastTransitionTime})` : ''}`);
      }
      const subject = { kind: 'ClusterPolicy', name };
      // Short enough to paste from an 80-column terminal: the conditions as JSON (type, status, reason, message).
      const describe = `kubectl get clusterpolicy ${name} -o jsonpath='{.status.conditions}'`;

      if (state === 'ignored') {
        issues.push({
          severity: 'warning',
          subject,
          message: `ClusterPolicy ${name} is ignored: the GPU Operator reconciles only one ClusterPolicy`,
          evidence: [...evidence, `ClusterPolicies: ${policies.map((p) => `${p.metadata.name} (${p.status?.state ?? 'no status'})`).join(', ')}`],
          fix: { summary: 'Delete the extra ClusterPolicy, keeping the one the operator reconciles', commands: ['kubectl get clusterpolicy', `kubectl delete clusterpolicy ${name}`] },
        });
        continue;
      }
      const controller = operands.filter((o) => o.spec.component === 'operator');
      const said = controllerSaid(facts, controller.map((c) => c.pod));
      if (!state) {
        for (const c of controller) evidence.push(`controller pod ${podRef(c.pod)}: ${displayStatus(c.pod)}${isReady(c.pod) ? ', Ready' : ', not Ready'}`);
        if (controller.length === 0) evidence.push('no gpu-operator controller pod found (label app=gpu-operator)');
        for (const line of said.errors.slice(-3)) evidence.push(`${said.source}: ${line.slice(0, 300)}`);
        issues.push({
          severity: 'warning',
          subject,
          message: `ClusterPolicy ${name} has no status: the gpu-operator controller has not reconciled it`,
          evidence,
          fix: {
            summary: 'Check that the gpu-operator controller runs and read its log',
            commands: [`kubectl get pods -n ${ns} -l app=gpu-operator`, `kubectl logs -n ${ns} deploy/gpu-operator --tail=100`],
          },
        });
        continue;
      }

      // notReady: name the operand states and the pods behind them — from the conditions, else (operators
      // before conditions, or conditions cut) from the controller's log of its last steps.
      const fromConditions = clusterPolicyStatesNotReady(conditions);
      const states = fromConditions.length ? fromConditions : said.notReady.map((n) => n.state);
      if (fromConditions.length) evidence.push(`states not ready: ${states.join(', ')}`);
      else if (states.length) evidence.push(`states not ready (from the controller's log): ${states.join(', ')}`, ...said.notReady.slice(0, 4).map((n) => `${said.source}: ${n.line.slice(0, 300)}`));
      for (const line of said.errors.slice(-2)) evidence.push(`${said.source}: ${line.slice(0, 300)}`);
      const components = new Set(OPERANDS.filter((o) => o.provider === 'gpu-operator' && o.clusterPolicyState && states.includes(o.clusterPolicyState)).map((o) => o.component));
      const sick = operands.filter(
        (o) => (components.size === 0 || components.has(o.spec.component)) && o.spec.component !== 'operator' && o.pod.status?.phase !== 'Succeeded' && !isReady(o.pod),
      );
      for (const o of sick.slice(0, 8)) {
        evidence.push(`${o.spec.title} pod ${podRef(o.pod)}${o.pod.spec?.nodeName ? ` on ${o.pod.spec.nodeName}` : ''}: ${displayStatus(o.pod)} (see operand-unhealthy / validator-failed)`);
      }
      const stateText = states.length ? `: ${states.join(', ')} not ready` : '';
      issues.push({
        severity: 'error',
        subject,
        message: `ClusterPolicy ${name} is ${state}${stateText}`,
        scope: { components: [...components] },
        evidence,
        fix: {
          summary: 'Fix the operands its conditions name; the ClusterPolicy turns ready by itself once they run',
          commands: [describe, `kubectl get pods -n ${ns} -o wide | grep -v -e Running -e Completed`, `kubectl logs -n ${ns} deploy/gpu-operator --tail=50`, 'gpuctl doctor --checks operator'],
        },
      });
    }
    return issues;
  },
});
