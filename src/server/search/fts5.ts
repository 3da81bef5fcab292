/**
 * The embedded search engine: SQLite FTS5 (bm25, stems, concepts, prefix queries) plus the
 * narrow seizure_search_docs table for filters and facets, in the same libSQL database.
 *
 * Facets: one query returns the facet-value ids of every seizure that matches the text, access
 * and dates (one string, rows separated by \u0001); they are tallied here in one pass. A row
 * that passes every facet filter counts for every facet; a row that fails only facet F's filter
 * counts for F alone, so a facet's other values stay visible with the counts they would have
 * (values within a facet combine with OR). Measured on 100k seizures this costs ~15 ms for the
 * whole set, where GROUP BY per facet field over a (seizure, value) table cost ~370 ms.
 */
import { config } from '#src/server/config.ts';
import { rawClient } from '#src/server/db.ts';
import { readExec } from '#src/server/read-pool.ts';
import type { Reader } from '#src/server/access.ts';
import { messagesEn, messagesEs } from '#src/i18n/messages/seizures.ts';
import { loadSeizures } from '#src/server/seizures/records.ts';
import type { SeizureDetail } from '#src/server/seizures/types.ts';
import { bumpDataVersion } from '#src/server/data-version.ts';
import {
  analyseQuery,
  countryName,
  firearmTypeLabel,
  glossarySynonyms,
  highlight,
  highlightTerms,
  type AnalysedQuery,
  type HighlightTerms,
} from '#src/server/text/index.ts';
import { escapeHtml } from '#src/server/html.ts';
import { FACET_CHAR_BASE, FACET_FIELDS, indexSeizures, reindexAll, unindexSeizures, type FacetField } from './fts5-index.ts';
import { correctQuery, indexChanged } from './fts5-spelling.ts';
import { buildWhere, facetDictionary, type Where } from './filter.ts';
import {
  dateNumber,
  firearmsOrder,
  matchingRowids,
  pageAlong,
  parseIdList,
  runPass,
  seizureColumns,
  visibleScopes,
  type FacetSelection,
  type Pass,
  type SeizureColumns,
} from './fts5-columns.ts';
import { cachedMatches, cachedRankWindow, type RankWindow } from './fts5-match-cache.ts';
import { allRows, col, runRaw, writeTransaction, type RawExec } from '#src/server/sql.ts';
import { normalizeQuery, type Facets, type SearchEngine, type SearchHit, type SearchQuery, type SearchResult } from './types.ts';

/** bm25 column weights: summary, place, items, serials, stems, concepts. */
const BM25 = 'bm25(seizure_fts, 2.0, 2.0, 1.0, 5.0, 0.5, 0.3)';

const labelCache = new Map<string, Map<string, { es: string; en: string }>>();

export async function placeLabels(ex: RawExec): Promise<Map<string, { es: string; en: string }>> {
  let labels = labelCache.get(config.databaseUrl);
  if (!labels) {
    labels = new Map();
    for (const r of await allRows(
      ex,
      { code: col.text, name_es: col.text, name_en: col.text },
      'SELECT code, name_es, name_en FROM states UNION ALL SELECT code, name_es, name_en FROM countries',
    ))
      labels.set(r.code, { es: r.name_es, en: r.name_en });
    labelCache.set(config.databaseUrl, labels);
  }
  return labels;
}

export function facetLabel(field: FacetField, value: string, lang: 'es' | 'en', places: Map<string, { es: string; en: string }>): string {
  if (field === 'state' || field === 'country') return places.get(value)?.[lang] ?? value;
  if (field === 'firearmType' || field === 'traceStatus') {
    const dict: Record<string, string> = lang === 'es' ? messagesEs : messagesEn;
    return dict[`seizures.${field}.${value}`] ?? value;
  }
  return value;
}

function emptyFacets(): Facets {
  return Object.fromEntries(FACET_FIELDS.map((f) => [f, []])) as unknown as Facets;
}

/** A search's total and its facet counts: facet-value ids with a count, and those counts. */
interface Tally {
  total: number;
  ids: Int32Array;
  counts: Int32Array;
}

function sparse(total: number, counts: Int32Array): Tally {
  let n = 0;
  for (const c of counts) if (c > 0) n++;
  const ids = new Int32Array(n);
  const kept = new Int32Array(n);
  let j = 0;
  counts.forEach((c, id) => {
    if (c > 0) {
      ids[j] = id;
      kept[j++] = c;
    }
  });
  return { total, ids, counts: kept };
}

/** Total and facet counts of a search in SQL, in one pass over the matching rows' facet ids. */
async function countAndFacets(ex: RawExec, where: Where): Promise<Tally> {
  const { total, counts } = await tallyAll(ex, where);
  return sparse(total, counts);
}

async function tallyAll(ex: RawExec, where: Where): Promise<{ total: number; counts: Int32Array }> {
  const selected = FACET_FIELDS.filter((f) => where.facetChars[f]);
  let counts = new Int32Array(4096);
  const bump = (id: number) => {
    if (id >= counts.length) {
      const grown = new Int32Array(id * 2);
      grown.set(counts);
      counts = grown;
    }
    counts[id] = (counts[id] ?? 0) + 1;
  };
  if (!selected.length) {
    const [agg] = await allRows(
      ex,
      { n: col.int, ids: col.textOrNull },
      `SELECT count(*) AS n, group_concat(d.facet_ids, '') AS ids FROM ${where.from} WHERE ${where.clause}`,
      where.params,
    );
    const chars = agg?.ids ?? '';
    for (let i = 0; i < chars.length; i++) {
      const id = chars.charCodeAt(i) - FACET_CHAR_BASE;
      if (id >= 0) bump(id);
    }
    return { total: agg?.n ?? 0, counts };
  }
  const [agg] = await allRows(
    ex,
    { ids: col.textOrNull },
    `SELECT group_concat(d.facet_ids, char(1)) AS ids FROM ${where.from} WHERE ${where.baseClause}`,
    where.baseParams,
  );
  const chars = agg?.ids ?? '';
  // Which facet (bit) each id belongs to, and which ids are chosen (null only when nothing is selected).
  const selection = await facetSelection(ex, where);
  if (!chars || !selection) return { total: 0, counts };
  const { required, bitOf, chosen } = selection;
  let total = 0;
  let start = 0;
  while (start <= chars.length) {
    let end = chars.indexOf('\u0001', start);
    if (end < 0) end = chars.length;
    let passed = 0;
    for (let i = start; i < end; i++) {
      const id = chars.charCodeAt(i) - FACET_CHAR_BASE;
      if (id >= 0 && id < chosen.length && chosen[id]) passed |= bitOf[id] as number;
    }
    const failed = required & ~passed;
    if (failed === 0) {
      total++;
      for (let i = start; i < end; i++) bump(chars.charCodeAt(i) - FACET_CHAR_BASE);
    } else if ((failed & (failed - 1)) === 0) {
      // Fails one facet only: counts for that facet's values.
      for (let i = start; i < end; i++) {
        const id = chars.charCodeAt(i) - FACET_CHAR_BASE;
        if (id >= 0 && id < bitOf.length && bitOf[id] === failed) bump(id);
      }
    }
    start = end + 1;
  }
  return { total, counts };
}

/**
 * Large hit sets ("fusil" matches most seizures) are ranked among their most recent
 * RANK_CANDIDATES rows: bm25 over every hit costs ~3 µs a row (STACK-NOTES 12), and a common
 * word says little about which of 60,000 seizures matter most.
 */
export const RANK_CANDIDATES = 4000;

async function rankedIds(ex: RawExec, where: Where, total: number, limit: number, offset: number): Promise<number[]> {
  // Related calibres (.223 for 5.56) are found, but after every exact match.
  const exactFirst = where.exactMatch ? '(seizure_fts.rowid IN (SELECT rowid FROM seizure_fts WHERE seizure_fts MATCH ?)) DESC, ' : '';
  const exactParams = where.exactMatch ? [where.exactMatch] : [];
  if (total <= RANK_CANDIDATES || offset + limit > RANK_CANDIDATES) {
    const rows = await allRows(
      ex,
      { id: col.int },
      `SELECT d.seizure_id AS id FROM ${where.from} WHERE ${where.clause} ORDER BY ${exactFirst}${BM25}, d.date DESC, d.seizure_id DESC LIMIT ? OFFSET ?`,
      [...where.params, ...exactParams, limit, offset],
    );
    return rows.map((r) => r.id);
  }
  const rows = await allRows(
    ex,
    { id: col.int },
    `WITH recent AS (SELECT d.seizure_id AS id, d.date FROM ${where.from} WHERE ${where.clause} ORDER BY d.date DESC, d.seizure_id DESC LIMIT ${RANK_CANDIDATES})
     SELECT recent.id FROM seizure_fts JOIN recent ON recent.id = seizure_fts.rowid WHERE seizure_fts MATCH ?
     ORDER BY ${exactFirst}${BM25}, recent.date DESC, recent.id DESC LIMIT ? OFFSET ?`,
    [...where.params, where.match, ...exactParams, limit, offset],
  );
  return rows.map((r) => r.id);
}

function facetsOf(
  tally: Tally,
  dict: Awaited<ReturnType<typeof facetDictionary>>,
  lang: 'es' | 'en',
  places: Map<string, { es: string; en: string }>,
): Facets {
  const facets = emptyFacets();
  tally.ids.forEach((id, i) => {
    const fv = dict.byId.get(id);
    if (fv) facets[fv.field].push({ value: fv.value, count: tally.counts[i] ?? 0, label: facetLabel(fv.field, fv.value, lang, places) });
  });
  for (const field of FACET_FIELDS) {
    facets[field].sort(
      field === 'year' ? (a, b) => b.value.localeCompare(a.value) : (a, b) => b.count - a.count || a.value.localeCompare(b.value),
    );
  }
  return facets;
}

async function labelledFacets(ex: RawExec, tally: Tally, lang: 'es' | 'en'): Promise<Facets> {
  if (!tally.ids.length) return emptyFacets();
  let dict = await facetDictionary(ex);
  if (tally.ids.some((id) => !dict.byId.has(id))) dict = await facetDictionary(ex, -1);
  return facetsOf(tally, dict, lang, await placeLabels(ex));
}

type Normalized = ReturnType<typeof normalizeQuery>;

/** The search in SQL over seizure_search_docs (a caller's transaction: live data, no columns). */
async function runSql(ex: RawExec, q: Normalized, reader: Reader | null, analysed: AnalysedQuery): Promise<SearchResult> {
  const where = await buildWhere(ex, q, reader, analysed);
  const tally = await countAndFacets(ex, where);
  const facets = await labelledFacets(ex, tally, q.lang);
  const { total } = tally;
  const offset = (q.page - 1) * q.pageSize;
  let ids: number[] = [];
  if (total > offset) {
    if (where.match && q.sort === 'relevance') ids = await rankedIds(ex, where, total, q.pageSize, offset);
    else {
      const order =
        q.sort === 'date_asc'
          ? 'd.date ASC, d.seizure_id ASC'
          : q.sort === 'firearms_desc'
            ? 'd.firearm_count DESC, d.date DESC, d.seizure_id DESC'
            : 'd.date DESC, d.seizure_id DESC';
      const rows = await allRows(
        ex,
        { id: col.int },
        `SELECT d.seizure_id AS id FROM ${where.from} WHERE ${where.clause} ORDER BY ${order} LIMIT ? OFFSET ?`,
        [...where.params, q.pageSize, offset],
      );
      ids = rows.map((r) => r.id);
    }
  }
  return { total, page: q.page, pageSize: q.pageSize, hits: await loadHits(ex, ids, analysed, q.lang), facets };
}

/** The facet filters of a query as ids and bits for the in-memory pass (null: no facet filter). */
async function facetSelection(ex: RawExec, where: Where): Promise<FacetSelection | null> {
  const selected = FACET_FIELDS.filter((f) => where.facetChars[f]);
  if (!selected.length) return null;
  const dict = await facetDictionary(ex);
  const fieldBit = new Map<FacetField, number>(FACET_FIELDS.map((f, i) => [f, 1 << i]));
  let maxId = 0;
  for (const id of dict.byId.keys()) if (id > maxId) maxId = id;
  const bitOf = new Int32Array(maxId + 2);
  for (const [id, fv] of dict.byId) bitOf[id] = fieldBit.get(fv.field) ?? 0;
  const chosen = new Uint8Array(maxId + 2);
  let required = 0;
  for (const field of selected) {
    required |= fieldBit.get(field) ?? 0;
    for (const c of where.facetChars[field] ?? []) chosen[c.charCodeAt(0) - FACET_CHAR_BASE] = 1;
  }
  return { required, bitOf, chosen };
}

/**
 * Relevance order of a result: its hits among the RANK_CANDIDATES most recently recorded
 * matches of the text (highest rowids) by bm25 — exact matches before related calibres, then
 * date and id — and every other hit after them by date. FTS5 computes bm25 for that rowid range
 * only (~1 µs a row); bm25 over every hit of a common word (60,000 at 100,000 seizures) cost
 * ~300 ms, and `rowid IN (list)` re-reads the doclists once per id (22 s for 4,000). The window's
 * scores do not depend on the reader: they are cached per text and data version
 * (fts5-match-cache.ts), the reader's hits are picked from them here.
 */
async function rankedPage(
  ex: RawExec,
  c: SeizureColumns,
  where: Where & { match: string },
  matches: Int32Array,
  pass: Pass,
  offset: number,
  limit: number,
): Promise<number[]> {
  const from = matches.length > RANK_CANDIDATES ? (matches[matches.length - RANK_CANDIDATES] as number) : 0;
  const window = await cachedRankWindow(config.databaseUrl, c.version, where.match, where.exactMatch, from, () =>
    rankWindow(ex, where.match, where.exactMatch, from),
  );
  const ranked: { id: number; score: number; exact: number }[] = [];
  for (let i = 0; i < window.ids.length; i++) {
    const id = window.ids[i] as number;
    if (id < c.size && pass.hit[id])
      ranked.push({ id, score: window.scores[i] as number, exact: window.exact ? (window.exact[i] as number) : 0 });
  }
  ranked.sort((a, b) => b.exact - a.exact || a.score - b.score || (c.date[b.id] as number) - (c.date[a.id] as number) || b.id - a.id);
  const ids = ranked.slice(offset, offset + limit).map((r) => r.id);
  if (ids.length === limit || ranked.length === pass.total) return ids;
  // The rest of the page: the other hits by date.
  const rest = pass.hit.slice();
  for (const r of ranked) rest[r.id] = 0;
  return [...ids, ...pageAlong(c.byDateDesc, rest, Math.max(0, offset - ranked.length), limit - ids.length)];
}

/** bm25 of every row of `match` from rowid `from`, and which of them match `exactMatch`. */
async function rankWindow(ex: RawExec, match: string, exactMatch: string | null, from: number): Promise<RankWindow> {
  const [row] = await allRows(
    ex,
    { scores: col.textOrNull },
    `SELECT group_concat(id || ' ' || printf('%.17g', score), ' ') AS scores
     FROM (SELECT rowid AS id, ${BM25} AS score FROM seizure_fts WHERE seizure_fts MATCH ? AND rowid >= ? LIMIT -1)`,
    [match, from],
  );
  const parts = (row?.scores ?? '').split(' ');
  const n = Math.floor(parts.length / 2);
  const ids = new Int32Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = Number(parts[2 * i]);
    scores[i] = Number(parts[2 * i + 1]);
  }
  let exact: Uint8Array | null = null;
  if (exactMatch) {
    // Only the window's rows need the flag: the exact expression over the same rowid range.
    const [e] = await allRows(
      ex,
      { ids: col.textOrNull },
      'SELECT group_concat(rowid) AS ids FROM seizure_fts WHERE seizure_fts MATCH ? AND rowid >= ?',
      [exactMatch, from],
    );
    const exactIds = new Set(parseIdList(e?.ids ?? '', false));
    exact = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (exactIds.has(ids[i] as number)) exact[i] = 1;
  }
  return { ids, scores, exact };
}

/** The search over the in-memory columns: FTS5 gives the rowids matching the text, the rest is counted here. */
async function runColumns(ex: RawExec, q: Normalized, reader: Reader | null, analysed: AnalysedQuery): Promise<SearchResult> {
  const where = await buildWhere(ex, q, reader, analysed);
  const c = await seizureColumns(ex);
  const rowids = (match: string) => cachedMatches(config.databaseUrl, c.version, match, () => matchingRowids(ex, match));
  const matches = where.matchRows ? await rowids(where.matchRows) : null;
  const pass = runPass(c, {
    candidates: matches,
    excluded: !where.matchRows && where.excludeMatchRows ? await rowids(where.excludeMatchRows) : null,
    visible: visibleScopes(c, reader),
    dateFrom: q.dateFrom ? dateNumber(q.dateFrom) : 0,
    dateTo: q.dateTo ? dateNumber(q.dateTo) : 99_999_999,
    facets: await facetSelection(ex, where),
  });
  const facets = await labelledFacets(ex, sparse(pass.total, pass.counts), q.lang);
  const offset = (q.page - 1) * q.pageSize;
  let ids: number[] = [];
  if (pass.total > offset) {
    if (where.match && matches && q.sort === 'relevance')
      ids = await rankedPage(ex, c, { ...where, match: where.match }, matches, pass, offset, q.pageSize);
    else if (q.sort === 'firearms_desc') ids = pageAlong(firearmsOrder(c), pass.hit, offset, q.pageSize);
    else ids = pageAlong(c.byDateDesc, pass.hit, offset, q.pageSize, q.sort === 'date_asc');
  }
  return { total: pass.total, page: q.page, pageSize: q.pageSize, hits: await loadHits(ex, ids, analysed, q.lang), facets };
}

/**
 * A search. Without an executor: over the in-memory columns of the current data version (what
 * pages use). With one (a transaction): in SQL over the live rows — also the reference the
 * columns are tested against.
 */
export async function fts5Search(query: SearchQuery, reader: Reader | null, ex?: RawExec): Promise<SearchResult> {
  const run = ex ? runSql : runColumns;
  // Off the request thread (src/server/read-pool.ts): the SQL carries the reader's access rule.
  ex ??= readExec();
  const q = normalizeQuery(query);
  const synonyms = glossarySynonyms();
  const analysed = analyseQuery(q.text, synonyms);
  if (q.correct) {
    const correction = await correctQuery(ex, q.text, analysed, synonyms);
    if (correction) {
      // Shown only when the corrected search finds something this reader may see: a word
      // known only from hidden seizures is never suggested.
      const corrected = await run(ex, q, reader, correction.analysed);
      if (corrected.total > 0) return { ...corrected, correction: { original: q.text, corrected: correction.text } };
    }
  }
  return run(ex, q, reader, analysed);
}

// ---------------------------------------------------------------------------------------
// Hits and snippets: the summary in the reader's language with the matches marked; when what
// matched is not in the summary (a serial, a maker, an explosive), the matching item follows,
// described in the reader's language. Never the index's own text.

function itemLines(s: SeizureDetail, lang: 'es' | 'en'): string[] {
  const m = lang === 'es' ? messagesEs : messagesEn;
  const lines: string[] = [];
  for (const f of s.firearms) {
    const parts = [
      [firearmTypeLabel(f.type, lang), f.manufacturer, f.model].filter(Boolean).join(' '),
      f.calibre,
      f.serial ? `${m['seizures.firearm.serial']}: ${f.serial}` : f.obliteratedSerial ? m['seizures.firearm.obliterated'] : null,
      f.importer ? `${m['seizures.firearm.importer']}: ${f.importer}` : null,
      f.countryOfManufacture ? `${m['seizures.firearm.countryOfManufacture']}: ${countryName(f.countryOfManufacture, lang)}` : null,
      f.otherMarkings,
    ];
    lines.push(parts.filter(Boolean).join(' · '));
  }
  for (const a of s.ammunition)
    lines.push(`${m['seizures.detail.ammunition']}: ${a.calibre} · ${a.rounds} ${m['seizures.ammunition.rounds'].toLowerCase()}`);
  for (const g of s.magazines)
    lines.push(
      `${m['seizures.detail.magazines']}: ${g.quantity}${g.capacity ? ` · ${m['seizures.magazine.capacity'].toLowerCase()} ${g.capacity}` : ''}`,
    );
  for (const e of s.explosives) lines.push(`${m['seizures.detail.explosives']}: ${e.description} · ${e.quantity}`);
  const place = [s.reference, s.caseFile, s.operation, s.municipality, s.place, lang === 'es' ? s.stateNameEs : s.stateNameEn].filter(
    Boolean,
  );
  lines.push(place.join(' · '));
  return lines;
}

export function seizureSnippet(s: SeizureDetail, terms: HighlightTerms | null, lang: 'es' | 'en'): string {
  const summary = (lang === 'es' ? (s.summaryEs ?? s.summaryEn) : (s.summaryEn ?? s.summaryEs)) ?? '';
  if (!terms) return escapeHtml(summary.length > 220 ? `${summary.slice(0, 220)}…` : summary);
  const main = highlight(summary, terms, 220);
  if (main.matched) return main.html;
  for (const line of itemLines(s, lang)) {
    const item = highlight(line, terms, 160);
    if (item.matched) return `${main.html} <span class="portal-snippet__match">${item.html}</span>`;
  }
  return main.html;
}

/** Hits in the given order with their snippets (also used for Meilisearch's answers: the same snippets). */
export async function loadHits(ex: RawExec, ids: number[], analysed: AnalysedQuery, lang: 'es' | 'en'): Promise<SearchHit[]> {
  if (!ids.length) return [];
  const byId = new Map((await loadSeizures(ex, ids)).map((s) => [s.id, s]));
  const terms = analysed.groups.length ? highlightTerms(analysed) : null;
  return ids.flatMap((id) => {
    const s = byId.get(id);
    if (!s) return [];
    return [
      {
        id: s.id,
        reference: s.reference,
        date: s.date,
        country: s.country,
        stateCode: s.stateCode,
        stateName: lang === 'es' ? s.stateNameEs : s.stateNameEn,
        municipality: s.municipality,
        place: s.place,
        agencyCode: s.agencyCode,
        firearmCount: s.firearmCount,
        snippet: seizureSnippet(s, terms, lang),
      },
    ];
  });
}

export const fts5Engine: SearchEngine = {
  name: 'fts5',
  search: (query, reader) => fts5Search(query, reader),
  async index(ids) {
    await writeTransaction(async (tx) => {
      await unindexSeizures(tx, { ids });
      await indexSeizures(tx, { ids });
      await bumpDataVersion(tx, 'seizures');
    });
    indexChanged();
  },
  async remove(ids) {
    await writeTransaction(async (tx) => {
      await unindexSeizures(tx, { ids });
      await bumpDataVersion(tx, 'seizures');
    });
    indexChanged();
  },
  async reindex(progress) {
    const [row] = await allRows(rawClient(), { n: col.int }, 'SELECT count(*) AS n FROM seizures');
    const total = row?.n ?? 0;
    progress?.(0, total);
    await writeTransaction(async (tx) => {
      await reindexAll(tx);
      await bumpDataVersion(tx, 'seizures');
    });
    indexChanged();
    progress?.(total, total);
  },
  async health() {
    // The index lives in the database: it answers when its table does.
    await runRaw(rawClient(), 'SELECT rowid FROM seizure_fts LIMIT 1');
    return { status: 'ok' };
  },
};
