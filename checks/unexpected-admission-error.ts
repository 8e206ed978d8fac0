import { defineCheck } from '../src/check.js';
import { describeHolder, gpuHolders, isUnexpectedAdmission, parseAdmissionMessage, UNEXPECTED_ADMISSION } from '../src/facts/gpu-holders.js';
import type { Pod } from '../src/facts/kube.js';
import type { Facts } from '../src/facts/facts.js';
import { WORDINGS, wordingsFor } from '../src/data/wordings/index.js';
import { operandPodsOn } from '../src/facts/operands.js';
import { podsSaid, saidLine } from '../src/facts/said.js';
import { ownerName, podRef } from '../src/facts/pods.js';
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

      const freeFirst = explained
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
            : 'Find what holds the GPU or why the device plugin lost it (operand-unhealthy), then delete the refused pod so it is created again',
          commands: [...freeFirst, ...recreate],
        },
      });
    }
    return issues;
  },
});
