// Flags as kubectl users type them (issue 17): -o forms, -v as verbosity, --dry-run=client, -y, did-you-mean,
// usage errors with the gpuctl: prefix, FORCE_COLOR=0, --demo refusing a cluster's flags.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { normalizeArgv, parseVerbosity } from '../../src/flags.js';
import { collectTarget } from '../../src/commands/collect.js';
import { colourEnabled } from '../../src/report/style.js';
import { emptyCollection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { writeSnapshot } from '../../src/sources/snapshot-writer.js';
import { closest, didYouMean, editDistance } from '../../src/suggest.js';
import { gpuctl } from '../helpers/cli.js';
import { gpuNode, makeSandbox } from '../helpers/sandbox.js';
import { pod } from '../helpers/facts.js';

describe('-o as kubectl takes it', () => {
  it('-o=json, -ojson, -o json and --output=json print the same report', async () => {
    const forms = [['-o=json'], ['-ojson'], ['-o', 'json'], ['--output=json']];
    const runs = await Promise.all(forms.map((f) => gpuctl(['doctor', '--demo', ...f])));
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(1);
    const findings = runs.map((r) => JSON.parse(r.stdout).findings);
    expect(findings[0].length).toBeGreaterThan(5);
    for (const f of findings) expect(f).toEqual(findings[0]);
  });
  it('splits -X=VALUE only before --', () => {
    expect(normalizeArgv(['node', 'gpuctl', 'exec-check', 'p', '-c=main', '-n=ml', '--', 'sh', '-c=x'])).toEqual(['node', 'gpuctl', 'exec-check', 'p', '-c', 'main', '-n', 'ml', '--', 'sh', '-c=x']);
    expect(normalizeArgv(['-o=', '--output=json', '-ojson'])).toEqual(['-o', '', '--output=json', '-ojson']);
  });
});

describe('-v is verbosity, the version is --version and `version`', () => {
  it('-v 6 doctor and --v=6 doctor run the doctor', async () => {
    for (const v of [['-v', '6'], ['--v=6'], ['-v=2'], ['-v6']]) {
      const r = await gpuctl([...v, 'doctor', '--demo', '-o', 'json']);
      expect(r.exitCode, `${v.join(' ')}: ${r.stderr}`).toBe(1);
      expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(5);
    }
  });
  it('-v without a level is a usage error, not the version', async () => {
    const r = await gpuctl(['-v']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gpuctl: error: option '-v, --v <level>' argument missing/);
    expect(() => parseVerbosity('x')).toThrow(/log level from 0 to 10/);
    expect(parseVerbosity('10')).toBe(10);
  });
  it('--version and `version` print the version; version -o json too', async () => {
    expect(await gpuctl(['--version'])).toMatchObject({ exitCode: 0, stdout: version });
    expect(await gpuctl(['version'])).toMatchObject({ exitCode: 0, stdout: version });
    expect(JSON.parse((await gpuctl(['version', '-o', 'json'])).stdout)).toEqual({ gpuctlVersion: version });
  });
});

describe('--dry-run[=client|none] and -y', () => {
  it('doctor --fix --dry-run=client is --dry-run; =none is a real run; =server is refused', async () => {
    const plain = await gpuctl(['doctor', '--demo', '--fix', '--dry-run']);
    const client = await gpuctl(['doctor', '--demo', '--fix', '--dry-run=client']);
    expect(plain.exitCode).toBe(client.exitCode);
    expect(client.stdout).toBe(plain.stdout);
    expect(client.stdout).toContain('--dry-run: nothing was changed.');
    const none = await gpuctl(['doctor', '--demo', '--fix', '--dry-run=none']);
    expect([none.exitCode, none.stderr]).toEqual([2, 'gpuctl: error: --fix changes a live cluster: a snapshot can only be shown with --fix --dry-run']);
    const server = await gpuctl(['doctor', '--demo', '--fix', '--dry-run=server']);
    expect(server.exitCode).toBe(2);
    expect(server.stderr).toMatch(/^gpuctl: error: option '--dry-run \[mode\]' argument 'server' is invalid. Allowed choices are client, none./);
  });
  it('doctor takes -y like install', async () => {
    const r = await gpuctl(['doctor', '--demo', '-y']);
    expect([r.exitCode, r.stderr]).toEqual([2, 'gpuctl: error: --yes goes with --fix']);
  });
  it('install --dry-run=client and --dry-run client plan the same and change nothing; --dry-run=none asks', async () => {
    const sb = await makeSandbox();
    try {
      await sb.setCluster({ nodes: [gpuNode('gpu-1')] });
      const base = ['install', '--cluster', '--host-driver', 'yes', '--host-toolkit', 'yes'];
      const dry = await sb.run([...base, '--dry-run']);
      const client = await sb.run([...base, '--dry-run=client']);
      const spaced = await sb.run([...base, '--dry-run', 'client']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(client.stdout).toBe(dry.stdout);
      expect(spaced.stdout).toBe(dry.stdout);
      expect(dry.stdout).toContain('(dry run)');
      expect(await sb.mutating()).toEqual([]);
      const none = await sb.run([...base, '--dry-run=none']);
      expect(none.stdout).not.toContain('(dry run)');
      expect(await sb.mutating()).toEqual([]); // stdin is not a terminal and no --yes: nothing applied
    } finally {
      await sb.cleanup();
    }
  });
});

describe('collect: -f/--output-directory is the path, -o the format', () => {
  it('resolves the target and refuses ambiguous or missing ones', () => {
    expect(collectTarget({ outputFile: 'b.tar.gz', output: 'json' } as never)).toEqual({ target: 'b.tar.gz', format: 'json' });
    expect(collectTarget({ outputDirectory: 'dump', output: 'yaml' } as never)).toEqual({ target: 'dump', format: 'yaml' });
    expect(collectTarget({ output: 'old.tar.gz' } as never)).toMatchObject({ target: 'old.tar.gz', format: 'json', notice: expect.stringContaining('gpuctl collect -f old.tar.gz') });
    expect(() => collectTarget({ output: 'json' } as never)).toThrow('collect needs where to write the snapshot');
    expect(() => collectTarget({ outputFile: 'a', outputDirectory: 'b', output: 'json' } as never)).toThrow('not both');
    expect(() => collectTarget({ outputFile: 'a', output: 'dir/x' } as never)).toThrow('-o is the format of the objects (json or yaml), not "dir/x"');
  });
  it('usage errors before touching a cluster', async () => {
    const r = await gpuctl(['collect', '-o', 'yaml'], { KUBECONFIG: '/nonexistent' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('gpuctl: error: collect needs where to write the snapshot\n  hint: gpuctl collect -f bundle.tar.gz, or --output-directory DIR');
  });
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  it('-o yaml writes YAML lists that the snapshot reader reads back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-yaml-'));
    dirs.push(dir);
    const c = emptyCollection('test');
    c.objects.push(pod('ml', 'trainer'));
    await writeSnapshot(c, path.join(dir, 'snap'), { format: 'yaml' });
    expect(await readdir(path.join(dir, 'snap/cluster'))).toEqual(['pods.yaml']);
    const back = await loadSnapshot(path.join(dir, 'snap'));
    expect(back.objects.map((o) => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual(['Pod ml/trainer']);
  });
});

describe('did you mean, and an empty selection', () => {
  it('explain validator-faild suggests validator-failed', async () => {
    const r = await gpuctl(['explain', 'validator-faild']);
    expect([r.exitCode, r.stderr]).toEqual([2, 'gpuctl: error: no check named "validator-faild"\n  hint: did you mean validator-failed?']);
  });
  it('--checks with a mistyped category or name suggests the right one', async () => {
    const cat = await gpuctl(['doctor', '--demo', '--checks', 'opertor']);
    expect([cat.exitCode, cat.stderr]).toEqual([2, 'gpuctl: error: unknown check "opertor"\n  hint: did you mean operator?']);
    const name = await gpuctl(['doctor', '--demo', '--skip', 'runtimeclass-mising']);
    expect(name.stderr).toContain('did you mean runtimeclass-missing?');
    const far = await gpuctl(['doctor', '--demo', '--checks', 'zzzzzzzz']);
    expect(far.stderr).toBe('gpuctl: error: unknown check "zzzzzzzz"\n  hint: list the names, ids and categories with `gpuctl checks`');
  });
  it('an unknown subcommand suggests the closest, with the gpuctl: error: prefix', async () => {
    const r = await gpuctl(['doctr']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^gpuctl: error: unknown command 'doctr'\n\(Did you mean doctor\?\)/);
    const opt = await gpuctl(['doctor', '--nope']);
    expect(opt.stderr).toMatch(/^gpuctl: error: unknown option '--nope'/);
  });
  it('--checks operator --skip operator is a usage error, not a green run of 0 checks', async () => {
    const r = await gpuctl(['doctor', '--demo', '--checks', 'operator', '--skip', 'operator']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('gpuctl: error: --checks operator --skip operator selects no check\n  hint: a check both chosen and skipped does not run; drop it from one of the lists');
  });
  it('edit distance counts a transposition once and stays quiet when nothing is close', () => {
    expect(editDistance('validator-faild', 'validator-failed')).toBe(1);
    expect(editDistance('doctro', 'doctor')).toBe(1);
    expect(closest('instal', ['install', 'uninstall', 'doctor'])).toEqual(['install', 'uninstall']);
    expect(didYouMean('qqq', ['install', 'doctor'])).toBeUndefined();
  });
});

describe('colour and --demo', () => {
  it('FORCE_COLOR=0 turns colour off even on a terminal; FORCE_COLOR=1 on a pipe turns it on', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
  });
  it('FORCE_COLOR=0 on the real CLI prints no escape codes where FORCE_COLOR=1 does', async () => {
    const on = await gpuctl(['doctor', '--demo'], { NO_COLOR: '', FORCE_COLOR: '1' });
    const off = await gpuctl(['doctor', '--demo'], { NO_COLOR: '', FORCE_COLOR: '0' });
    expect(on.stdout).toContain('\x1b[');
    expect(off.stdout).not.toContain('\x1b[');
  });
  it('--demo --context=foo is a usage error, not a silently ignored context', async () => {
    const r = await gpuctl(['doctor', '--demo', '--context=foo']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([2, '', 'gpuctl: error: --demo reads the bundled example, no cluster: drop --context']);
    const k = await gpuctl(['doctor', '--demo', '--kubeconfig', '/x', '--all-contexts']);
    expect(k.stderr).toBe('gpuctl: error: --demo reads the bundled example, no cluster: drop --kubeconfig, --all-contexts');
  });
});

describe('the flag table', () => {
  it('docs/flags.md names every flag of every command, and --help ends with the conventions', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile('docs/flags.md', 'utf8');
    const commands = ['', 'doctor', 'exec-check', 'install', 'uninstall', 'playbook', 'collect', 'checks', 'explain', 'completion', 'version'];
    const missing: string[] = [];
    for (const command of commands) {
      const help = (await gpuctl([...(command ? [command] : []), '--help'])).stdout;
      const flags = [...help.matchAll(/^ {2}(?:-[a-zA-Z], )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!);
      expect(flags.length).toBeGreaterThan(0);
      for (const flag of flags) if (!doc.includes(`\`${flag}`) && !doc.includes(`, ${flag}`)) missing.push(`${command || 'gpuctl'} ${flag}`);
    }
    expect(missing).toEqual([]);
    const top = (await gpuctl(['--help'])).stdout;
    expect(top).toContain('Flags as kubectl takes them');
    expect(top).toContain('-o FORMAT, -oFORMAT, -o=FORMAT');
    expect(top).toContain('-v N, --v=N');
    expect(top).toContain('FORCE_COLOR=0');
  });
});
