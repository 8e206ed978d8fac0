// Colour only on a TTY, NO_COLOR respected (https://no-color.org), FORCE_COLOR honoured.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Severity } from '../model.js';

export function colourEnabled(stream: NodeJS.WriteStream = process.stdout, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  // FORCE_COLOR=0 (or false) turns colour off, as chalk's supports-color reads it; any other value forces it on.
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

export function makeChalk(colour: boolean): ChalkInstance {
  return new Chalk({ level: colour ? 1 : 0 });
}

export const SYMBOL: Record<Severity | 'skipped', string> = {
  ok: '✓',
  info: 'i',
  warning: '‼',
  error: '✗',
  skipped: '-',
};

export function paint(c: ChalkInstance, severity: Severity | 'skipped', text: string): string {
  switch (severity) {
    case 'ok':
      return c.green(text);
    case 'error':
      return c.red(text);
    case 'warning':
      return c.yellow(text);
    case 'info':
      return c.cyan(text);
    default:
      return c.dim(text);
  }
}

/** Without escape codes. */
export function visible(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Columns a string takes in a terminal: CJK ideographs and full-width punctuation take two. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of visible(text)) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}
