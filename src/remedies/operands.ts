// The fix for each operand of the GPU Operator, the standalone device plugin and HAMi (the catalogue
// is src/data/operands.ts), and the pointer a pod stuck on an image pull gets: shared by
// operand-unhealthy and validator-failed.
import type { OperandSpec } from '../data/operands.js';
import type { ContainerStatus, Pod } from '../collection/kube.js';
import type { Fix, Issue } from '../model.js';
import type { NodeRuntime } from './runtime.js';
import { nvidiaRuntimeLookup } from './runtime.js';

/** Where a fix command points: the pod, its namespace and node, the container to read. */
export interface OperandContext {
  namespace: string;
  pod: string;
  container: string;
  node?: string;
  previous: boolean;
  /** The node's runtime (CRI-O, k3s' containerd, …): where a fix looks for the nvidia runtime. */
  runtime?: NodeRuntime;
}

export function logsCommand(ctx: OperandContext): string {
  return `kubectl logs -n ${ctx.namespace} ${ctx.pod} -c ${ctx.container}${ctx.previous ? ' --previous' : ''} --tail=100`;
}

export const restartPod = (ctx: OperandContext) => `kubectl delete pod -n ${ctx.namespace} ${ctx.pod}   # the DaemonSet recreates it`;

function genericFix(what: string) {
  return (ctx: OperandContext): Fix => ({
    summary: `Read the ${what} log for the error, fix its cause, then let the DaemonSet recreate the pod`,
    commands: [logsCommand(ctx), `kubectl describe pod -n ${ctx.namespace} ${ctx.pod}`, restartPod(ctx)],
  });
}

const devicePluginFix = (ctx: OperandContext): Fix => ({
  summary:
    'The device plugin needs NVML from the NVIDIA runtime: "could not load NVML library" or "Incompatible strategy detected" in its log means the pod did not run with the nvidia runtime (RuntimeClass nvidia, or nvidia as the node\'s default runtime); check the runtime on the node',
  commands: [
    logsCommand(ctx),
    'kubectl get runtimeclass nvidia -o yaml',
    ...(ctx.node ? [`# on ${ctx.node}: ${ctx.runtime?.lookup ?? nvidiaRuntimeLookup(undefined, undefined)}`] : []),
    restartPod(ctx),
  ],
});

/** Keyed `provider/component`, as OPERANDS names them. */
export const OPERAND_FIXES: Record<string, (ctx: OperandContext) => Fix> = {
  'gpu-operator/operator-validator': genericFix('validator'),
  'gpu-operator/cuda-validator': genericFix('CUDA validator'),
  'gpu-operator/device-plugin-validator': genericFix('device plugin validator'),
  'gpu-operator/sandbox-validator': genericFix('sandbox validator'),
  'gpu-operator/operator': (ctx) => ({
    summary: 'Read the controller log; it reconciles the ClusterPolicy and every operand',
    commands: [logsCommand(ctx), `kubectl get clusterpolicy -o yaml`],
  }),
  'gpu-operator/driver': (ctx) => ({
    summary:
      'The driver container compiles and loads the kernel module: look for missing kernel headers for the running kernel, Secure Boot refusing the unsigned module, nouveau still loaded, or a driver already installed on the host (then run the operator with driver.enabled=false)',
    commands: [
      logsCommand({ ...ctx, container: ctx.container === 'k8s-driver-manager' ? ctx.container : 'nvidia-driver-ctr' }),
      `kubectl logs -n ${ctx.namespace} ${ctx.pod} -c k8s-driver-manager --tail=50`,
      `# on ${ctx.node ?? 'the node'}: uname -r; ls /usr/src | grep "$(uname -r)"; mokutil --sb-state; lsmod | grep -e nouveau -e nvidia`,
      `# a driver already on the host: helm upgrade gpu-operator nvidia/gpu-operator -n ${ctx.namespace} --reuse-values --set driver.enabled=false`,
      restartPod(ctx),
    ],
  }),
  'gpu-operator/toolkit': (ctx) => ({
    summary:
      'The toolkit container rewrites the containerd config and restarts containerd through its socket: when the node keeps them elsewhere (k3s, RKE2, MicroK8s) set CONTAINERD_CONFIG and CONTAINERD_SOCKET in toolkit.env',
    commands: [
      logsCommand(ctx),
      `kubectl get pod -n ${ctx.namespace} ${ctx.pod} -o jsonpath='{range .spec.containers[0].env[*]}{.name}={.value}{"\\n"}{end}'`,
      `# k3s: helm upgrade gpu-operator nvidia/gpu-operator -n ${ctx.namespace} --reuse-values --set toolkit.env[0].name=CONTAINERD_CONFIG --set toolkit.env[0].value=/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl --set toolkit.env[1].name=CONTAINERD_SOCKET --set toolkit.env[1].value=/run/k3s/containerd/containerd.sock`,
      restartPod(ctx),
    ],
  }),
  'gpu-operator/device-plugin': devicePluginFix,
  'gpu-operator/mps-control-daemon': genericFix('MPS control daemon'),
  'gpu-operator/gfd': genericFix('GPU Feature Discovery'),
  'gpu-operator/dcgm-exporter': (ctx) => ({
    summary:
      'dcgm-exporter needs NVML and, with a standalone DCGM, the nvidia-dcgm hostengine on port 5555; a crash right after start is often an unsupported GPU or a metrics CSV naming unknown fields',
    commands: [logsCommand(ctx), `kubectl get pods -n ${ctx.namespace} -l app=nvidia-dcgm -o wide`, restartPod(ctx)],
  }),
  'gpu-operator/dcgm': genericFix('DCGM'),
  'gpu-operator/mig-manager': (ctx) => ({
    summary:
      'The MIG manager applies the profile named by the node label nvidia.com/mig.config; a bad profile name or GPUs in use keep it failing (nvidia.com/mig.config.state=failed)',
    commands: [
      logsCommand(ctx),
      ...(ctx.node ? [`kubectl get node ${ctx.node} -L nvidia.com/mig.config -L nvidia.com/mig.config.state`] : []),
      restartPod(ctx),
    ],
  }),
  'gpu-operator/node-status-exporter': genericFix('node status exporter'),
  'gpu-operator/vgpu-manager': genericFix('vGPU manager'),
  'gpu-operator/vgpu-device-manager': genericFix('vGPU device manager'),
  'gpu-operator/sandbox-device-plugin': genericFix('sandbox device plugin'),
  'gpu-operator/vfio-manager': genericFix('VFIO manager'),
  // NFD, deployed by the GPU Operator chart (or on its own): one entry per role
  'gpu-operator/nfd-master': genericFix('NFD master'),
  'gpu-operator/nfd-worker': genericFix('NFD worker'),
  'gpu-operator/nfd-gc': genericFix('NFD gc'),
  'nvidia-device-plugin/device-plugin': (ctx) => {
    const base = devicePluginFix(ctx);
    return {
      ...base,
      commands: [
        ...base.commands.slice(0, -1),
        `# containerd without nvidia as default runtime: helm upgrade nvdp nvdp/nvidia-device-plugin -n ${ctx.namespace} --reuse-values --set runtimeClassName=nvidia`,
        base.commands.at(-1)!,
      ],
    };
  },
  'nvidia-device-plugin/mps-control-daemon': genericFix('MPS control daemon'),
  'nvidia-device-plugin/gfd': genericFix('GPU Feature Discovery'),
  'nvidia-device-plugin/dcgm-exporter': genericFix('DCGM exporter'),
  'hami/device-plugin': (ctx) => ({
    summary: 'Read the HAMi device plugin log; it needs the NVIDIA driver and runtime on the node and the node label gpu=on',
    commands: [logsCommand(ctx), ...(ctx.node ? [`kubectl get node ${ctx.node} -L gpu`] : []), restartPod(ctx)],
  }),
};

/** How to fix an operand pod; an operand without an entry gets the generic advice under its title. */
export function operandFix(spec: OperandSpec, ctx: OperandContext): Fix {
  return (OPERAND_FIXES[`${spec.provider}/${spec.component}`] ?? genericFix(spec.title))(ctx);
}

/** An operator pod stuck on an image pull: mentioned at info, the diagnosis is image-pull-failing's. */
export function imagePullPointer(pod: Pod, what: string, status: ContainerStatus | undefined): Omit<Issue, 'severity'> {
  const waiting = status?.state?.waiting;
  return {
    subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
    message: `${what} cannot pull its image (${waiting?.reason ?? 'ImagePullBackOff'}): image-pull-failing names the registry and the fix`,
    evidence: [`container ${status?.name ?? '?'} image ${status?.image ?? '?'}: ${waiting?.message ?? waiting?.reason ?? ''}`],
    fix: { summary: 'See the image-pull-failing finding for this pod', commands: ['gpuctl doctor --checks image-pull-failing'] },
  };
}
