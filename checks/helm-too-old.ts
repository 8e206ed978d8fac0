import semver from 'semver';
import { defineCheck } from '../src/check.js';
import { NOT_FOUND_EXIT } from '../src/collection/collection.js';

/** kantaloupe-prerequisites: 要求：Helm 3.14 或更高版本. */
const MINIMUM = '3.14.0';
const INSTALL = 'curl -fsSL -o get_helm.sh https://raw.githubusercontent.com/helm/helm/master/scripts/get-helm-3 && chmod 700 get_helm.sh && ./get_helm.sh';
const SUBJECT = { kind: 'Tool', name: 'helm' };

/** The client version in `helm version --short`: `v3.13.2+g2a2fb3b` (Helm 3 and 4), `Client: v2.16.1+gbbdfe5e` (Helm 2). */
export function helmVersion(stdout: string): string | undefined {
  const m = /v(\d+)\.(\d+)\.(\d+)/.exec(stdout);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

export default defineCheck({
  name: 'helm-too-old',
  title: `Helm is ${MINIMUM.replace(/\.0$/, '')} or newer (Kantaloupe)`,
  needs: ['local-command:helm-version'],
  stacks: ['hami', 'kantaloupe'],
  ok: `helm on this machine is ${MINIMUM.replace(/\.0$/, '')} or newer`,
  explain: {
    detects: `The helm on the machine gpuctl runs on (\`helm version --short\`) is older than ${MINIMUM.replace(/\.0$/, '')}, or not installed, on a cluster with HAMi or Kantaloupe's prerequisites.`,
    why: 'Kantaloupe and the HAMi commercial package are installed with Helm and require 3.14 or newer; an older Helm fails on their charts (OCI registries, newer chart features) half-way through an install.',
    fix: 'Install a current Helm 3 with the official get-helm-3 script (or your package manager), then check `helm version --short`.',
  },
  zh: {
    title: 'Helm 为 3.14 或更高版本（Kantaloupe）',
    ok: '本机的 helm 为 3.14 或更高版本',
    headline: '本机没有安装 Helm，或其版本低于 Kantaloupe 要求的 3.14',
    fixSummary: '用官方 get-helm-3 脚本（或包管理器）安装或升级 Helm 3',
    explain: {
      detects: '在部署了 HAMi 或 Kantaloupe 前置组件的集群上，运行 gpuctl 的机器上的 helm（`helm version --short`）低于 3.14，或没有安装。',
      why: 'Kantaloupe 和 HAMi 商业版都用 Helm 安装，要求 3.14 或更高版本；旧版 Helm 处理它们的 Chart（OCI 仓库、较新的 Chart 特性）时会在安装中途失败。',
      fix: '用官方的 get-helm-3 脚本（或包管理器）安装最新的 Helm 3，然后用 `helm version --short` 确认。',
    },
  },
  run(facts) {
    const out = facts.localCommand('helm-version');
    if (!out) return { skip: '`helm version --short` was not run: a live run runs it on this machine; a snapshot carries it in local/commands/helm-version.txt' };
    if (out.exitCode === NOT_FOUND_EXIT) {
      return [
        {
          severity: 'info',
          subject: SUBJECT,
          message: `helm is not installed on this machine: Kantaloupe and HAMi are installed with Helm ${MINIMUM.replace(/\.0$/, '')} or newer`,
          evidence: [`\`helm version --short\` on this machine: ${out.stderr?.trim() || `exit ${out.exitCode}`}`],
          fix: { summary: 'Install Helm 3 where you run the installation (here, or the machine you install from)', commands: [INSTALL, 'helm version --short'] },
        },
      ];
    }
    const firstLine = (out.stdout.trim() || out.stderr?.trim() || '').split('\n')[0]!;
    if (out.exitCode !== 0) return { skip: `\`helm version --short\` failed (exit ${out.exitCode}): ${firstLine || 'no output'}` };
    const version = helmVersion(out.stdout);
    if (!version) return { skip: `cannot read a version from \`helm version --short\`: ${firstLine || 'no output'}` };
    if (!semver.lt(version, MINIMUM)) return [];
    return [
      {
        severity: 'warning',
        subject: SUBJECT,
        message: `Helm ${version} on this machine is older than ${MINIMUM.replace(/\.0$/, '')}, the minimum Kantaloupe requires`,
        evidence: [`\`helm version --short\` on this machine: ${firstLine}`, `kantaloupe-prerequisites: Helm ${MINIMUM.replace(/\.0$/, '')} or newer`],
        fix: { summary: 'Upgrade Helm with the official script (or your package manager)', commands: [INSTALL, 'helm version --short'] },
      },
    ];
  },
});
