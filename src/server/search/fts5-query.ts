/**
 * An analysed query (src/server/text) as an FTS5 MATCH expression over seizure_fts. Every
 * token is quoted and is letters and digits only, so nothing a reader types is FTS5 syntax.
 * A clause matches when any of its forms does: the exact tokens (any column), the stem keys
 * (stems column), a synonym, a vocabulary concept or a related one (concepts column), or a
 * serial prefix (serials column). Exact forms match more columns, so bm25 ranks them higher.
 */
import { conceptLabels, foldedTokens, type AnalysedQuery, type QueryClause } from '#src/server/text/index.ts';
import { conceptToken } from './seizure-text.ts';

const phrase = (tokens: readonly string[]) => `"${tokens.join(' ').replace(/"/g, '""')}"`;
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** One alternative of a clause: a phrase, in one column or any (null), a prefix query when `prefix`. */
interface Alternative {
  column: 'stems' | 'concepts' | 'serials' | null;
  tokens: readonly string[];
  prefix: boolean;
}

const format = (a: Alternative) => `${a.column ? `${a.column} : ` : ''}${phrase(a.tokens)}${a.prefix ? ' *' : ''}`;

function alternatives(c: QueryClause, withRelated: boolean): Alternative[] {
  const alts: Alternative[] = [];
  const add = (column: Alternative['column'], tokens: readonly string[], prefix = false) => alts.push({ column, tokens, prefix });
  add(null, c.tokens);
  if (!same(c.keys, c.tokens)) add('stems', c.keys);
  for (const s of c.synonyms) {
    add(null, s.tokens);
    if (!same(s.keys, s.tokens)) add('stems', s.keys);
  }
  for (const concept of c.concepts) {
    add('concepts', [conceptToken(concept)]);
    for (const label of conceptLabels(concept)) add(null, foldedTokens(label));
  }
  // Related concepts (5.56x45 for .223) only by their token, so they rank below the exact one.
  if (withRelated) for (const concept of c.related) add('concepts', [conceptToken(concept)]);
  if (c.serialPrefix) add('serials', [c.serialPrefix], true);
  return alts;
}

/** `b` occurs inside `a` as consecutive tokens. */
function contains(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i + b.length <= a.length; i++) if (b.every((t, j) => a[i + j] === t)) return true;
  return false;
}

/**
 * Leaves out the alternatives that cannot add a row: a phrase holding another alternative's
 * phrase, in the same column or when that one is searched in any column ("numero de serie
 * borrado" when "borrado" is an alternative). The rows matched are the same; FTS5 reads fewer
 * doclists (phrases with "de" read the positions of nearly every row). bm25 scores every
 * phrase, so ranking keeps the full expression.
 */
function withoutSubsumed(alts: readonly Alternative[]): Alternative[] {
  return alts.filter(
    (p, i) =>
      p.prefix ||
      !alts.some(
        (q, j) =>
          j !== i &&
          !q.prefix &&
          q.tokens.length > 0 &&
          (q.column === null || q.column === p.column) &&
          contains(p.tokens, q.tokens) &&
          // Of two equal alternatives, the first stays.
          !(q.tokens.length === p.tokens.length && q.column === p.column && j > i),
      ),
  );
}

function expression(alts: readonly Alternative[]): string {
  const forms = [...new Set(alts.map(format))];
  return forms.length === 1 ? (forms[0] as string) : `(${forms.join(' OR ')})`;
}

export function clauseExpression(c: QueryClause, withRelated = true): string {
  return expression(alternatives(c, withRelated));
}

export interface MatchExpressions {
  /** Rows that match every group (null: no positive clause). */
  positive: string | null;
  /** The same without related concepts, when there are any: these rows rank first. */
  exact: string | null;
  /** Rows to exclude (null: none). */
  negative: string | null;
  /** `positive` and `negative` with the alternatives that add no row left out: the same rows, cheaper to find (not for bm25). */
  positiveRows: string | null;
  negativeRows: string | null;
}

export function matchExpressions(q: AnalysedQuery): MatchExpressions {
  const clause = (c: QueryClause, withRelated: boolean, rowsOnly: boolean) => {
    const alts = alternatives(c, withRelated);
    return expression(rowsOnly ? withoutSubsumed(alts) : alts);
  };
  const groups = (withRelated: boolean, rowsOnly: boolean) =>
    q.groups.map((g) => {
      const parts = g.map((c) => clause(c, withRelated, rowsOnly));
      return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`;
    });
  const hasRelated = q.groups.some((g) => g.some((c) => c.related.length));
  const negative = (rowsOnly: boolean) => (q.excluded.length ? q.excluded.map((c) => clause(c, true, rowsOnly)).join(' OR ') : null);
  const positive = (rowsOnly: boolean) => (q.groups.length ? groups(true, rowsOnly).join(' AND ') : null);
  return {
    positive: positive(false),
    exact: hasRelated ? groups(false, false).join(' AND ') : null,
    negative: negative(false),
    positiveRows: positive(true),
    negativeRows: negative(true),
  };
}
