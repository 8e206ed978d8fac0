// The container runtime config a node's kubelet really gets: which containerd config file applies
// (plain containerd, k3s, RKE2, MicroK8s), its `imports` drop-ins merged the way containerd merges
// them, config versions 1, 2 and 3, and docker's daemon.json. Pure: reads a node's copied files and
// probe outputs, never the disk.
//
// Merge rules, as containerd implements them (1.x verified against `containerd config dump` of
// containerd 1.6 by test/containerd/differential.test.ts; 2.x from its source, unit-tested):
// - Files load breadth-first: the main config, then its imports in order, then theirs; a file
//   already loaded is skipped (cycles are harmless).
// - An import with `*` is a glob (Go filepath.Glob, sorted). containerd 1.x globs a relative
//   pattern against its working directory (`/` under systemd), 2.x against the importing file's
//   directory. A plain relative import is resolved against the importing file's directory.
//   A plain import that does not exist stops containerd; a glob that matches nothing does not.
// - Top-level scalars: a later non-zero value wins (so a drop-in's `version` wins).
// - containerd 1.x: a later file's `[plugins."ID"]` section REPLACES the whole earlier section of
//   the same plugin id (containerd issue #5837). containerd 2.x deep-merges them (PR #9982).
// - Version 1 names plugins by short id (`cri`), 2 by URI (`io.containerd.grpc.v1.cri`); containerd
//   1.x rejects short ids in a version ≥2 config and ignores URIs in a version 1 config. Version 3
//   (containerd 2.x) moves runtimes to `io.containerd.cri.v1.runtime` and registries to
//   `io.containerd.cri.v1.images`; containerd 2.x migrates older files, containerd 1.x does not know
//   those ids. A `runtimes` table replaces the built-in `runc` entry in 1.x.
import type { NodeHost } from '../sources/collection.js';
import type { Node } from './kube.js';
import type { TomlTable } from './toml.js';
import { cleanPath, globPaths, hasGoTemplateActions, isTable, parseToml, stripGoTemplate } from './toml.js';
import path from 'node:path';

export const CONTAINERD_DUMP_COMMAND = 'containerd-config-dump';
export const RUNTIME_BINARIES_COMMAND = 'runtime-binaries';
export const DOCKER_DAEMON_JSON = '/etc/docker/daemon.json';

export type ContainerdFlavor = 'containerd' | 'k3s' | 'rke2' | 'microk8s';

interface FlavorPaths {
  /** The file containerd is started with (`--config`). */
  config: string;
  /** Files the distribution renders `config` from at start; edits belong there. */
  templates: string[];
  /** Drop-in directories tools write to, whether or not `imports` names them. */
  dropInDirs: string[];
}

const ETC_DROP_INS = ['/etc/containerd/conf.d', '/etc/containerd/config.d'];
const rancher = (dist: 'k3s' | 'rke2'): FlavorPaths => {
  const dir = `/var/lib/rancher/${dist}/agent/etc/containerd`;
  return {
    config: `${dir}/config.toml`,
    // k3s/RKE2 with containerd 2.x prefer config-v3.toml.tmpl and fall back to config.toml.tmpl.
    templates: [`${dir}/config-v3.toml.tmpl`, `${dir}/config.toml.tmpl`],
    dropInDirs: [`${dir}/config.toml.d`, `${dir}/config-v3.toml.d`, ...ETC_DROP_INS],
  };
};

export const CONTAINERD_PATHS: Record<ContainerdFlavor, FlavorPaths> = {
  containerd: { config: '/etc/containerd/config.toml', templates: [], dropInDirs: ETC_DROP_INS },
  k3s: rancher('k3s'),
  rke2: rancher('rke2'),
  // MicroK8s renders containerd.toml from containerd-template.toml (substituting ${SNAP}, ${SNAP_DATA}) at start.
  microk8s: {
    config: '/var/snap/microk8s/current/args/containerd.toml',
    templates: ['/var/snap/microk8s/current/args/containerd-template.toml'],
    dropInDirs: ETC_DROP_INS,
  },
};

/** What the Node object says about its runtime: `containerd://1.7.12`, `v1.30.4+k3s1`. */
export interface RuntimeHints {
  containerRuntimeVersion?: string;
  kubeletVersion?: string;
}

export function runtimeHintsOf(node: Node | undefined): RuntimeHints {
  return {
    containerRuntimeVersion: node?.status?.nodeInfo?.containerRuntimeVersion,
    kubeletVersion: node?.status?.nodeInfo?.kubeletVersion,
  };
}

export type ProblemKind =
  | 'parse'
  | 'duplicate-table'
  | 'plugin-id'
  | 'version'
  | 'import-missing'
  | 'import-unmatched'
  | 'drop-in-not-imported'
  | 'section-replaced'
  | 'default-runtime-undefined'
  | 'dump-failed'
  | 'type';

export interface ConfigProblem {
  kind: ProblemKind;
  severity: 'error' | 'warning';
  /** containerd refuses to start (or `config dump` fails) with this problem. */
  fatal: boolean;
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** Declaring this config version in the file fixes it (containerd then reads its sections). */
  setVersion?: number;
}

export interface RuntimeEntry {
  name: string;
  /** containerd runtime_type (`io.containerd.runc.v2`); docker runtimeType. */
  type?: string;
  /** options.BinaryName (legacy: runtime_engine, options.Runtime); docker `path`. */
  binary?: string;
  /** The file (or dump) whose section defined it; `built-in` for containerd's default runc. */
  definedIn: string;
}

/** A config on the node that the runtime does not read, and the runtimes it would have added. */
export interface UnusedConfig {
  file: string;
  why: string;
  runtimes: RuntimeEntry[];
}

export type MergeRule = 'replace-plugin-sections' | 'deep-merge';

export interface ContainerdConfig {
  engine: 'containerd';
  flavor: ContainerdFlavor;
  /** Where the verdict comes from: the probe's `containerd config dump` or the copied files. */
  source: 'dump' | 'files';
  /** The file containerd is started with. */
  mainFile: string;
  /** Files merged, in load order (for a dump: the files its `imports` line lists). */
  files: string[];
  /** Templates present on the node that config is rendered from (k3s, RKE2, MicroK8s). */
  templates: string[];
  /** Config version of the main file as written (1 when absent). */
  version: number;
  /** The containerd major version this reading assumes, and why. */
  containerdMajor: 1 | 2;
  containerdMajorReason: string;
  mergeRule: MergeRule;
  /** The plugin id whose `containerd.runtimes` table containerd reads. */
  runtimePlugin: string;
  runtimes: RuntimeEntry[];
  defaultRuntime: string;
  /** Registry hosts directory (`registry.config_path`); undefined when unset. */
  configPath?: string;
  /** Legacy `registry.mirrors`: host → endpoints. */
  mirrors: Record<string, string[]>;
  problems: ConfigProblem[];
  unused: UnusedConfig[];
  /** Assumptions a person should know about, as evidence lines. */
  notes: string[];
}

export interface DockerConfig {
  engine: 'docker';
  file: string;
  runtimes: RuntimeEntry[];
  defaultRuntime: string;
  problems: ConfigProblem[];
}

export type RuntimeConfig = ContainerdConfig | DockerConfig;

// ---------------------------------------------------------------------------------------------
// Which containerd, which file

/** containerd's major version from `containerd://1.7.12` / `containerd://v2.0.2-k3s2`; undefined for others. */
export function containerdMajorOf(hints: RuntimeHints): 1 | 2 | undefined {
  const m = /^containerd:\/\/v?(\d+)\./.exec(hints.containerRuntimeVersion ?? '');
  if (!m) return undefined;
  return Number(m[1]) >= 2 ? 2 : 1;
}

export function kubeletRuntimeOf(hints: RuntimeHints): 'containerd' | 'docker' | 'cri-o' | undefined {
  const v = hints.containerRuntimeVersion ?? '';
  if (v.startsWith('containerd://')) return 'containerd';
  if (v.startsWith('docker://')) return 'docker';
  if (v.startsWith('cri-o://')) return 'cri-o';
  return undefined;
}

export function flavorOf(host: NodeHost, hints: RuntimeHints = {}): ContainerdFlavor {
  const versions = `${hints.kubeletVersion ?? ''} ${hints.containerRuntimeVersion ?? ''}`;
  if (/k3s/.test(versions)) return 'k3s';
  if (/rke2/.test(versions)) return 'rke2';
  for (const flavor of ['k3s', 'rke2', 'microk8s'] as const) {
    const paths = CONTAINERD_PATHS[flavor];
    if ([paths.config, ...paths.templates].some((f) => host.files.has(f))) return flavor;
  }
  return 'containerd';
}

// ---------------------------------------------------------------------------------------------
// Plugin ids per config version

export const CRI_V2 = 'io.containerd.grpc.v1.cri';
export const CRI_RUNTIME_V3 = 'io.containerd.cri.v1.runtime';
export const CRI_IMAGES_V3 = 'io.containerd.cri.v1.images';

/** containerd 2.x's v1 → v2 plugin renames (cmd/containerd/server/config, v1MigratePluginName). */
const V1_PLUGIN_IDS: Record<string, string> = {
  cri: CRI_V2,
  cgroups: 'io.containerd.monitor.v1.cgroups',
  linux: 'io.containerd.runtime.v1.linux',
  scheduler: 'io.containerd.gc.v1.scheduler',
  bolt: 'io.containerd.metadata.v1.bolt',
  task: 'io.containerd.runtime.v2.task',
  opt: 'io.containerd.internal.v1.opt',
  restart: 'io.containerd.internal.v1.restart',
  tracing: 'io.containerd.internal.v1.tracing',
  otlp: 'io.containerd.tracing.processor.v1.otlp',
  aufs: 'io.containerd.snapshotter.v1.aufs',
  btrfs: 'io.containerd.snapshotter.v1.btrfs',
  devmapper: 'io.containerd.snapshotter.v1.devmapper',
  native: 'io.containerd.snapshotter.v1.native',
  overlayfs: 'io.containerd.snapshotter.v1.overlayfs',
  zfs: 'io.containerd.snapshotter.v1.zfs',
};

function v1PluginUri(id: string): string {
  if (id.includes('.')) return id;
  if (V1_PLUGIN_IDS[id]) return V1_PLUGIN_IDS[id]!;
  if (id.endsWith('-service')) return `io.containerd.service.v1.${id}`;
  return `io.containerd.grpc.v1.${id}`;
}

/** containerd 2.x reads every file as version 3: rename v1 ids, move the CRI plugin's config. */
function migrateToV3(plugins: TomlTable, version: number): TomlTable {
  if (version >= 3) return plugins;
  let out: TomlTable = plugins;
  if (version <= 1) {
    out = {};
    for (const [id, value] of Object.entries(plugins)) out[v1PluginUri(id)] = value;
  }
  const cri = out[CRI_V2];
  if (isTable(cri)) {
    // plugins/cri/runtime: the whole v2 CRI section becomes the runtime plugin's config.
    out = { ...out, [CRI_RUNTIME_V3]: cri };
    // plugins/cri/images: registry settings move to the image plugin.
    if (isTable(cri.registry)) {
      const images = isTable(out[CRI_IMAGES_V3]) ? (out[CRI_IMAGES_V3] as TomlTable) : {};
      out[CRI_IMAGES_V3] = { ...images, registry: cri.registry };
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface LoadedFile {
  file: string;
  version: number;
  plugins: TomlTable;
}

interface Loaded {
  files: LoadedFile[];
  plugins: TomlTable;
  /** plugin id → file that last set it (for replace-plugin-sections). */
  pluginSource: Map<string, string>;
  /** Merged top-level `version` (last non-zero). */
  mergedVersion: number;
  disabledPlugins: string[];
  problems: ConfigProblem[];
}

function deepMerge(to: TomlTable, from: TomlTable): TomlTable {
  const out: TomlTable = { ...to };
  for (const [key, value] of Object.entries(from)) {
    const existing = out[key];
    out[key] = isTable(existing) && isTable(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function toInt(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Leaf key paths of a table, for saying what a replaced section lost. */
function leafPaths(table: TomlTable, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    const p = prefix ? `${prefix}.${key}` : key;
    if (isTable(value) && Object.keys(value).length) out.push(...leafPaths(value, p));
    else out.push(p);
  }
  return out;
}

function resolveImport(parent: string, entry: string, major: 1 | 2, files: Iterable<string>): { paths: string[]; glob: boolean } {
  const glob = entry.includes('*');
  if (glob) {
    // containerd 1.x globs a relative pattern against its working directory: `/` under systemd.
    const pattern = path.posix.isAbsolute(entry)
      ? cleanPath(entry)
      : major === 1
        ? cleanPath('/' + entry)
        : cleanPath(path.posix.join(path.posix.dirname(parent), entry));
    return { paths: globPaths(pattern, files), glob };
  }
  const cleaned = cleanPath(entry);
  return { paths: [path.posix.isAbsolute(cleaned) ? cleaned : path.posix.join(path.posix.dirname(parent), cleaned)], glob };
}

function loadFiles(host: NodeHost, mainFile: string, major: 1 | 2): Loaded {
  const loaded: Loaded = {
    files: [],
    plugins: {},
    pluginSource: new Map(),
    mergedVersion: 0,
    disabledPlugins: [],
    problems: [],
  };
  const pending = [mainFile];
  const seen = new Set<string>();
  let rootVersion: number | undefined;
  while (pending.length) {
    const file = pending.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = host.files.get(file);
    if (text === undefined) {
      loaded.problems.push({
        kind: 'import-missing',
        severity: 'error',
        fatal: true,
        file,
        message: `imported config ${file} does not exist on the node (or was not collected); containerd refuses to start: "failed to load TOML: ${file}: open ${file}: no such file or directory"`,
      });
      continue;
    }
    const parsed = parseToml(text);
    if (parsed.problem) {
      loaded.problems.push({
        kind: parsed.problem.duplicateTable ? 'duplicate-table' : 'parse',
        severity: 'error',
        fatal: true,
        file,
        line: parsed.problem.line,
        column: parsed.problem.column,
        message: parsed.problem.message,
      });
      continue;
    }
    const table = parsed.table;
    const mistyped = topLevelTypeProblem(table, file, text);
    if (mistyped) {
      loaded.problems.push(mistyped);
      continue;
    }
    const version = toInt(table.version);
    rootVersion ??= version;
    if (major === 2 && version > (rootVersion || 1) && file !== mainFile) {
      loaded.problems.push({
        kind: 'version',
        severity: 'warning',
        fatal: false,
        file,
        message: `drop-in declares version = ${version}, higher than the main config's ${rootVersion || 1}: the main config is then not migrated, and recent containerd 2.x releases refuse to load it`,
      });
    }
    const rawPlugins = isTable(table.plugins) ? table.plugins : {};
    const plugins = major === 2 ? migrateToV3(rawPlugins, version) : rawPlugins;
    loaded.files.push({ file, version, plugins: rawPlugins });
    if (version !== 0) loaded.mergedVersion = version;
    loaded.disabledPlugins.push(...strings(table.disabled_plugins));
    for (const [id, section] of Object.entries(plugins)) {
      const before = loaded.plugins[id];
      if (major === 1) {
        if (isTable(before) && isTable(section)) {
          const kept = new Set(leafPaths(section));
          // What an operator misses first: runtimes, registries, the default runtime, the pause image.
          const important = (p: string) => (/runtimes\.|registry\.|default_runtime_name|sandbox_image|SystemdCgroup/.test(p) ? 0 : 1);
          const lost = leafPaths(before).filter((p) => !kept.has(p)).sort((a, b) => important(a) - important(b));
          if (lost.length) {
            loaded.problems.push({
              kind: 'section-replaced',
              severity: 'warning',
              fatal: false,
              file,
              message: `[plugins."${id}"] in ${file} replaces the whole section from ${loaded.pluginSource.get(id)} (containerd 1.x merges imports per plugin section, not per key); lost: ${lost.slice(0, 6).join(', ')}${lost.length > 6 ? ` and ${lost.length - 6} more` : ''}`,
            });
          }
        }
        loaded.plugins[id] = section;
      } else {
        loaded.plugins[id] = isTable(before) && isTable(section) ? deepMerge(before, section) : section;
      }
      loaded.pluginSource.set(id, file);
    }
    for (const entry of strings(table.imports)) {
      const { paths, glob } = resolveImport(file, entry, major, host.files.keys());
      if (glob && paths.length === 0) {
        loaded.problems.push({
          kind: 'import-unmatched',
          severity: 'warning',
          fatal: false,
          file,
          line: lineOf(text, entry),
          message: `imports entry "${entry}" matches no file${major === 1 && !path.posix.isAbsolute(entry) ? ' (containerd 1.x resolves a relative glob against its working directory, /, not the config directory)' : ''}`,
        });
      }
      pending.push(...paths);
    }
  }
  return loaded;
}

/** containerd decodes the top level into typed fields: a value of the wrong type stops it. */
function topLevelTypeProblem(table: TomlTable, file: string, text: string): ConfigProblem | undefined {
  const stringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const fields: [string, (v: unknown) => boolean, string][] = [
    ['version', (v) => typeof v === 'number' || typeof v === 'bigint', 'an integer'],
    ['imports', stringList, 'an array of strings'],
    ['disabled_plugins', stringList, 'an array of strings'],
    ['plugins', isTable, 'a table'],
  ];
  const wrong = fields.find(([key, ok]) => key in table && !ok(table[key]));
  if (!wrong) return undefined;
  const [key, , want] = wrong;
  const index = text.split('\n').findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
  return {
    kind: 'type',
    severity: 'error',
    fatal: true,
    file,
    ...(index >= 0 ? { line: index + 1 } : {}),
    message: `${key} must be ${want}, not ${JSON.stringify(table[key])}: containerd refuses to start ("failed to unmarshal TOML: … Can't convert")`,
  };
}

/** The CRI plugin decodes its section into typed fields: a runtime that is not a table, a non-string runtime_type. */
function criTypeProblem(cri: unknown, plugin: string, file: string): ConfigProblem | undefined {
  const problem = (message: string): ConfigProblem => ({
    kind: 'type',
    severity: 'error',
    fatal: true,
    file,
    message: `${message}: containerd cannot decode [plugins."${plugin}"] ("Can't convert …"), so the CRI plugin does not load`,
  });
  if (cri === undefined) return undefined;
  if (!isTable(cri)) return problem(`plugins."${plugin}" must be a table`);
  if (cri.containerd === undefined) return undefined;
  if (!isTable(cri.containerd)) return problem('containerd must be a table');
  const { runtimes, default_runtime_name: defaultName } = cri.containerd;
  if (defaultName !== undefined && typeof defaultName !== 'string') return problem('containerd.default_runtime_name must be a string');
  if (runtimes === undefined) return undefined;
  if (!isTable(runtimes)) return problem('containerd.runtimes must be a table of runtimes');
  for (const [name, runtime] of Object.entries(runtimes)) {
    if (!isTable(runtime)) return problem(`containerd.runtimes.${name} must be a table`);
    for (const key of ['runtime_type', 'runtime_engine', 'runtime_root', 'runtime_path']) {
      if (runtime[key] !== undefined && typeof runtime[key] !== 'string') return problem(`containerd.runtimes.${name}.${key} must be a string`);
    }
    if (runtime.options !== undefined && !isTable(runtime.options)) return problem(`containerd.runtimes.${name}.options must be a table`);
  }
  return undefined;
}

function lineOf(text: string, needle: string): number | undefined {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  return index < 0 ? undefined : index + 1;
}

function runtimeEntries(runtimes: unknown, definedIn: (name: string) => string): RuntimeEntry[] {
  if (!isTable(runtimes)) return [];
  return Object.entries(runtimes)
    .filter(([, value]) => isTable(value))
    .map(([name, value]) => {
      const r = value as TomlTable;
      const options = isTable(r.options) ? r.options : {};
      const binary = [options.BinaryName, r.runtime_engine, options.Runtime].find((v): v is string => typeof v === 'string' && v !== '');
      return {
        name,
        ...(typeof r.runtime_type === 'string' && r.runtime_type ? { type: r.runtime_type } : {}),
        ...(binary ? { binary } : {}),
        definedIn: definedIn(name),
      };
    });
}

const BUILTIN_RUNC: RuntimeEntry = { name: 'runc', type: 'io.containerd.runc.v2', definedIn: 'built-in' };

interface CriView {
  runtimes: RuntimeEntry[];
  defaultRuntime: string;
  configPath?: string;
  mirrors: Record<string, string[]>;
}

/** Reads runtimes, default runtime and registry settings out of merged plugin tables. */
function criView(
  plugins: TomlTable,
  runtimePlugin: string,
  imagesPlugin: string,
  /** Built-in runc: 1.x drops it when a `runtimes` table exists, 2.x keeps it, a dump already lists it. */
  builtinRunc: 'unless-runtimes-table' | 'always' | 'as-listed',
  definedIn: (name: string) => string,
): CriView {
  const cri = isTable(plugins[runtimePlugin]) ? (plugins[runtimePlugin] as TomlTable) : {};
  const containerd = isTable(cri.containerd) ? cri.containerd : {};
  let runtimes = runtimeEntries(containerd.runtimes, definedIn);
  if (builtinRunc === 'always' || (builtinRunc === 'unless-runtimes-table' && !isTable(containerd.runtimes))) {
    if (!runtimes.some((r) => r.name === 'runc')) runtimes = [BUILTIN_RUNC, ...runtimes];
  }
  let defaultRuntime = typeof containerd.default_runtime_name === 'string' && containerd.default_runtime_name ? containerd.default_runtime_name : 'runc';
  // containerd 1.x: a legacy `default_runtime` section with a type becomes runtime "default".
  const legacy = isTable(containerd.default_runtime) ? containerd.default_runtime : undefined;
  if (legacy && typeof legacy.runtime_type === 'string' && legacy.runtime_type) {
    runtimes = [...runtimes.filter((r) => r.name !== 'default'), ...runtimeEntries({ default: legacy }, definedIn)];
    defaultRuntime = 'default';
  }
  const images = isTable(plugins[imagesPlugin]) ? (plugins[imagesPlugin] as TomlTable) : {};
  const registry = isTable(images.registry) ? images.registry : {};
  const configPath = typeof registry.config_path === 'string' && registry.config_path ? registry.config_path : undefined;
  const mirrors: Record<string, string[]> = {};
  if (isTable(registry.mirrors)) {
    for (const [host, mirror] of Object.entries(registry.mirrors)) {
      if (isTable(mirror)) mirrors[host] = strings(mirror.endpoint);
    }
  }
  return { runtimes, defaultRuntime, ...(configPath ? { configPath } : {}), mirrors };
}

/** containerd's major version: from the Node's runtime version, else guessed from the config. */
function assumeMajor(hints: RuntimeHints, rootVersion: number, flavor: ContainerdFlavor, host: NodeHost, dumpVersion?: number): { major: 1 | 2; reason: string } {
  const known = containerdMajorOf(hints);
  if (known) return { major: known, reason: `node reports ${hints.containerRuntimeVersion}` };
  if (dumpVersion) {
    return dumpVersion >= 3
      ? { major: 2, reason: 'its config dump prints version 3: containerd 2.x' }
      : { major: 1, reason: 'its config dump prints version 2: containerd 1.x' };
  }
  if (rootVersion >= 3) return { major: 2, reason: 'config version 3 is only read by containerd 2.x' };
  const v3Template = CONTAINERD_PATHS[flavor].templates.find((t) => t.includes('config-v3') && host.files.has(t));
  if (v3Template) return { major: 2, reason: `${v3Template} is only used with containerd 2.x` };
  return { major: 1, reason: 'containerd version unknown; assuming 1.x, which writes version 2 configs' };
}

function parseDump(stdout: string): TomlTable | undefined {
  const parsed = parseToml(stdout);
  return parsed.table;
}

/** `containerd: failed to load TOML: /etc/containerd/config.toml: (5, 2): duplicated tables` → a problem. */
export function dumpFailure(stderr: string, fallbackFile: string): ConfigProblem | undefined {
  const m = /failed to (?:load|unmarshal) TOML(?: from)?:? ([^:\s]+):? (?:\((\d+), (\d+)\): )?(.*)/.exec(stderr);
  if (!m) return undefined;
  const rowCol = /row (\d+) column (\d+)/.exec(stderr);
  const line = m[2] ?? rowCol?.[1];
  const column = m[3] ?? rowCol?.[2];
  return {
    kind: 'dump-failed',
    severity: 'error',
    fatal: true,
    file: m[1] ?? fallbackFile,
    ...(line ? { line: Number(line) } : {}),
    ...(column ? { column: Number(column) } : {}),
    message: `containerd config dump: ${m[4]!.trim()}`,
  };
}

/** Runtimes a config file on the node would add, whether or not containerd reads it. */
function runtimesInText(file: string, text: string, template: boolean): RuntimeEntry[] {
  const parsed = parseToml(template ? stripGoTemplate(text) : text);
  if (!parsed.table) return [];
  const plugins = isTable(parsed.table.plugins) ? parsed.table.plugins : {};
  const out: RuntimeEntry[] = [];
  for (const id of [CRI_RUNTIME_V3, CRI_V2, 'cri']) {
    const cri = plugins[id];
    if (isTable(cri) && isTable(cri.containerd)) out.push(...runtimeEntries(cri.containerd.runtimes, () => file));
  }
  return out;
}

const cache = new WeakMap<NodeHost, Map<string, ContainerdConfig | undefined>>();

/**
 * The effective containerd config of a node, or undefined when none of its config files (nor a
 * `containerd config dump`) were collected.
 */
export function readContainerdConfig(host: NodeHost | undefined, hints: RuntimeHints = {}): ContainerdConfig | undefined {
  if (!host) return undefined;
  const key = `${hints.containerRuntimeVersion ?? ''}|${hints.kubeletVersion ?? ''}`;
  let perHost = cache.get(host);
  if (!perHost) cache.set(host, (perHost = new Map()));
  if (!perHost.has(key)) perHost.set(key, computeContainerdConfig(host, hints));
  return perHost.get(key);
}

function computeContainerdConfig(host: NodeHost, hints: RuntimeHints): ContainerdConfig | undefined {
  const flavor = flavorOf(host, hints);
  const paths = CONTAINERD_PATHS[flavor];
  const notes: string[] = [];
  const templates = paths.templates.filter((t) => host.files.has(t));
  let mainFile = paths.config;
  if (!host.files.has(mainFile) && flavor === 'microk8s' && templates.length) {
    // containerd.toml is rendered from the template at start; the template is plain TOML.
    mainFile = templates[0]!;
    notes.push(`${paths.config} not collected; read its template ${mainFile}`);
  }
  const dump = flavor === 'containerd' ? host.commands.get(CONTAINERD_DUMP_COMMAND) : undefined;
  const dumpTable = dump && dump.exitCode === 0 && dump.stdout.trim() ? parseDump(dump.stdout) : undefined;
  const dumpProblem = dump && dump.exitCode !== 0 ? dumpFailure(`${dump.stderr ?? ''}\n${dump.stdout}`, mainFile) : undefined;
  const hasMain = host.files.has(mainFile);
  if (!hasMain && !dumpTable && !dumpProblem) return undefined;

  const mainText = host.files.get(mainFile);
  const mainParsed = mainText !== undefined ? parseToml(mainText) : undefined;
  const rootVersion = toInt(mainParsed?.table?.version);
  const { major, reason } = assumeMajor(hints, rootVersion, flavor, host, dumpTable ? toInt(dumpTable.version) : undefined);
  const mergeRule: MergeRule = major === 1 ? 'replace-plugin-sections' : 'deep-merge';

  const loaded: Loaded = hasMain
    ? loadFiles(host, mainFile, major)
    : { files: [], plugins: {}, pluginSource: new Map(), mergedVersion: 0, disabledPlugins: [], problems: [] };
  const problems = [...loaded.problems];
  const effectiveVersion = loaded.mergedVersion || 1;
  let runtimePlugin: string;
  let imagesPlugin: string;
  if (major === 2) {
    runtimePlugin = CRI_RUNTIME_V3;
    imagesPlugin = CRI_IMAGES_V3;
  } else {
    runtimePlugin = imagesPlugin = effectiveVersion === 1 ? 'cri' : CRI_V2;
  }
  if (hasMain && !problems.some((p) => p.fatal)) problems.push(...versionProblems(loaded, major, effectiveVersion, hints));
  if (hasMain && !problems.some((p) => p.fatal)) {
    const mistyped = criTypeProblem(loaded.plugins[runtimePlugin], runtimePlugin, loaded.pluginSource.get(runtimePlugin) ?? mainFile);
    if (mistyped) problems.push(mistyped);
  }

  const definedIn = (name: string): string => {
    for (let i = loaded.files.length - 1; i >= 0; i--) {
      const f = loaded.files[i]!;
      const plugins = major === 2 ? migrateToV3(f.plugins, f.version) : f.plugins;
      const cri = plugins[runtimePlugin];
      if (isTable(cri) && isTable(cri.containerd) && isTable(cri.containerd.runtimes) && name in cri.containerd.runtimes) return f.file;
    }
    return loaded.pluginSource.get(runtimePlugin) ?? mainFile;
  };

  let view: CriView;
  let source: 'dump' | 'files' = 'files';
  let files = loaded.files.map((f) => f.file);
  if (dumpTable) {
    source = 'dump';
    const dumpVersion = toInt(dumpTable.version);
    const dumpPlugins = isTable(dumpTable.plugins) ? dumpTable.plugins : {};
    const rp = dumpVersion >= 3 ? CRI_RUNTIME_V3 : CRI_V2;
    const ip = dumpVersion >= 3 ? CRI_IMAGES_V3 : CRI_V2;
    runtimePlugin = rp;
    view = criView(dumpPlugins, rp, ip, 'as-listed', () => `${CONTAINERD_DUMP_COMMAND} output`);
    files = strings(dumpTable.imports).map((f) => (path.posix.isAbsolute(f) ? f : path.posix.join('/etc/containerd', f)));
    // The dump is the truth: what our own TOML reading rejected, containerd accepted.
    for (const p of problems.filter((p) => p.fatal)) {
      notes.push(`gpuctl could not read ${p.file} (${p.message}) but containerd config dump succeeded; trusting the dump`);
    }
    problems.splice(0, problems.length, ...problems.filter((p) => !p.fatal));
  } else {
    view = criView(loaded.plugins, runtimePlugin, imagesPlugin, major === 1 ? 'unless-runtimes-table' : 'always', definedIn);
    if (major === 2 && view.runtimes.some((r) => r.definedIn === 'built-in')) {
      notes.push('containerd 2.x keeps its built-in runc runtime next to the configured ones');
    }
    if (dumpProblem) problems.unshift(dumpProblem);
  }
  if (!problems.some((p) => p.fatal) && !view.runtimes.some((r) => r.name === view.defaultRuntime)) {
    problems.push({
      kind: 'default-runtime-undefined',
      severity: 'error',
      fatal: false,
      file: loaded.pluginSource.get(runtimePlugin) ?? mainFile,
      message: `default_runtime_name = "${view.defaultRuntime}" names no runtime in [plugins."${runtimePlugin}".containerd.runtimes] (defined: ${view.runtimes.map((r) => r.name).join(', ') || 'none'}); the CRI plugin fails to load: "no corresponding runtime configured in \`containerd.runtimes\` for \`containerd\` \`default_runtime_name = \\"${view.defaultRuntime}\\""`,
    });
  }

  const unused = unusedConfigs(host, flavor, mainFile, new Set(files), templates, problems);
  if (!containerdMajorOf(hints) && source === 'files' && files.length > 1) {
    notes.push(`${reason}; ${major === 1 ? 'plugin sections of later files replace earlier ones whole' : 'later files are deep-merged'}`);
  }

  return {
    engine: 'containerd',
    flavor,
    source,
    mainFile,
    files,
    templates,
    version: rootVersion || 1,
    containerdMajor: major,
    containerdMajorReason: reason,
    mergeRule,
    runtimePlugin,
    runtimes: view.runtimes,
    defaultRuntime: view.defaultRuntime,
    ...(view.configPath ? { configPath: view.configPath } : {}),
    mirrors: view.mirrors,
    problems,
    unused,
    notes,
  };
}

/**
 * Configs on the node that its containerd does not read: drop-ins nothing imports, another
 * distribution's config, the templates the config is rendered from. Adds their problems.
 */
function unusedConfigs(host: NodeHost, flavor: ContainerdFlavor, mainFile: string, loadedSet: Set<string>, templates: string[], problems: ConfigProblem[]): UnusedConfig[] {
  const paths = CONTAINERD_PATHS[flavor];
  const unused: UnusedConfig[] = [];
  for (const dir of paths.dropInDirs) {
    for (const file of host.files.keys()) {
      if (path.posix.dirname(file) !== dir || !file.endsWith('.toml') || loadedSet.has(file)) continue;
      const runtimes = runtimesInText(file, host.files.get(file)!, false);
      unused.push({ file, why: `not imported by ${mainFile}`, runtimes });
      problems.push({
        kind: 'drop-in-not-imported',
        severity: 'warning',
        fatal: false,
        file,
        message: `drop-in ${file} exists but ${mainFile} does not import it (imports: ${importsOf(host, mainFile) || 'none'}), so containerd ignores it${runtimes.length ? `, and the runtimes it defines (${runtimes.map((r) => r.name).join(', ')})` : ''}`,
      });
    }
  }
  for (const other of Object.keys(CONTAINERD_PATHS) as ContainerdFlavor[]) {
    const file = CONTAINERD_PATHS[other].config;
    if (other === flavor || loadedSet.has(file) || !host.files.has(file)) continue;
    unused.push({ file, why: `this node's ${flavor} containerd reads ${mainFile}`, runtimes: runtimesInText(file, host.files.get(file)!, false) });
  }
  for (const template of templates) {
    if (template === mainFile) continue;
    const text = host.files.get(template)!;
    const templated = hasGoTemplateActions(text);
    // Both branches of an {{ if }}…{{ else }} survive stripping, so duplicates there are no evidence.
    const parsed = templated && /\{\{-?\s*else/.test(text) ? undefined : parseToml(templated ? stripGoTemplate(text) : text);
    if (parsed?.problem) {
      problems.push({
        kind: parsed.problem.duplicateTable ? 'duplicate-table' : 'parse',
        severity: templated ? 'warning' : 'error',
        fatal: false,
        file: template,
        line: parsed.problem.line,
        column: parsed.problem.column,
        message: `${parsed.problem.message}${templated ? ' (read with its {{ }} actions removed)' : ''}; ${flavor} renders ${mainFile} from this template at its next start`,
      });
    }
    unused.push({
      file: template,
      why: `template ${flavor} renders ${mainFile} from when it starts`,
      runtimes: runtimesInText(template, text, hasGoTemplateActions(text)),
    });
  }
  return unused;
}

function importsOf(host: NodeHost, file: string): string {
  const parsed = parseToml(host.files.get(file) ?? '');
  return strings(parsed.table?.imports).join(', ');
}

/** Plugin ids written for another config version than the one containerd reads. */
function versionProblems(loaded: Loaded, major: 1 | 2, effectiveVersion: number, hints: RuntimeHints): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const push = (p: Omit<ConfigProblem, 'severity' | 'fatal'> & Partial<ConfigProblem>) =>
    problems.push({ severity: 'error', fatal: false, ...p });
  if (major === 1) {
    if (effectiveVersion >= 2) {
      for (const id of Object.keys(loaded.plugins)) {
        if (id.split('.').length < 4) {
          push({
            kind: 'plugin-id',
            fatal: true,
            file: loaded.pluginSource.get(id)!,
            message: `[plugins.${id}] is a version 1 plugin name in a version ${effectiveVersion} config; containerd refuses to start: "invalid plugin key URI "${id}" expect io.containerd.x.vx"`,
          });
        }
      }
      for (const id of loaded.disabledPlugins) {
        if (id.split('.').length < 4) {
          push({ kind: 'plugin-id', fatal: true, file: loaded.files[0]!.file, message: `disabled_plugins entry "${id}" is a version 1 name; containerd refuses to start: "invalid disabled plugin URI "${id}" expect io.containerd.x.vx"` });
        }
      }
    } else if (isTable(loaded.plugins[CRI_V2])) {
      push({
        kind: 'plugin-id',
        file: loaded.pluginSource.get(CRI_V2)!,
        message: `[plugins."${CRI_V2}"] in a config without \`version = 2\`: containerd reads version 1 configs by short plugin name ([plugins.cri]) and ignores this section`,
        setVersion: 2,
      });
    }
    for (const id of [CRI_RUNTIME_V3, CRI_IMAGES_V3]) {
      if (!isTable(loaded.plugins[id])) continue;
      push({
        kind: 'plugin-id',
        file: loaded.pluginSource.get(id)!,
        message: `[plugins."${id}"] is a containerd 2.x (config version 3) plugin; containerd ${hints.containerRuntimeVersion?.replace('containerd://', '') ?? '1.x'} does not know it and ignores the section`,
      });
    }
    for (const f of loaded.files.filter((f) => f.version >= 3)) {
      push({
        kind: 'version',
        file: f.file,
        message: `version = ${f.version} needs containerd 2.0 or later; containerd 1.x reads this file as version 2 and ignores its io.containerd.cri.v1.* sections`,
      });
    }
  } else {
    for (const f of loaded.files) {
      const v2cri = f.plugins[CRI_V2];
      const hasV3 = isTable(f.plugins[CRI_RUNTIME_V3]) || isTable(f.plugins[CRI_IMAGES_V3]);
      if (f.version >= 3 && isTable(v2cri) && (isTable(v2cri.containerd) || isTable(v2cri.registry))) {
        push({
          kind: 'plugin-id',
          file: f.file,
          message: `version 3 config with version 2 plugin ids: containerd 2.x reads runtimes from [plugins."${CRI_RUNTIME_V3}".containerd] and registries from [plugins."${CRI_IMAGES_V3}".registry], and ignores [plugins."${CRI_V2}".${isTable(v2cri.containerd) ? 'containerd' : 'registry'}]`,
          ...(hasV3 ? {} : { setVersion: 2 }),
        });
      } else if (f.version < 3 && hasV3) {
        push({
          kind: 'version',
          severity: isTable(v2cri) ? 'error' : 'warning',
          file: f.file,
          message: isTable(v2cri)
            ? `version ${f.version || 1} config with version 3 plugin ids: containerd 2.x migrates [plugins."${CRI_V2}"] over [plugins."${CRI_RUNTIME_V3}"], discarding the latter; set version = 3 and drop the old section`
            : `declares version ${f.version || 1} but uses version 3 plugin ids (io.containerd.cri.v1.*); containerd 1.x would ignore them: set version = 3`,
          ...(isTable(v2cri) ? {} : { setVersion: 3 }),
        });
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Docker

export function readDockerConfig(host: NodeHost | undefined): DockerConfig | undefined {
  const text = host?.files.get(DOCKER_DAEMON_JSON);
  if (text === undefined) return undefined;
  const config: DockerConfig = { engine: 'docker', file: DOCKER_DAEMON_JSON, runtimes: [{ name: 'runc', definedIn: 'built-in' }], defaultRuntime: 'runc', problems: [] };
  let json: unknown;
  try {
    json = text.trim() ? JSON.parse(text) : {};
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const at = position ? lineColumnAt(text, Number(position[1])) : undefined;
    config.problems.push({ kind: 'parse', severity: 'error', fatal: true, file: DOCKER_DAEMON_JSON, ...at, message: `${message}; dockerd refuses to start` });
    return config;
  }
  if (!isTable(json)) {
    config.problems.push({ kind: 'parse', severity: 'error', fatal: true, file: DOCKER_DAEMON_JSON, message: 'daemon.json is not a JSON object' });
    return config;
  }
  if (isTable(json.runtimes)) {
    for (const [name, value] of Object.entries(json.runtimes)) {
      if (!isTable(value)) continue;
      config.runtimes.push({
        name,
        ...(typeof value.runtimeType === 'string' ? { type: value.runtimeType } : {}),
        ...(typeof value.path === 'string' ? { binary: value.path } : {}),
        definedIn: DOCKER_DAEMON_JSON,
      });
    }
  }
  if (typeof json['default-runtime'] === 'string') config.defaultRuntime = json['default-runtime'];
  return config;
}

function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

// ---------------------------------------------------------------------------------------------
// What checks ask

/** The config the node's kubelet runtime reads: docker's for a docker:// node, else containerd's. */
export function activeRuntimeConfig(host: NodeHost | undefined, hints: RuntimeHints = {}): RuntimeConfig | undefined {
  const kubeletRuntime = kubeletRuntimeOf(hints);
  if (kubeletRuntime === 'cri-o') return undefined;
  if (kubeletRuntime === 'docker') return readDockerConfig(host);
  return readContainerdConfig(host, hints) ?? (kubeletRuntime ? undefined : readDockerConfig(host));
}

/** containerd's registry hosts directory (`config_path`) for a node, with the file it came from. */
export function containerdConfigPath(host: NodeHost | undefined, hints: RuntimeHints = {}): { configPath?: string; source: string } | undefined {
  const config = readContainerdConfig(host, hints);
  if (!config) return undefined;
  return { ...(config.configPath ? { configPath: config.configPath } : {}), source: describeSource(config) };
}

const NVIDIA_BINARY = /(^|\/)nvidia-container-runtime([.-](cdi|legacy|experimental))?$/;

/** A runtime that runs containers through the NVIDIA Container Runtime, by name or binary. */
export function isNvidiaRuntime(runtime: RuntimeEntry): boolean {
  return runtime.name === 'nvidia' || NVIDIA_BINARY.test(runtime.binary ?? '');
}

/** One line saying where a config verdict comes from. */
export function describeSource(config: RuntimeConfig): string {
  if (config.engine === 'docker') return config.file;
  if (config.source === 'dump') {
    return `\`containerd config dump\` on the node (loaded: ${config.files.join(', ') || 'no file'})`;
  }
  const merge = config.files.length > 1 ? `; containerd ${config.containerdMajor}.x merge: ${config.mergeRule === 'replace-plugin-sections' ? 'plugin sections replaced whole' : 'deep merge'}` : '';
  return `${config.files.join(' + ') || config.mainFile} (config version ${config.version}${merge})`;
}

export function hasFatalProblem(config: RuntimeConfig): boolean {
  return config.problems.some((p) => p.fatal);
}

/** Evidence lines describing what the node's runtime config says about runtimes. */
export function runtimeConfigEvidence(config: RuntimeConfig): string[] {
  const lines = [`runtime config read from ${describeSource(config)}`];
  lines.push(`runtimes: ${config.runtimes.map((r) => `${r.name}${r.binary ? ` (${r.binary})` : ''}`).join(', ') || 'none'}`);
  lines.push(`default runtime: ${config.defaultRuntime}`);
  if (config.engine === 'containerd') {
    for (const unused of config.unused.filter((u) => u.runtimes.some(isNvidiaRuntime))) {
      lines.push(`${unused.file} defines ${unused.runtimes.filter(isNvidiaRuntime).map((r) => r.name).join(', ')}, but containerd does not read it: ${unused.why}`);
    }
    lines.push(...config.notes);
  }
  return lines;
}

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * Whether a runtime binary exists on the node: a copied file at that path, or the `runtime-binaries`
 * probe (which reports every configured binary that exists; a bare name is looked up on PATH).
 * Undefined when neither fact is there.
 */
export function binaryExists(host: NodeHost, binary: string): boolean | undefined {
  const candidates = binary.startsWith('/') ? [binary] : PATH_DIRS.map((dir) => `${dir}/${binary}`);
  if (candidates.some((c) => host.files.has(c))) return true;
  const probe = host.commands.get(RUNTIME_BINARIES_COMMAND);
  if (!probe) return undefined;
  const listed = new Set(probe.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
  return candidates.some((c) => listed.has(c)) || (!binary.startsWith('/') && [...listed].some((l) => l.endsWith(`/${binary}`)));
}
