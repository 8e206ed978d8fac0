// A snapshot is a sandbox: the snapshot reader and the importers of other tools' bundles read its files only
// through this module. It never follows a symbolic link below the root (a `files -> /etc` or a `meta.json ->
// /etc/shadow` is refused, not read), never opens a FIFO, socket or device (opening a FIFO blocks forever), reads
// at most a limit of bytes per kind of file, and reports every refusal as a problem naming the file and why,
// which becomes a snapshot-file-unreadable finding; the rest of the snapshot is read as usual.
import { pushAll } from '../bounded.js';
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SourceProblem } from '../collection/collection.js';

const MiB = 1024 * 1024;

/** Per-file limits (docs/snapshot.md "Limits"): past one, a file is refused or, for logs, read from its end. */
export const FILE_LIMITS = {
  /** JSON object files; V8 cannot hold one string much over 512 MiB. */
  objectFileBytes: 500 * MiB,
  hostFileBytes: 8 * MiB,
  commandFileBytes: 8 * MiB,
  /** Checks quote the end of a log; the head of a long log is noise. */
  logTailBytes: 512 * 1024,
  /** must-gather's prefixed logs hold every container of a pod: their end is read, at most this much. */
  prefixedLogTailBytes: 16 * MiB,
  processTableBytes: 64 * MiB,
  smallFileBytes: 1 * MiB,
  /** An nvidia-bug-report .log.gz: compressed, and what it unpacks to. */
  gzipFileBytes: 64 * MiB,
  gzipMemberBytes: 128 * MiB,
  /** Directory levels below the root, and entries in the whole snapshot. */
  depth: 32,
  entries: 200_000,
};

type Kind = 'file' | 'dir';

export interface Entry {
  name: string;
  kind: Kind;
}

type StatLike = { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean; isDirectory(): boolean };

/** What a path is, when it is not a regular file: `a FIFO`, `a device`, `a directory`… */
export function fileTypeOf(st: StatLike): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  if (st.isDirectory()) return 'a directory';
  return 'a special file';
}

function describeType(st: StatLike): string {
  if (st.isSymbolicLink()) return 'a symbolic link, not followed (a snapshot is read without leaving it)';
  if (st.isDirectory()) return 'a directory where a file was expected';
  const type = fileTypeOf(st);
  return type === 'a special file' ? 'not a regular file, not opened' : `${type}, not opened`;
}

/** Rounded up: a file one byte over a 1 MB limit is "2 MB", never "1 MB is over 1 MB". */
export function mb(bytes: number): string {
  return bytes >= MiB ? `${Math.ceil(bytes / MiB)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** A name's bytes, for one that is not valid UTF-8 (it could not be shown, nor opened by its shown name). */
function bytesOf(name: Buffer): string {
  return [...name].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

export class SnapshotFiles {
  private readonly dirs = new Map<string, Promise<boolean>>();
  private entriesSeen = 0;
  private entriesReported = false;

  /** `problems` receives each refusal; paths in it are relative to the root, with `/`. */
  constructor(
    readonly root: string,
    private problems: SourceProblem[],
  ) {}

  /** From now on refusals go to PROBLEMS (an importer's own collection), those made so far too. */
  reportInto(problems: SourceProblem[]): void {
    if (problems === this.problems) return;
    pushAll(problems, this.problems.splice(0));
    this.problems = problems;
  }

  private refuse(rel: string, message: string): void {
    if (!this.problems.some((p) => p.path === rel && p.message === message)) this.problems.push({ path: rel, message });
  }

  private abs(rel: string): string {
    return rel ? path.join(this.root, ...rel.split('/')) : this.root;
  }

  /** Whether REL is a real directory of the snapshot, each of its components a directory and none a link. */
  private dirOk(rel: string): Promise<boolean> {
    let known = this.dirs.get(rel);
    if (!known) {
      known = (async () => {
        if (!rel) return true;
        if (rel.split('/').length > FILE_LIMITS.depth) {
          this.refuse(rel, `more than ${FILE_LIMITS.depth} directory levels deep; not read`);
          return false;
        }
        if (!(await this.dirOk(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel)))) return false;
        const st = await lstat(this.abs(rel)).catch(() => undefined);
        if (!st) return false;
        if (!st.isDirectory()) {
          this.refuse(rel, describeType(st));
          return false;
        }
        return true;
      })();
      this.dirs.set(rel, known);
    }
    return known;
  }

  /** Whether REL exists as anything (a link included): for bundle detection. */
  async has(rel: string): Promise<boolean> {
    const parent = path.posix.dirname(rel);
    if (!(await this.dirOk(parent === '.' ? '' : parent))) return false;
    return (await lstat(this.abs(rel)).catch(() => undefined)) !== undefined;
  }

  /** The regular files and directories of REL (absent: none); links, FIFOs, devices and bad names are reported. */
  async list(rel: string): Promise<Entry[]> {
    if (!(await this.dirOk(rel))) return [];
    const raw = await readdir(this.abs(rel), { withFileTypes: true, encoding: 'buffer' }).catch(() => []);
    const out: Entry[] = [];
    for (const dirent of raw) {
      const nameBytes = dirent.name as unknown as Buffer;
      const name = nameBytes.toString('utf8');
      const child = rel ? `${rel}/${name}` : name;
      if (!Buffer.from(name, 'utf8').equals(nameBytes)) {
        this.refuse(`${rel ? `${rel}/` : ''}${name.replace(/\uFFFD/g, '?')}`, `the file name is not valid UTF-8 (bytes ${bytesOf(nameBytes)}); not read`);
        continue;
      }
      if (++this.entriesSeen > FILE_LIMITS.entries) {
        if (!this.entriesReported) this.refuse(rel || '.', `the snapshot has more than ${FILE_LIMITS.entries} files and directories; the rest were not read`);
        this.entriesReported = true;
        return out;
      }
      if (dirent.isDirectory()) out.push({ name, kind: 'dir' });
      else if (dirent.isFile()) out.push({ name, kind: 'file' });
      else this.refuse(child, describeType(dirent));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The names of the regular files of REL. */
  async fileNames(rel: string): Promise<string[]> {
    return (await this.list(rel)).filter((e) => e.kind === 'file').map((e) => e.name);
  }

  async dirNames(rel: string): Promise<string[]> {
    return (await this.list(rel)).filter((e) => e.kind === 'dir').map((e) => e.name);
  }

  /** Every regular file below REL, as paths relative to the root. */
  async walk(rel: string): Promise<string[]> {
    const out: string[] = [];
    for (const entry of await this.list(rel)) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.kind === 'file') out.push(child);
      else if (await this.dirOk(child)) pushAll(out, await this.walk(child));
    }
    return out;
  }

  /**
   * The bytes of REL, at most `limit` of them; undefined when it is absent (no problem) or refused (a problem
   * says why). `tail`: a longer file is read from its end instead of refused.
   */
  async read(rel: string, limit: number, options: { tail?: boolean; what?: string } = {}): Promise<Buffer | undefined> {
    const parent = path.posix.dirname(rel);
    if (!(await this.dirOk(parent === '.' ? '' : parent))) return undefined;
    const read = await readBounded(this.abs(rel), limit, options);
    if ('refused' in read) this.refuse(rel, read.refused);
    return 'bytes' in read ? read.bytes : undefined;
  }

  /** `read` as UTF-8 text (a leading byte-order mark dropped). */
  async readText(rel: string, limit: number, options: { tail?: boolean; what?: string } = {}): Promise<string | undefined> {
    const buf = await this.read(rel, limit, options);
    if (buf === undefined) return undefined;
    const text = buf.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** What `readBounded` gives: the bytes, nothing (the file is absent), or a refusal and why, in words and by cause. */
export type BoundedRead =
  | { bytes: Buffer }
  | { absent: true }
  | { refused: string; cause: 'type'; stat: Stats }
  | { refused: string; cause: 'size'; size: number; limit: number }
  | { refused: string; cause: 'open' | 'read'; code?: string }
  | { refused: string; cause: 'changed' };

/**
 * The bytes of FILE, at most `limit` of them, never waiting on a FIFO or device nor reading past the limit
 * (a file may grow, or report no size: /proc, /dev/zero). `tail`: a longer file is read from its end instead
 * of refused. `follow`: a symbolic link is followed (a path the user gave); else it is refused (a snapshot's).
 */
export async function readBounded(file: string, limit: number, options: { tail?: boolean; what?: string; follow?: boolean } = {}): Promise<BoundedRead> {
  const st = await (options.follow ? stat(file) : lstat(file)).catch(() => undefined);
  if (!st) return { absent: true };
  if (!st.isFile()) return { refused: describeType(st), cause: 'type', stat: st };
  let handle;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO after the lstat is still not followed, nor waited on.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | (options.follow ? 0 : constants.O_NOFOLLOW));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { refused: `cannot be opened: ${code ?? (err as Error).message}`, cause: 'open', code };
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.ino !== st.ino) return { refused: 'changed while it was read; not read', cause: 'changed' };
    if (opened.size > limit && !options.tail) {
      return { refused: `${mb(opened.size)}${options.what ? ` ${options.what}` : ''} is over the ${mb(limit)} limit; not read`, cause: 'size', size: opened.size, limit };
    }
    const start = Math.max(0, opened.size - limit);
    // Read at most limit + 1 bytes whatever the size said: a file may grow, or report no size (/proc).
    const buf = Buffer.alloc(Math.min(limit + 1, Math.max(opened.size - start, 0) + 65536));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > limit && !options.tail) {
      return { refused: `over the ${mb(limit)} limit${options.what ? ` for ${options.what}` : ''}; not read`, cause: 'size', size: got, limit };
    }
    const bytes = buf.subarray(0, Math.min(got, limit));
    if (start > 0 || got > limit) {
      // From the first whole line on.
      const nl = bytes.indexOf(10);
      return { bytes: nl >= 0 ? bytes.subarray(nl + 1) : bytes };
    }
    return { bytes };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { refused: `cannot be read: ${code ?? (err as Error).message}`, cause: 'read', code };
  } finally {
    await handle.close();
  }
}
