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
  },
  allocatesGpusItself: 'it hands out GPU shares from its own GPU and GPUPool resources (tensor-fusion.ai), not through nvidia.com/gpu requests',
});
