// The containerd config model beyond what containerd 1.6 can check (see test/containerd/differential.test.ts):
// containerd 2.x and config version 3 (against the format containerd 2.x documents and writes), k3s,
// RKE2 and MicroK8s files, dumps, docker's daemon.json.
import { describe, expect, it } from 'vitest';
import { problemSeverity } from '../../checks/containerd-config-invalid.js';
import { activeRuntimeConfig, containerdConfigPath, hasFatalProblem } from '../../src/facts/runtime/active-config.js';
import { binaryExists, RUNTIME_BINARIES_COMMAND } from '../../src/facts/runtime/binaries.js';
import { readContainerdConfig } from '../../src/facts/runtime/containerd-config.js';
import { CONTAINERD_DUMP_COMMAND } from '../../src/facts/runtime/containerd-paths.js';
import { dumpFailure, type ConfigProblem } from '../../src/facts/runtime/containerd-problems.js';
import { readDockerConfig } from '../../src/facts/runtime/docker-config.js';
import { isNvidiaRuntime } from '../../src/facts/runtime/runtimes.js';
import { globPaths, parseToml, stripGoTemplate } from '../../src/facts/toml.js';
import { host } from '../helpers/facts.js';

const ETC = '/etc/containerd/config.toml';
const V2 = { containerRuntimeVersion: 'containerd://2.0.5' };
const V1 = { containerRuntimeVersion: 'containerd://1.7.27' };

// As containerd 2.x's `config default` and k3s's v3 template write them.
const V3_BASE = `version = 3
root = '/var/lib/containerd'
imports = ['/etc/containerd/conf.d/*.toml']

[plugins.'io.containerd.cri.v1.images'.registry]
  config_path = '/etc/containerd/certs.d:/etc/docker/certs.d'

[plugins.'io.containerd.cri.v1.runtime'.containerd]
  default_runtime_name = 'runc'

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  SystemdCgroup = true
`;
const V3_NVIDIA_DROPIN = `version = 3
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]
    BinaryName = "/usr/bin/nvidia-container-runtime"
`;
const V2_NVIDIA = `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "nvidia"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]
    BinaryName = "/usr/bin/nvidia-container-runtime"
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
`;

// Facts observe problems; how bad each is, is the check's judgement (containerd-config-invalid).
const judged = (config: { problems: ConfigProblem[] }) => config.problems.map((p) => ({ ...p, severity: problemSeverity(p) }));

const names = (config: { runtimes: { name: string }[] } | undefined) => config?.runtimes.map((r) => r.name).sort();

describe('containerd 2.x, config version 3', () => {
  it('reads runtimes from io.containerd.cri.v1.runtime and config_path from io.containerd.cri.v1.images', () => {
    const config = readContainerdConfig(host({ [ETC]: V3_BASE }), V2)!;
    expect(config).toMatchObject({ version: 3, containerdMajor: 2, runtimePlugin: 'io.containerd.cri.v1.runtime', defaultRuntime: 'runc', configPath: '/etc/containerd/certs.d:/etc/docker/certs.d' });
    expect(names(config)).toEqual(['runc']);
    // Its imports glob matches no copied file: a warning, not an error.
    expect(judged(config).map((p) => [p.kind, p.severity])).toEqual([['import-unmatched', 'warning']]);
  });

  it('deep-merges a drop-in: the nvidia runtime joins runc and the base keeps its registry', () => {
    const config = readContainerdConfig(host({ [ETC]: V3_BASE, '/etc/containerd/conf.d/99-nvidia.toml': V3_NVIDIA_DROPIN }), V2)!;
    expect(config.mergeRule).toBe('deep-merge');
    expect(config.files).toEqual([ETC, '/etc/containerd/conf.d/99-nvidia.toml']);
    expect(names(config)).toEqual(['nvidia', 'runc']);
    expect(config.runtimes.find((r) => r.name === 'nvidia')).toEqual({ name: 'nvidia', type: 'io.containerd.runc.v2', binary: '/usr/bin/nvidia-container-runtime', definedIn: '/etc/containerd/conf.d/99-nvidia.toml' });
    expect(config.configPath).toBe('/etc/containerd/certs.d:/etc/docker/certs.d');
    expect(config.problems.filter((p) => p.kind === 'section-replaced')).toEqual([]);
  });

  it('the same drop-in under containerd 1.x replaces the CRI section and says what was lost', () => {
    const v2Base = V2_NVIDIA.replace('default_runtime_name = "nvidia"', 'default_runtime_name = "runc"').replace(/\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia\][^[]*\[[^\]]*\]\n[^\n]*\n/, '');
    const base = `imports = ["/etc/containerd/conf.d/*.toml"]\n${v2Base}`;
    const dropIn = V3_NVIDIA_DROPIN.replace(/cri\.v1\.runtime/g, 'grpc.v1.cri').replace('version = 3', 'version = 2');
    const config = readContainerdConfig(host({ [ETC]: base, '/etc/containerd/conf.d/99-nvidia.toml': dropIn }), V1)!;
    expect(config.mergeRule).toBe('replace-plugin-sections');
    expect(names(config)).toEqual(['nvidia']);
    expect(config.configPath).toBeUndefined();
    const replaced = judged(config).find((p) => p.kind === 'section-replaced')!;
    expect(replaced).toMatchObject({ severity: 'warning', file: '/etc/containerd/conf.d/99-nvidia.toml' });
    expect(replaced.message).toContain('registry.config_path');
    expect(config.problems.find((p) => p.kind === 'default-runtime-undefined')?.message).toContain('default_runtime_name = "runc"');
  });

  it('migrates a version 2 config: runtimes written under io.containerd.grpc.v1.cri still count', () => {
    const config = readContainerdConfig(host({ [ETC]: V2_NVIDIA }), V2)!;
    expect(config.runtimePlugin).toBe('io.containerd.cri.v1.runtime');
    expect(config.runtimes.some(isNvidiaRuntime)).toBe(true);
    expect(config.defaultRuntime).toBe('nvidia');
    expect(config.configPath).toBe('/etc/containerd/certs.d');
  });

  it('flags a version 3 config with version 2 plugin ids: containerd 2.x ignores the runtimes there', () => {
    const config = readContainerdConfig(host({ [ETC]: V2_NVIDIA.replace('version = 2', 'version = 3') }), V2)!;
    expect(config.runtimes.some(isNvidiaRuntime)).toBe(false);
    const problem = judged(config).find((p) => p.kind === 'plugin-id')!;
    expect(problem).toMatchObject({ severity: 'error', file: ETC });
    expect(problem.message).toContain('version 3 config with version 2 plugin ids');
  });

  it('flags version 3 plugin ids under a version 2 header (v3 read as v2) on both containerd lines', () => {
    const text = V3_BASE.replace('version = 3', 'version = 2') + V3_NVIDIA_DROPIN.replace('version = 3\n', '');
    const on2 = readContainerdConfig(host({ [ETC]: text }), V2)!;
    expect(on2.runtimes.some(isNvidiaRuntime)).toBe(true);
    expect(judged(on2).find((p) => p.kind === 'version')?.severity).toBe('warning');
    const on1 = readContainerdConfig(host({ [ETC]: text }), V1)!;
    expect(on1.runtimes.some(isNvidiaRuntime)).toBe(false);
    expect(on1.problems.find((p) => p.kind === 'plugin-id')?.message).toContain('io.containerd.cri.v1.runtime');
  });

  it('reads a version 3 config on containerd 1.x as version 2: its runtimes are ignored', () => {
    const config = readContainerdConfig(host({ [ETC]: V3_BASE + V3_NVIDIA_DROPIN.replace('version = 3\n', '') }), V1)!;
    expect(names(config)).toEqual(['runc']);
    expect(config.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['plugin-id', 'version']));
  });

  it('assumes containerd 2.x for a version 3 config when the node does not say', () => {
    const config = readContainerdConfig(host({ [ETC]: V3_BASE, '/etc/containerd/conf.d/99-nvidia.toml': V3_NVIDIA_DROPIN }))!;
    expect(config.containerdMajor).toBe(2);
    expect(config.containerdMajorReason).toContain('version 3');
    expect(config.runtimes.some(isNvidiaRuntime)).toBe(true);
  });

  it('resolves a relative glob against the config directory (containerd 2.x) but against / (1.x)', () => {
    const files = { [ETC]: 'version = 2\nimports = ["conf.d/*.toml"]\n', '/etc/containerd/conf.d/nvidia.toml': V2_NVIDIA };
    expect(readContainerdConfig(host(files), V2)!.runtimes.some(isNvidiaRuntime)).toBe(true);
    const on1 = readContainerdConfig(host(files), V1)!;
    expect(on1.runtimes.some(isNvidiaRuntime)).toBe(false);
    expect(on1.problems.find((p) => p.kind === 'import-unmatched')?.message).toContain('working directory');
  });

  it('warns when a drop-in declares a higher version than the main config', () => {
    const config = readContainerdConfig(host({ [ETC]: `version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n`, '/etc/containerd/conf.d/99-nvidia.toml': V3_NVIDIA_DROPIN }), V2)!;
    expect(judged(config).find((p) => p.kind === 'version')).toMatchObject({ severity: 'warning', file: '/etc/containerd/conf.d/99-nvidia.toml' });
  });
});

describe('which file applies', () => {
  const K3S = '/var/lib/rancher/k3s/agent/etc/containerd';
  const k3sV3 = `# File generated by k3s. DO NOT EDIT. Use config-v3.toml.tmpl instead.
version = 3
root = "/var/lib/rancher/k3s/agent/containerd"

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins.'io.containerd.cri.v1.images'.registry]
  config_path = "${K3S}/certs.d"
`;

  it('k3s: its own config.toml, named by the kubelet version, not /etc/containerd/config.toml', () => {
    const files = { [`${K3S}/config.toml`]: k3sV3, [ETC]: V2_NVIDIA };
    const config = readContainerdConfig(host(files), { kubeletVersion: 'v1.31.6+k3s1', containerRuntimeVersion: 'containerd://2.0.2-k3s2' })!;
    expect(config).toMatchObject({ flavor: 'k3s', mainFile: `${K3S}/config.toml`, configPath: `${K3S}/certs.d` });
    expect(config.runtimes.some(isNvidiaRuntime)).toBe(false);
    expect(config.unused).toEqual([expect.objectContaining({ file: ETC, runtimes: [expect.objectContaining({ name: 'nvidia' })] })]);
  });

  it('k3s: reads the runtimes a Go template adds, and flags a template that will not parse', () => {
    const template = `{{ template "base" . }}\n\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.'nvidia']\n  runtime_type = "io.containerd.runc.v2"\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.'nvidia'.options]\n  BinaryName = "{{ .NvidiaPath }}"\n`;
    const config = readContainerdConfig(host({ [`${K3S}/config.toml`]: k3sV3, [`${K3S}/config-v3.toml.tmpl`]: template }))!;
    expect(config.flavor).toBe('k3s');
    expect(config.templates).toEqual([`${K3S}/config-v3.toml.tmpl`]);
    expect(config.containerdMajor).toBe(2);
    expect(config.unused[0]).toMatchObject({ file: `${K3S}/config-v3.toml.tmpl`, runtimes: [expect.objectContaining({ name: 'nvidia' })] });

    const broken = readContainerdConfig(host({ [`${K3S}/config.toml`]: k3sV3, [`${K3S}/config.toml.tmpl`]: '[plugins.x\n' }))!;
    expect(judged(broken)).toEqual([expect.objectContaining({ kind: 'parse', severity: 'error', file: `${K3S}/config.toml.tmpl`, line: 1, fatal: false })]);
  });

  it('RKE2 and MicroK8s by their files; MicroK8s falls back to its template', () => {
    const rke2 = readContainerdConfig(host({ '/var/lib/rancher/rke2/agent/etc/containerd/config.toml': V2_NVIDIA }))!;
    expect(rke2).toMatchObject({ flavor: 'rke2', mainFile: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml' });
    const template = '/var/snap/microk8s/current/args/containerd-template.toml';
    const mk = readContainerdConfig(host({ [template]: V2_NVIDIA.replace('/etc/containerd/certs.d', '${SNAP_DATA}/args/certs.d') }))!;
    expect(mk).toMatchObject({ flavor: 'microk8s', mainFile: template, configPath: '${SNAP_DATA}/args/certs.d' });
  });

  it('reports a drop-in that nothing imports, with the runtimes it would add', () => {
    const config = readContainerdConfig(host({ [ETC]: 'version = 2\n', '/etc/containerd/conf.d/99-nvidia.toml': V2_NVIDIA }), V1)!;
    expect(config.runtimes.some(isNvidiaRuntime)).toBe(false);
    expect(judged(config)).toEqual([expect.objectContaining({ kind: 'drop-in-not-imported', file: '/etc/containerd/conf.d/99-nvidia.toml', severity: 'warning' })]);
    expect(config.unused[0]!.runtimes.map((r) => r.name)).toEqual(['nvidia']);
  });

  it('is undefined when no config file and no dump were collected', () => {
    expect(readContainerdConfig(host({ '/proc/driver/nvidia/version': 'NVRM' }))).toBeUndefined();
    expect(readContainerdConfig(undefined)).toBeUndefined();
  });
});

describe('containerd config dump', () => {
  const dumpV3 = `disabled_plugins = []
imports = ['/etc/containerd/config.toml', '/etc/containerd/conf.d/99-nvidia.toml']
version = 3

[plugins]
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '/etc/containerd/certs.d'
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = 'runc'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]
      runtime_type = 'io.containerd.runc.v2'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia.options]
        BinaryName = '/usr/bin/nvidia-container-runtime'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'
`;

  it('is the truth where it exists: a containerd 2.x dump, with the files it loaded', () => {
    const config = readContainerdConfig(host({ [ETC]: 'this = is not [ toml' }, { [CONTAINERD_DUMP_COMMAND]: dumpV3 }))!;
    expect(config).toMatchObject({ source: 'dump', containerdMajor: 2, defaultRuntime: 'runc', configPath: '/etc/containerd/certs.d' });
    expect(config.files).toEqual([ETC, '/etc/containerd/conf.d/99-nvidia.toml']);
    expect(names(config)).toEqual(['nvidia', 'runc']);
    expect(hasFatalProblem(config)).toBe(false);
    expect(config.notes.join('\n')).toContain('trusting the dump');
  });

  it('turns a failed dump into containerd\'s own error with file and line', () => {
    const stderr = 'containerd: failed to load TOML: /etc/containerd/config.toml: (5, 2): duplicated tables\n';
    expect(dumpFailure(stderr, ETC)).toMatchObject({ kind: 'dump-failed', file: ETC, line: 5, column: 2, message: 'containerd config dump: duplicated tables', fatal: true });
    expect(dumpFailure('containerd: failed to load TOML from /etc/containerd/config.toml: invalid plugin key URI "cri" expect io.containerd.x.vx', ETC)).toMatchObject({ file: ETC, message: expect.stringContaining('invalid plugin key URI') });
    expect(dumpFailure('time="…" level=error msg="Failure unmarshaling TOML" error="…" file=/etc/containerd/config.toml\ncontainerd: failed to unmarshal TOML at row 3 column 7: toml: expected newline', ETC)).toMatchObject({ line: 3, column: 7 });
    expect(dumpFailure('sh: containerd: not found', ETC)).toBeUndefined();
  });

  it('is not used on k3s, whose containerd reads another file', () => {
    const k3s = '/var/lib/rancher/k3s/agent/etc/containerd/config.toml';
    const config = readContainerdConfig(host({ [k3s]: 'version = 2\n' }, { [CONTAINERD_DUMP_COMMAND]: dumpV3 }), { kubeletVersion: 'v1.30.4+k3s1' })!;
    expect(config.source).toBe('files');
    expect(config.runtimes.some(isNvidiaRuntime)).toBe(false);
  });
});

describe('docker daemon.json', () => {
  const daemon = '{\n  "default-runtime": "nvidia",\n  "runtimes": {\n    "nvidia": { "path": "nvidia-container-runtime", "runtimeArgs": [] }\n  }\n}\n';

  it('reads runtimes and the default runtime', () => {
    const config = readDockerConfig(host({ '/etc/docker/daemon.json': daemon }))!;
    expect(config).toMatchObject({ engine: 'docker', defaultRuntime: 'nvidia' });
    expect(config.runtimes).toEqual([
      { name: 'runc', definedIn: 'built-in' },
      { name: 'nvidia', binary: 'nvidia-container-runtime', definedIn: '/etc/docker/daemon.json' },
    ]);
  });

  it('locates a JSON syntax error', () => {
    const config = readDockerConfig(host({ '/etc/docker/daemon.json': '{\n  "runtimes": {\n    "nvidia": { "path": "x" },\n  }\n}\n' }))!;
    expect(config.problems).toEqual([expect.objectContaining({ kind: 'parse', fatal: true, line: 4 })]);
  });

  it('is what a docker:// node runs; a containerd:// node runs containerd', () => {
    const h = host({ '/etc/docker/daemon.json': daemon, [ETC]: 'version = 2\n' });
    expect(activeRuntimeConfig(h, { containerRuntimeVersion: 'docker://24.0.7' })?.engine).toBe('docker');
    expect(activeRuntimeConfig(h, { containerRuntimeVersion: 'containerd://1.7.2' })?.engine).toBe('containerd');
    expect(activeRuntimeConfig(h, { containerRuntimeVersion: 'cri-o://1.29.1' })).toBeUndefined();
  });
});

describe('accessors', () => {
  it('containerdConfigPath gives config_path and where it came from', () => {
    expect(containerdConfigPath(host({ [ETC]: V2_NVIDIA }), V1)).toEqual({ configPath: '/etc/containerd/certs.d', source: `${ETC} (config version 2)` });
    expect(containerdConfigPath(host({ [ETC]: 'version = 2\n' }), V1)).toEqual({ source: `${ETC} (config version 2)` });
    expect(containerdConfigPath(host({}))).toBeUndefined();
  });

  it('binaryExists: copied file, runtime-binaries probe (bare names on PATH), or unknown', () => {
    const probe = { [RUNTIME_BINARIES_COMMAND]: '/usr/bin/runc\n/usr/bin/nvidia-container-runtime\n' };
    expect(binaryExists(host({}, probe), '/usr/bin/nvidia-container-runtime')).toBe(true);
    expect(binaryExists(host({}, probe), 'nvidia-container-runtime')).toBe(true);
    expect(binaryExists(host({}, probe), '/usr/local/nvidia/toolkit/nvidia-container-runtime')).toBe(false);
    expect(binaryExists(host({ '/usr/local/bin/x': '' }), '/usr/local/bin/x')).toBe(true);
    expect(binaryExists(host({}), '/usr/bin/runc')).toBeUndefined();
  });

  it('isNvidiaRuntime: by name or by the binary it runs', () => {
    expect(isNvidiaRuntime({ name: 'nvidia', definedIn: '' })).toBe(true);
    expect(isNvidiaRuntime({ name: 'nvidia-cdi', binary: '/usr/local/nvidia/toolkit/nvidia-container-runtime.cdi', definedIn: '' })).toBe(true);
    expect(isNvidiaRuntime({ name: 'runc', binary: '/usr/bin/runc', definedIn: '' })).toBe(false);
  });
});

describe('TOML helpers', () => {
  it('names a duplicate table with both lines', () => {
    const result = parseToml('[a]\nx = 1\n\n[a]\ny = 2\n');
    expect(result.problem).toEqual({ line: 4, column: 1, message: 'table [a] is defined twice (lines 1 and 4)', duplicateTable: true });
  });
  it('keeps line and column of other errors', () => {
    expect(parseToml('x = 1\ny = nope\n').problem).toMatchObject({ line: 2, column: 5 });
  });
  it('globs like Go: one segment per *, sorted', () => {
    const files = ['/etc/containerd/conf.d/b.toml', '/etc/containerd/conf.d/a.toml', '/etc/containerd/conf.d/sub/c.toml', '/etc/containerd/conf.d/x.conf'];
    expect(globPaths('/etc/containerd/conf.d/*.toml', files)).toEqual(['/etc/containerd/conf.d/a.toml', '/etc/containerd/conf.d/b.toml']);
    expect(globPaths('/etc/containerd/conf.d/[ab].toml', files)).toHaveLength(2);
  });
  it('strips Go template actions', () => {
    expect(stripGoTemplate('{{ template "base" . }}\nx = "{{ .Path }}"\n')).toBe('\nx = "TEMPLATE"\n');
  });
});
