/** "Did you mean …?": the nearest valid name to a mistyped one (keys, options, datasets, columns). */
/** Edit distance (insertions, deletions, substitutions; Levenshtein 1966), two-row dynamic programme. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/**
 * Words longer than this get no suggestion: no key, enum value or class name is that long, and the
 * edit distance of a megabyte-long word would cost seconds on every keystroke.
 */
export const MAX_SUGGESTED_WORD = 100;

/**
 * The candidate nearest to `word`, compared case-insensitively and ignoring `_`/`-` (so
 * "learning_rate" finds "learningRate"); ties go to the earlier candidate. Undefined if there are none.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGESTED_WORD) return undefined;
  const normalize = (s: string): string => s.toLowerCase().replace(/[_\-\s]/g, '');
  const target = normalize(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > MAX_SUGGESTED_WORD) continue;
    const distance = levenshtein(target, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Like `nearest`, but only when the candidate is plausibly what was meant: a typo within a third of
 * the length (at least 2 edits), or an abbreviation (a prefix of at least 3 characters: "warn").
 */
export function closeMatch(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGESTED_WORD) return undefined;
  const lower = word.toLowerCase();
  const prefixOf = lower.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(lower)) : [];
  if (prefixOf.length === 1) return prefixOf[0];
  const best = nearest(word, candidates);
  if (best === undefined) return undefined;
  const distance = levenshtein(word.toLowerCase(), best.toLowerCase());
  return distance <= Math.max(2, Math.floor(Math.max(word.length, best.length) / 3)) ? best : undefined;
}
