import { capMap } from '../src/bounded.js';
import { defineCheck } from '../src/check.js';
import type { ImageReference } from '../src/facts/images.js';
import { DOCKER_HUB, isInvalid, isUpstreamHost, upstreamEndpoint } from '../src/facts/images.js';
import type { MirrorTarget, NodeRegistryConfig } from '../src/facts/mirrors.js';
import { crioRegistryFiles, mirrorsFor, mirrorTarget, registryConfigOf, runtimeOf } from '../src/facts/mirrors.js';
import { podRef } from '../src/facts/pods.js';
import type { FailingPull } from '../src/facts/pulls.js';
import { failingPulls, groupBy } from '../src/facts/pulls.js';
import { WILDCARD } from '../src/facts/registry-files.js';
import type { Fix, Issue } from '../src/model.js';

/** Public Docker Hub mirrors the TensorFusion playbook lists; the fix says to prefer your own. */
const PLAYBOOK_DOCKER_HUB_MIRROR = 'https://docker.m.daocloud.io';
/** The GreptimeDB image TensorFusion's playbook points China-mainland clusters at. */
const GREPTIME_CN_REPOSITORY = 'greptime-registry.cn-hangzhou.cr.aliyuncs.com/greptime/greptimedb';
const TENSOR_FUSION_CHART = 'helm upgrade tensor-fusion-sys tensor-fusion --repo https://download.tensor-fusion.ai -n tensor-fusion-sys --reuse-values';
const MAX_IMAGES = 5;

const isGreptime = (ref: ImageReference) => /^greptime\/greptimedb\b/.test(ref.repository);

/** `MIRROR=…` first, so every snippet below it pastes as is. */
function mirrorVariable(registry: string): string {
  return registry === DOCKER_HUB
    ? `MIRROR=${PLAYBOOK_DOCKER_HUB_MIRROR}   # or your own mirror of Docker Hub`
    : `MIRROR=https://mirror.example.com   # a mirror (or private registry) that serves ${registry}'s images`;
}

function restartCommands(services: string[]): string[] {
  return services.length === 1 ? [`sudo systemctl restart ${services[0]}`] : [`sudo systemctl restart ${services[0]}   # ${services[1]} on agents`];
}

function hereDoc(target: string, body: string[]): string {
  return [`sudo tee ${target} >/dev/null <<EOF`, ...body, 'EOF'].join('\n');
}

/** The mirror configuration for the runtime the node uses, as commands. */
function runtimeMirrorCommands(target: MirrorTarget, registry: string, nodeName: string, mirrorLine = mirrorVariable(registry)): { summary: string; commands: string[] } {
  if (target.via === 'registries.yaml') {
    return {
      summary: `add a ${registry} mirror to ${target.registriesYaml} on ${nodeName} and restart ${target.runtime}`,
      commands: [
        mirrorLine,
        target.registriesYamlExists
          ? `sudoedit ${target.registriesYaml}   # under mirrors: add  "${registry}": { endpoint: ["$MIRROR"] }`
          : hereDoc(target.registriesYaml, ['mirrors:', `  "${registry}":`, '    endpoint:', '      - "$MIRROR"']),
        ...restartCommands(target.services),
        `sudo ls ${target.certsDir}   # should now list ${registry}`,
      ],
    };
  }
  if (target.via === 'daemon.json') {
    if (registry !== target.servesOnly) {
      return { summary: `docker's registry-mirrors only serve docker.io: copy the ${registry} images to a registry the node reaches and use those names`, commands: [] };
    }
    return {
      summary: `add registry-mirrors to ${target.daemonJson} on ${nodeName} and restart docker`,
      commands: [
        mirrorLine,
        target.daemonJsonExists
          ? `sudoedit ${target.daemonJson}   # add  "registry-mirrors": ["$MIRROR"]  (keep the other keys, e.g. the nvidia runtime)`
          : hereDoc(target.daemonJson, ['{', '  "registry-mirrors": ["$MIRROR"]', '}']),
        'sudo systemctl restart docker',
        "docker info | grep -A2 'Registry Mirrors'",
      ],
    };
  }
  if (target.via === 'registries.conf.d') {
    return {
      summary: `add a ${registry} mirror to CRI-O's registries.conf on ${nodeName} and restart crio`,
      commands: [
        mirrorLine,
        hereDoc(`${target.registriesDir}/50-mirror-${registry.replace(/[^a-zA-Z0-9.-]/g, '_')}.conf`, [
          '[[registry]]',
          `location = "${registry}"`,
          '[[registry.mirror]]',
          'location = "${MIRROR#https://}"',
        ]),
        'sudo systemctl restart crio',
      ],
    };
  }
  // containerd (or unknown: containerd's hosts.toml is the common case).
  const { hostsDir, configPathUnset } = target;
  return {
    summary: `add ${hostsDir}/${registry}/hosts.toml on ${nodeName}${configPathUnset ? ` and point containerd's config_path at ${hostsDir}` : ''}${target.runtime === 'unknown' ? ' (k3s: registries.yaml; docker: daemon.json registry-mirrors)' : ''}`,
    commands: [
      mirrorLine,
      `sudo mkdir -p ${hostsDir}/${registry}`,
      hereDoc(`${hostsDir}/${registry}/hosts.toml`, [`server = "https://${upstreamEndpoint(registry)}"`, '', '[host."$MIRROR"]', '  capabilities = ["pull", "resolve"]']),
      ...(configPathUnset
        ? [`sudoedit ${target.mainConfig}   # under [plugins."${target.registryPlugin}".registry] set  config_path = "${hostsDir}"`, 'sudo systemctl restart containerd']
        : []),
    ],
  };
}

function nvcrSyncCommands(refs: ImageReference[]): string[] {
  return [
    'REGISTRY=registry.example.com:5000   # a private registry the nodes can reach',
    ...refs.slice(0, MAX_IMAGES).map((ref) => {
      const target = `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}`;
      return `skopeo copy --all --preserve-digests docker://${ref.normalized} docker://$REGISTRY/${target}`;
    }),
  ];
}

/** The fix for one registry on one node, with the TensorFusion playbook's specific advice first. */
function fixFor(registry: string, refs: ImageReference[], target: MirrorTarget, nodeName: string): Fix {
  if (refs.some(isGreptime)) {
    const mirror = runtimeMirrorCommands(target, registry, nodeName);
    return {
      summary: `Point the TensorFusion chart at a GreptimeDB image you can reach (greptime.image.repository), or ${mirror.summary}`,
      commands: [`${TENSOR_FUSION_CHART} --set greptime.image.repository=${GREPTIME_CN_REPOSITORY}`],
    };
  }
  if (registry === 'nvcr.io') {
    const mirror = runtimeMirrorCommands(target, registry, nodeName, 'MIRROR=https://$REGISTRY');
    return {
      summary: `Sync the nvcr.io images to a private registry, then point the chart's image repositories at it, or use that registry as the node's nvcr.io mirror: ${mirror.summary}`,
      commands: [...nvcrSyncCommands(refs), ...mirror.commands],
    };
  }
  const mirror = runtimeMirrorCommands(target, registry, nodeName);
  return { summary: mirror.summary.charAt(0).toUpperCase() + mirror.summary.slice(1), commands: mirror.commands };
}

function pullLines(pulls: FailingPull[]): string[] {
  return capMap(pulls, MAX_IMAGES, (p) => `pod ${podRef(p.pod)} cannot pull ${p.image}: ${p.cause.label}${p.requestHost ? ` (error from ${p.requestHost})` : ''} (image-pull-failing)`, 'pods');
}

export default defineCheck({
  name: 'no-mirror-for-host',
  title: 'Registries that time out have a mirror',
  needs: ['Node', 'Pod', 'Event', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:registry-mirrors', 'node-files:docker', 'node-files:os-release', 'node-files:unattended-upgrades', 'node-dirs', 'node-command:containerd-config-dump'],
  requires: ['Pod'],
  ok: 'every registry a node fails to reach has a mirror configured there',
  explain: {
    detects:
      "The registry host of a failing pull (network errors or Docker Hub's rate limit, on that pod's node) has no mirror in k3s/RKE2 registries.yaml, containerd hosts.toml under config_path, or docker's daemon.json registry-mirrors — whichever the node's runtime reads. Without node files, an error that names the registry itself (registry-1.docker.io, nvcr.io) shows no mirror was tried.",
    why: 'Clusters behind a firewall or in mainland China cannot reach docker.io, nvcr.io or the GreptimeDB image directly; each pull times out after minutes and the GPU stack never comes up.',
    fix: "Configure a mirror for the runtime the node uses (registries.yaml + restart for k3s, hosts.toml for containerd, registry-mirrors + restart for docker). TensorFusion's playbook: for GreptimeDB set greptime.image.repository on the tensor-fusion chart; copy nvcr.io images to a private registry and point the chart at it.",
  },
  zh: {
    title: '连接超时的镜像仓库配置了镜像源',
    ok: '节点无法访问的每个镜像仓库都在该节点上配置了镜像源',
    headline: '节点上拉取失败的镜像仓库没有配置镜像源',
    fixSummary: '为节点使用的容器运行时配置该仓库的镜像源（k3s：registries.yaml 并重启；containerd：hosts.toml；docker：registry-mirrors 并重启）',
    explain: {
      detects:
        '拉取失败（该 Pod 所在节点上的网络错误或 Docker Hub 限流）的镜像仓库主机，在节点容器运行时读取的配置中没有镜像源：k3s/RKE2 的 registries.yaml、config_path 下的 containerd hosts.toml，或 docker daemon.json 的 registry-mirrors。没有节点文件时，若错误中出现的是仓库本身（registry-1.docker.io、nvcr.io），说明没有尝试任何镜像源。',
      why: '处于防火墙后或位于中国大陆的集群无法直接访问 docker.io、nvcr.io 或 GreptimeDB 的镜像；每次拉取都要几分钟后才超时，GPU 软件栈始终起不来。',
      fix: '为节点使用的容器运行时配置镜像源（k3s：registries.yaml 并重启；containerd：hosts.toml；docker：registry-mirrors 并重启）。TensorFusion 排查手册：GreptimeDB 在 tensor-fusion Chart 上设置 greptime.image.repository；nvcr.io 的镜像同步到私有仓库，并让 Chart 指向它。',
    },
  },
  run(facts) {
    const pulls = failingPulls(facts).filter((p) => p.registry && p.node && p.cause.mirrorHelps);
    const issues: Issue[] = [];
    const unjudged: string[] = [];
    for (const [, group] of groupBy(pulls, (p) => `${p.node}\u0000${p.registry}`)) {
      const nodeName = group[0]!.node!;
      const registry = group[0]!.registry!;
      const refs = [...new Map(group.map((p) => p.reference).filter((r): r is ImageReference => !isInvalid(r)).map((r) => [r.normalized, r])).values()];
      const node = facts.node(nodeName);
      const host = facts.host(nodeName);
      const runtime = runtimeOf(node, host);
      const upstreamError = group.find((p) => p.requestHost && isUpstreamHost(registry, p.requestHost));
      const mirrorError = group.find((p) => p.requestHost && !isUpstreamHost(registry, p.requestHost));
      const evidence = pullLines(group);
      const runtimeLine = `node ${nodeName} runtime: ${runtime}${node?.status?.nodeInfo?.containerRuntimeVersion ? ` (${node.status.nodeInfo.containerRuntimeVersion}, Node status)` : ''}`;
      let config: NodeRegistryConfig | undefined;
      // Node files tell which mirrors exist; a CRI-O node only when its registries.conf(.d) was copied,
      // else it is judged by the error.
      if (host && (host.files.size > 0 || host.dirs.size > 0) && (runtime !== 'cri-o' || crioRegistryFiles(host).length > 0)) {
        config = registryConfigOf(host, runtime);
        if (mirrorsFor(config.mirrors, registry).length > 0) continue;
        evidence.push(runtimeLine, ...config.looked.map((l) => `looked in ${l} (node files)`));
        for (const { mirror, why } of config.ignored) {
          if (mirror.registry !== registry && mirror.registry !== WILDCARD) continue;
          evidence.push(`${mirror.path} has a ${mirror.registry} mirror (${mirror.endpoints.join(', ')}) but ${why}`);
        }
        for (const problem of config.problems) evidence.push(`${problem.path}: ${problem.error}`);
      } else if (mirrorError && !upstreamError) {
        // The error names another host: a mirror was tried, so one is configured (it fails: image-pull-failing says why).
        continue;
      } else if (upstreamError) {
        evidence.push(runtimeLine, `node files not collected; the error came from ${upstreamError.requestHost}, the registry itself, so no mirror was tried first`);
      } else {
        unjudged.push(`${registry} on ${nodeName}`);
        continue;
      }
      if (upstreamError && config) evidence.push(`the error came from ${upstreamError.requestHost}, the registry itself`);
      issues.push({
        severity: 'error',
        subject: { kind: 'Node', name: nodeName },
        message: `Node ${nodeName} has no mirror for ${registry}, and pulls from it fail there (${group[0]!.cause.label})`,
        evidence,
        fix: fixFor(registry, refs, mirrorTarget(runtime, host, config, node), nodeName),
      });
    }
    if (issues.length === 0 && unjudged.length > 0) {
      return { skip: `cannot tell whether ${unjudged.join(', ')} has a mirror: node files not collected and the pull errors do not name the host` };
    }
    return issues;
  },
});
