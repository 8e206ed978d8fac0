// "Did you mean …?" for mistyped names: the closest candidates by edit distance (transpositions count once).

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates closest to `word` (case-insensitive), when close enough to be a typo: at most a third of the
 * word's length in edits (at least one). A candidate that starts with the word, or contains it, counts too.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.trim().toLowerCase();
  if (!w) return [];
  const limit = Math.max(1, Math.floor(w.length / 3));
  const scored: [string, number][] = [];
  for (const candidate of new Set(candidates)) {
    const c = candidate.toLowerCase();
    const distance = editDistance(w, c);
    if (distance <= limit) scored.push([candidate, distance]);
    else if (w.length >= 4 && (c.startsWith(w) || c.includes(w))) scored.push([candidate, limit + 1]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, max).map(([c]) => c);
}

/** "did you mean X?" / "did you mean X or Y?", or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const found = closest(word, candidates);
  if (found.length === 0) return undefined;
  return `did you mean ${found.length === 1 ? found[0] : `${found.slice(0, -1).join(', ')} or ${found.at(-1)}`}?`;
}
