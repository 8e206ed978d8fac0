// The probe pod (and the DaemonSet of --node-probe daemonset), as plain manifests: what runs on a node
// to read its facts through exec, and the labels that let a later run find and remove leftovers.
import { createHash, randomBytes } from 'node:crypto';
import type { Pod } from '../../collection/kube.js';

/** A small image with sh, head, chroot and timeout; air-gapped clusters pass their own with --probe-image. */
export const DEFAULT_PROBE_IMAGE = 'busybox:1.36';
/**
 * kube-system: node agents live there, every cluster has it, and Pod Security Admission leaves it
 * unenforced in the usual set-ups, where `default` may enforce baseline and reject a privileged pod.
 */
export const DEFAULT_PROBE_NAMESPACE = 'kube-system';
export const PROBE_CONTAINER = 'probe';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'gpuctl';
export const RUN_LABEL = 'gpuctl.io/probe';
export const NODE_ANNOTATION = 'gpuctl.io/node';
/** Every probe object of any run: for finding leftovers. */
export const ANY_PROBE_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY},${RUN_LABEL}`;
/**
 * The most a probe pod lives, even when gpuctl is killed with SIGKILL and cannot delete it: the
 * container sleeps this long and kubelet ends the pod at activeDeadlineSeconds. Older leftovers are
 * certainly not another run's live pods, so a later run removes them.
 */
export const PROBE_LIFETIME_S = 900;

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

export function runSelector(runId: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${RUN_LABEL}=${runId}`;
}

/** `gpuctl-probe-RUN-NODE`, kept a valid pod name (and a 63-character hostname) for any node name. */
export function probePodName(runId: string, node: string): string {
  const base = `gpuctl-probe-${runId}-`;
  const slug = node.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  if (base.length + slug.length <= 63) return base + slug;
  const hash = createHash('sha256').update(node).digest('hex').slice(0, 6);
  return `${base}${slug.slice(0, 63 - base.length - 7).replace(/[.-]+$/, '')}-${hash}`;
}

export interface ProbePodOptions {
  runId: string;
  image: string;
}

function labels(runId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, 'app.kubernetes.io/name': 'gpuctl-probe', [RUN_LABEL]: runId };
}

/** The pod template both modes share: privileged, the host's / read-only at /host, tolerating every taint. */
function podTemplateSpec(image: string) {
  return {
    restartPolicy: 'Never',
    // nvidia-smi names the processes on each GPU by host PID.
    hostPID: true,
    tolerations: [{ operator: 'Exists' }],
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: PROBE_CONTAINER,
        image,
        imagePullPolicy: 'IfNotPresent',
        // Idle until gpuctl execs the probe script; ends by itself if gpuctl never comes back.
        command: ['sh', '-c', `sleep ${PROBE_LIFETIME_S}`],
        // chroot into the host to run its nvidia-smi, lsmod, containerd with the host's /dev.
        securityContext: { privileged: true },
        volumeMounts: [{ name: 'host', mountPath: '/host', readOnly: true }],
      },
    ],
    volumes: [{ name: 'host', hostPath: { path: '/' } }],
  };
}

/** A short-lived pod pinned to one node (spec.nodeName: no scheduler, so cordoned nodes are probed too). */
export function probePod(namespace: string, node: string, { runId, image }: ProbePodOptions): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: probePodName(runId, node),
      namespace,
      labels: labels(runId),
      annotations: { [NODE_ANNOTATION]: node },
    },
    spec: { nodeName: node, ...podTemplateSpec(image), activeDeadlineSeconds: PROBE_LIFETIME_S },
  } as Pod;
}

/** One DaemonSet whose pods land on exactly the given nodes (Kubernetes does the fan-out). */
export function probeDaemonSet(namespace: string, nodes: string[], { runId, image }: ProbePodOptions) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: `gpuctl-probe-${runId}`, namespace, labels: labels(runId) },
    spec: {
      selector: { matchLabels: { [RUN_LABEL]: runId } },
      template: {
        metadata: { labels: labels(runId) },
        spec: {
          ...podTemplateSpec(image),
          // The only policy a DaemonSet accepts (and it rejects activeDeadlineSeconds): a DaemonSet left
          // behind by a killed gpuctl lives on until the next run removes it as a leftover.
          restartPolicy: 'Always',
          // The DaemonSet controller pins its own pods with the same matchFields term.
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: nodes }] }],
              },
            },
          },
        },
      },
    },
  };
}
