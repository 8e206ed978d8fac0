// Bounds on what one finding, one list or one push may hold: the report grows linearly with the findings,
// whatever the size of the cluster. Every "… and N more" of the reports comes from here.

/** Evidence lines per finding, characters per line (the engine applies both to every finding). */
export const MAX_EVIDENCE_LINES = 50;
export const MAX_LINE_CHARS = 2000;

/** The first MAX items, then `… and N more NOUN` when there were more. */
export function capLines(lines: readonly string[], max: number, noun = ''): string[] {
  return capMap(lines, max, (line) => line, noun);
}

/** capLines of the first MAX items shown by F: only those are shown, so the work is bounded too. */
export function capMap<T>(items: readonly T[], max: number, show: (item: T) => string, noun = ''): string[] {
  const lines = items.slice(0, max).map(show);
  if (items.length > max) lines.push(moreLine(items.length - max, noun));
  return lines;
}

/** `… and N more NOUN`, the one wording of a cut list. */
export function moreLine(count: number, noun = ''): string {
  return `… and ${count} more${noun ? ` ${noun}` : ''}`;
}

/** `a, b, c and N more`: a few names of a list inside one line. */
export function capJoin<T>(items: readonly T[], max: number, show: (item: T) => string = String, separator = ', '): string {
  return items.slice(0, max).map(show).join(separator) + (items.length > max ? ` and ${items.length - max} more` : '');
}

/** One line of at most MAX characters. */
export function capText(text: string, max = MAX_LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** `into.push(...items)` without spreading: a spread of a few hundred thousand items overflows the stack. */
export function pushAll<T>(into: T[], items: Iterable<T>): T[] {
  for (const item of items) into.push(item);
  return into;
}

/** Math.max of many numbers without spreading them as arguments. */
export function maxOf(values: Iterable<number>, start = 0): number {
  let max = start;
  for (const v of values) if (v > max) max = v;
  return max;
}
