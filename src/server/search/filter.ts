/**
 * The SQL WHERE clause of a search over seizure_search_docs (alias d): access tokens, text,
 * filters and dates. Search, facets, dashboard and export all start from it, so the reader's
 * tokens are part of every one of those queries.
 */
import { readerTokens, seesEverything, type Reader } from '#src/server/access.ts';
import { config } from '#src/server/config.ts';

import { allRaw, type RawExec, type SqlValue } from '#src/server/sql.ts';
import { FACET_CHAR_BASE, type FacetField } from './fts5-index.ts';
import type { SearchQuery } from './types.ts';

export interface Where {
  /** FROM clause: the docs table, joined to the FTS table when there is text. */
  from: string;
  clause: string;
  params: SqlValue[];
  /** The FTS5 MATCH expression, or null without text. */
  match: string | null;
}

/**
 * User text -> FTS5 query. Every term is quoted (no operator injection; hyphenated serials
 * stay one phrase); terms are ANDed. A term with a digit also matches serial numbers that
 * start with it (separators removed): "1974ab" finds "1974AB1234" and "1974-AB-1234". Words
 * without a digit do not: a serial-prefix alternative on every word doubled the cost of text
 * queries (bench:search p95 40 -> 63 ms), and a useful serial prefix carries a digit.
 */
export function toMatchExpression(text: string): string | null {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      const phrase = m[1].replace(/[^\p{L}\p{N}\s\-./]/gu, ' ').trim();
      if (/[\p{L}\p{N}]/u.test(phrase)) terms.push(`"${phrase}"`);
      continue;
    }
    const word = (m[2] ?? '').replace(/[^\p{L}\p{N}\-./]/gu, '');
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    const compact = word.replace(/[^\p{L}\p{N}]/gu, '');
    if (/\d/.test(word) && compact.length >= 3) terms.push(`("${word}" OR serials : "${compact}" *)`);
    else terms.push(`"${word}"`);
  }
  return terms.length ? terms.join(' AND ') : null;
}

// Facet value ids per database (ids are never reused, so a cached entry never goes stale).
const dictionaries = new Map<string, { byId: Map<number, { field: FacetField; value: string }>; byKey: Map<string, number> }>();

export async function facetDictionary(ex: RawExec, needId?: number) {
  const key = config.databaseUrl;
  let dict = dictionaries.get(key);
  if (!dict || (needId !== undefined && !dict.byId.has(needId))) {
    const rows = await allRaw<{ id: number; field: FacetField; value: string }>(ex, 'SELECT id, field, value FROM facet_values');
    dict = { byId: new Map(), byKey: new Map() };
    for (const r of rows) {
      dict.byId.set(r.id, { field: r.field, value: r.value });
      dict.byKey.set(`${r.field}\u0000${r.value}`, r.id);
    }
    dictionaries.set(key, dict);
  }
  return dict;
}

export async function buildWhere(ex: RawExec, query: SearchQuery, reader: Reader | null): Promise<Where> {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (!seesEverything(reader)) {
    const tokens = readerTokens(reader);
    parts.push(`d.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (${tokens.map(() => '?').join(', ')}))`);
    params.push(...tokens);
  }
  const match = toMatchExpression(query.text ?? '');
  if (match) {
    // Joining from the FTS rowids (ascending) beats `IN (SELECT rowid ...)`, which first
    // copies every match into a temporary index (measured 10.7 vs 15.2 ms for 58k hits).
    parts.unshift('seizure_fts MATCH ?');
    params.unshift(match);
  }
  const f = query.filters ?? {};
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (!values?.length) return;
    parts.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('d.country', f.country);
  inList('d.state_code', f.state);
  inList('d.agency_code', f.agency);
  if (f.year?.length) {
    parts.push(`(${f.year.map(() => '(d.date >= ? AND d.date <= ?)').join(' OR ')})`);
    for (const y of f.year) params.push(`${y}-01-01`, `${y}-12-31`);
  }
  if (query.dateFrom) {
    parts.push('d.date >= ?');
    params.push(query.dateFrom);
  }
  if (query.dateTo) {
    parts.push('d.date <= ?');
    params.push(query.dateTo);
  }
  // Firearm-level facets are lists per seizure: test membership in the padded id list.
  const multi: [FacetField, readonly string[] | undefined][] = [
    ['firearmType', f.firearmType],
    ['calibre', f.calibre],
    ['manufacturer', f.manufacturer],
    ['traceStatus', f.traceStatus],
  ];
  if (multi.some(([, v]) => v?.length)) {
    const dict = await facetDictionary(ex);
    for (const [field, values] of multi) {
      if (!values?.length) continue;
      const lookup = (d: typeof dict) =>
        values.map((v) => d.byKey.get(`${field}\u0000${v}`)).filter((id): id is number => id !== undefined);
      let ids = lookup(dict);
      // A value imported since the dictionary was cached: reload once (-1 is never an id).
      if (ids.length < values.length) ids = lookup(await facetDictionary(ex, -1));
      if (!ids.length) parts.push('0');
      else {
        parts.push(`(${ids.map(() => 'instr(d.facet_ids, ?) > 0').join(' OR ')})`);
        params.push(...ids.map((id) => String.fromCharCode(id + FACET_CHAR_BASE)));
      }
    }
  }
  const from = match ? 'seizure_fts JOIN seizure_search_docs d ON d.seizure_id = seizure_fts.rowid' : 'seizure_search_docs d';
  return { from, clause: parts.length ? parts.join(' AND ') : '1', params, match };
}
