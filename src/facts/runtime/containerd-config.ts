// The containerd config a node's kubelet really gets: which file applies (containerd-paths.ts), its
// `imports` drop-ins merged the way containerd merges them, config versions 1, 2 and 3 (containerd-
// plugins.ts), or the probe's `containerd config dump`; what is wrong with it is recorded as
// observations (containerd-problems.ts). Pure: reads a node's copied files and probe outputs, never
// the disk. `gpuctl install` reads the files it is about to change through the same function.
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
import { pushAll } from '../../bounded.js';
import path from 'node:path';
import type { NodeHost } from '../../collection/collection.js';
import type { TomlTable } from '../toml.js';
import { cleanPath, globPaths, hasGoTemplateActions, isTable, mergeTables, parseToml, stripGoTemplate } from '../toml.js';
import type { ContainerdFlavor, RuntimeHints } from './containerd-paths.js';
import { CONTAINERD_DUMP_COMMAND, CONTAINERD_PATHS, containerdMajorOf, flavorOf } from './containerd-paths.js';
import type { CriView } from './containerd-plugins.js';
import { CRI_IMAGES_V3, CRI_RUNTIME_V3, CRI_V2, criView, migrateToV3, runtimesInTable, strings, toInt } from './containerd-plugins.js';
import type { ConfigProblem, LoadedPlugins } from './containerd-problems.js';
import {
  criTypeProblem,
  defaultRuntimeUndefined,
  dropInNotImported,
  dropInVersionAboveMain,
  dumpFailure,
  importGlobUnmatched,
  importMissing,
  sectionReplaced,
  templateUnparsable,
  topLevelTypeProblem,
  unparsable,
  versionProblems,
} from './containerd-problems.js';
import type { RuntimeEntry } from './runtimes.js';

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

/** Which file to read as containerd's, where the caller knows better than the node's facts. */
export interface ReadOptions {
  flavor?: ContainerdFlavor;
  /** Read this file as the main config (install: the template it is about to edit). */
  mainFile?: string;
}

// ---------------------------------------------------------------------------------------------
// Loading and merging files

interface Loaded extends LoadedPlugins {
  /** Merged top-level `version` (last non-zero). */
  mergedVersion: number;
  problems: ConfigProblem[];
}

function emptyLoaded(): Loaded {
  return { files: [], plugins: {}, pluginSource: new Map(), mergedVersion: 0, disabledPlugins: [], problems: [] };
}

/** Leaf key paths of a table, for saying what a replaced section lost. */
function leafPaths(table: TomlTable, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    const p = prefix ? `${prefix}.${key}` : key;
    if (isTable(value) && Object.keys(value).length) pushAll(out, leafPaths(value, p));
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

function lineOf(text: string, needle: string): number | undefined {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  return index < 0 ? undefined : index + 1;
}

function loadFiles(host: NodeHost, mainFile: string, major: 1 | 2): Loaded {
  const loaded = emptyLoaded();
  const pending = [mainFile];
  const seen = new Set<string>();
  let rootVersion: number | undefined;
  while (pending.length) {
    const file = pending.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = host.files.get(file);
    if (text === undefined) {
      loaded.problems.push(importMissing(file));
      continue;
    }
    const parsed = parseToml(text);
    if (parsed.problem) {
      loaded.problems.push(unparsable(file, parsed.problem));
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
    if (major === 2 && version > (rootVersion || 1) && file !== mainFile) loaded.problems.push(dropInVersionAboveMain(file, version, rootVersion || 1));
    const rawPlugins = isTable(table.plugins) ? table.plugins : {};
    const plugins = major === 2 ? migrateToV3(rawPlugins, version) : rawPlugins;
    loaded.files.push({ file, version, plugins: rawPlugins });
    if (version !== 0) loaded.mergedVersion = version;
    pushAll(loaded.disabledPlugins, strings(table.disabled_plugins));
    for (const [id, section] of Object.entries(plugins)) {
      const before = loaded.plugins[id];
      if (major === 1) {
        if (isTable(before) && isTable(section)) {
          const kept = new Set(leafPaths(section));
          // What an operator misses first: runtimes, registries, the default runtime, the pause image.
          const important = (p: string) => (/runtimes\.|registry\.|default_runtime_name|sandbox_image|SystemdCgroup/.test(p) ? 0 : 1);
          const lost = leafPaths(before).filter((p) => !kept.has(p)).sort((a, b) => important(a) - important(b));
          if (lost.length) loaded.problems.push(sectionReplaced(file, id, loaded.pluginSource.get(id), lost));
        }
        loaded.plugins[id] = section;
      } else {
        loaded.plugins[id] = isTable(before) && isTable(section) ? mergeTables(before, section) : section;
      }
      loaded.pluginSource.set(id, file);
    }
    for (const entry of strings(table.imports)) {
      const { paths, glob } = resolveImport(file, entry, major, host.files.keys());
      if (glob && paths.length === 0) loaded.problems.push(importGlobUnmatched(file, entry, lineOf(text, entry), major));
      pushAll(pending, paths);
    }
  }
  return loaded;
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

/** Runtimes a config file on the node would add, whether or not containerd reads it. */
function runtimesInText(file: string, text: string, template: boolean): RuntimeEntry[] {
  const parsed = parseToml(template ? stripGoTemplate(text) : text);
  return parsed.table ? runtimesInTable(parsed.table, file) : [];
}

const cache = new WeakMap<NodeHost, Map<string, ContainerdConfig | undefined>>();

/**
 * The effective containerd config of a node, or undefined when none of its config files (nor a
 * `containerd config dump`) were collected.
 */
export function readContainerdConfig(host: NodeHost | undefined, hints: RuntimeHints = {}, options: ReadOptions = {}): ContainerdConfig | undefined {
  if (!host) return undefined;
  const key = `${hints.containerRuntimeVersion ?? ''}|${hints.kubeletVersion ?? ''}|${options.flavor ?? ''}|${options.mainFile ?? ''}`;
  let perHost = cache.get(host);
  if (!perHost) cache.set(host, (perHost = new Map()));
  if (!perHost.has(key)) perHost.set(key, computeContainerdConfig(host, hints, options));
  return perHost.get(key);
}

function computeContainerdConfig(host: NodeHost, hints: RuntimeHints, options: ReadOptions): ContainerdConfig | undefined {
  const flavor = options.flavor ?? flavorOf(host, hints);
  const paths = CONTAINERD_PATHS[flavor];
  const notes: string[] = [];
  const templates = paths.templates.filter((t) => host.files.has(t));
  let mainFile = options.mainFile ?? paths.config;
  if (!host.files.has(mainFile) && !options.mainFile && flavor === 'microk8s' && templates.length) {
    // containerd.toml is rendered from the template at start; the template is plain TOML.
    mainFile = templates[0]!;
    notes.push(`${paths.config} not collected; read its template ${mainFile}`);
  }
  const dump = flavor === 'containerd' ? host.commands.get(CONTAINERD_DUMP_COMMAND) : undefined;
  const dumpTable = dump && dump.exitCode === 0 && dump.stdout.trim() ? parseToml(dump.stdout).table : undefined;
  const dumpProblem = dump && dump.exitCode !== 0 ? dumpFailure(`${dump.stderr ?? ''}\n${dump.stdout}`, mainFile) : undefined;
  const hasMain = host.files.has(mainFile);
  if (!hasMain && !dumpTable && !dumpProblem) return undefined;

  const mainText = host.files.get(mainFile);
  const mainParsed = mainText !== undefined ? parseToml(mainText) : undefined;
  const rootVersion = toInt(mainParsed?.table?.version);
  const { major, reason } = assumeMajor(hints, rootVersion, flavor, host, dumpTable ? toInt(dumpTable.version) : undefined);
  const mergeRule: MergeRule = major === 1 ? 'replace-plugin-sections' : 'deep-merge';

  const loaded = hasMain ? loadFiles(host, mainFile, major) : emptyLoaded();
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
  if (hasMain && !problems.some((p) => p.fatal)) pushAll(problems, versionProblems(loaded, major, effectiveVersion, hints));
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
    problems.push(defaultRuntimeUndefined(loaded.pluginSource.get(runtimePlugin) ?? mainFile, runtimePlugin, view.defaultRuntime, view.runtimes));
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
      problems.push(dropInNotImported(file, mainFile, importsOf(host, mainFile), runtimes));
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
    if (parsed?.problem) problems.push(templateUnparsable(template, parsed.problem, templated, flavor, mainFile));
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
