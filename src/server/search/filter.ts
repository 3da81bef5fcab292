/**
 * The SQL of a search over seizure_search_docs (alias d): access tokens, text, dates and facet
 * filters. Search, facets, dashboard and export all start from it, so the reader's tokens are
 * part of every one of those queries.
 */
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { config } from '#src/server/config.ts';
import { allRows, col, type RawExec, type SqlValue } from '#src/server/sql.ts';
import { dataVersion } from '#src/server/data-version.ts';
import { analyseQuery, glossarySynonyms, type AnalysedQuery } from '#src/server/text/index.ts';
import { FACET_CHAR_BASE, FACET_FIELDS, type FacetField } from './fts5-index.ts';
import { matchExpressions } from './fts5-query.ts';
import type { SearchQuery } from './types.ts';

export interface Where {
  /** FROM clause: the docs table, joined to the FTS table when there is text. */
  from: string;
  /** Every condition: access, text, dates and facets. */
  clause: string;
  params: SqlValue[];
  /** Access, text and dates, without the facet filters (for counts within a facet). */
  baseClause: string;
  baseParams: SqlValue[];
  /** Per facet field with a selection: the facet characters any of which a row must hold. */
  facetChars: Partial<Record<FacetField, string[]>>;
  /** The FTS5 MATCH expression of the required text, or null. */
  match: string | null;
  /** Without related concepts (rows matching it rank first), or null when there are none. */
  exactMatch: string | null;
  /** Only exclusions ("-glock"): the MATCH of the rows to leave out, else null. */
  excludeMatch: string | null;
  /** `match` and `excludeMatch` for finding rows only (same rows, fewer phrases; not for bm25). */
  matchRows: string | null;
  excludeMatchRows: string | null;
}

// Facet value ids per database, reloaded when the seizure data version changes (imports write
// new values in the same transaction that raises it). A value nobody imported (a forged URL)
// does not reload it: that cost a full read of facet_values per request.
const dictionaries = new Map<
  string,
  { version: number; byId: Map<number, { field: FacetField; value: string }>; byKey: Map<string, number> }
>();

export async function facetDictionary(ex: RawExec, needId?: number) {
  const key = config.databaseUrl;
  const version = await dataVersion('seizures', ex);
  let dict = dictionaries.get(key);
  if (!dict || dict.version !== version || (needId !== undefined && !dict.byId.has(needId))) {
    const rows = await allRows(
      ex,
      { id: col.int, field: col.oneOf(FACET_FIELDS), value: col.text },
      'SELECT id, field, value FROM facet_values',
    );
    dict = { version, byId: new Map(), byKey: new Map() };
    for (const r of rows) {
      dict.byId.set(r.id, { field: r.field, value: r.value });
      dict.byKey.set(`${r.field}\u0000${r.value}`, r.id);
    }
    dictionaries.set(key, dict);
  }
  return dict;
}

export const facetChar = (id: number) => String.fromCharCode(id + FACET_CHAR_BASE);

export async function buildWhere(ex: RawExec, query: SearchQuery, reader: Reader | null, analysed?: AnalysedQuery): Promise<Where> {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (!seesEverything(reader)) {
    const tokens = readerTokens(reader);
    parts.push(`d.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (${tokens.map(() => '?').join(', ')}))`);
    params.push(...tokens);
  }
  const { positive, exact, negative, positiveRows, negativeRows } = matchExpressions(
    analysed ?? analyseQuery(query.text ?? '', glossarySynonyms()),
  );
  const match = positive && negative ? `(${positive}) NOT (${negative})` : positive;
  const matchRows = positiveRows && negativeRows ? `(${positiveRows}) NOT (${negativeRows})` : positiveRows;
  if (match) {
    // Joining from the FTS rowids (ascending) beats `IN (SELECT rowid ...)`, which first
    // copies every match into a temporary index (measured 10.7 vs 15.2 ms for 58k hits).
    parts.unshift('seizure_fts MATCH ?');
    params.unshift(match);
  } else if (negative) {
    // Only exclusions ("-glock"): every visible seizure but those.
    parts.push('d.seizure_id NOT IN (SELECT rowid FROM seizure_fts WHERE seizure_fts MATCH ?)');
    params.push(negative);
  }
  if (query.dateFrom) {
    parts.push('d.date >= ?');
    params.push(query.dateFrom);
  }
  if (query.dateTo) {
    parts.push('d.date <= ?');
    params.push(query.dateTo);
  }
  const baseClause = parts.length ? parts.join(' AND ') : '1';
  const baseParams = [...params];

  // Facets: within a facet the chosen values combine with OR, across facets with AND. Every
  // facet value (country, state, agency and year too) is a character of d.facet_ids.
  const f = query.filters ?? {};
  const facetChars: Partial<Record<FacetField, string[]>> = {};
  if (FACET_FIELDS.some((field) => f[field]?.length)) {
    const dict = await facetDictionary(ex);
    for (const field of FACET_FIELDS) {
      const values = (f[field] ?? []).map(String);
      if (!values.length) continue;
      const ids = values.map((v) => dict.byKey.get(`${field}\u0000${v}`)).filter((id): id is number => id !== undefined);
      facetChars[field] = ids.map(facetChar);
      if (!ids.length) parts.push('0');
      else {
        parts.push(`(${ids.map(() => 'instr(d.facet_ids, ?) > 0').join(' OR ')})`);
        params.push(...ids.map(facetChar));
      }
    }
  }
  const from = match ? 'seizure_fts JOIN seizure_search_docs d ON d.seizure_id = seizure_fts.rowid' : 'seizure_search_docs d';
  const exactMatch = exact && negative ? `(${exact}) NOT (${negative})` : exact;
  return {
    from,
    clause: parts.length ? parts.join(' AND ') : '1',
    params,
    baseClause,
    baseParams,
    facetChars,
    match,
    exactMatch,
    excludeMatch: match ? null : negative,
    matchRows,
    excludeMatchRows: match ? null : negativeRows,
  };
}
