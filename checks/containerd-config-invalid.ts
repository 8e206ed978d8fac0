import { defineCheck } from '../src/check.js';
import { hostSaid, rowsOf, saidLine } from '../src/facts/said.js';
import type { Node } from '../src/facts/kube.js';
import type { RuntimeConfig } from '../src/facts/runtime/active-config.js';
import { describeSource } from '../src/facts/runtime/active-config.js';
import { readContainerdConfig } from '../src/facts/runtime/containerd-config.js';
import { kubeletRuntimeOf, runtimeHintsOf } from '../src/facts/runtime/containerd-paths.js';
import type { ConfigProblem, ProblemRule } from '../src/facts/runtime/containerd-problems.js';
import { readCrioConfig } from '../src/facts/runtime/crio-config.js';
import { readDockerConfig } from '../src/facts/runtime/docker-config.js';
import type { Fix, Issue } from '../src/model.js';
import { dropInImportFix, restartCommand } from '../src/remedies/runtime.js';
import type { NodeHost } from '../src/collection/collection.js';

/** How bad each broken rule is: fatal ones stop the runtime; sections it ignores lose settings silently. */
const SEVERITY: Record<ProblemRule, 'error' | 'warning'> = {
  unparsable: 'error',
  'import-missing': 'error',
  'top-level-type': 'error',
  'drop-in-version-above-main': 'warning',
  'section-replaced': 'warning',
  'import-glob-unmatched': 'warning',
  'cri-section-type': 'error',
  'default-runtime-undefined': 'error',
  'dump-failed': 'error',
  'drop-in-not-imported': 'warning',
  'template-unparsable': 'error',
  // A template read with its {{ }} actions removed may render fine: gpuctl cannot be sure.
  'go-template-unparsable': 'warning',
  'v1-plugin-name-in-v2-config': 'error',
  'v1-disabled-plugin-name': 'error',
  'v2-plugin-in-v1-config': 'error',
  'v3-plugin-on-containerd-1': 'error',
  'v3-version-on-containerd-1': 'error',
  'v2-plugin-in-v3-config': 'error',
  'v3-plugin-under-v2-section': 'error',
  'v3-plugin-in-older-version': 'warning',
  'daemon-json-unparsable': 'error',
  'daemon-json-not-object': 'error',
};

/** The severity of a config problem where the node's runtime reads the config. */
export function problemSeverity(problem: ConfigProblem): 'error' | 'warning' {
  return SEVERITY[problem.rule];
}

/** What to do, said in the message itself where the rule leaves one obvious edit. */
const ADVICE: Partial<Record<ProblemRule, string>> = {
  'v3-plugin-under-v2-section': '; set version = 3 and drop the old section',
  'v3-plugin-in-older-version': ': set version = 3',
};

function location(problem: ConfigProblem): string {
  return `${problem.file}${problem.line ? ` line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}` : ''}`;
}

function fixFor(problem: ConfigProblem, config: RuntimeConfig, node: Node | undefined, host: NodeHost): Fix {
  const restart = restartCommand(config, node);
  const show = problem.line ? `sudo sed -n '${Math.max(1, problem.line - 2)},${problem.line + 2}p' ${problem.file}` : `sudo cat ${problem.file}`;
  const verify =
    config.engine === 'docker'
      ? `sudo python3 -m json.tool ${problem.file} >/dev/null`
      : config.engine === 'cri-o'
        ? 'sudo crio config >/dev/null   # CRI-O validates its config and drop-ins'
        : `sudo containerd --config ${config.mainFile} config dump >/dev/null`;
  switch (problem.kind) {
    case 'parse':
    case 'type':
    case 'duplicate-table':
    case 'dump-failed':
      return {
        summary: `Correct ${location(problem)}${problem.kind === 'duplicate-table' ? ' (merge the two tables into one)' : ''}, check it, then restart the runtime`,
        commands: [show, `sudoedit ${problem.file}`, verify, restart],
      };
    case 'plugin-id':
    case 'version': {
      const text = host.files.get(problem.file) ?? '';
      if (problem.setVersion) {
        const declare = /^version\s*=/m.test(text)
          ? `sudo sed -i 's/^version *= *[0-9]*/version = ${problem.setVersion}/' ${problem.file}`
          : `sudo sed -i '1i version = ${problem.setVersion}' ${problem.file}`;
        return {
          summary: `Declare version = ${problem.setVersion} in ${problem.file}, the version its plugin ids belong to${problem.setVersion === 2 && config.engine === 'containerd' && config.containerdMajor === 2 ? ' (containerd 2.x migrates version 2 sections itself; `containerd config migrate` prints the version 3 form)' : ''}, then restart`,
          commands: [declare, verify, restart],
        };
      }
      return config.engine === 'containerd' && config.containerdMajor === 2
        ? {
            summary: 'Keep one form per file: rewrite it in version 3 form (`containerd config migrate` prints the migrated config), then restart',
            commands: [`sudo containerd --config ${config.mainFile} config migrate`, `sudoedit ${problem.file}`, restart],
          }
        : {
            summary: 'containerd 1.x reads version 2 configs: use [plugins."io.containerd.grpc.v1.cri"...] ids (or upgrade to containerd 2.x for version 3), then restart',
            commands: [`sudoedit ${problem.file}`, verify, restart],
          };
    }
    case 'import-missing':
    case 'import-unmatched':
      return {
        summary: 'Point the imports entry at files that exist (an absolute path or glob is safest), or remove it',
        commands: [`grep -n imports ${problem.file}`, `sudoedit ${problem.file}`, verify, restart],
      };
    case 'drop-in-not-imported':
      return config.engine === 'containerd' ? dropInImportFix(config, problem.file, host, node) : { summary: 'Import or remove the drop-in', commands: [restart] };
    case 'section-replaced':
      return {
        summary: 'containerd 1.x replaces a whole plugin section per imported file: keep each plugin\'s settings in one file (or upgrade to containerd 2.x, which merges per key)',
        commands: [`sudo containerd config dump | less   # what containerd really uses`, `sudoedit ${problem.file}`, restart],
      };
    case 'default-runtime-undefined':
      return {
        summary: 'Set default_runtime_name to a runtime defined under containerd.runtimes (usually "runc"), or define that runtime',
        commands: [`sudoedit ${problem.file}`, verify, restart],
      };
  }
}

/** containerd's config loader refusing a file (go-toml v1 and v2 wordings). */
const ROWS = rowsOf('containerd-config-invalid');

export default defineCheck({
  name: 'containerd-config-invalid',
  title: 'Container runtime configs parse and mean what they say',
  needs: ['Node', 'node-probe', 'node-files:driver', 'node-files:containerd-config', 'node-files:registry-mirrors', 'node-files:docker', 'node-files:crio-config', 'node-files:oci-hooks', 'node-files:os-release', 'node-files:unattended-upgrades', 'node-command:containerd-config-dump', 'node-command:journal-containerd'],
  requires: [],
  ok: 'every collected containerd config, drop-in and template parses, and containerd reads all of it',
  explain: {
    detects:
      'A containerd config, drop-in or k3s/RKE2/MicroK8s template that does not parse (file, line and parser message; duplicate tables), plugin ids of another config version (v3 ids on containerd 1.x, v2 ids in a v3 config, v1 names in a v2 config), imports that name missing files or globs that match nothing, drop-ins that nothing imports, drop-ins whose plugin section wipes the base (containerd 1.x), a default runtime that is not defined, and a docker daemon.json that is not JSON.',
    why: 'A config containerd cannot load stops it at the next restart (the node goes NotReady); sections it silently ignores make the nvidia runtime or registry mirrors vanish without any error.',
    fix: 'Correct the file at the given line, or move settings to the plugin ids and files containerd reads; check with `containerd config dump`, then restart the runtime.',
  },
  zh: {
    title: '容器运行时配置可以解析，且含义与写法一致',
    ok: '采集到的每个 containerd 配置、drop-in 和模板都能解析，containerd 会读取其全部内容',
    headline: '容器运行时配置无法解析，或其中部分设置被 containerd 忽略',
    fixSummary: '修正所指文件的对应行（或改用 containerd 会读取的插件 ID 和文件），用 containerd config dump 确认后重启容器运行时',
    explain: {
      detects:
        '无法解析的 containerd 配置、drop-in 或 k3s/RKE2/MicroK8s 模板（给出文件、行号和解析器消息；重复的表）；属于其他配置版本的插件 ID（containerd 1.x 上的 v3 ID、v3 配置中的 v2 ID、v2 配置中的 v1 名称）；指向不存在文件的 imports 或匹配不到任何文件的通配符；没有被任何配置引入的 drop-in；插件段会覆盖主配置的 drop-in（containerd 1.x）；未定义的默认运行时；以及不是合法 JSON 的 docker daemon.json。',
      why: 'containerd 无法加载的配置会让它在下次重启时无法启动（节点变为 NotReady）；被它悄悄忽略的配置段会让 nvidia 运行时或镜像源配置消失，却没有任何报错。',
      fix: '修正所指文件的对应行，或把设置移到 containerd 会读取的插件 ID 和文件中；用 `containerd config dump` 检查，然后重启容器运行时。',
    },
  },
  run(facts) {
    const issues: Issue[] = [];
    let read = 0;
    for (const [name, host] of facts.hosts()) {
      const node = facts.node(name);
      const hints = runtimeHintsOf(node);
      const kubeletRuntime = kubeletRuntimeOf(hints);
      const configs = [readContainerdConfig(host, hints), readDockerConfig(host), readCrioConfig(host)].filter((c): c is RuntimeConfig => !!c);
      read += configs.length;
      for (const config of configs) {
        // A broken daemon.json matters to Kubernetes only where docker is the node's runtime.
        const secondary = config.engine === 'docker' && kubeletRuntime !== 'docker';
        for (const problem of config.problems) {
          issues.push({
            severity: secondary ? 'warning' : problemSeverity(problem),
            subject: { kind: 'Node', name },
            message: `Node ${name}: ${location(problem)}: ${problem.message}${ADVICE[problem.rule] ?? ''}`,
            evidence: [
              `${problem.kind}${problem.fatal ? ' (containerd/dockerd cannot load this config)' : ''} in ${location(problem)}`,
              `runtime config read from ${describeSource(config)}`,
              ...(config.engine !== 'docker' ? config.notes : []),
            ],
            fix: fixFor(problem, config, node, host),
          });
        }
      }
    }
    // containerd's own refusal in its journal (journal-containerd): the config that is running may not be the
    // one copied, or none was copied at all.
    for (const [name] of facts.hosts()) {
      const said = hostSaid(facts, name, ROWS);
      if (!said.length || issues.some((i) => i.subject.name === name && /does not parse|cannot load/.test(i.message + (i.evidence ?? []).join(' ')))) continue;
      const { path, error } = said[0]!.hit.captures;
      issues.push({
        severity: 'error',
        subject: { kind: 'Node', name },
        message: `Node ${name}: containerd cannot load ${path ?? 'its config'}: ${error ?? said[0]!.line}`,
        evidence: [...said.slice(0, 3).map(saidLine), read ? 'the copied config files parse: containerd reads another file or the file changed since' : 'no runtime config file was collected from the node'],
        fix: { summary: `Correct ${path ?? 'the config'} at the line containerd names, then restart containerd`, commands: [`sudo containerd --config ${path ?? '/etc/containerd/config.toml'} config dump >/dev/null   # names the line`, `sudoedit ${path ?? '/etc/containerd/config.toml'}`, 'sudo systemctl restart containerd'] },
      });
    }
    if (!read && !issues.length) return { skip: 'no container runtime config was collected from any node (use --node-probe local|pod, or a snapshot with nodes/NODE/files)' };
    return issues;
  },
});
