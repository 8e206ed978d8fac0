import { defineCheck } from '../src/check.js';
import type { Issue } from '../src/model.js';
import type { SourceProblem } from '../src/sources/collection.js';

export default defineCheck({
  id: 'GPU001',
  name: 'snapshot-file-unreadable',
  category: 'snapshot',
  title: 'Every snapshot file parses',
  needs: [],
  ok: 'every file of the input was read',
  // Live, there are no files; a process table that could not be captured is still reported.
  quietPass: (facts) => facts.live,
  explain: {
    detects:
      'A file of the snapshot (or a response of the API) could not be parsed: malformed JSON or YAML, binary data, a file over the size limit; or, live, a process table of an injecting pod that could not be captured through exec.',
    why: 'Objects in that file are missing from the analysis, so checks that need them may miss problems.',
    fix: 'Re-export the file with `kubectl get … -o json > FILE`, or collect the snapshot again with `gpuctl collect`.',
  },
  run(facts) {
    return facts.sourceProblems.map((problem) => processTableProblem(problem) ?? {
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
