// Text that fits the terminal: prose wrapped at spaces with a hanging indent (never inside a word; CJK text
// may break between characters), shell commands continued with ` \` outside quotes, table cells cut with "…".
import { textWidth, visible } from './style.js';

/** Below this a report is unreadable anyway; wrapping narrower only makes it longer. */
const MIN_WIDTH = 40;

/** The terminal's columns on a TTY; COLUMNS when set; else 80. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const columns = stream.isTTY && stream.columns ? stream.columns : Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? Math.max(MIN_WIDTH, columns) : 80;
}

const CJK = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Punctuation that must not start a line (it stays with the character before it). */
const NO_LINE_START = /^[，。、；：！？）》」』】,.;:!?)]/u;

interface Token {
  text: string;
  /** The spaces between it and the token before ('' where a line may break without one: CJK, long words). */
  gap: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const chunks = text.split(/( +)/);
  let gap = '';
  for (const chunk of chunks) {
    if (/^ +$/.test(chunk)) {
      gap = tokens.length ? chunk : '';
      continue;
    }
    if (!chunk) continue;
    // Inside a chunk, a break is allowed before and after each CJK character (but not before closing punctuation).
    const parts = chunk.match(new RegExp(`${CJK.source}[，。、；：！？）》」』】]*|(?:(?!${CJK.source}).)+`, 'gu')) ?? [chunk];
    parts.forEach((part, j) => {
      if (j > 0 && NO_LINE_START.test(visible(part))) tokens[tokens.length - 1]!.text += part;
      else tokens.push({ text: part, gap: j === 0 ? gap : '' });
    });
    gap = '';
  }
  return tokens;
}

/**
 * One logical line as terminal lines of at most `width` columns: `first` before the first, `rest` (the hanging
 * indent) before the others. A word wider than the line stays whole on a line of its own.
 */
export function wrapText(text: string, width: number | undefined, first = '', rest = first): string[] {
  if (!width) return [first + text];
  const lines: string[] = [];
  let line = first;
  let used = textWidth(first);
  let empty = true;
  const restWidth = textWidth(rest);
  const tokens = tokenize(text).flatMap((t) => (restWidth + textWidth(t.text) > width ? splitLong(t, width - restWidth) : [t]));
  for (const token of tokens) {
    const w = textWidth(token.text);
    const gap = empty ? 0 : token.gap.length;
    if (empty && used + w > width && restWidth + w <= width && first.trim()) {
      // "see:" and a URL that fits only on a line of its own: the label alone, the URL under it.
      lines.push(line.trimEnd());
      line = rest + token.text;
      used = restWidth + w;
    } else if (!empty && used + gap + w > width) {
      lines.push(line);
      line = rest + token.text;
      used = textWidth(rest) + w;
    } else {
      line += (empty ? '' : token.gap) + token.text;
      used += gap + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * A word wider than any line (a long pod name with its uid, a path): cut after / _ ( = , : . or -, the places
 * where a reader still sees where it continues, into pieces that fit; a piece without such a place stays whole.
 */
function splitLong(token: Token, room: number): Token[] {
  const pieces = visible(token.text).match(/[^/_(=,:.-]*[/_(=,:.-]+|[^/_(=,:.-]+$/g) ?? [token.text];
  const out: Token[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && textWidth(current + piece) > room) {
      out.push({ text: current, gap: out.length === 0 ? token.gap : '' });
      current = '';
    }
    current += piece;
  }
  if (current) out.push({ text: current, gap: out.length === 0 ? token.gap : '' });
  return out;
}

/** Words of a shell command line, split at spaces outside quotes. */
function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      if (ch === '\\' && quote === '"') word += ch + (command[++i] ?? '');
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word += ch;
    } else if (ch === '\\') {
      word += ch + (command[++i] ?? '');
    } else if (ch === ' ') {
      if (word) words.push(word);
      word = '';
    } else word += ch;
  }
  if (quote) return undefined;
  if (word) words.push(word);
  return words;
}

/**
 * A command to paste: `first` (e.g. "      $ ") before it, continued with ` \` at spaces outside quotes when it is
 * wider than the line; a trailing `# comment` moves to its own line when it does not fit. Commands of several
 * lines (heredocs) and unbalanced quotes are printed as they are.
 */
export function wrapCommand(command: string, width: number | undefined, first: string, rest: string): string[] {
  if (!width || command.includes('\n') || textWidth(first) + textWidth(command) <= width) return [first + command];
  const m = /^(.*?\S)\s{2,}(#\s.*)$/s.exec(command);
  const [body, comment] = m ? [m[1]!, m[2]!] : [command, undefined];
  const words = shellWords(body);
  if (!words) return [first + command];
  const lines: string[] = [];
  let line = first;
  let used = textWidth(first);
  for (const [i, word] of words.entries()) {
    const w = textWidth(word);
    // Two columns stay free for the " \" that continues the line.
    if (i > 0 && used + 1 + w + 2 > width) {
      lines.push(`${line} \\`);
      line = rest + word;
      used = textWidth(rest) + w;
    } else {
      line += (i > 0 ? ' ' : '') + word;
      used += (i > 0 ? 1 : 0) + w;
    }
  }
  if (comment && used + 2 + textWidth(comment) <= width) lines.push(`${line}  ${comment}`);
  else {
    lines.push(line);
    if (comment) lines.push(...wrapText(comment.replace(/^#\s*/, ''), width, `${rest}# `, `${rest}  `));
  }
  return lines;
}

/** A cell cut to `width` columns with an ellipsis (its colour dropped when it is cut). */
export function truncate(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of visible(text)) {
    const w = textWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

export interface TableOptions {
  /** The column that gives way when the row is too wide (default: the last). */
  flexible?: number;
  /** It never gets narrower than this. */
  minFlexible?: number;
  /** wrap: its text continues on the next lines, in its column; ellipsis: cut with "…". */
  overflow?: 'wrap' | 'ellipsis';
  /** Style of the header line (bold). */
  header?: (line: string) => string;
}

/**
 * A table that fits `width`: columns padded to their widest cell, two spaces apart; when a row is too wide,
 * the flexible column wraps or is cut to what is left.
 */
export function renderTable(header: string[], rows: string[][], width: number | undefined, options: TableOptions = {}): string[] {
  const all = [header, ...rows];
  const flexible = options.flexible ?? header.length - 1;
  const widths = header.map((_, i) => Math.max(...all.map((r) => textWidth(r[i] ?? ''))));
  if (width) {
    const others = widths.reduce((sum, w, i) => (i === flexible ? sum : sum + w), 0) + 2 * (header.length - 1);
    widths[flexible] = Math.min(widths[flexible]!, Math.max(options.minFlexible ?? 10, width - others));
  }
  const lines: string[] = [];
  for (const [r, row] of all.entries()) {
    const cell = row[flexible] ?? '';
    const parts = options.overflow === 'wrap' ? wrapText(cell, widths[flexible]) : [truncate(cell, widths[flexible]!)];
    parts.forEach((part, k) => {
      const cells = row.map((c, i) => (i === flexible ? part : k === 0 ? c : ''));
      const line = cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
      lines.push(r === 0 && options.header ? options.header(line) : line);
    });
  }
  return lines;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}
