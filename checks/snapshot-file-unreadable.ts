import { defineCheck } from '../src/check.js';
import type { Issue } from '../src/model.js';
import type { SourceProblem } from '../src/collection/collection.js';

export default defineCheck({
  name: 'snapshot-file-unreadable',
  title: 'Every snapshot file parses',
  needs: ['source-problems'],
  ok: 'every file of the input was read',
  // Live, there are no files; a process table that could not be captured is still reported.
  quietPass: (facts) => facts.live,
  explain: {
    detects:
      'A file of the snapshot (or a response of the API) could not be parsed: malformed JSON or YAML, binary data, a file over the size limit; or, live, a process table of an injecting pod that could not be captured through exec, or a container log the API server failed to return (its status and reason are given).',
    why: 'Objects in that file are missing from the analysis, so checks that need them may miss problems.',
    fix: 'Re-export the file with `kubectl get … -o json > FILE`, or collect the snapshot again with `gpuctl collect`.',
  },
  zh: {
    title: '快照中的每个文件都能解析',
    ok: '输入的每个文件都已读取',
    headline: '快照中的文件无法读取，其中的对象未被分析',
    fixSummary: '以 JSON 格式重新导出这些对象，或重新采集快照',
    explain: {
      detects: '快照中的某个文件（或 API 的某个响应）无法解析：JSON 或 YAML 格式错误、二进制数据，或文件超过大小限制；或者在实时运行中，无法通过 exec 采集注入型 Pod 的进程表，或 API 服务器未能返回某个容器的日志（会给出其状态码和原因）。',
      why: '该文件中的对象不会进入分析，依赖它们的检查可能漏掉问题。',
      fix: '用 `kubectl get … -o json > FILE` 重新导出该文件，或用 `gpuctl collect` 重新采集快照。',
    },
  },
  run(facts) {
    return facts.sourceProblems.map((problem) => processTableProblem(problem) ?? nodeProbeProblem(problem) ?? (facts.live ? liveLogProblem(problem) : undefined) ?? {
      severity: 'warning' as const,
      subject: { kind: 'File', name: problem.path },
      message: `${problem.path} could not be read: its objects are left out`,
      evidence: [problem.message],
      fix: {
        summary: 'Export the objects again as JSON',
        commands: ['kubectl get nodes,pods,events,daemonsets -A -o json > cluster/objects.json'],
      },
    });
  },
});

/**
 * A node the node probe could not read (src/sources/node-probe/remote.ts): the fix is the probe pod's (its
 * events, more time, another image or namespace), not a file's; the reason is stated here, once.
 */
function nodeProbeProblem(problem: SourceProblem): Issue | undefined {
  const node = /^nodes\/([^/]+)$/.exec(problem.path)?.[1];
  if (!node || !problem.message.startsWith('node facts not read: ')) return undefined;
  const pod = /the probe pod ([a-z0-9.-]+)\/([a-z0-9.-]+)/.exec(problem.message);
  const commands = [
    ...(pod ? [`kubectl get events -n ${pod[1]} --field-selector involvedObject.name=${pod[2]}`, `kubectl describe pod -n ${pod[1]} ${pod[2]}`] : []),
    `kubectl describe node ${node}`,
    'gpuctl doctor --node-probe pod --probe-timeout 3m',
    'gpuctl doctor --node-probe pod --probe-image REGISTRY/busybox:1.36',
  ];
  return {
    severity: 'warning',
    subject: { kind: 'Node', name: node },
    message: `The node probe could not read node ${node}: its host checks (runtime, driver, mirrors) did not judge it`,
    evidence: [problem.message],
    fix: {
      summary: 'See why the probe pod did not run (its events; describe it while it is there), then probe again with more time (--probe-timeout), an image the node can pull (--probe-image) or a namespace that allows privileged pods (--probe-namespace)',
      commands,
    },
  };
}

/**
 * A container log the live doctor asked the API server for and did not get (src/sources/live/logs.ts: 5xx
 * after the retries, 403, no answer, a cut connection): there is no file, so the subject is the container and
 * the words say that the log request failed, with the status and reason the API server gave.
 */
function liveLogProblem(problem: SourceProblem): Issue | undefined {
  const log = /^logs\/([^/]+)\/([^/]+)\/([^/]+?)(\.previous)?\.log$/.exec(problem.path);
  if (!log || !problem.message.startsWith('log not fetched: ')) return undefined;
  const [, ns, pod, container, previous] = log;
  const cause = problem.message.slice('log not fetched: '.length);
  return {
    severity: 'warning',
    subject: { kind: 'Pod', name: pod!, namespace: ns },
    message: `The API server failed the request for the ${previous ? 'previous ' : ''}log of container ${container} of pod ${ns}/${pod} (${cause}): the log checks did not judge it`,
    evidence: [problem.message],
    fix: {
      summary: 'Read the log yourself to see whether the API server or the kubelet answers now, then run the doctor again',
      commands: [`kubectl logs -n ${ns} ${pod} -c ${container}${previous ? ' --previous' : ''} --tail 200`],
    },
  };
}

/** A process table the live doctor could not capture (src/sources/live/capture.ts): the fix is in the pod, not a file. */
function processTableProblem(problem: SourceProblem): Issue | undefined {
  if (!problem.message.startsWith('process table')) return undefined;
  const one = /^pods\/([^/]+)\/([^/]+)\/([^/]+)\/processes\.json$/.exec(problem.path);
  if (one) {
    const [, ns, pod, container] = one;
    return {
      severity: 'warning',
      subject: { kind: 'Pod', name: pod!, namespace: ns },
      message: `The process table of container ${container} of pod ${ns}/${pod} was not captured: the injection checks did not judge it`,
      evidence: [problem.message],
      fix: { summary: 'Look from inside the pod: exec-check says what stopped the capture', commands: [`gpuctl exec-check ${pod} -n ${ns} -c ${container}`] },
    };
  }
  const forbidden = /forbidden/.test(problem.message);
  return {
    severity: 'warning',
    subject: { kind: 'File', name: problem.path },
    message: 'Process tables of pods of injecting stacks were not captured: the injection checks did not judge them',
    evidence: [problem.message],
    fix: forbidden
      ? { summary: 'Grant exec into pods (RBAC: create on pods/exec), or run where it is granted', commands: ['kubectl auth can-i create pods/exec --all-namespaces'] }
      : { summary: 'Read more pods', commands: ['gpuctl doctor --max-exec-pods 100'] },
  };
}
