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
  zh: {
    title: '每个节点只有一个设备插件上报 nvidia.com/gpu',
    ok: '没有节点运行两个设备插件',
    headline: '同一节点上有两个设备插件上报 nvidia.com/gpu',
    fixSummary: '只保留一个设备插件（使用 HAMi 时，以 devicePlugin.enabled=false 安装 GPU Operator）',
    explain: {
      detects: '同一节点上有两个上报 nvidia.com/gpu 的设备插件：GPU Operator 的和 HAMi 的、GPU Operator 的和独立部署的 nvidia-device-plugin，或同一插件的两个 release。',
      why: '两者都通过 /var/lib/kubelet/device-plugins 向 kubelet 注册同一种资源；最后注册的生效，另一个不断重新注册，GPU 分配（以及 HAMi 的 GPU 共享）变得不可预测。',
      fix: '只保留一个。使用 HAMi 时，以 --set devicePlugin.enabled=false 安装 GPU Operator（Kantaloupe/HAMi 的前置要求）；使用 GPU Operator 时，删除独立部署的 Helm release。',
    },
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
