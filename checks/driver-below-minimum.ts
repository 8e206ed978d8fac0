import { defineCheck } from '../src/check.js';
import { STACK_DRIVER_MINIMUMS, type StackDriverMinimum } from '../src/data/cuda-drivers.js';
import { compareVersions, driverBranch, nodeDriver, nodeNamesToJudge } from '../src/facts/driver.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuNodes } from '../src/facts/gpu.js';
import { findStack } from '../src/facts/stacks.js';
import type { Issue } from '../src/model.js';
import { NO_NODE_FACTS } from '../src/node-check.js';

/**
 * Kantaloupe has no id in the shared stack detection (src/facts/stacks.ts) yet: it is found here by
 * name (a Namespace, Deployment, DaemonSet or Pod, or an app.kubernetes.io/name|instance label).
 */
const KANTALOUPE = /kantaloupe/i;

function kantaloupeSign(facts: Facts): string | undefined {
  const hit = ['Namespace', 'Deployment', 'DaemonSet', 'Pod']
    .flatMap((kind) => facts.all(kind))
    .find((o) =>
      [o.metadata.name, o.metadata.labels?.['app.kubernetes.io/name'], o.metadata.labels?.['app.kubernetes.io/instance']].some((v) => v && KANTALOUPE.test(v)),
    );
  return hit ? `${hit.kind} ${hit.metadata.namespace ? `${hit.metadata.namespace}/` : ''}${hit.metadata.name}` : undefined;
}

/** The stacks with a stated driver minimum that run here, each with what showed it. */
function detectedStacks(facts: Facts): { stack: StackDriverMinimum; sign: string }[] {
  const signs: Record<string, string | undefined> = {
    hami: findStack(facts, 'hami')?.evidence.join('; '),
    kantaloupe: kantaloupeSign(facts),
  };
  return STACK_DRIVER_MINIMUMS.flatMap((stack) => (signs[stack.stack] ? [{ stack, sign: signs[stack.stack]! }] : []));
}

export default defineCheck({
  name: 'driver-below-minimum',
  title: 'Drivers meet the minimum of the stacks installed',
  needs: ['Node', 'Pod', 'Namespace', 'DaemonSet', 'Deployment', 'node-probe', 'node-files:driver', 'node-command:nvidia-smi', 'node-command:nvidia-smi-query', 'node-command:lspci'],
  requires: [],
  ok: 'every known GPU driver meets the minimum of the stacks found (HAMi, Kantaloupe: 440)',
  explain: {
    detects:
      'A GPU node whose driver (nvidia-smi, /proc/driver/nvidia/version, GFD labels) is older than the minimum a detected stack states: HAMi and Kantaloupe need driver 440 or later.',
    why: 'Below the minimum the stack’s device plugin and in-container runtime (HAMi-core’s libvgpu) rely on driver APIs that do not exist, so GPU sharing fails in ways that look like application bugs.',
    fix: 'Upgrade the node driver to a supported branch (today an LTS branch such as 535, 570 or 580), then restart the stack’s device plugin pods.',
  },
  zh: {
    title: '驱动程序满足已安装软件栈的最低版本要求',
    ok: '每个已知的 GPU 驱动程序都满足已发现软件栈的最低版本（HAMi、Kantaloupe：440）',
    headline: '节点的驱动程序版本低于已安装软件栈要求的最低版本',
    fixSummary: '把节点驱动程序升级到受支持的分支（优先选择 LTS 分支），然后重启该软件栈的设备插件 Pod',
    explain: {
      detects: 'GPU 节点的驱动程序（nvidia-smi、/proc/driver/nvidia/version、GFD 标签）低于已检测到的软件栈声明的最低版本：HAMi 和 Kantaloupe 要求 440 或更高版本。',
      why: '低于最低版本时，软件栈的设备插件和容器内运行时（HAMi-core 的 libvgpu）所依赖的驱动 API 并不存在，GPU 共享会以看似应用程序缺陷的方式失败。',
      fix: '把节点驱动程序升级到受支持的分支（目前如 535、570 或 580 等 LTS 分支），然后重启该软件栈的设备插件 Pod。',
    },
  },
  run(facts) {
    const stacks = detectedStacks(facts);
    if (!stacks.length) return [];
    const issues: Issue[] = [];
    const unknown: string[] = [];
    let known = 0;
    for (const name of nodeNamesToJudge(facts, gpuNodes(facts))) {
      const drv = nodeDriver(facts, name);
      if (!drv.driver) {
        // A probed node without a driver version has no driver loaded: driver-not-loaded says so.
        if (!facts.host(name)) unknown.push(name);
        continue;
      }
      known++;
      for (const { stack, sign } of stacks) {
        if (compareVersions(drv.driver.value, stack.minDriver) >= 0) continue;
        issues.push({
          severity: 'error',
          subject: { kind: 'Node', name },
          message: `Node ${name} runs NVIDIA driver ${drv.driver.value}, below ${stack.name}'s minimum ${stack.minDriver}`,
          evidence: [
            `driver ${drv.driver.value}: ${drv.driver.source}`,
            `${stack.name} detected: ${sign}`,
            `minimum ${stack.minDriver}: ${stack.source}`,
          ],
          fix: {
            summary: `Upgrade the driver on ${name} to branch ${driverBranch(stack.minDriver)} or newer (an LTS branch is the safe choice)`,
            commands: [
              `kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`,
              'sudo ubuntu-drivers list --gpgpu              # on the node (Ubuntu): the branches available',
              'sudo ubuntu-drivers install --gpgpu && sudo reboot',
              `kubectl uncordon ${name}`,
            ],
          },
        });
      }
    }
    if (issues.length) return issues;
    if (!known) {
      return {
        skip: `${stacks.map((s) => s.stack.name).join(' and ')} found, but no driver version on any GPU node: ${NO_NODE_FACTS} (or deploy GPU Feature Discovery)`,
      };
    }
    if (unknown.length) {
      return {
        skip: `no driver version for ${unknown.join(', ')}: run with --node-probe local|pod or use a snapshot with nodes/NODE/ (checked: ${known} node(s))`,
      };
    }
    return [];
  },
});
