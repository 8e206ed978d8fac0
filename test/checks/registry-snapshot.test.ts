// The registry checks end to end: a k3s snapshot read by the real CLI, node files and dirs.txt included.
import { describe, expect, it } from 'vitest';
import { gpuctl } from '../helpers/cli.js';

interface JsonFinding {
  name: string;
  severity: string;
  subject: { kind: string; name: string; namespace?: string };
  message: string;
  evidence: string[];
  fix?: { summary: string; commands: string[] };
}

describe('registry checks on test/fixtures/registry-k3s', () => {
  it('finds the failing pulls, the unloaded k3s mirror and the registry without a mirror', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/registry-k3s', '--checks', 'registry', '-o', 'json']);
    expect(r.exitCode).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => [f.name, f.subject.kind, f.subject.name])).toEqual([
      ['image-pull-failing', 'Image', 'docker.io/greptime/greptimedb:v0.9.5'],
      ['image-pull-failing', 'Image', 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1'],
      ['mirror-not-loaded', 'Node', 'gpu-1'],
      ['no-mirror-for-host', 'Node', 'gpu-2'],
    ]);
    const notLoaded = findings.find((f) => f.name === 'mirror-not-loaded')!;
    expect(notLoaded.severity).toBe('error');
    expect(notLoaded.evidence).toContain('/var/lib/rancher/k3s/agent/etc/containerd/certs.d/docker.io does not exist (dirs.txt)');
    const noMirror = findings.find((f) => f.name === 'no-mirror-for-host')!;
    expect(noMirror.fix!.commands).toContain('sudo systemctl restart k3s-agent');
    expect(noMirror.fix!.commands.some((c) => c.startsWith('skopeo copy --all --preserve-digests docker://nvcr.io/nvidia/k8s/cuda-sample'))).toBe(true);
  });

  it('explains the registry checks', async () => {
    const r = await gpuctl(['explain', 'GPU402']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('mirror-not-loaded');
    expect(r.stdout).toContain('registries.yaml');
  });
});
