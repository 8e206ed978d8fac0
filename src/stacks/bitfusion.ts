// VMware Bitfusion (bitfusion-with-kubernetes-integration): its device plugin, its webhook in bwki, the
// annotation a workload asks with, its token secret.
import { defineStack } from './define.js';

export const BITFUSION_WEBHOOK_NAMESPACE = 'bwki';
/** all | injection | none: what the webhook does to the pod. */
export const MANAGEMENT_ANNOTATION = 'auto-management/bitfusion';
/** bitfusion-client/os, bitfusion-client/version. */
export const CLIENT_ANNOTATION_PREFIX = 'bitfusion-client/';
/** What the webhook rewrites gpu-amount, gpu-percent and gpu-memory into (the quota resource). */
export const BITFUSION_GPU_RESOURCE = 'bitfusion.io/gpu';
export const SECRET_NAME = 'bitfusion-secret';
/** `bitfusion-device-plugin` in the current manifests, `bitfusion-cli-device-plugin` in the first ones. */
export const DEVICE_PLUGIN_NAME = /^bitfusion(-cli)?-device-plugin/;
export const WEBHOOK_DEPLOYMENT_NAME = /^bitfusion-webhook/;

export default defineStack({
  id: 'bitfusion',
  name: 'VMware Bitfusion',
  short: { en: 'Bitfusion', zh: 'Bitfusion' },
  detect: [
    {
      kinds: ['DaemonSet', 'Pod'],
      why: 'the Bitfusion device plugin',
      test: (o, ctx) => o.metadata.namespace === 'kube-system' && /^bitfusion-device-plugin/.test(ctx.workloadName(o)),
    },
    { kinds: ['Namespace'], why: 'the Bitfusion webhook namespace', test: (o) => o.metadata.name === BITFUSION_WEBHOOK_NAMESPACE },
    { kinds: ['Deployment', 'Pod'], why: 'the Bitfusion webhook', test: (o, ctx) => WEBHOOK_DEPLOYMENT_NAME.test(ctx.workloadName(o)) },
    { kinds: ['Pod'], why: `annotation ${MANAGEMENT_ANNOTATION}`, test: (o) => o.metadata.annotations?.[MANAGEMENT_ANNOTATION] !== undefined },
  ],
  namespaces: [BITFUSION_WEBHOOK_NAMESPACE],
  kubeSystemPods: /bitfusion/i,
  // Its token secret, by name in every namespace, and only whether it exists: never its data.
  resources: [
    { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, fieldSelector: `metadata.name=${SECRET_NAME}`, metadataOnly: true },
  ],
  injection: {
    id: 'bitfusion',
    name: 'Bitfusion',
    requirements: [{ variable: 'LD_LIBRARY_PATH', contains: 'bitfusion' }],
    markers: { labels: [], annotations: [MANAGEMENT_ANNOTATION, CLIENT_ANNOTATION_PREFIX], resources: [BITFUSION_GPU_RESOURCE], env: [] },
    emptyGpuListing: 'expected for Bitfusion: its GPUs are remote, seen only by processes started with `bitfusion run`',
    fix: 'Run the workload through `bitfusion run -n N -- CMD` with the Bitfusion client libraries in LD_LIBRARY_PATH; check the bwki webhook injected the pod',
  },
  category: { id: 'bitfusion', zh: 'Bitfusion' },
  allocatesGpusItself: `workloads ask for ${BITFUSION_GPU_RESOURCE} and run on remote GPUs through \`bitfusion run\``,
  // Troubleshooting by hand, after the seed document (`gpuctl playbook --stack bitfusion`).
  playbook: {
    title: 'Bitfusion on Kubernetes',
    zh: '在 Kubernetes 上使用 Bitfusion',
    source: 'bitfusion-kubernetes-integration (troubleshooting)',
    steps: [
      { id: 'components', layer: 'stack', title: 'Are the device plugin, webhook and webhook configurations deployed?', zh: '设备插件、Webhook 及其 Webhook 配置都已部署了吗？', verify: ['kubectl get ds -n kube-system | grep bitfusion', 'kubectl get pods -n bwki', 'kubectl get mutatingwebhookconfigurations'], findings: ['bitfusion-components-missing'] },
      { id: 'secret', layer: 'stack', title: 'Does bitfusion-secret exist in kube-system and the workload namespace?', zh: 'kube-system 和工作负载的命名空间中都有 bitfusion-secret 吗？', verify: ['kubectl get secret bitfusion-secret -n kube-system', 'kubectl get secret bitfusion-secret -n NAMESPACE'], findings: ['bitfusion-secret-missing'] },
      { id: 'annotations', layer: 'workload', title: 'Are the pod annotations and resources valid?', zh: 'Pod 的注解和资源有效吗？', verify: ['kubectl get pod POD -o jsonpath="{.metadata.annotations}"'], findings: ['bitfusion-annotation-invalid'] },
      { id: 'injected', layer: 'injection', title: 'Was the pod injected (auto-management/status: injected, bitfusion run)?', zh: 'Pod 已被注入了吗（auto-management/status: injected、bitfusion run）？', verify: ['kubectl get pod POD -o yaml | grep -E "auto-management/status|bitfusion run"'], findings: ['bitfusion-not-injected', 'injection-env-missing'] },
      { id: 'token', layer: 'stack', title: 'Can the workload reach the Bitfusion server with its token?', zh: '工作负载能用其令牌连接 Bitfusion 服务器吗？', verify: ['kubectl logs POD'], findings: ['bitfusion-token-invalid'] },
    ],
  },
});
