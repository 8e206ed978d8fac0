// The TensorFusion and Bitfusion examples served by the API simulator: the live doctor (namespace-scoped
// and metadata-only lists, logs of troubled pods) finds the same stack problems as the snapshot analysis.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';
import { gpuctl } from '../helpers/cli.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface Finding {
  name: string;
  severity: string;
  subject: { name: string; namespace?: string };
  message: string;
}
const findingsOf = (stdout: string) => (JSON.parse(stdout).findings as Finding[]).filter((f) => f.severity !== 'ok');
const problems = (stdout: string) => findingsOf(stdout).map((f) => `${f.severity} ${f.name} ${f.subject.namespace ?? ''}/${f.subject.name}`).sort();
/** Every message, those from process tables included: the live doctor reads them through exec, as exec-check does. */
const messages = (stdout: string) => findingsOf(stdout).map((f) => f.message).sort();

describe.each([
  ['tensor-fusion-injection', 'tensor-fusion'],
  ['bitfusion', 'bitfusion'],
])('examples/%s live against the simulator', (example, category) => {
  it(`finds the ${category} problems the snapshot shows, listing secrets by name and jobs in tensor-fusion-sys only`, async () => {
    const dir = `examples/${example}`;
    sim = await startSimulator({ collection: await loadSnapshot(dir) });
    const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-stack-'));
    const kubeconfig = await sim.writeKubeconfig(path.join(home, 'kubeconfig'), { context: 'lab' });
    const live = await gpuctl(['doctor', '-o', 'json', '--checks', category, '--node-probe', 'none', '--kubeconfig', kubeconfig], { HOME: home, KUBECONFIG: '' });
    const offline = await gpuctl(['doctor', '--snapshot', dir, '-o', 'json', '--checks', category]);
    expect(live.stderr).toBe('');
    expect(problems(live.stdout)).toEqual(problems(offline.stdout));
    expect(messages(live.stdout)).toEqual(messages(offline.stdout));
    expect(problems(live.stdout).length).toBeGreaterThan(3);
    const secretLists = sim.requests.filter((r) => r.path === '/api/v1/secrets');
    expect(secretLists.map((r) => r.query.fieldSelector)).toEqual(['metadata.name=bitfusion-secret']);
    expect(sim.requests.filter((r) => r.path.includes('/jobs')).map((r) => r.path)).toEqual(['/apis/batch/v1/namespaces/tensor-fusion-sys/jobs']);
  });
});
