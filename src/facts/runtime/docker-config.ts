// docker's /etc/docker/daemon.json: the runtimes it defines and its default runtime, for nodes whose
// kubelet runs on docker (cri-dockerd) and for configs left on a node beside containerd.
import type { NodeHost } from '../../collection/collection.js';
import { isTable } from '../toml.js';
import type { ConfigProblem } from './containerd-problems.js';
import type { RuntimeEntry } from './runtimes.js';

export const DOCKER_DAEMON_JSON = '/etc/docker/daemon.json';

export interface DockerConfig {
  engine: 'docker';
  file: string;
  runtimes: RuntimeEntry[];
  defaultRuntime: string;
  problems: ConfigProblem[];
}

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
    config.problems.push({ kind: 'parse', rule: 'daemon-json-unparsable', fatal: true, file: DOCKER_DAEMON_JSON, ...at, message: `${message}; dockerd refuses to start` });
    return config;
  }
  if (!isTable(json)) {
    config.problems.push({ kind: 'parse', rule: 'daemon-json-not-object', fatal: true, file: DOCKER_DAEMON_JSON, message: 'daemon.json is not a JSON object' });
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
