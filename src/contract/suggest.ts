/**
 * "Did you mean" for misspelt keys and names. Among equally close candidates, one with the same letters
 * wins (`uath` is `auth` with two letters swapped, not `path` with one changed), then one with the same
 * first letter.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let letters: string | undefined;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const lower = c.toLowerCase();
    // Lengths further apart than the limit are further apart than the limit in edits too.
    if (Math.abs(lower.length - w.length) > limit) continue;
    const d = distance(w, lower);
    if (d > limit || d > bestScore) continue;
    letters ??= [...w].sort().join('');
    const score = d + (([...lower].sort().join('') === letters ? 0 : 2) + (lower[0] === w[0] ? 0 : 1)) / 4;
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c ? ` Did you mean '${c}'?` : '';
}

/**
 * Edit distance counting an adjacent swap ("emial" → "email") as one edit (optimal string alignment),
 * over three rows rather than a whole matrix: it runs for every unknown key against every known one.
 */
function distance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (before[j - 2] as number) + 1);
      row[j] = v;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length] as number;
}
