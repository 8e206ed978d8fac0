// exec-check --trace-file: a saved strace output, read as the other modes capture theirs (a source of the
// same engine). Anything that is not strace output, or holds no successful execve, is one line and exit 2.
import { readFile } from 'node:fs/promises';
import { GpuctlError } from '../errors.js';
import type { StraceParse } from '../facts/strace.js';
import { parseStrace, STRACE_ARGS } from '../facts/strace.js';

export async function readTraceFile(file: string): Promise<StraceParse> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new GpuctlError(err.code === 'ENOENT' ? `trace file not found: ${file}` : `cannot read the trace file ${file}: ${err.code ?? err.message}`);
  });
  if (text.includes('\0') || !parseStrace(text.slice(0, 1 << 20)).straceLines) {
    throw new GpuctlError(`${file} is not strace output: no line looks like a traced call (execve(…) = 0, +++ exited …); record one with strace ${STRACE_ARGS.join(' ')} -o FILE -- CMD`);
  }
  const trace = parseStrace(text);
  if (trace.records.length === 0) {
    throw new GpuctlError(`${file} holds no successful execve: record it with strace ${STRACE_ARGS.join(' ')} -o FILE -- CMD (or -p PID)`);
  }
  return trace;
}
