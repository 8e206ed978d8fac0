import { defineCheck } from '../src/check.js';
import type { Facts } from '../src/facts/facts.js';
import type { Node } from '../src/facts/kube.js';
import { DISTRO_PATHS, generatedMirrorState, listedAgentDir, runtimeOf } from '../src/facts/mirrors.js';
import { podRef } from '../src/facts/pods.js';
import { failingPulls } from '../src/facts/pulls.js';
import { parseRegistriesYaml, registriesYamlMirrors, WILDCARD } from '../src/facts/registry-files.js';
import type { Distro } from '../src/facts/runtime/services.js';
import { distroServices } from '../src/facts/runtime/services.js';
import type { Fix, Issue } from '../src/model.js';

function restartFix(distro: Distro, nodeName: string, node: Node | undefined, why: string, before: string[] = []): Fix {
  const paths = DISTRO_PATHS[distro];
  const services = distroServices(distro, node);
  const restarts =
    services.length === 1
      ? [`sudo systemctl restart ${services[0]}`]
      : [`sudo systemctl restart ${services[0]}   # on a server`, `sudo systemctl restart ${services[1]}   # on an agent`];
  return {
    summary: `${why}; on node ${nodeName} restart ${distro} so it regenerates its containerd registry config, then check that certs.d has the host`,
    commands: [...before, ...restarts, `sudo ls ${paths.certsDir}`, `sudo journalctl -u ${services[0]} --since -10min | grep -i registr`],
  };
}

function failingOnNode(facts: Facts, nodeName: string, registry: string): string[] {
  if (facts.unavailable('Pod')) return [];
  return failingPulls(facts)
    .filter((p) => p.node === nodeName && p.registry && (registry === WILDCARD || p.registry === registry))
    .map((p) => `pod ${podRef(p.pod)} fails to pull ${p.image} on this node (${p.reason})`);
}

export default defineCheck({
  name: 'mirror-not-loaded',
  title: 'k3s/RKE2 loaded the mirrors of registries.yaml',
  needs: ['Node', 'Pod', 'Event', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:registry-mirrors', 'node-files:unattended-upgrades', 'node-dirs'],
  requires: [],
  ok: 'every mirror in registries.yaml has its certs.d host directory',
  explain: {
    detects:
      'A k3s (or RKE2) registries.yaml defines a mirror for a host, but the node has no …/agent/etc/containerd/certs.d/HOST directory (nor a hosts.toml there that lists the mirror), or registries.yaml itself is not valid YAML or has the wrong shape.',
    why: 'k3s reads registries.yaml only when it starts and writes one certs.d/HOST/hosts.toml per mirror; until then (or when the file is broken) containerd pulls straight from the upstream registry and pulls keep timing out even though the mirror looks configured.',
    fix: 'Fix the YAML if it does not parse, then restart k3s (k3s-agent on agents; rke2-server / rke2-agent on RKE2) and check that certs.d holds the host directory.',
  },
  zh: {
    title: 'k3s/RKE2 已加载 registries.yaml 中的镜像源',
    ok: 'registries.yaml 中的每个镜像源都有对应的 certs.d 主机目录',
    headline: 'k3s/RKE2 没有加载 registries.yaml 中的镜像源',
    fixSummary: '修正 registries.yaml（若无法解析），重启 k3s/RKE2，然后确认 certs.d 下有对应主机的目录',
    explain: {
      detects:
        'k3s（或 RKE2）的 registries.yaml 为某个主机定义了镜像源，但节点上没有 …/agent/etc/containerd/certs.d/HOST 目录（或其中没有列出该镜像源的 hosts.toml）；或 registries.yaml 本身不是合法的 YAML，或结构不对。',
      why: 'k3s 只在启动时读取 registries.yaml，并为每个镜像源写入一个 certs.d/HOST/hosts.toml；在此之前（或文件有误时），containerd 直接从上游仓库拉取，即使镜像源看起来已经配置，拉取仍会不断超时。',
      fix: 'YAML 无法解析时先修正它，然后重启 k3s（agent 节点上为 k3s-agent；RKE2 上为 rke2-server / rke2-agent），并确认 certs.d 中有该主机的目录。',
    },
  },
  run(facts) {
    if (facts.probedNodes.length === 0) {
      return { skip: 'no node files collected: run with --node-probe local|pod, or add nodes/NODE/files to the snapshot' };
    }
    const issues: Issue[] = [];
    const unjudged: string[] = [];
    let sawRegistriesYaml = false;
    for (const [nodeName, host] of facts.hosts()) {
      const node = facts.node(nodeName);
      const runtime = runtimeOf(node, host);
      for (const distro of Object.keys(DISTRO_PATHS) as Distro[]) {
        if (runtime !== distro && runtime !== 'unknown') continue;
        const path = DISTRO_PATHS[distro].registriesYaml;
        const text = host.files.get(path);
        if (text === undefined) continue;
        sawRegistriesYaml = true;
        const parsed = parseRegistriesYaml(text, path);
        if (parsed.error) {
          issues.push({
            severity: 'error',
            subject: { kind: 'Node', name: nodeName },
            message: `${path} on node ${nodeName} cannot be read by ${distro}: none of its mirrors load, and ${distro} fails to start with it`,
            evidence: [`${path} (node file): ${parsed.error}`, ...failingOnNode(facts, nodeName, WILDCARD)],
            fix: restartFix(distro, nodeName, node, `Correct ${path} (a mapping: mirrors: HOST: endpoint: [URL, …])`, [`sudoedit ${path}`]),
          });
          continue;
        }
        const mirrors = registriesYamlMirrors(parsed);
        if (mirrors.length === 0) continue;
        if (!listedAgentDir(host, distro)) {
          unjudged.push(nodeName);
          continue;
        }
        for (const mirror of mirrors) {
          const state = generatedMirrorState(host, distro, mirror);
          if (state.loaded) continue;
          const failing = failingOnNode(facts, nodeName, mirror.registry);
          issues.push({
            severity: failing.length ? 'error' : 'warning',
            subject: { kind: 'Node', name: nodeName },
            message: `${distro} on node ${nodeName} has not loaded the ${mirror.registry} mirror from ${path}`,
            evidence: [
              `${path} (node file): mirrors.${mirror.registry}.endpoint = ${mirror.endpoints.join(', ')}`,
              state.evidence,
              ...failing,
            ],
            fix: restartFix(distro, nodeName, node, `${distro} was not restarted after ${path} was edited`),
          });
        }
      }
    }
    if (issues.length === 0 && unjudged.length > 0) {
      return { skip: `registries.yaml found on ${unjudged.join(', ')} but the node's k3s directories were not listed (dirs.txt)` };
    }
    if (!sawRegistriesYaml && issues.length === 0) return [];
    return issues;
  },
});
