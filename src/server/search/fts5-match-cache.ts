/**
 * What FTS5 says about a search text, kept per database, seizure data version and MATCH
 * expression (and, with cachedIndexAnswer, what the forum's index says, per its own version): the matching rowids, and the bm25 scores of the rank window. Neither depends on
 * the reader (visibility, dates and facets are applied afterwards over the columns), so one
 * entry serves every reader; an import raises the data version, so its searches miss.
 *
 * Why: at 100,000 seizures the FTS5 side of a common word or a field-language expansion (a
 * dozen alternatives: stems, synonyms, concept labels) cost 30–90 ms quiet — bm25 first counts
 * the rows of every phrase of the expression over its whole doclist, however small the window —
 * while the rest of a search costs a few milliseconds. Readers repeat the popular words.
 *
 * Bounded: at most MAX_ENTRIES entries and MAX_BYTES of arrays, least recently used first out
 * (a common word's rowids are ~300 KB at 100,000 seizures); one answer over a quarter of that is
 * not kept.
 */
import { SizedLruCache } from '#src/server/cache.ts';

const MAX_ENTRIES = 500;
const MAX_BYTES = 48 * 1024 * 1024;

/** The rank window of a text: rowids at or above its lower bound, with their bm25 scores. */
export interface RankWindow {
  ids: Int32Array;
  scores: Float64Array;
  /** 1 where the row matches the exact expression (no related calibres); null: no such expression. */
  exact: Uint8Array | null;
}

type Answer = Int32Array | RankWindow;

const sizeOf = (v: Answer) => ('scores' in v ? v.ids.byteLength + v.scores.byteLength + (v.exact?.byteLength ?? 0) : v.byteLength);

const answers = new SizedLruCache<Answer>(MAX_BYTES, sizeOf, MAX_ENTRIES);

/** Hits and misses (tests, benchmarks). */
export const matchCacheStats = { hits: 0, misses: 0 };

async function cached<T extends Answer>(key: string, compute: () => Promise<T>): Promise<T> {
  const hit = answers.get(key);
  if (hit) {
    matchCacheStats.hits++;
    return hit as T;
  }
  matchCacheStats.misses++;
  const value = await compute();
  if (sizeOf(value) <= MAX_BYTES / 4) answers.set(key, value);
  return value;
}

const keyOf = (kind: string, database: string, version: number, parts: readonly (string | number | null)[]) =>
  [kind, database, version, ...parts].join('\u0000');

/** The rowids matching `match` in this database at this data version (computed when missing). */
export function cachedMatches(database: string, version: number, match: string, compute: () => Promise<Int32Array>): Promise<Int32Array> {
  return cached(keyOf('ids', database, version, [match]), compute);
}

/** The rank window of `match` from rowid `from` (and the exact expression's flags). */
export function cachedRankWindow(
  database: string,
  version: number,
  match: string,
  exactMatch: string | null,
  from: number,
  compute: () => Promise<RankWindow>,
): Promise<RankWindow> {
  return cached(keyOf('rank', database, version, [match, exactMatch, from]), compute);
}

/**
 * Any other FTS5 index's answer for `match` (thread search: its newest candidates with their
 * bm25 scores), per database and that index's data version, in a key space of its own (`index`)
 * so that equal expressions of two indexes never meet. The same bounds as the seizures' entries.
 */
export function cachedIndexAnswer(
  index: string,
  database: string,
  version: number,
  match: string,
  compute: () => Promise<RankWindow>,
): Promise<RankWindow> {
  return cached(keyOf(`answer:${index}`, database, version, [match]), compute);
}

/** Forgets everything (tests that replace the database). */
export function clearMatchCache(): void {
  answers.clear();
}
