import { defineCheck } from '../src/check.js';
import type { Provider } from '../src/data/operands.js';
import { PROVIDER_TITLES } from '../src/data/operands.js';
import { GPU_RESOURCE } from '../src/facts/gpu.js';
import type { OperandPod } from '../src/facts/operands.js';
import { devicePluginPodsByNode } from '../src/facts/operands.js';
import { displayStatus, ownerName, podRef } from '../src/facts/pods.js';

/** Which plugin to turn off, by the pair of providers found on the node. */
function removal(providers: Set<Provider>, entries: OperandPod[], policyName: string): { summary: string; commands: string[] } {
  const nsOf = (p: Provider) => entries.find((e) => e.spec.provider === p)?.pod.metadata.namespace ?? '';
  if (providers.has('gpu-operator')) {
    const ns = nsOf('gpu-operator');
    const other = providers.has('hami') ? 'HAMi' : 'the standalone device plugin';
    return {
      summary: `Keep ${other} and turn the GPU Operator's device plugin off (--set devicePlugin.enabled=false)`,
      commands: [
        `helm upgrade gpu-operator nvidia/gpu-operator -n ${ns} --reuse-values --set devicePlugin.enabled=false`,
        `# without Helm: kubectl patch clusterpolicy ${policyName} --type merge -p '{"spec":{"devicePlugin":{"enabled":false}}}'`,
        ...(providers.has('nvidia-device-plugin') && !providers.has('hami')
          ? [`# or keep the operator's and remove the standalone one: helm uninstall nvdp -n ${nsOf('nvidia-device-plugin')}`]
          : []),
      ],
    };
  }
  if (providers.has('hami') && providers.has('nvidia-device-plugin')) {
    return {
      summary: 'HAMi brings its own device plugin: remove the standalone NVIDIA device plugin',
      commands: [`helm uninstall nvdp -n ${nsOf('nvidia-device-plugin')}   # the release name may differ: helm list -A | grep device-plugin`],
    };
  }
  // two releases of the same provider
  return {
    summary: 'Two DaemonSets of the same device plugin run on the node: remove one of them',
    commands: ['helm list -A | grep -e device-plugin -e hami -e gpu-operator', ...entries.map((e) => `kubectl get daemonset -n ${e.pod.metadata.namespace} ${ownerName(e.pod) ?? ''}`)],
  };
}

export default defineCheck({
  name: 'device-plugin-conflict',
  title: `One device plugin advertises ${GPU_RESOURCE} per node`,
  needs: ['Pod', 'ClusterPolicy'],
  requires: ['Pod'],
  ok: 'no node runs two device plugins',
  explain: {
    detects: `Two device plugins for ${GPU_RESOURCE} on the same node: the GPU Operator's and HAMi's, the GPU Operator's and the standalone nvidia-device-plugin, or two releases of one of them.`,
    why: 'Both register the same resource with the kubelet through /var/lib/kubelet/device-plugins; whichever registered last wins, the other keeps re-registering, and allocations (and HAMi\'s GPU sharing) become unpredictable.',
    fix: 'Keep one. With HAMi, install the GPU Operator with --set devicePlugin.enabled=false (the Kantaloupe/HAMi prerequisite); with the GPU Operator, remove the standalone Helm release.',
  },
  run(facts) {
    const issues = [];
    const policyName = facts.all('ClusterPolicy')[0]?.metadata.name ?? 'cluster-policy';
    for (const [node, entries] of devicePluginPodsByNode(facts)) {
      // distinct owners, not pods: a DaemonSet rolling a pod over may briefly show two of its own
      const owners = new Map<string, OperandPod>();
      for (const e of entries) owners.set(`${e.pod.metadata.namespace}/${ownerName(e.pod) ?? e.pod.metadata.name}`, e);
      if (owners.size < 2) continue;
      const kept = [...owners.values()];
      const providers = new Set(kept.map((e) => e.spec.provider));
      issues.push({
        severity: 'error' as const,
        subject: { kind: 'Node', name: node },
        message: `Node ${node} runs ${kept.length} device plugins for ${GPU_RESOURCE}: ${[...providers].map((p) => PROVIDER_TITLES[p]).join(' and ')}`,
        evidence: kept.map((e) => `${PROVIDER_TITLES[e.spec.provider]} ${e.spec.title}: pod ${podRef(e.pod)} (${displayStatus(e.pod)}), DaemonSet ${ownerName(e.pod) ?? '?'}`),
        fix: removal(providers, kept, policyName),
      });
    }
    return issues;
  },
});
