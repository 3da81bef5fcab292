/**
 * "Did you mean": a word that matches nothing is replaced by the closest word the index knows
 * (edit distance 1 for words of 4-7 letters, 2 for longer ones; a swap of two neighbouring
 * letters counts as one edit), preferring the smaller distance, then the more frequent word.
 */

/** Optimal string alignment distance, or max + 1 as soon as it must exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

export function allowedEdits(word: string): number {
  if (word.length < 4) return 0;
  return word.length <= 7 ? 1 : 2;
}

export interface Suggestion {
  /** The folded word of the index. */
  term: string;
  distance: number;
}

export class SpellingDictionary {
  private readonly byLength = new Map<number, { term: string; weight: number }[]>();

  /** `terms`: folded word -> how many documents hold it (more = preferred). */
  constructor(terms: Iterable<[string, number]>) {
    for (const [term, weight] of terms) {
      if (!/^\p{L}{3,}$/u.test(term)) continue;
      const list = this.byLength.get(term.length) ?? [];
      list.push({ term, weight });
      this.byLength.set(term.length, list);
    }
  }

  get size(): number {
    let n = 0;
    for (const l of this.byLength.values()) n += l.length;
    return n;
  }

  suggest(word: string): Suggestion | null {
    const max = allowedEdits(word);
    if (!max) return null;
    let best: (Suggestion & { weight: number }) | null = null;
    for (let len = word.length - max; len <= word.length + max; len++) {
      for (const c of this.byLength.get(len) ?? []) {
        if (c.term === word) continue;
        const d = editDistance(word, c.term, best ? Math.min(max, best.distance) : max);
        if (d > max) continue;
        if (!best || d < best.distance || (d === best.distance && c.weight > best.weight))
          best = { term: c.term, distance: d, weight: c.weight };
      }
    }
    return best && { term: best.term, distance: best.distance };
  }
}
