// exec-check --trace-file: a saved strace output, read as the other modes capture theirs (a source of the
// same engine). Anything that is not strace output, or holds no successful execve, is one line and exit 2.
import { GpuctlError } from '../errors.js';
import type { StraceParse } from '../facts/strace.js';
import { parseStrace, STRACE_ARGS } from '../facts/strace.js';
import type { BoundedRead } from './snapshot-files.js';
import { fileTypeOf, mb, readBounded } from './snapshot-files.js';

/** A trace longer than this is refused: strace of a long run writes gigabytes, and V8 holds no string past ~512 MB. */
export const TRACE_FILE_LIMIT = 256 * 1024 * 1024;

export async function readTraceFile(file: string): Promise<StraceParse> {
  // As a snapshot's files are read (src/sources/snapshot-files.ts): never waiting on a FIFO, nor reading a device forever.
  const read = await readBounded(file, TRACE_FILE_LIMIT, { follow: true });
  if (!('bytes' in read)) throw new GpuctlError(`--trace-file ${file}: ${whyNotRead(read)}`);
  const text = read.bytes.toString('utf8');
  if (text.includes('\0') || !parseStrace(text.slice(0, 1 << 20)).straceLines) {
    throw new GpuctlError(`${file} is not strace output: no line looks like a traced call (execve(…) = 0, +++ exited …); record one with strace ${STRACE_ARGS.join(' ')} -o FILE -- CMD`);
  }
  const trace = parseStrace(text);
  if (trace.records.length === 0) {
    throw new GpuctlError(`${file} holds no successful execve: record it with strace ${STRACE_ARGS.join(' ')} -o FILE -- CMD (or -p PID)`);
  }
  return trace;
}

/** Why the trace file was not read, in the words of a shell (`is a directory`), never Node's (EISDIR). */
function whyNotRead(read: Exclude<BoundedRead, { bytes: Buffer }>): string {
  if ('absent' in read) return 'no such file';
  switch (read.cause) {
    case 'type':
      return read.stat.isDirectory() ? 'is a directory' : `is not a regular file (${fileTypeOf(read.stat)})`;
    case 'size':
      return `is too large: over the ${mb(read.limit)} limit for a trace file (trace a shorter run, or filter it with strace -e trace=execve)`;
    case 'open':
    case 'read':
      return read.code === 'EACCES' || read.code === 'EPERM' ? 'permission denied' : `cannot be ${read.cause === 'open' ? 'opened' : 'read'} (${read.code ?? read.refused})`;
    case 'changed':
      return 'changed while it was read';
  }
}
