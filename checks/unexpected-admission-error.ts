import { defineCheck } from '../src/check.js';
import { describeHolder, gpuHolders, isUnexpectedAdmission, parseAdmissionMessage, UNEXPECTED_ADMISSION } from '../src/facts/gpu-holders.js';
import type { Pod } from '../src/facts/kube.js';
import type { Facts } from '../src/facts/facts.js';
import { WORDINGS, wordingsFor } from '../src/data/wordings/index.js';
import { operandPodsOn } from '../src/facts/operands.js';
import { podsSaid, saidLine } from '../src/facts/said.js';
import { isReady, ownerName, podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';

/** A Deployment's ReplicaSet keeps creating pods that fail the same way: one finding per owner and node. */
function groupKey(pod: Pod): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  return `${pod.metadata.namespace}/${owner ? `${owner.kind}/${owner.name}` : `Pod/${pod.metadata.name}`}/${pod.spec?.nodeName ?? ''}`;
}

const PODS_SHOWN = 5;
const SAID_SHOWN = 3;

/** The kubelet's admission texts (device manager, OutOf<resource>) and the device plugin answers it wraps. */
const ROWS = wordingsFor('unexpected-admission-error');

/**
 * Refused at admission: reason UnexpectedAdmissionError, or OutOf<resource> on a Failed pod (the kubelet's
 * predicate), or a pod whose events or status carry the kubelet's admission words.
 */
function refused(facts: Facts, pod: Pod): boolean {
  if (isUnexpectedAdmission(pod)) return true;
  if (pod.status?.phase === 'Failed' && /^OutOf/.test(pod.status.reason ?? '')) return true;
  return (pod.status?.phase === 'Failed' || pod.status?.phase === 'Pending') && podsSaid(facts, ROWS, [pod]).length > 0;
}

/** What the device plugin pods on the node said, in words a row recognises: why it had no device to give. */
function pluginSaid(facts: Facts, node: string): string[] {
  const plugins = operandPodsOn(facts, node).filter((o) => o.spec.advertisesGpus).map((o) => o.pod);
  return podsSaid(facts, WORDINGS, plugins)
    .slice(0, SAID_SHOWN)
    .map((s) => `device plugin says (${s.hit.wording.finding}): ${saidLine(s)}`);
}

export default defineCheck({
  name: 'unexpected-admission-error',
  title: 'No pod was refused by the kubelet for want of a GPU',
  needs: ['Pod', 'logs:stack', 'logs:workloads', 'Event'],
  ok: 'no pod failed with UnexpectedAdmissionError',
  explain: {
    detects:
      'Pods in phase Failed with reason UnexpectedAdmissionError: the scheduler placed them, but the kubelet\'s device manager found fewer free devices than requested ("Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected").',
    why: 'A pod refused at admission never starts and is never retried: it stays Failed until deleted. The usual cause is a GPU held by another pod the scheduler does not count any more (a finished pod on a single-GPU node, the leftover cuda-vectoradd case), or a device plugin that advertised GPUs it then lost after a restart.',
    fix: 'Free the GPU (delete the finished pod that holds it, or repair the device plugin), then delete the refused pod: its controller creates a new one, or re-apply a bare pod.',
  },
  zh: {
    title: '没有 Pod 因缺少 GPU 而被 kubelet 拒绝',
    ok: '没有 Pod 以 UnexpectedAdmissionError 失败',
    headline: 'Pod 在准入时被 kubelet 拒绝：没有可用的 GPU（UnexpectedAdmissionError）',
    fixSummary: '先找出节点为何没有可用 GPU（占用它的已结束 Pod，或设备插件日志所说的原因），处理后再删除被拒绝的 Pod 使其重建',
    explain: {
      detects:
        '处于 Failed 阶段、原因为 UnexpectedAdmissionError 的 Pod：调度器已经调度了它们，但 kubelet 的设备管理器发现空闲设备少于请求量（"Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected"）。',
      why: '在准入时被拒绝的 Pod 永远不会启动，也不会重试：它会一直保持 Failed，直到被删除。常见原因是 GPU 被调度器已不再计算的另一个 Pod 占用（单 GPU 节点上已结束的 Pod，即遗留 cuda-vectoradd 的情况），或设备插件在重启后丢失了之前上报的 GPU。',
      fix: '先释放 GPU（删除占用它的已结束 Pod，或修复设备插件），再删除被拒绝的 Pod：其控制器会创建新的 Pod；裸 Pod 则需重新 apply。',
    },
  },
  run(facts) {
    const groups = new Map<string, Pod[]>();
    for (const pod of facts.pods.filter((p) => refused(facts, p))) {
      const key = groupKey(pod);
      groups.set(key, [...(groups.get(key) ?? []), pod]);
    }
    const issues: Issue[] = [];
    for (const pods of groups.values()) {
      const pod = pods[0]!;
      const ns = pod.metadata.namespace ?? 'default';
      const node = pod.spec?.nodeName;
      const ownerRef = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
      const owner = ownerName(pod);
      const parsed = parseAdmissionMessage(pod.status?.message) ?? parseAdmissionMessage(podsSaid(facts, ROWS, [pod])[0]?.line);
      const finished = node ? gpuHolders(facts, node).filter((h) => h.finished) : [];
      const evidence = pods
        .slice(0, PODS_SHOWN)
        .map((p) => `pod ${podRef(p)} status.reason ${p.status?.reason ?? UNEXPECTED_ADMISSION}: ${p.status?.message ?? '(no message)'}`);
      // the kubelet's words where status.message does not carry them (events), and the device plugin's own
      for (const said of podsSaid(facts, ROWS, pods).filter((x) => !x.source.startsWith('status of')).slice(0, SAID_SHOWN)) evidence.push(saidLine(said));
      if (node) evidence.push(...pluginSaid(facts, node));
      if (pods.length > PODS_SHOWN) evidence.push(`… and ${pods.length - PODS_SHOWN} more pods of ${owner ?? 'the same owner'}`);
      if (parsed) evidence.push(`requested ${parsed.requested} ${parsed.resource}, available ${parsed.available} on node ${node ?? '?'}`);
      if (node) {
        const holders = gpuHolders(facts, node);
        evidence.push(`GPUs on ${node} held by: ${holders.length ? holders.map(describeHolder).join(', ') : 'no bound pod asks for a GPU'}`);
      }
      const explained = finished.length > 0;
      if (explained) evidence.push(`finished pod(s) still holding a GPU on ${node}: see gpu-held-by-finished-pod`);

      // Nothing holds the GPU and the node's device plugin is Ready: the plugin is not to be fixed, its words say why.
      const readyPlugin = !explained && node && gpuHolders(facts, node).length === 0 ? operandPodsOn(facts, node).find((o) => o.spec.advertisesGpus && isReady(o.pod)) : undefined;
      if (readyPlugin) evidence.push(`device plugin pod ${podRef(readyPlugin.pod)} on ${node}: Ready`);
      const freeFirst = readyPlugin
        ? [`kubectl logs -n ${readyPlugin.pod.metadata.namespace} ${readyPlugin.pod.metadata.name} --all-containers --tail=100   # what it told the kubelet`]
        : explained
        ? finished.map((h) => `kubectl delete pod -n ${h.pod.metadata.namespace} ${h.pod.metadata.name}   # finished, still holds the GPU`)
        : node
          ? [`kubectl get pods -A -o wide --field-selector spec.nodeName=${node}   # who holds the GPUs`]
          : [];
      const recreate = owner
        ? [`kubectl delete pod -n ${ns} ${pods.map((p) => p.metadata.name).join(' ')}   # its owner ${ownerRef?.kind ?? ''} ${owner} creates a new one`]
        : [
            `kubectl get pod -n ${ns} ${pod.metadata.name} -o yaml > ${pod.metadata.name}.yaml`,
            `kubectl delete pod -n ${ns} ${pod.metadata.name} && kubectl apply -f ${pod.metadata.name}.yaml   # drop status/uid/nodeName from the file first`,
          ];
      issues.push({
        severity: 'error',
        subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
        message:
          pods.length > 1
            ? `${pods.length} pods of ${owner} were refused by the kubelet on node ${node ?? '?'}: no ${parsed?.resource ?? 'device'} was available at admission${explained ? ' (a finished pod holds it)' : ''}`
            : `Pod ${podRef(pod)} was refused by the kubelet on node ${node ?? '?'}: no ${parsed?.resource ?? 'device'} was available at admission${explained ? ' (a finished pod holds it)' : ''}`,
        evidence,
        fix: {
          summary: explained
            ? 'Delete the finished pod that holds the GPU, then delete the refused pod so it is created again'
            : readyPlugin
            ? `No bound pod holds a GPU on ${node} and its device plugin pod ${podRef(readyPlugin.pod)} is Ready, yet it had no device to give: its log says why (devices it marked unhealthy, a scheduler that placed the pod by its own count), then delete the refused pod so it is created again`
            : 'Find what holds the GPU or why the device plugin lost it (operand-unhealthy), then delete the refused pod so it is created again',
          commands: [...freeFirst, ...recreate],
        },
      });
    }
    return issues;
  },
});
