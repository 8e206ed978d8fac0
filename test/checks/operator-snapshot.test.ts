// The operator checks end to end: the y-k8s seed as a snapshot, through the built CLI.
import { describe, expect, it } from 'vitest';
import { gpuctl } from '../helpers/cli.js';

interface JsonFinding {
  name: string;
  severity: string;
  subject: { kind: string; name: string; namespace?: string };
  message: string;
  evidence: string[];
  fix?: { commands: string[] };
}

describe('operator checks on the y-k8s seed snapshot', () => {
  it('names the leftover cuda-vectoradd pod as the cause of the failing device plugin validation', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/operator-seed', '--checks', 'operator', '-o', 'json']);
    expect(r.exitCode).toBe(1);
    const findings: JsonFinding[] = JSON.parse(r.stdout).findings;
    const bad = findings.filter((f) => f.severity !== 'ok').map((f) => `${f.name} ${f.subject.name}`).sort();
    expect(bad).toEqual([
      'clusterpolicy-not-ready cluster-policy',
      'gpu-held-by-finished-pod cuda-vectoradd',
      'unexpected-admission-error nvidia-device-plugin-validator-9sxwv',
      'validator-failed nvidia-device-plugin-validator-9sxwv',
      'validator-failed nvidia-operator-validator-rbmwr',
    ]);
    const held = findings.find((f) => f.name === 'gpu-held-by-finished-pod')!;
    expect(held.fix!.commands).toContain('kubectl delete pod -n default cuda-vectoradd');
    const stuck = findings.find((f) => f.subject.name === 'nvidia-operator-validator-rbmwr')!;
    expect(stuck.evidence).toContain(
      'log plugin-validation: time="2023-06-02T01:11:30Z" level=info msg="plugin validation pod nvidia-device-plugin-validator-9sxwv is in Failed phase, retrying"',
    );
    // a device plugin restarted once by the node reboot is not unhealthy
    expect(findings.find((f) => f.name === 'operand-unhealthy')).toMatchObject({ severity: 'ok' });
  });
});
