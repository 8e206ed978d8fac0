import { defineCheck } from '../src/check.js';
import { gpuEvidence, gpuNodes } from '../src/facts/gpu.js';
import { unmatchedLabels } from '../src/facts/scheduling.js';
import { findStack } from '../src/facts/stacks.js';
import { devicePluginPodsOn, hamiNodeSelector } from '../src/facts/device-plugins.js';
import type { Issue } from '../src/model.js';
import { podsSaid, rowsOf, saidLine } from '../src/facts/said.js';

export default defineCheck({
  name: 'hami-node-not-enabled',
  title: 'GPU nodes are enabled for HAMi (gpu=on)',
  needs: ['Node', 'Pod', 'DaemonSet', 'node-command:lspci', 'logs:stack', 'logs:workloads', 'Event'],
  requires: ['Node'],
  stacks: ['hami'],
  ok: "every GPU node matches the nodeSelector of HAMi's device plugin",
  explain: {
    detects:
      "HAMi is installed and a GPU node lacks the label its device plugin selects on: gpu=on by the chart's default, or whatever devicePlugin.nvidiaNodeSelector the DaemonSet carries. Quiet when HAMi is absent, and for nodes where HAMi's device plugin runs anyway.",
    why: "HAMi's device plugin DaemonSet only lands on selected nodes. Elsewhere nothing registers the GPUs with HAMi, so its scheduler never places vGPU pods there; with no node enabled, every HAMi pod stays Pending.",
    fix: 'Label each GPU node that HAMi should manage (kubectl label nodes NODE gpu=on); the device plugin starts there by itself.',
  },
  zh: {
    title: 'GPU 节点已为 HAMi 启用（gpu=on）',
    ok: '每个 GPU 节点都匹配 HAMi 设备插件的 nodeSelector',
    headline: 'GPU 节点缺少 HAMi 设备插件所选择的标签，HAMi 无法使用其 GPU',
    fixSummary: '为节点打上 HAMi 的标签，其设备插件随后会在该节点上启动',
    explain: {
      detects:
        '已安装 HAMi，而某个 GPU 节点缺少其设备插件所选择的标签：Chart 默认为 gpu=on，或 DaemonSet 中配置的 devicePlugin.nvidiaNodeSelector。未安装 HAMi，或 HAMi 设备插件已在该节点上运行时，不会报告。',
      why: 'HAMi 的设备插件 DaemonSet 只会调度到被选中的节点。其他节点上没有组件向 HAMi 注册 GPU，HAMi 调度器也就不会把 vGPU Pod 调度过去；没有任何节点启用时，所有 HAMi Pod 都会一直 Pending。',
      fix: '为每个应由 HAMi 管理的 GPU 节点打上标签（kubectl label nodes NODE gpu=on），设备插件会自动在其上启动。',
    },
  },
  run(facts) {
    const hami = findStack(facts, 'hami');
    if (!hami) return [];
    const nodes = gpuNodes(facts);
    if (nodes.length === 0) return { skip: 'no node shows an NVIDIA GPU (see no-gpu-nodes)' };
    const { selector, source } = hamiNodeSelector(facts);
    if (Object.keys(selector).length === 0) return []; // no nodeSelector: the plugin runs on every node
    const podsReadable = !facts.unavailable('Pod');
    const runsHami = (name: string) => podsReadable && devicePluginPodsOn(facts, name).some((p) => p.stack === 'hami');

    const disabled = nodes
      .map((node) => ({ node, missing: unmatchedLabels(node.metadata.labels, selector) }))
      .filter(({ node, missing }) => missing.length > 0 && !runsHami(node.metadata.name));
    const noneEnabled = disabled.length === nodes.length;
    // HAMi's scheduler saying so: "node unregistered" in its log (with the node), in the pods' events (a count)
    const said = podsReadable ? podsSaid(facts, rowsOf('hami-node-not-enabled')) : [];
    const wanted = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(' ');

    return disabled.map(({ node, missing }): Issue => {
      const name = node.metadata.name;
      const labels = node.metadata.labels ?? {};
      const evidence = [
        ...missing.map(([k]) => `label ${k}: ${labels[k] ?? 'absent'}`),
        `HAMi's device plugin selects nodes by ${wanted} (${source})`,
        `HAMi installed: ${hami.evidence[0]}`,
        ...gpuEvidence(node, facts).slice(0, 2),
      ];
      if (podsReadable) evidence.push("no HAMi device plugin pod runs on this node");
      for (const x of said.filter((x) => (x.hit.captures.node ?? name) === name || !facts.node(x.hit.captures.node!)).slice(0, 2)) evidence.push(`HAMi's scheduler: ${saidLine(x)}`);
      if (noneEnabled) evidence.push(`none of the ${nodes.length} GPU node(s) is enabled: HAMi has no GPU to schedule`);
      return {
        severity: noneEnabled ? 'error' : 'warning',
        subject: { kind: 'Node', name },
        message: `Node ${name} has an NVIDIA GPU but lacks ${missing.map(([k, v]) => `${k}=${v}`).join(' ')}: HAMi's device plugin does not run there, so HAMi cannot use its GPUs`,
        evidence,
        fix: {
          summary: 'Label the node for HAMi; its device plugin then starts there',
          commands: [
            `kubectl label nodes ${name} ${missing.map(([k, v]) => `${k}=${v}`).join(' ')} --overwrite`,
            `kubectl get pods -A -o wide -l app.kubernetes.io/component=hami-device-plugin --field-selector spec.nodeName=${name}`,
          ],
        },
      };
    });
  },
});
