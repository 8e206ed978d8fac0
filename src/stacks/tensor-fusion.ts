// TensorFusion (tensor-fusion.ai): its namespace, its CRDs, the labels its operator puts on pods, and what
// its webhook injects into a workload's containers.
import { defineStack } from './define.js';
import { groupOf, hasKeyWithPrefix } from './match.js';

export const TENSOR_FUSION_NAMESPACE = 'tensor-fusion-sys';
export const TENSOR_FUSION_GROUP = 'tensor-fusion.ai';
/** Every label and annotation TensorFusion writes starts with this. */
export const TF_LABEL_PREFIX = `${TENSOR_FUSION_GROUP}/`;
/** TensorFusion names the containers it injects (comma-separated). */
export const TF_INJECT_CONTAINER = `${TF_LABEL_PREFIX}inject-container`;
export const GPU_INFO_CONFIGMAP = 'tensor-fusion-sys-public-gpu-info';

const crd = <K extends string>(kind: K, plural: string, namespaced: boolean) => ({ kind, group: TENSOR_FUSION_GROUP, version: 'v1', plural, namespaced, crd: true }) as const;

export default defineStack({
  id: 'tensor-fusion',
  name: 'TensorFusion',
  short: { en: 'TensorFusion', zh: 'TensorFusion' },
  detect: [
    { kinds: ['Namespace'], why: 'the TensorFusion namespace', test: (o) => o.metadata.name === TENSOR_FUSION_NAMESPACE },
    {
      kinds: ['TensorFusionCluster', 'GPUPool', 'GPUNode', 'GPU', 'TensorFusionWorkload'],
      why: `${TENSOR_FUSION_GROUP} CRD`,
      test: (o) => groupOf(o) === TENSOR_FUSION_GROUP,
    },
    { kinds: ['Pod'], why: `labels ${TF_LABEL_PREFIX}…`, test: (o) => hasKeyWithPrefix(o.metadata.labels, TF_LABEL_PREFIX) },
  ],
  namespaces: [TENSOR_FUSION_NAMESPACE],
  kubeSystemPods: /tensor-fusion/i,
  // The cluster, its pools, nodes and GPUs, and what workloads ask for; its NodeDiscovery jobs and the GPU
  // model table they read, in its own namespace only.
  resources: [
    crd('TensorFusionCluster', 'tensorfusionclusters', false),
    crd('GPUPool', 'gpupools', false),
    crd('GPUNode', 'gpunodes', false),
    crd('GPU', 'gpus', false),
    crd('TensorFusionWorkload', 'tensorfusionworkloads', true),
    crd('TensorFusionConnection', 'tensorfusionconnections', true),
    { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', namespaced: true, namespace: TENSOR_FUSION_NAMESPACE },
    {
      kind: 'ConfigMap',
      group: '',
      version: 'v1',
      plural: 'configmaps',
      namespaced: true,
      namespace: TENSOR_FUSION_NAMESPACE,
      fieldSelector: `metadata.name=${GPU_INFO_CONFIGMAP}`,
    },
  ],
  injection: {
    id: 'tensor-fusion',
    name: 'TensorFusion',
    requirements: [
      { variable: 'PATH', contains: '/tensor-fusion' },
      { variable: 'LD_LIBRARY_PATH', contains: '/tensor-fusion' },
      { variable: 'LD_PRELOAD', contains: '/tensor-fusion' },
    ],
    markers: { labels: [TF_LABEL_PREFIX], annotations: [TF_LABEL_PREFIX], resources: [], env: [] },
    containerAnnotation: TF_INJECT_CONTAINER,
    fix: 'Start the workload so that PATH, LD_LIBRARY_PATH and LD_PRELOAD reach the GPU process: no `env -i`, no shell that resets them; run bash or zsh through `sh -c "bash …"` or use sh',
  },
  category: { id: 'tensor-fusion', zh: 'TensorFusion' },
  install: {
    id: 'tensor-fusion',
    title: 'TensorFusion',
    components: ['tensor-fusion'],
    main: 'tensor-fusion',
    nodeLabels: [{ key: 'nvidia.com/gpu.present', value: 'true', why: 'TensorFusion discovers GPU nodes by nvidia.com/gpu.present=true' }],
    checkCategories: ['nodes', 'tensor-fusion'],
    valuesDoc: '`agent.agentId=` (local mode)',
  },
  allocatesGpusItself: 'it hands out GPU shares from its own GPU and GPUPool resources (tensor-fusion.ai), not through nvidia.com/gpu requests',
  // Troubleshooting by hand, after the seed document (`gpuctl playbook --stack tensor-fusion`).
  playbook: {
    title: 'TensorFusion troubleshooting',
    zh: 'TensorFusion 问题处理',
    source: 'tensor-fusion-troubleshooting (问题处理手册)',
    steps: [
      { id: 'gpu-nodes', layer: 'nodes', title: 'GPU nodes not found: are they labelled nvidia.com/gpu.present=true?', zh: '未识别 GPU 节点：节点带有 nvidia.com/gpu.present=true 标签吗？', verify: ['kubectl get nodes --show-labels | grep nvidia.com/gpu.present=true'], findings: ['gpu-node-unlabeled', 'no-gpu-nodes'] },
      { id: 'operator-restarts', layer: 'stack', title: 'Is the TensorFusion operator restarting?', zh: 'TensorFusion Operator 在重启吗？', verify: ['kubectl logs -n tensor-fusion-sys -l app.kubernetes.io/component=controller'], findings: ['tf-operator-restarting'] },
      { id: 'worker', layer: 'stack', title: 'Is the GPU worker crashing?', zh: 'GPU worker 在崩溃吗？', verify: ['kubectl logs -n WORKLOAD_NAMESPACE WORKER_POD --previous', '# set TF_ENABLE_LOG=1 in the worker template of the TensorFusionCluster'], findings: ['tf-worker-crashing'] },
      { id: 'invalid-memory', layer: 'stack', title: 'Does the worker hit "Invalid Memory Address"?', zh: 'worker 遇到 "Invalid Memory Address" 了吗？', verify: ['kubectl logs POD | grep "Invalid Memory Address"'], findings: ['tf-invalid-memory-address'] },
      { id: 'image-pulls', layer: 'registry', title: 'Can the nodes pull the images (mirrors loaded)?', zh: '节点能拉取镜像吗（镜像源已加载）？', verify: ['ll /var/lib/rancher/k3s/agent/etc/containerd/certs.d', 'cat /etc/docker/daemon.json'], findings: ['image-pull-failing', 'mirror-not-loaded', 'no-mirror-for-host'] },
      { id: 'native-scheduling', layer: 'operator', title: 'Native nvidia.com/gpu scheduling needs the device plugin', zh: '原生的 nvidia.com/gpu 调度需要设备插件', verify: ['kubectl get ds -A | grep nvidia-device-plugin'], findings: ['no-device-plugin'] },
      { id: 'stuck-starting', layer: 'stack', title: 'Pod stuck starting: is its worker running (no GPU) or not (injection)?', zh: 'Pod 卡在启动中：worker 在运行吗（未运行：没有 GPU；已运行：注入失败）？', verify: ['kubectl get po -A --show-labels | grep tensor-fusion.ai/workload', 'kubectl describe tensorfusionworkload NAME', 'kubectl get gpu'], findings: ['tf-worker-not-running', 'tf-schedule-failed', 'tf-gpus-undiscovered'] },
      { id: 'injection', layer: 'injection', title: 'Did PATH, LD_LIBRARY_PATH and LD_PRELOAD reach the process?', zh: 'PATH、LD_LIBRARY_PATH 和 LD_PRELOAD 到达进程了吗？', verify: ['kubectl exec -it POD -- sh -c "bash …"', 'echo $PATH', 'strace -e execve -s 99999 PROGRAM ARGS'], findings: ['injection-env-missing', 'shell-drops-preload', 'env-dropped-by-child'] },
      { id: 'device-count', layer: 'injection', title: 'PyTorch device-count assertion: injection failed', zh: 'PyTorch 设备数断言错误：注入失败', verify: ['kubectl logs POD | grep -E "DeferredCudaCallError|num_gpus"'], findings: ['device-count-assert'] },
    ],
  },
});
