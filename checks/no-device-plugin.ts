import { capMap } from '../src/bounded.js';
import { defineCheck } from '../src/check.js';
import { PROVIDER_TITLES } from '../src/data/operands.js';
import { GPU_RESOURCE, gpuNodes as gpuNodesOf, podGpuRequest } from '../src/facts/gpu.js';
import { formatTaint, unmatchedLabels, untoleratedTaints } from '../src/facts/scheduling.js';
import { devicePluginDaemonSets, operandPods } from '../src/facts/operands.js';
import { isTerminal, podRef } from '../src/facts/pods.js';
import { podsSaid, rowsOf, saidLine } from '../src/facts/said.js';

const PODS_SHOWN = 5;
/** The kubelet's device manager: `cannot allocate unregistered device`, `unknown Device Plugin`. */
const KUBELET_ROWS = rowsOf('no-device-plugin');

const NVDP_INSTALL = [
  'helm repo add nvdp https://nvidia.github.io/k8s-device-plugin && helm repo update',
  'helm upgrade --install nvdp nvdp/nvidia-device-plugin -n nvidia-device-plugin --create-namespace',
];

export default defineCheck({
  name: 'no-device-plugin',
  title: `A device plugin runs for the pods that request ${GPU_RESOURCE}`,
  needs: ['Node', 'Pod', 'DaemonSet', 'ClusterPolicy', 'node-command:lspci', 'logs:workloads', 'Event'],
  requires: ['Pod'],
  ok: `a device plugin runs, or no pod requests ${GPU_RESOURCE}`,
  explain: {
    detects: `Pods request ${GPU_RESOURCE} but no device plugin pod exists: neither the GPU Operator's nvidia-device-plugin-daemonset, nor the standalone nvidia-device-plugin (Helm chart or static manifest), nor HAMi's device plugin.`,
    why: `Only a device plugin makes the kubelet advertise ${GPU_RESOURCE}; without one every node has 0 allocatable GPUs and each GPU pod stays Pending with "Insufficient ${GPU_RESOURCE}".`,
    fix: 'Install the NVIDIA device plugin with Helm (or enable the GPU Operator\'s devicePlugin, or install HAMi when GPUs are to be shared). If a device plugin DaemonSet exists but has no pods, fix its node selector or the node labels it selects on.',
  },
  zh: {
    title: '有设备插件为请求 nvidia.com/gpu 的 Pod 服务',
    ok: '有设备插件在运行，或没有 Pod 请求 nvidia.com/gpu',
    headline: '有 Pod 请求 nvidia.com/gpu，但集群中没有运行设备插件',
    fixSummary: '已有设备插件 DaemonSet 时让它落到 GPU 节点上（节点选择器、容忍）；没有时安装 NVIDIA 设备插件（或启用 GPU Operator 的设备插件；需要共享 GPU 时安装 HAMi）',
    explain: {
      detects:
        '有 Pod 请求 nvidia.com/gpu，但不存在任何设备插件 Pod：既没有 GPU Operator 的 nvidia-device-plugin-daemonset，也没有独立部署的 nvidia-device-plugin（Helm Chart 或静态清单），也没有 HAMi 的设备插件。',
      why: '只有设备插件能让 kubelet 上报 nvidia.com/gpu；没有它，每个节点的可分配 GPU 都是 0，每个 GPU Pod 都以 "Insufficient nvidia.com/gpu" 一直 Pending。',
      fix: '用 Helm 安装 NVIDIA 设备插件（或启用 GPU Operator 的 devicePlugin；需要共享 GPU 时安装 HAMi）。如果设备插件 DaemonSet 存在却没有 Pod，修正它的节点选择器，或它所选择的节点标签。',
    },
  },
  run(facts) {
    // Pods waiting for a GPU, and those the kubelet refused because no plugin registered the resource.
    const requesting = facts.pods.filter((p) => podGpuRequest(p) > 0 && (!isTerminal(p) || podsSaid(facts, KUBELET_ROWS, [p]).length > 0));
    if (requesting.length === 0) return [];
    const plugins = operandPods(facts).filter((o) => o.spec.advertisesGpus && !isTerminal(o.pod));
    if (plugins.length > 0) return [];

    const evidence = capMap(requesting, PODS_SHOWN, (p) => `pod ${podRef(p)} requests ${podGpuRequest(p)} ${GPU_RESOURCE} (${p.status?.phase ?? 'Unknown'})`, 'pods');
    // the kubelet's own words on the pods it refused: no plugin registered the resource
    for (const said of podsSaid(facts, KUBELET_ROWS, requesting).slice(0, PODS_SHOWN)) evidence.push(saidLine(said));
    evidence.push('no pod labelled app=nvidia-device-plugin-daemonset, app.kubernetes.io/name=nvidia-device-plugin, name=nvidia-device-plugin-ds or app.kubernetes.io/component=hami-device-plugin');

    const daemonSets = devicePluginDaemonSets(facts);
    const dsUnreadable = facts.unavailable('DaemonSet');
    if (dsUnreadable) evidence.push(`DaemonSets could not be listed (${dsUnreadable}): judged from pods only`);
    const gpuNodes = gpuNodesOf(facts);
    const commands: string[] = [];
    let summary = 'Install the NVIDIA device plugin with Helm';
    for (const { ds, spec } of daemonSets) {
      // a DaemonSet that selects no node: label the GPU nodes rather than install a second plugin
      const ns = ds.metadata.namespace ?? '';
      const selector = (ds.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>;
      const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
      evidence.push(
        `DaemonSet ${ns}/${ds.metadata.name} (${PROVIDER_TITLES[spec.provider]}) schedules ${ds.status?.desiredNumberScheduled ?? 0} pods; nodeSelector ${pairs.join(',') || 'none'}`,
      );
      // Label only the GPU nodes its nodeSelector misses; where it matches them all, labels are not what keeps it off.
      const unlabelled = gpuNodes.filter((n) => unmatchedLabels(n.metadata.labels, selector).length > 0);
      const tainted = gpuNodes.filter((n) => untoleratedTaints(ds.spec?.template?.spec?.tolerations, n.spec?.taints).length > 0);
      if (unlabelled.length || !gpuNodes.length) {
        summary = `Make the existing device plugin DaemonSet land on the GPU nodes (its nodeSelector), instead of installing another`;
      } else {
        const taints = tainted.length ? untoleratedTaints(ds.spec?.template?.spec?.tolerations, tainted[0]!.spec?.taints).map(formatTaint).join(', ') : '';
        summary = tainted.length
          ? `Its nodeSelector matches the GPU nodes, but it does not tolerate their taint ${taints} (see operand-taint-untolerated): add the toleration, instead of installing another plugin`
          : 'Its nodeSelector matches the GPU nodes, yet it places no pod there: its events say why, instead of installing another plugin';
      }
      commands.push(`kubectl get nodes -L ${Object.keys(selector).join(',') || 'nvidia.com/gpu.present'}`);
      if (pairs.length) for (const node of unlabelled) commands.push(`kubectl label node ${node.metadata.name} ${pairs.join(' ')} --overwrite`);
      commands.push(`kubectl describe daemonset -n ${ns} ${ds.metadata.name}`);
    }
    const policy = facts.all('ClusterPolicy')[0];
    if (daemonSets.length === 0 && policy?.spec?.devicePlugin?.enabled === false) {
      evidence.push(`ClusterPolicy ${policy.metadata.name} has spec.devicePlugin.enabled=false (meant for HAMi, which is not running)`);
      summary = "Enable the GPU Operator's device plugin, or install HAMi if GPUs are to be shared";
      commands.push(`kubectl patch clusterpolicy ${policy.metadata.name} --type merge -p '{"spec":{"devicePlugin":{"enabled":true}}}'`);
    }
    if (commands.length === 0) commands.push(...NVDP_INSTALL);

    return [
      {
        severity: 'error',
        subject: { kind: 'Cluster', name: facts.clusterName },
        message: `${requesting.length} pod(s) request ${GPU_RESOURCE} but no device plugin runs in the cluster`,
        evidence,
        fix: { summary, commands },
      },
    ];
  },
});
