import { defineCheck } from '../src/check.js';
import { FORWARD_COMPAT_NOTE, MINOR_COMPAT_LIMITATIONS, TOOLKIT_TABLE_SOURCE } from '../src/data/cuda-drivers.js';
import { compareCuda, cudaNeeds, cudaText, judgeCuda, requirementCheckDisabled, type CudaNeed, type CudaVerdict, type CudaVersion } from '../src/facts/cuda.js';
import { driverBranch, nodeDriver, operatorDriverPods, type NodeDriver, type SourcedVersion } from '../src/facts/driver.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuEvidence, podGpuRequest } from '../src/facts/gpu.js';
import type { Pod } from '../src/facts/kube.js';
import { podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';
import { NO_NODE_FACTS } from '../src/node-check.js';

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}

function driverLines(drv: NodeDriver): string[] {
  const [first, ...others] = drv.seen;
  return [
    `node driver ${first!.value}: ${first!.source}`,
    ...others.filter((o) => o.value !== first!.value).map((o) => `also seen: driver ${o.value} (${o.source}) — the host source wins`),
  ];
}

function fixFor(facts: Facts, pod: Pod, node: string, minDriver: string | undefined, driverCuda: CudaVersion | undefined) {
  const branch = minDriver ? driverBranch(minDriver) : undefined;
  const older = driverCuda ? ` or run an image built for CUDA ${cudaText(driverCuda)} or older` : ' or run an image built for an older CUDA';
  const upgrade = minDriver ? `Upgrade the driver on ${node} to >= ${minDriver} (branch ${branch})` : `Upgrade the driver on ${node}`;
  const operator = operatorDriverPods(facts, node);
  return {
    summary: `${upgrade},${older}`,
    commands: [
      ...(operator.length
        ? [`kubectl edit clusterpolicy    # spec.driver.version: a ${branch ?? 'newer'} driver${minDriver ? ` >= ${minDriver}` : ''}`]
        : [
            `kubectl drain ${node} --ignore-daemonsets --delete-emptydir-data`,
            ...(branch ? [`sudo apt-get install -y nvidia-driver-${branch} && sudo reboot     # on ${node} (Ubuntu)`] : []),
            `kubectl uncordon ${node}`,
          ]),
      `kubectl -n ${pod.metadata.namespace} describe pod ${pod.metadata.name}`,
    ],
  };
}

export default defineCheck({
  name: 'driver-too-old-for-cuda',
  title: "Workloads' CUDA versions run on their node's driver",
  needs: ['Node', 'Pod', 'Event', 'node-files:driver', 'logs:stack', 'logs:workloads', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query'],
  requires: ['Pod'],
  ok: "no workload needs a newer CUDA than its node's driver supports",
  explain: {
    detects:
      "A pod's CUDA version — from its image tag (nvidia/cuda:X.Y…, nvcr.io/nvidia/cuda, …-cudaX.Y-… tags), CUDA_VERSION / NVIDIA_REQUIRE_CUDA in its spec, or failures in its logs, statuses and events (`CUDA driver version is insufficient for CUDA runtime version`, `unsatisfied condition: cuda>=X.Y`) — against the driver of its node (nvidia-smi, the query CSV, /proc/driver/nvidia/version, or the GFD labels nvidia.com/cuda.driver-version.* / nvidia.com/cuda.driver.*), by Table 3 of the CUDA release notes and the minor-version-compatibility rule.",
    why: 'A CUDA runtime newer than the driver fails at the first CUDA call (or the container toolkit refuses to start the container). Under minor version compatibility it runs with a limited feature set and PTX JIT of newer code fails, which shows up as odd kernel-launch errors.',
    fix: 'Upgrade the node driver to at least the minimum of the table row, or use an image built for the CUDA version the driver supports. On data-center GPUs the cuda-compat package can bridge a newer CUDA onto an older long-term driver.',
  },
  zh: {
    title: '工作负载的 CUDA 版本能在其节点的驱动程序上运行',
    ok: '没有工作负载需要比其节点驱动程序所支持的更新的 CUDA',
    headline: '节点的驱动程序版本太旧，不支持 Pod 的 CUDA 版本',
    fixSummary: '把节点驱动程序升级到所需的最低版本，或改用与驱动程序支持的 CUDA 版本相匹配的镜像',
    explain: {
      detects:
        '将 Pod 的 CUDA 版本——来自镜像标签（nvidia/cuda:X.Y…、nvcr.io/nvidia/cuda、…-cudaX.Y-… 标签）、spec 中的 CUDA_VERSION / NVIDIA_REQUIRE_CUDA，或其日志、状态和事件中的失败信息（`CUDA driver version is insufficient for CUDA runtime version`、`unsatisfied condition: cuda>=X.Y`）——与其所在节点的驱动程序（nvidia-smi、查询 CSV、/proc/driver/nvidia/version，或 GFD 标签 nvidia.com/cuda.driver-version.* / nvidia.com/cuda.driver.*）对照，依据 CUDA 发行说明的表 3 和次版本兼容性（minor version compatibility）规则判断。',
      why: '比驱动程序新的 CUDA 运行时会在第一次 CUDA 调用时失败（或容器工具包拒绝启动容器）。在次版本兼容模式下程序能运行但功能受限，较新代码的 PTX JIT 会失败，表现为奇怪的 kernel 启动错误。',
      fix: '把节点驱动程序至少升级到表中对应行的最低版本，或使用为驱动程序所支持的 CUDA 版本构建的镜像。在数据中心 GPU 上，cuda-compat 软件包可以让较新的 CUDA 运行在较旧的长期支持驱动上。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    const uncompared = new Map<string, string[]>();
    let compared = 0;
    // Pods on one node mostly run the same few images: judge each CUDA version once per node.
    const verdicts = new Map<string, CudaVerdict>();
    const verdictFor = (node: string, required: CudaVersion, drv: NodeDriver, driver: SourcedVersion) => {
      const key = `${node}\u0000${cudaText(required)}`;
      let verdict = verdicts.get(key);
      if (!verdict) verdicts.set(key, (verdict = judgeCuda(required, driver.value, drv.cuda)));
      return verdict;
    };
    for (const pod of facts.pods) {
      if (pod.status?.phase === 'Succeeded') continue;
      const needs = cudaNeeds(facts, pod);
      if (!needs.length) continue;
      const node = pod.spec?.nodeName;
      if (!node) continue;
      const versioned = needs.filter((n): n is CudaNeed & { version: CudaVersion } => !!n.version);
      const failures = needs.filter((n) => n.failure);
      // The highest version stated; of equal ones the most precise (12.8.0 from a tag over 12.8 from an error).
      const required = versioned
        .map((n) => n.version)
        .reduce<CudaVersion | undefined>((best, v) => (!best || compareCuda(v, best) > 0 || (compareCuda(v, best) === 0 && best.patch === undefined) ? v : best), undefined);
      const drv = nodeDriver(facts, node);
      if (drv.driver && !failures.length && required && verdictFor(node, required, drv, drv.driver).kind === 'ok') {
        compared++;
        continue; // the common case at scale: nothing to say, so no evidence to build
      }
      const ref = podRef(pod);
      const needLines = unique(
        versioned.filter((n) => !n.failure).map((n) => `workload CUDA ${cudaText(n.version)}: ${n.source}`),
      ).slice(0, 4);
      const failureLines = unique(failures.map((f) => `${f.source}: ${f.line}`)).slice(0, 4);

      if (!drv.driver) {
        if (failures.length) {
          issues.push({
            severity: 'error',
            subject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace },
            message: `Pod ${ref} fails because the driver on node ${node} is too old for its CUDA runtime`,
            evidence: [...needLines, ...failureLines, `driver version of ${node}: unknown (${NO_NODE_FACTS}; no GFD driver labels)`, ...drv.notes],
            fix: fixFor(facts, pod, node, undefined, undefined),
          });
        } else if (podGpuRequest(pod) > 0 || gpuEvidence(facts.node(node) ?? { kind: 'Node', metadata: { name: node } }, facts).length) {
          // Only where a GPU is in play: a CUDA image on a CPU node is not this check's business.
          uncompared.set(node, [...(uncompared.get(node) ?? []), ref]);
        }
        continue;
      }
      compared++;
      const driver = drv.driver.value;
      const verdict = required ? verdictFor(node, required, drv, drv.driver) : undefined;
      if (verdict?.kind === 'ok' && !failures.length) continue;

      const driverCuda = verdict?.driverCuda;
      const evidence = [
        ...needLines,
        ...failureLines,
        ...driverLines(drv),
        ...(driverCuda ? [`driver supports CUDA ${cudaText(driverCuda)}: ${verdict!.driverCudaSource}`] : drv.cuda ? [`driver supports CUDA ${drv.cuda.value}: ${drv.cuda.source}`] : []),
        ...(verdict?.reasons ?? []),
      ];
      const subject = { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace };
      const fix = fixFor(facts, pod, node, verdict?.row?.minDriver, driverCuda);
      const supports = driverCuda ? `supports CUDA ${cudaText(driverCuda)}` : 'is older';

      if (!verdict || verdict.kind === 'ok' || verdict.kind === 'unknown') {
        if (!failures.length) {
          issues.push({
            severity: 'info',
            subject,
            message: `Cannot tell whether driver ${driver} on node ${node} runs CUDA ${cudaText(required!)} of pod ${ref}`,
            evidence,
          });
          continue;
        }
        if (verdict?.kind === 'ok') {
          // The text names the driver, but the versions fit: blaming the healthy driver would send the user
          // the wrong way. Containers without the host's driver libraries (the NVIDIA runtime not selected, a
          // stub or compat libcuda in the image) print the same words.
          issues.push({
            severity: 'warning',
            subject,
            message: `Pod ${ref} reports an insufficient CUDA driver, but driver ${driver} on node ${node} ${supports}, enough for CUDA ${cudaText(required!)}: the container did not get the host's driver libraries`,
            evidence: [...evidence, `source of the table: ${TOOLKIT_TABLE_SOURCE}`],
            fix: {
              summary: `Check that the pod runs under the NVIDIA runtime on ${node} (see nvidia-runtime-not-selected) and that its image ships no stub or compat libcuda that shadows the host's`,
              commands: [`kubectl get pod -n ${pod.metadata.namespace ?? 'default'} ${pod.metadata.name} -o jsonpath='{.spec.runtimeClassName}'`, `kubectl get runtimeclass`],
            },
          });
          continue;
        }
        issues.push({
          severity: 'error',
          subject,
          message: `Pod ${ref} fails because driver ${driver} on node ${node} is too old for its CUDA runtime`,
          evidence: [
            ...evidence,
            `source of the table: ${TOOLKIT_TABLE_SOURCE}`,
          ],
          fix,
        });
        continue;
      }
      const cuda = cudaText(required!);
      if (verdict.kind === 'minor-compat') {
        const toolkitChecks = versioned.some((n) => /nvidia\/cuda:|NVIDIA_REQUIRE_CUDA/.test(n.source)) && !requirementCheckDisabled(pod);
        issues.push({
          severity: failures.length ? 'error' : 'warning',
          subject,
          message: failures.length
            ? `Pod ${ref} fails: CUDA ${cuda} is newer than driver ${driver} on node ${node} ${supports}`
            : `Pod ${ref} uses CUDA ${cuda}, newer than driver ${driver} on node ${node} ${supports}: it runs only under minor version compatibility`,
          evidence: [
            ...evidence,
            `minor version compatibility gives a ${MINOR_COMPAT_LIMITATIONS}`,
            ...(toolkitChecks
              ? [
                  `the image's NVIDIA_REQUIRE_CUDA=cuda>=${required!.major}.${required!.minor} is checked by nvidia-container-cli against the driver's CUDA version: it refuses the container ("unsatisfied condition: cuda>=${required!.major}.${required!.minor}") unless one of the image's brand=…,driver>=… alternatives matches this GPU, or NVIDIA_DISABLE_REQUIRE=1`,
                ]
              : []),
            `source of the table: ${TOOLKIT_TABLE_SOURCE}`,
          ],
          fix,
        });
        continue;
      }
      issues.push({
        severity: 'error',
        subject,
        message: `Pod ${ref} needs CUDA ${cuda} but driver ${driver} on node ${node} ${supports}`,
        evidence: [...evidence, FORWARD_COMPAT_NOTE, `source of the table: ${TOOLKIT_TABLE_SOURCE}`],
        fix,
      });
    }

    if (!issues.length && uncompared.size && !compared) {
      const nodes = [...uncompared.keys()].join(', ');
      return { skip: `no driver version for node(s) ${nodes} of the CUDA workloads: ${NO_NODE_FACTS} (or deploy GPU Feature Discovery for nvidia.com/cuda.driver-version.* labels)` };
    }
    for (const [node, pods] of uncompared) {
      issues.push({
        severity: 'info',
        subject: { kind: 'Node', name: node },
        message: `CUDA versions of ${pods.length} pod(s) on node ${node} could not be checked: its driver version is unknown`,
        evidence: [...pods.slice(0, 5).map((p) => `pod ${p}`), `${NO_NODE_FACTS}; no GFD nvidia.com/cuda.driver-version.* labels either`],
      });
    }
    return issues;
  },
});
