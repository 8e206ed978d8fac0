import { defineCheck } from '../src/check.js';

export default defineCheck({
  id: 'GPU001',
  name: 'snapshot-file-unreadable',
  category: 'snapshot',
  title: 'Every snapshot file parses',
  needs: [],
  ok: 'every file of the input was read',
  explain: {
    detects: 'A file of the snapshot (or a response of the API) could not be parsed: malformed JSON or YAML, binary data, a file over the size limit.',
    why: 'Objects in that file are missing from the analysis, so checks that need them may miss problems.',
    fix: 'Re-export the file with `kubectl get … -o json > FILE`, or collect the snapshot again with `gpuctl collect`.',
  },
  run(facts) {
    return facts.collection.problems.map((problem) => ({
      severity: 'warning' as const,
      subject: { kind: 'File', name: problem.path },
      message: `${problem.path} could not be read: its objects are left out`,
      evidence: [problem.message],
      fix: {
        summary: 'Export the objects again as JSON',
        commands: ['kubectl get nodes,pods,events,daemonsets -A -o json > cluster/objects.json'],
      },
    }));
  },
});
