// The runtime checks end to end: a snapshot with node files and events, through the real CLI.
import { describe, expect, it } from 'vitest';
import { gpuctl } from './helpers/cli.js';

interface Finding {
  name: string;
  severity: string;
  subject: { kind: string; name: string };
  message: string;
  evidence: string[];
  fix?: { commands: string[] };
}

describe('runtime checks on a snapshot', () => {
  it('reads the node configs and events of test/fixtures/runtime-snapshot', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/runtime-snapshot', '--checks', 'runtime', '-o', 'json']);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Finding[]; skipped: { name: string; reason: string }[] };
    const by = (name: string) => out.findings.filter((f) => f.name === name && f.severity !== 'ok');

    // gpu-1: kubeadm containerd whose 99-nvidia.toml drop-in is not imported; its pods fail.
    const [missing, ...others] = by('nvidia-runtime-missing');
    expect(others).toEqual([]); // edge-1 (k3s) has the runtime in its own config.toml
    expect(missing).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(missing!.evidence).toContain('runtime config read from /etc/containerd/config.toml (config version 2)');
    expect(missing!.evidence[0]).toContain('no runtime for "nvidia" is configured');

    expect(by('runtimeclass-missing')).toMatchObject([{ subject: { kind: 'RuntimeClass', name: 'nvidia' } }]);
    expect(by('containerd-config-invalid')).toMatchObject([{ severity: 'warning', subject: { name: 'gpu-1' } }]);
    // edge-1 has no runtime-binaries probe output: the check says so instead of passing.
    expect(out.skipped.find((s) => s.name === 'runtime-binary-missing')?.reason).toContain('edge-1');
  });
});
