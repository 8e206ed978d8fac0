import { defineCheck } from '../src/check.js';
import { DRIVER_IMAGE_OSES, KERNEL_LABEL, OS_ID_LABEL, OS_VERSION_LABEL } from '../src/data/driver-images.js';
import { matchWordings, wordingsFor } from '../src/data/wordings/index.js';
import type { Facts } from '../src/facts/facts.js';
import type { Pod } from '../src/facts/kube.js';
import { operandOf, operandPods } from '../src/facts/operands.js';
import { podTexts } from '../src/facts/pod-texts.js';
import { ownerName, podRef } from '../src/facts/pods.js';
import { failingPulls } from '../src/facts/pulls.js';
import { someNames } from '../src/facts/scheduling.js';
import { gpuNodes } from '../src/facts/gpu.js';
import { gpuOperatorNamespace } from '../src/facts/stacks.js';
import type { Fix, Issue } from '../src/model.js';

const LOG_ROWS = wordingsFor('driver-image-unavailable').filter((w) => w.channels.includes('log') && w.finding === 'driver-image-unavailable');

function isDriverPod(pod: Pod): boolean {
  const operand = operandOf(pod);
  return operand?.provider === 'gpu-operator' && operand.component === 'driver';
}

function osOf(facts: Facts, nodeName: string | undefined): { id?: string; version?: string; kernel?: string } {
  const labels = (nodeName && facts.node(nodeName)?.metadata.labels) || {};
  return { id: labels[OS_ID_LABEL], version: labels[OS_VERSION_LABEL], kernel: labels[KERNEL_LABEL] };
}

function fixFor(facts: Facts, published: boolean, osTag: string | undefined): Fix {
  const ns = gpuOperatorNamespace(facts);
  return {
    summary: published
      ? `Pick a driver version NVIDIA publishes for ${osTag}, or use precompiled drivers, or install the driver on the hosts and set driver.enabled=false — a registry mirror cannot serve a tag that does not exist`
      : `NVIDIA publishes no driver image for ${osTag ?? 'this OS'}: run the GPU nodes on a supported OS (${DRIVER_IMAGE_OSES.map((o) => o.id).join(', ')}), build a custom driver image, or install the driver on the hosts and set driver.enabled=false — a registry mirror cannot help`,
    commands: [
      ...(osTag ? [`skopeo list-tags docker://nvcr.io/nvidia/driver | grep -- '-${osTag}"'   # the driver versions published for this OS`] : []),
      `kubectl patch clusterpolicy cluster-policy --type=merge -p '{"spec":{"driver":{"version":"<a published version>"}}}'`,
      `helm upgrade gpu-operator nvidia/gpu-operator -n ${ns} --reuse-values --set driver.enabled=false   # after installing the driver on every GPU node`,
    ],
  };
}

/** The controller's own words when it has no kernel label to build the tag from. */
const CONTROLLER_ROWS = LOG_ROWS.filter((w) => w.id.startsWith('gpu-operator/'));

export default defineCheck({
  name: 'driver-image-unavailable',
  title: "The GPU Operator's driver image exists for the nodes' OS and kernel",
  needs: ['Node', 'Pod', 'Event', 'logs:stack'],
  requires: ['Pod', 'Node'],
  stacks: ['gpu-operator'],
  ok: 'no GPU Operator driver pod fails for an image or kernel packages that do not exist',
  explain: {
    detects:
      'The GPU Operator\'s driver pod cannot start because its image does not exist: the registry answers "not found" / "manifest unknown" for the tag the operator derived from the node\'s OS labels (<driver>-<ID><VERSION_ID>), or the driver container cannot find packages for the node\'s kernel, or the operator cannot read the kernel and OS labels to derive the tag at all. The node\'s NFD os_release labels are quoted.',
    why: 'NVIDIA publishes driver images only for supported distributions and versions. On another OS (or before a new release is supported) the tag simply does not exist, the driver never installs, and every other operand waits for it — while the pull error looks like a registry problem that a mirror would fix.',
    fix: 'Run the GPU nodes on a supported OS, choose a driver version published for it, use precompiled or custom driver images, or install the driver on the hosts and set driver.enabled=false.',
  },
  zh: {
    title: 'GPU Operator 的驱动镜像存在，且适用于节点的操作系统和内核',
    ok: '没有 GPU Operator 驱动 Pod 因镜像或内核软件包不存在而失败',
    headline: 'GPU Operator 的驱动镜像对节点的操作系统或内核不存在',
    fixSummary: '使用受支持的操作系统或已发布的驱动版本、预编译/自定义驱动镜像，或在主机上安装驱动并设置 driver.enabled=false——镜像仓库的 mirror 无济于事',
    explain: {
      detects:
        'GPU Operator 的驱动 Pod 无法启动，因为其镜像不存在：镜像仓库对 Operator 根据节点操作系统标签推导出的 tag（<驱动版本>-<ID><VERSION_ID>）返回 "not found" / "manifest unknown"；或驱动容器找不到节点内核对应的软件包；或 Operator 读不到内核和操作系统标签而无法推导 tag。会引用节点的 NFD os_release 标签。',
      why: 'NVIDIA 只为受支持的发行版和版本发布驱动镜像。在其他操作系统上（或新版本尚未支持时）该 tag 根本不存在，驱动永远装不上，其他组件都在等待它——而拉取错误看起来像是镜像仓库问题，仿佛配置 mirror 就能解决。',
      fix: '让 GPU 节点运行受支持的操作系统，选择已为其发布的驱动版本，使用预编译或自定义驱动镜像，或在主机上安装驱动并设置 driver.enabled=false。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    // 1. The tag does not exist.
    const byImage = new Map<string, { pods: Pod[]; nodes: Set<string>; line: string }>();
    for (const pull of failingPulls(facts)) {
      if (!isDriverPod(pull.pod) || pull.cause.id !== 'not-found') continue;
      let entry = byImage.get(pull.image);
      if (!entry) byImage.set(pull.image, (entry = { pods: [], nodes: new Set(), line: pull.event?.message ?? pull.statusMessage ?? '' }));
      entry.pods.push(pull.pod);
      if (pull.node) entry.nodes.add(pull.node);
    }
    for (const [image, { pods, nodes, line }] of byImage) {
      const first = pods[0]!;
      const os = osOf(facts, first.spec?.nodeName);
      const osTag = os.id ? `${os.id}${os.version ?? ''}` : undefined;
      const published = !!os.id && DRIVER_IMAGE_OSES.some((o) => o.id === os.id);
      const owner = ownerName(first);
      issues.push({
        severity: 'error',
        subject: owner ? { kind: 'DaemonSet', name: owner, namespace: first.metadata.namespace } : { kind: 'Pod', name: first.metadata.name, namespace: first.metadata.namespace },
        message: published
          ? `The GPU Operator's driver image ${image} does not exist: this driver version is not published for ${osTag} (${someNames([...nodes])})`
          : `The GPU Operator's driver image ${image} does not exist: NVIDIA publishes no driver image for ${osTag ?? "the nodes' OS"} (${someNames([...nodes])})`,
        evidence: [
          `${podRef(first)}: ${line}`.trim(),
          ...(os.id ? [`node ${first.spec?.nodeName}: ${OS_ID_LABEL}=${os.id}, ${OS_VERSION_LABEL}=${os.version ?? 'absent'} → tag suffix -${osTag}`] : []),
          `driver images are published for: ${DRIVER_IMAGE_OSES.map((o) => `${o.id} ${o.versions}`).join('; ')}`,
          ...(pods.length > 1 ? [`${pods.length} driver pods fail the same way`] : []),
        ],
        fix: fixFor(facts, published, osTag),
        scope: { nodes: [...nodes], images: [image], pods: pods.map(podRef) },
      });
    }
    // 2. The driver container finds no packages for the kernel.
    for (const { pod } of operandPods(facts).filter((o) => isDriverPod(o.pod))) {
      const hit = podTexts(facts, pod).flatMap((t) => matchWordings(t.text, LOG_ROWS).map((m) => ({ t, m })))[0];
      if (!hit) continue;
      const os = osOf(facts, pod.spec?.nodeName);
      issues.push({
        severity: 'error',
        subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
        message: `The GPU Operator's driver container ${podRef(pod)} finds no driver packages for kernel ${os.kernel ?? 'of its node'}${os.id ? ` (${os.id} ${os.version ?? ''})`.trimEnd() : ''} on node ${pod.spec?.nodeName ?? '?'}`,
        evidence: [`${hit.t.source}: ${hit.m.line}`, ...(hit.m.wording.note ? [hit.m.wording.note] : [])],
        fix: {
          summary: 'Boot a kernel whose headers the distribution publishes, use precompiled drivers (driver.usePrecompiled=true) for a supported kernel, or install the driver on the host and set driver.enabled=false',
          commands: [`kubectl -n ${pod.metadata.namespace} logs ${pod.metadata.name} -c nvidia-driver-ctr --tail=30`, `kubectl get node ${pod.spec?.nodeName ?? 'NODE'} -L ${KERNEL_LABEL}`],
        },
      });
    }
    // 3. The controller cannot derive the tag at all: no NFD kernel / os_release labels (its own log says so).
    for (const { pod } of operandPods(facts).filter((o) => o.spec.component === 'operator')) {
      const hit = podTexts(facts, pod).flatMap((t) => matchWordings(t.text, CONTROLLER_ROWS).map((m) => ({ t, m })))[0];
      if (!hit) continue;
      const unlabeled = gpuNodes(facts).filter((n) => !n.metadata.labels?.[KERNEL_LABEL]).map((n) => n.metadata.name);
      issues.push({
        severity: 'error',
        subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
        message: `The GPU Operator cannot derive its driver image tag: it finds no Node Feature Discovery kernel and OS labels${unlabeled.length ? ` on ${someNames(unlabeled)}` : ''}`,
        evidence: [`${hit.t.source}: ${hit.m.line}`, ...(unlabeled.length ? [`GPU nodes without ${KERNEL_LABEL}: ${someNames(unlabeled)}`] : [])],
        fix: {
          summary: 'Run Node Feature Discovery (the operator\'s nfd.enabled=true, or a cluster NFD) so the GPU nodes carry their kernel and os_release labels',
          commands: ['kubectl get pods -A -l app.kubernetes.io/name=node-feature-discovery', `kubectl get nodes -L ${KERNEL_LABEL},${OS_ID_LABEL},${OS_VERSION_LABEL}`],
        },
      });
    }
    return issues;
  },
});
