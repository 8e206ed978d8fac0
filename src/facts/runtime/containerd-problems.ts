// What is wrong with a node's container runtime config, as observations: which of containerd's (or
// dockerd's) rules a file breaks, where, and what the runtime does about it (refuses to start, ignores
// a section, drops settings). Severity and fixes are the checks' (containerd-config-invalid).
import path from 'node:path';
import type { TomlProblem, TomlTable } from '../toml.js';
import { isTable } from '../toml.js';
import type { RuntimeHints } from './containerd-paths.js';
import { CRI_IMAGES_V3, CRI_RUNTIME_V3, CRI_V2 } from './containerd-plugins.js';
import type { RuntimeEntry } from './runtimes.js';

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

/** Which rule of the runtime's a problem is about, finer than its kind: what checks judge by. */
export type ProblemRule =
  | 'unparsable'
  | 'import-missing'
  | 'top-level-type'
  | 'drop-in-version-above-main'
  | 'section-replaced'
  | 'import-glob-unmatched'
  | 'cri-section-type'
  | 'default-runtime-undefined'
  | 'dump-failed'
  | 'drop-in-not-imported'
  | 'template-unparsable'
  | 'go-template-unparsable'
  | 'v1-plugin-name-in-v2-config'
  | 'v1-disabled-plugin-name'
  | 'v2-plugin-in-v1-config'
  | 'v3-plugin-on-containerd-1'
  | 'v3-version-on-containerd-1'
  | 'v2-plugin-in-v3-config'
  | 'v3-plugin-under-v2-section'
  | 'v3-plugin-in-older-version'
  | 'daemon-json-unparsable'
  | 'daemon-json-not-object';

export interface ConfigProblem {
  kind: ProblemKind;
  rule: ProblemRule;
  /** containerd refuses to start (or `config dump` fails) with this problem. */
  fatal: boolean;
  file: string;
  line?: number;
  column?: number;
  /** What is wrong and what the runtime does about it, quoting its own error where there is one. */
  message: string;
  /** Declaring this config version in the file would make containerd read its sections. */
  setVersion?: number;
}

// ---------------------------------------------------------------------------------------------
// Loading files

export function importMissing(file: string): ConfigProblem {
  return {
    kind: 'import-missing',
    rule: 'import-missing',
    fatal: true,
    file,
    message: `imported config ${file} does not exist on the node (or was not collected); containerd refuses to start: "failed to load TOML: ${file}: open ${file}: no such file or directory"`,
  };
}

export function unparsable(file: string, problem: TomlProblem): ConfigProblem {
  return { kind: problem.duplicateTable ? 'duplicate-table' : 'parse', rule: 'unparsable', fatal: true, file, line: problem.line, column: problem.column, message: problem.message };
}

/** containerd decodes the top level into typed fields: a value of the wrong type stops it. */
export function topLevelTypeProblem(table: TomlTable, file: string, text: string): ConfigProblem | undefined {
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
    rule: 'top-level-type',
    fatal: true,
    file,
    ...(index >= 0 ? { line: index + 1 } : {}),
    message: `${key} must be ${want}, not ${JSON.stringify(table[key])}: containerd refuses to start ("failed to unmarshal TOML: … Can't convert")`,
  };
}

export function dropInVersionAboveMain(file: string, version: number, mainVersion: number): ConfigProblem {
  return {
    kind: 'version',
    rule: 'drop-in-version-above-main',
    fatal: false,
    file,
    message: `drop-in declares version = ${version}, higher than the main config's ${mainVersion}: the main config is then not migrated, and recent containerd 2.x releases refuse to load it`,
  };
}

export function sectionReplaced(file: string, pluginId: string, previousFile: string | undefined, lost: string[]): ConfigProblem {
  return {
    kind: 'section-replaced',
    rule: 'section-replaced',
    fatal: false,
    file,
    message: `[plugins."${pluginId}"] in ${file} replaces the whole section from ${previousFile} (containerd 1.x merges imports per plugin section, not per key); lost: ${lost.slice(0, 6).join(', ')}${lost.length > 6 ? ` and ${lost.length - 6} more` : ''}`,
  };
}

export function importGlobUnmatched(file: string, entry: string, line: number | undefined, major: 1 | 2): ConfigProblem {
  return {
    kind: 'import-unmatched',
    rule: 'import-glob-unmatched',
    fatal: false,
    file,
    line,
    message: `imports entry "${entry}" matches no file${major === 1 && !path.posix.isAbsolute(entry) ? ' (containerd 1.x resolves a relative glob against its working directory, /, not the config directory)' : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The merged config

/** The CRI plugin decodes its section into typed fields: a runtime that is not a table, a non-string runtime_type. */
export function criTypeProblem(cri: unknown, plugin: string, file: string): ConfigProblem | undefined {
  const problem = (message: string): ConfigProblem => ({
    kind: 'type',
    rule: 'cri-section-type',
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

export function defaultRuntimeUndefined(file: string, plugin: string, defaultRuntime: string, runtimes: RuntimeEntry[]): ConfigProblem {
  return {
    kind: 'default-runtime-undefined',
    rule: 'default-runtime-undefined',
    fatal: false,
    file,
    message: `default_runtime_name = "${defaultRuntime}" names no runtime in [plugins."${plugin}".containerd.runtimes] (defined: ${runtimes.map((r) => r.name).join(', ') || 'none'}); the CRI plugin fails to load: "no corresponding runtime configured in \`containerd.runtimes\` for \`containerd\` \`default_runtime_name = \\"${defaultRuntime}\\""`,
  };
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
    rule: 'dump-failed',
    fatal: true,
    file: m[1] ?? fallbackFile,
    ...(line ? { line: Number(line) } : {}),
    ...(column ? { column: Number(column) } : {}),
    message: `containerd config dump: ${m[4]!.trim()}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Configs containerd does not read

export function dropInNotImported(file: string, mainFile: string, imports: string, runtimes: RuntimeEntry[]): ConfigProblem {
  return {
    kind: 'drop-in-not-imported',
    rule: 'drop-in-not-imported',
    fatal: false,
    file,
    message: `drop-in ${file} exists but ${mainFile} does not import it (imports: ${imports || 'none'}), so containerd ignores it${runtimes.length ? `, and the runtimes it defines (${runtimes.map((r) => r.name).join(', ')})` : ''}`,
  };
}

/** A template (k3s/RKE2/MicroK8s) the config is rendered from that will not render into TOML. */
export function templateUnparsable(template: string, problem: TomlProblem, templated: boolean, flavor: string, mainFile: string): ConfigProblem {
  return {
    kind: problem.duplicateTable ? 'duplicate-table' : 'parse',
    rule: templated ? 'go-template-unparsable' : 'template-unparsable',
    fatal: false,
    file: template,
    line: problem.line,
    column: problem.column,
    message: `${problem.message}${templated ? ' (read with its {{ }} actions removed)' : ''}; ${flavor} renders ${mainFile} from this template at its next start`,
  };
}

// ---------------------------------------------------------------------------------------------
// Plugin ids of another config version

export interface LoadedPlugins {
  files: { file: string; version: number; plugins: TomlTable }[];
  /** Merged plugin tables. */
  plugins: TomlTable;
  /** plugin id → file that last set it. */
  pluginSource: Map<string, string>;
  disabledPlugins: string[];
}

/** Plugin ids written for another config version than the one containerd reads. */
export function versionProblems(loaded: LoadedPlugins, major: 1 | 2, effectiveVersion: number, hints: RuntimeHints): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const push = (p: Omit<ConfigProblem, 'fatal'> & Partial<ConfigProblem>) => problems.push({ fatal: false, ...p });
  if (major === 1) {
    if (effectiveVersion >= 2) {
      for (const id of Object.keys(loaded.plugins)) {
        if (id.split('.').length < 4) {
          push({
            kind: 'plugin-id',
            rule: 'v1-plugin-name-in-v2-config',
            fatal: true,
            file: loaded.pluginSource.get(id)!,
            message: `[plugins.${id}] is a version 1 plugin name in a version ${effectiveVersion} config; containerd refuses to start: "invalid plugin key URI "${id}" expect io.containerd.x.vx"`,
          });
        }
      }
      for (const id of loaded.disabledPlugins) {
        if (id.split('.').length < 4) {
          push({
            kind: 'plugin-id',
            rule: 'v1-disabled-plugin-name',
            fatal: true,
            file: loaded.files[0]!.file,
            message: `disabled_plugins entry "${id}" is a version 1 name; containerd refuses to start: "invalid disabled plugin URI "${id}" expect io.containerd.x.vx"`,
          });
        }
      }
    } else if (isTable(loaded.plugins[CRI_V2])) {
      push({
        kind: 'plugin-id',
        rule: 'v2-plugin-in-v1-config',
        file: loaded.pluginSource.get(CRI_V2)!,
        message: `[plugins."${CRI_V2}"] in a config without \`version = 2\`: containerd reads version 1 configs by short plugin name ([plugins.cri]) and ignores this section`,
        setVersion: 2,
      });
    }
    for (const id of [CRI_RUNTIME_V3, CRI_IMAGES_V3]) {
      if (!isTable(loaded.plugins[id])) continue;
      push({
        kind: 'plugin-id',
        rule: 'v3-plugin-on-containerd-1',
        file: loaded.pluginSource.get(id)!,
        message: `[plugins."${id}"] is a containerd 2.x (config version 3) plugin; containerd ${hints.containerRuntimeVersion?.replace('containerd://', '') ?? '1.x'} does not know it and ignores the section`,
      });
    }
    for (const f of loaded.files.filter((f) => f.version >= 3)) {
      push({
        kind: 'version',
        rule: 'v3-version-on-containerd-1',
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
          rule: 'v2-plugin-in-v3-config',
          file: f.file,
          message: `version 3 config with version 2 plugin ids: containerd 2.x reads runtimes from [plugins."${CRI_RUNTIME_V3}".containerd] and registries from [plugins."${CRI_IMAGES_V3}".registry], and ignores [plugins."${CRI_V2}".${isTable(v2cri.containerd) ? 'containerd' : 'registry'}]`,
          ...(hasV3 ? {} : { setVersion: 2 }),
        });
      } else if (f.version < 3 && hasV3) {
        push(
          isTable(v2cri)
            ? {
                kind: 'version',
                rule: 'v3-plugin-under-v2-section',
                file: f.file,
                message: `version ${f.version || 1} config with version 3 plugin ids: containerd 2.x migrates [plugins."${CRI_V2}"] over [plugins."${CRI_RUNTIME_V3}"], discarding the latter`,
              }
            : {
                kind: 'version',
                rule: 'v3-plugin-in-older-version',
                file: f.file,
                message: `declares version ${f.version || 1} but uses version 3 plugin ids (io.containerd.cri.v1.*); containerd 1.x would ignore them`,
                setVersion: 3,
              },
        );
      }
    }
  }
  return problems;
}
