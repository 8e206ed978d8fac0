// `needs` is a typed union (src/facts/inputs.ts): a need that names no kind gpuctl lists, no node probe
// command and no other input is a type error, caught by `tsc --noEmit` (npm test type-checks first). Each
// `@ts-expect-error` below fails the type-check if the line it guards ever compiles.
import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/check.js';
import type { Need } from '../../src/facts/inputs.js';
import type { Kind } from '../../src/collection/resources.js';

const base: Omit<Check, 'needs'> = { id: 'GPU998', name: 'typed-needs', category: 'nodes', title: 't', ok: 'ok', explain: { detects: '', why: '', fix: '' }, run: () => [] };

describe('needs are typed', () => {
  it('accept the kinds, node commands and tokens gpuctl collects', () => {
    const good: Check = { ...base, needs: ['Pod', 'ClusterPolicy', 'node-command:lspci', 'local-command:helm-version', 'logs:stack', 'logs:workloads', 'node-files:registry-mirrors'], requires: ['Pod'] };
    expect(good.needs).toHaveLength(7);
  });

  it('reject a wrong kind, a command the probe does not run and an unknown token', () => {
    // @ts-expect-error 'Pods' is not a kind gpuctl lists (the kind is 'Pod')
    const wrongKind: Need = 'Pods';
    // @ts-expect-error the node probe runs no `nvidia-bug-report` command
    const wrongCommand: Need = 'node-command:nvidia-bug-report';
    // @ts-expect-error 'log' is not a token ('node-files' is)
    const wrongToken: Need = 'log';
    // @ts-expect-error logs are read by scope ('logs:stack', 'logs:workloads'): a bare 'logs' is no need
    const bareLogs: Need = 'logs';
    // @ts-expect-error host files are read by set ('node-files:containerd-config'…): a bare 'node-files' is no need
    const bareFiles: Need = 'node-files';
    // @ts-expect-error no log scope 'everything': no pod's logs outside the scopes is fetched live
    const wrongScope: Need = 'logs:everything';
    // @ts-expect-error a check requires kinds only: 'logs:stack' is not one
    const wrongRequire: Kind = 'logs:stack';
    // @ts-expect-error a check's needs changed to a kind that does not exist
    const check: Check = { ...base, needs: ['Node', 'NodeFeature'] };
    expect([wrongKind, wrongCommand, wrongToken, bareLogs, bareFiles, wrongScope, wrongRequire, check.needs]).toHaveLength(8);
  });
});
