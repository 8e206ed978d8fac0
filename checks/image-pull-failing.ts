import { defineCheck } from '../src/check.js';
import { isInvalid } from '../src/facts/images.js';
import { podRef } from '../src/facts/pods.js';
import type { PullCause } from '../src/facts/pull-errors.js';
import { UNKNOWN_CAUSE } from '../src/facts/pull-errors.js';
import type { FailingPull } from '../src/facts/pulls.js';
import { eventOrigin, failingPulls, groupBy, imageKey, pullErrorText } from '../src/facts/pulls.js';
import type { Issue } from '../src/model.js';
import { pullFix } from '../src/remedies/pulls.js';

const MAX_PODS_LISTED = 5;
const MAX_ERROR_TEXTS = 2;

/** The words in the error text that decided the cause, for the evidence line. */
function matchedWords(cause: PullCause, text: string | undefined): string | undefined {
  if (!text) return undefined;
  for (const pattern of cause.patterns) {
    const m = pattern.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

function describeReference(pull: FailingPull): string {
  const ref = pull.reference;
  if (isInvalid(ref)) return `image "${pull.image}" does not parse: ${ref.error}`;
  return `image "${pull.image}" → registry ${ref.host}, repository ${ref.repository}${ref.tag ? `, tag ${ref.tag}` : ''}${ref.digest ? `, digest ${ref.digest}` : ''} (pod spec)`;
}

function imageIssue(key: string, pulls: FailingPull[]): Issue {
  const first = pulls[0]!;
  // Pods of one image may fail for different reasons on different nodes: name the first known one.
  const cause = pulls.find((p) => p.cause.id !== UNKNOWN_CAUSE.id)?.cause ?? UNKNOWN_CAUSE;
  const pods = [...new Map(pulls.map((p) => [podRef(p.pod), p])).values()];
  const namespaces = [...new Set(pods.map((p) => p.pod.metadata.namespace ?? 'default'))];
  const namespace = namespaces[0]!;
  const texts = [...new Map(pulls.map((p) => [pullErrorText(p) ?? '', p])).values()].filter((p) => pullErrorText(p));

  const evidence = [describeReference(first)];
  for (const p of pods.slice(0, MAX_PODS_LISTED)) {
    evidence.push(
      `pod ${podRef(p.pod)} ${p.init ? 'init container' : 'container'} ${p.container}: ${p.reason}${p.node ? ` on node ${p.node}` : ''} (pod status)`,
    );
  }
  if (pods.length > MAX_PODS_LISTED) evidence.push(`… and ${pods.length - MAX_PODS_LISTED} more pods`);
  for (const p of texts.slice(0, MAX_ERROR_TEXTS)) {
    evidence.push(p.event ? `${eventOrigin(p.event)}: ${p.event.message}` : `container status message: ${p.statusMessage}`);
  }
  if (texts.length === 0) evidence.push('no Failed event or status message quotes the pull error (events may have expired)');
  const words = pulls.map((p) => matchedWords(cause, pullErrorText(p)) ?? (p.reason === 'InvalidImageName' ? p.reason : undefined)).find(Boolean);
  evidence.push(`cause: ${cause.label}${words ? ` (the error says "${words}")` : ''}`);
  const requestHost = pulls.find((p) => p.requestHost)?.requestHost;
  if (requestHost) evidence.push(`the runtime was talking to ${requestHost}`);

  const podsInNamespace = pods.filter((p) => (p.pod.metadata.namespace ?? 'default') === namespace).map((p) => p.pod.metadata.name);
  const ref = first.reference;
  const fix = pullFix(cause, {
    image: first.image,
    namespace,
    pods: podsInNamespace,
    ...(first.node ? { node: first.node } : {}),
    ...(isInvalid(ref) ? { parseError: ref.error } : { registry: ref.host, repository: ref.repository }),
  });
  const who = pods.length === 1 ? `pod ${podRef(pods[0]!.pod)}` : `${pods.length} pods (${pods.slice(0, 3).map((p) => podRef(p.pod)).join(', ')}${pods.length > 3 ? ', …' : ''})`;
  return {
    severity: 'error',
    // Images are not namespaced: the pods (and their namespaces) are in the message and evidence.
    subject: { kind: 'Image', name: key },
    message: `Image ${key}${first.registry ? ` from ${first.registry}` : ''} does not pull for ${who}: ${cause.label}`,
    evidence,
    fix,
    scope: { nodes: [...new Set(pulls.flatMap((p) => (p.node ? [p.node] : [])))], pods: pods.map((p) => podRef(p.pod)), images: [first.image] },
  };
}

export default defineCheck({
  name: 'image-pull-failing',
  title: 'Container images pull',
  needs: ['Pod', 'Event'],
  requires: ['Pod'],
  ok: 'no container is waiting on an image pull',
  explain: {
    detects:
      'Containers (init containers too) waiting in ErrImagePull, ImagePullBackOff or InvalidImageName. Pods failing on the same image are one finding, which names the image, its registry host, the kubelet event text and the cause read from it: network/timeout, rate limit, unauthorized, repository missing or private, tag not found, TLS, wrong platform, invalid name.',
    why: 'A GPU stack is mostly images from docker.io, nvcr.io and registry.k8s.io; when a node cannot pull them, operands, validators and workloads never start and everything downstream looks broken.',
    fix: 'Act on the cause: a registry mirror or proxy for network errors (see no-mirror-for-host), an imagePullSecret for 401/403 and private repositories, an authenticated Docker Hub account for rate limits, an existing tag for "not found", a corrected reference for invalid names.',
  },
  zh: {
    title: '容器镜像能够拉取',
    ok: '没有容器在等待镜像拉取',
    headline: '镜像拉取失败',
    fixSummary: '按原因处理：网络问题配置镜像源或代理，401/403 或私有仓库配置 imagePullSecret，限流使用已认证账号，改用存在的标签或正确的镜像名',
    explain: {
      detects:
        '处于 ErrImagePull、ImagePullBackOff 或 InvalidImageName 的容器（包括 init 容器）。因同一镜像失败的 Pod 合并为一条发现，给出镜像、其仓库地址、kubelet 事件文本，以及从中读出的原因：网络/超时、限流、未授权、仓库不存在或为私有、标签不存在、TLS、平台不符、镜像名无效。',
      why: 'GPU 软件栈的镜像大多来自 docker.io、nvcr.io 和 registry.k8s.io；节点拉不下它们时，operand、验证器和工作负载都无法启动，下游的一切看起来都坏了。',
      fix: '按原因处理：网络错误配置镜像源或代理（见 no-mirror-for-host），401/403 和私有仓库配置 imagePullSecret，限流使用已认证的 Docker Hub 账号，"not found" 改用存在的标签，无效名称改正镜像引用。',
    },
  },
  run(facts) {
    const groups = groupBy(failingPulls(facts), imageKey);
    return [...groups].map(([key, pulls]) => imageIssue(key, pulls));
  },
});
