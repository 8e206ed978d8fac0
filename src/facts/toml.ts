// TOML as containerd's config files use it: parse with a located error, tell a duplicate table from
// other errors, read Go-templated files (k3s/RKE2 config.toml.tmpl), and match import globs.
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';

export type TomlTable = Record<string, unknown>;

export interface TomlProblem {
  line?: number;
  column?: number;
  message: string;
  /** A `[table]` header that appears twice: containerd (go-toml) says "duplicated tables". */
  duplicateTable?: boolean;
}

export type TomlResult = { table: TomlTable; problem?: undefined } | { table?: undefined; problem: TomlProblem };

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `from` over `to`, table by table (a value that is not a table replaces what was there). */
export function mergeTables(to: TomlTable, from: TomlTable): TomlTable {
  const out: TomlTable = { ...to };
  for (const [key, value] of Object.entries(from)) {
    const existing = out[key];
    out[key] = isTable(existing) && isTable(value) ? mergeTables(existing, value) : value;
  }
  return out;
}

export function parseToml(text: string): TomlResult {
  try {
    return { table: parse(text) as TomlTable };
  } catch (err) {
    if (!(err instanceof TomlError)) return { problem: { message: String(err) } };
    // smol-toml's message carries a code excerpt after the first line; the first line is the message.
    const message = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    const duplicate = duplicateTableHeaders(text).find((d) => d.line === err.line);
    if (duplicate) {
      return {
        problem: {
          line: duplicate.line,
          column: 1,
          message: `table [${duplicate.key}] is defined twice (lines ${duplicate.firstLine} and ${duplicate.line})`,
          duplicateTable: true,
        },
      };
    }
    return { problem: { line: err.line, column: err.column, message } };
  }
}

interface DuplicateHeader {
  key: string;
  firstLine: number;
  line: number;
}

/** `[a."b.c"]` headers that repeat an earlier one (compared by key path, not spelling). */
export function duplicateTableHeaders(text: string): DuplicateHeader[] {
  const seen = new Map<string, number>();
  const duplicates: DuplicateHeader[] = [];
  text.split('\n').forEach((raw, index) => {
    const m = /^\s*\[(?!\[)(.+)\]\s*(#.*)?$/.exec(raw);
    if (!m) return;
    const keys = splitDottedKey(m[1]!);
    if (!keys) return;
    const id = JSON.stringify(keys);
    const first = seen.get(id);
    if (first !== undefined) duplicates.push({ key: m[1]!.trim(), firstLine: first, line: index + 1 });
    else seen.set(id, index + 1);
  });
  return duplicates;
}

/** Splits a TOML dotted key (`plugins."io.containerd.grpc.v1.cri".containerd`) into its parts. */
export function splitDottedKey(key: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const s = key.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    let part = '';
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i]!;
      i++;
      while (i < s.length && s[i] !== quote) {
        if (quote === '"' && s[i] === '\\') i++;
        part += s[i++];
      }
      if (s[i] !== quote) return undefined;
      i++;
    } else {
      while (i < s.length && /[A-Za-z0-9_-]/.test(s[i]!)) part += s[i++];
      if (!part) return undefined;
    }
    parts.push(part);
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i < s.length) {
      if (s[i] !== '.') return undefined;
      i++;
    }
  }
  return parts;
}

/**
 * A Go text/template (k3s's config.toml.tmpl) made parseable: lines that hold only actions go,
 * actions inside a line become a placeholder. Branches of `{{ if }}…{{ else }}` both stay, so the
 * result is for reading runtimes, not a rendering.
 */
export function stripGoTemplate(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*(\{\{.*?\}\}\s*)+$/.test(line) ? '' : line.replace(/\{\{.*?\}\}/g, 'TEMPLATE')))
    .join('\n');
}

export function hasGoTemplateActions(text: string): boolean {
  return /\{\{.*?\}\}/.test(text);
}

/** Go's filepath.Match on one path segment: `*`, `?`, `[a-z]`, `[^x]`, `\` escapes. */
function matchSegment(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return false; // Go: ErrBadPattern, which containerd reports; no match here
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = '^' + body.slice(1).replace(/[\\\]]/g, '\\$&');
      else body = body.replace(/[\\\]^]/g, '\\$&');
      re += `[${body}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(re + '$').test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Go's filepath.Glob over a set of known absolute paths (the node's copied files), sorted as Go sorts. */
export function globPaths(pattern: string, paths: Iterable<string>): string[] {
  const want = pattern.split('/');
  const out: string[] = [];
  for (const p of paths) {
    const have = p.split('/');
    if (have.length !== want.length) continue;
    if (want.every((seg, i) => matchSegment(seg, have[i]!))) out.push(p);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Go's filepath.Clean for absolute and relative POSIX paths. */
export function cleanPath(p: string): string {
  const cleaned = path.posix.normalize(p);
  return cleaned.length > 1 ? cleaned.replace(/\/+$/, '') : cleaned;
}
