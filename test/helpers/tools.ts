// The programs the suite runs for real, with the Debian package .ci/run installs each from. A run without one
// of them stops in test/global-setup.ts with one line saying what to install, unless
// GPUCTL_TEST_ALLOW_MISSING_TOOLS=1 says to skip the tests that need it knowingly (README, Test).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export const TEST_TOOLS = [
  { tool: 'kubectl', apt: 'kubernetes-client' },
  { tool: 'containerd', apt: 'containerd' },
  { tool: 'strace', apt: 'strace' },
  { tool: 'script', apt: 'bsdutils' },
] as const;

export type TestTool = (typeof TEST_TOOLS)[number]['tool'];

export const ALLOW_MISSING_TOOLS_ENV = 'GPUCTL_TEST_ALLOW_MISSING_TOOLS';

function onPath(tool: string, searchPath: string): boolean {
  return searchPath.split(path.delimiter).some((dir) => {
    if (!dir) return false;
    const file = path.join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** The tools of TEST_TOOLS not found as executables on searchPath (PATH's syntax). */
export function missingTools(searchPath = process.env.PATH ?? ''): (typeof TEST_TOOLS)[number][] {
  return TEST_TOOLS.filter(({ tool }) => !onPath(tool, searchPath));
}

/** The one line a run without them prints; undefined when none is missing. */
export function missingToolsLine(missing: readonly (typeof TEST_TOOLS)[number][]): string | undefined {
  if (!missing.length) return undefined;
  return `gpuctl tests: ${missing.map((m) => m.tool).join(', ')} not on PATH: install with \`apt-get install -y ${missing.map((m) => m.apt).join(' ')}\` (as .ci/run does), or set ${ALLOW_MISSING_TOOLS_ENV}=1 to skip the tests that need ${missing.length > 1 ? 'them' : 'it'}`;
}

export function allowMissingTools(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_MISSING_TOOLS_ENV] === '1';
}

/** A skipIf guard: true only where the tool is missing and the run said that it may be (the opt-in). */
export function skipWithout(tool: TestTool): boolean {
  return allowMissingTools() && missingTools().some((m) => m.tool === tool);
}
