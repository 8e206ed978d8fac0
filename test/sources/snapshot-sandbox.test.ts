// A snapshot is a sandbox: links out of it are not followed, FIFOs, sockets and devices are not opened, every
// kind of file has a size limit, and so has an archive; each refusal is a problem naming the file and why, and
// the rest of the snapshot is read. The links and FIFOs are made here, in a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { ARCHIVE_LIMITS, loadSnapshot } from '../../src/sources/snapshot.js';
import { FILE_LIMITS } from '../../src/sources/snapshot-files.js';
import { gpuctl } from '../helpers/cli.js';

/** What must never reach a Collection: the content of a file outside the snapshot. */
const OUTSIDE = 'root:$6$outside-the-snapshot:19000:0:99999:7:::';
let dir: string;
let snap: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-sandbox-'));
  snap = path.join(dir, 'snap');
  outside = path.join(dir, 'outside');
  await mkdir(path.join(outside, 'etc'), { recursive: true });
  await writeFile(path.join(outside, 'shadow'), `${OUTSIDE}\nbin:*:19000:0:99999:7:::\n`);
  await writeFile(path.join(outside, 'etc', 'shadow'), `${OUTSIDE}\n`);
  await writeFile(path.join(outside, 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: OUTSIDE } }));
  await writeFile(path.join(outside, 'nvidia-smi.txt'), OUTSIDE);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const put = async (rel: string, content: string | Buffer = '') => {
  await mkdir(path.dirname(path.join(snap, rel)), { recursive: true });
  await writeFile(path.join(snap, rel), content);
};
const link = async (rel: string, target: string) => {
  await mkdir(path.dirname(path.join(snap, rel)), { recursive: true });
  await symlink(target, path.join(snap, rel));
};
const fifo = async (rel: string) => {
  await mkdir(path.dirname(path.join(snap, rel)), { recursive: true });
  execFileSync('mkfifo', [path.join(snap, rel)]);
};
const node = JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'gpu-1' } });
const leaks = (c: Collection) =>
  JSON.stringify({ ...c, logs: [...c.logs], nodes: [...c.nodes].map(([n, h]) => [n, [...h.files], [...h.commands], [...h.dirs]]), processes: [...c.processes] }).includes('outside-the-snapshot');
const problemsOf = (c: Collection) => Object.fromEntries(c.problems.map((p) => [p.path, p.message]));

describe('a snapshot is a sandbox', () => {
  it('follows no link: symlinked cluster/, files/, commands/, meta.json, queries.json, logs, files', async () => {
    await put('cluster/nodes.json', node);
    await link('cluster/more', outside);
    await link('cluster/linked.json', path.join(outside, 'objects.json'));
    await link('nodes/gpu-1/files', path.join(outside, 'etc'));
    await link('nodes/gpu-2/commands', outside);
    await put('nodes/gpu-3/files/etc/os-release', 'ID=ubuntu\n');
    await link('nodes/gpu-3/files/etc/shadow', path.join(outside, 'shadow'));
    await link('nodes/gpu-3/dirs.txt', path.join(outside, 'shadow'));
    await link('meta.json', path.join(outside, 'shadow'));
    await link('prometheus/queries.json', path.join(outside, 'shadow'));
    await link('logs/ml/p/c.log', path.join(outside, 'shadow'));
    await link('pods', outside);
    const c = await loadSnapshot(snap);
    expect(leaks(c)).toBe(false);
    expect(c.objects.map((o) => o.metadata.name)).toEqual(['gpu-1']);
    expect(c.nodes.get('gpu-3')!.files.get('/etc/os-release')).toBe('ID=ubuntu\n');
    const link_ = 'a symbolic link, not followed (a snapshot is read without leaving it)';
    expect(problemsOf(c)).toEqual({
      'cluster/more': link_,
      'cluster/linked.json': link_,
      'nodes/gpu-1/files': link_,
      'nodes/gpu-2/commands': link_,
      'nodes/gpu-3/files/etc/shadow': link_,
      'nodes/gpu-3/dirs.txt': link_,
      'meta.json': link_,
      'prometheus/queries.json': link_,
      'logs/ml/p/c.log': link_,
      pods: link_,
    });
  });

  it('must-gather: a symlinked gpu_nodes.labels is not read as node names; nor a linked operand file', async () => {
    await put('must-gather.log', 'Using ARTIFACT_DIR=/tmp/x\n');
    await put('cluster_policy.missing');
    await link('gpu_nodes.labels', path.join(outside, 'shadow'));
    await link('gpu_operand_pods.yaml', path.join(outside, 'objects.json'));
    await link('gpu_operand_pod_x.log', path.join(outside, 'shadow'));
    const c = await loadSnapshot(snap);
    expect(c.origin).toMatch(/^GPU Operator must-gather/);
    expect(leaks(c)).toBe(false);
    expect(c.objects).toEqual([]);
    expect(Object.keys(problemsOf(c)).sort()).toEqual(['gpu_nodes.labels', 'gpu_operand_pod_x.log', 'gpu_operand_pods.yaml']);
  });

  it('cluster-info dump: linked namespace folders and files are not read', async () => {
    await put('nodes.json', JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: [] }));
    await put('default/pods.json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [] }));
    await link('default/events.json', path.join(outside, 'objects.json'));
    await link('kube-system', outside);
    const c = await loadSnapshot(snap);
    expect(c.origin).toMatch(/^cluster-info dump/);
    expect(leaks(c)).toBe(false);
    expect(Object.keys(problemsOf(c)).sort()).toEqual(['default/events.json', 'kube-system']);
  });

  it('never opens a FIFO: meta.json, dirs.txt, commands, cluster files, logs, process tables, must-gather files', async () => {
    await put('cluster/nodes.json', node);
    for (const rel of ['meta.json', 'nodes/gpu-1/dirs.txt', 'nodes/gpu-1/commands/nvidia-smi.txt', 'nodes/gpu-1/commands/lsmod.exit', 'nodes/gpu-1/files/etc/os-release', 'cluster/fifo.json', 'logs/ml/p/c.log', 'pods/ml/p/c/processes.json', 'pods/ml/p/c/ld.so.preload']) {
      await fifo(rel);
    }
    await put('nodes/gpu-1/commands/lsmod.txt', 'nvidia 1 0\n');
    await put('nodes/gpu-1/commands/uname.txt', '6.8.0\n');
    const c = await loadSnapshot(snap);
    expect(c.objects).toHaveLength(1);
    // A command whose file could not be read is unknown, not an empty output; the others are read.
    expect([...c.nodes.get('gpu-1')!.commands.keys()]).toEqual(['uname']);
    expect(c.problems.map((p) => `${p.path}: ${p.message}`).sort()).toEqual(
      ['cluster/fifo.json', 'logs/ml/p/c.log', 'meta.json', 'nodes/gpu-1/commands/lsmod.exit', 'nodes/gpu-1/commands/nvidia-smi.txt', 'nodes/gpu-1/dirs.txt', 'nodes/gpu-1/files/etc/os-release', 'pods/ml/p/c/ld.so.preload', 'pods/ml/p/c/processes.json']
        .map((p) => `${p}: a FIFO, not opened`)
        .sort(),
    );
    await rm(snap, { recursive: true });
    await put('must-gather.log', 'x\n');
    await put('cluster_policy.missing');
    await fifo('gpu_nodes.labels');
    await fifo('gpu_operand_pods.yaml');
    await fifo('nvidia-bug-report_gpu-1.log.gz');
    const mg = await loadSnapshot(snap);
    expect(mg.problems.map((p) => p.message)).toEqual(['a FIFO, not opened', 'a FIFO, not opened', 'a FIFO, not opened']);
  }, 20_000);

  it('caps every kind of file by size, refused without being read (sparse files of the size)', async () => {
    await put('cluster/nodes.json', node);
    const big = async (rel: string, bytes: number) => {
      await put(rel);
      await truncate(path.join(snap, rel), bytes);
    };
    await big('cluster/huge.json', FILE_LIMITS.objectFileBytes + 1);
    await big('nodes/gpu-1/files/etc/ld.so.preload', 2 * 1024 ** 3);
    await big('nodes/gpu-1/commands/nvidia-smi.txt', FILE_LIMITS.commandFileBytes + 1);
    await big('meta.json', FILE_LIMITS.smallFileBytes + 1);
    await big('pods/ml/p/c/processes.json', FILE_LIMITS.processTableBytes + 1);
    // A log is read from its end: a 600 MB log is its last 512 KB.
    await put('logs/ml/p/c.log');
    await truncate(path.join(snap, 'logs/ml/p/c.log'), 600 * 1024 ** 2);
    await writeFile(path.join(snap, 'logs/ml/p/c.log'), '\nstarting\nCUDA error: the last line\n', { flag: 'a' });
    const started = Date.now();
    const c = await loadSnapshot(snap);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(c.logs.get('ml/p/c')!.endsWith('CUDA error: the last line\n')).toBe(true);
    expect(c.logs.get('ml/p/c')!.length).toBeLessThanOrEqual(FILE_LIMITS.logTailBytes);
    expect(problemsOf(c)).toEqual({
      'cluster/huge.json': '501 MB object file is over the 500 MB limit; not read',
      'nodes/gpu-1/files/etc/ld.so.preload': '2048 MB host file is over the 8 MB limit; not read',
      'nodes/gpu-1/commands/nvidia-smi.txt': '9 MB command output is over the 8 MB limit; not read',
      'meta.json': '2 MB is over the 1 MB limit; not read',
      'pods/ml/p/c/processes.json': '65 MB process table is over the 64 MB limit; not read',
    });
  }, 20_000);

  it('must-gather: a gzip bomb of a bug report is refused at its unpacked limit, a huge log read from its end', async () => {
    await put('must-gather.log', 'x\n');
    await put('cluster_policy.missing');
    await put('gpu_nodes.labels', 'gpu-1\n- nvidia.com/gpu.present=true\n');
    await put('nvidia-bug-report_gpu-1.log.gz', gzipSync(Buffer.alloc(FILE_LIMITS.gzipMemberBytes + 1024, 'a'), { level: 1 }));
    await put('gpu_operand_pod_nvidia-driver-daemonset-x.log');
    await truncate(path.join(snap, 'gpu_operand_pod_nvidia-driver-daemonset-x.log'), 600 * 1024 ** 2);
    await writeFile(path.join(snap, 'gpu_operand_pod_nvidia-driver-daemonset-x.log'), '\n[pod/nvidia-driver-daemonset-x/nvidia-driver-ctr] last line\n', { flag: 'a' });
    const c = await loadSnapshot(snap);
    expect(c.objects.map((o) => o.metadata.name)).toEqual(['gpu-1']);
    expect(problemsOf(c)).toEqual({ 'nvidia-bug-report_gpu-1.log.gz': 'unpacks to more than the 128 MB limit; not read' });
    expect(c.logs.get('gpu-operator/nvidia-driver-daemonset-x/nvidia-driver-ctr')).toBe('last line\n');
  }, 30_000);

  it('reports a file name that is not UTF-8 by its bytes and reads the rest', async () => {
    await put('cluster/nodes.json', node);
    await writeFile(Buffer.concat([Buffer.from(path.join(snap, 'cluster') + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.json')]), node);
    const c = await loadSnapshot(snap);
    expect(c.objects).toHaveLength(1);
    expect(c.problems).toEqual([{ path: 'cluster/bad-??.json', message: 'the file name is not valid UTF-8 (bytes 62 61 64 2d ff fe 2e 6a 73 6f 6e); not read' }]);
  });

  it('archives: links are not unpacked, and the unpacked total is capped', async () => {
    await put('cluster/nodes.json', node);
    await link('cluster/linked.json', path.join(outside, 'objects.json'));
    const archive = path.join(dir, 'snap.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', dir, 'snap']);
    const c = await loadSnapshot(archive);
    expect(leaks(c)).toBe(false);
    expect(c.problems).toEqual([{ path: 'snap.tar.gz:snap/cluster/linked.json', message: 'a symbolic link in the archive, not unpacked' }]);
    const saved = ARCHIVE_LIMITS.bytes;
    try {
      ARCHIVE_LIMITS.bytes = 1024 * 1024;
      await put('cluster/zz-big.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(2 * 1024 * 1024) } }));
      execFileSync('tar', ['czf', archive, '-C', dir, 'snap/cluster/nodes.json', 'snap/cluster/zz-big.json']);
      const capped = await loadSnapshot(archive);
      expect(capped.problems).toContainEqual({ path: 'snap.tar.gz', message: 'the archive unpacks to more than 0.0009765625 GB; what came after was not read' });
      expect(capped.objects.map((o) => o.metadata.name)).toEqual(['gpu-1']);
    } finally {
      ARCHIVE_LIMITS.bytes = saved;
    }
  });

  it('the doctor names each refusal in a snapshot-file-unreadable finding and analyses the rest', async () => {
    await put('cluster/nodes.json', node);
    await link('meta.json', path.join(outside, 'shadow'));
    await fifo('nodes/gpu-1/commands/nvidia-smi.txt');
    const r = await gpuctl(['doctor', '--snapshot', snap, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('outside-the-snapshot');
    const unreadable = JSON.parse(r.stdout).findings.filter((f: { name: string; severity: string }) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok');
    expect(unreadable.map((f: { subject: { name: string }; evidence: string[] }) => [f.subject.name, f.evidence[0]])).toEqual([
      ['meta.json', 'a symbolic link, not followed (a snapshot is read without leaving it)'],
      ['nodes/gpu-1/commands/nvidia-smi.txt', 'a FIFO, not opened'],
    ]);
  }, 20_000);
});
