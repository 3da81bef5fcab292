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

export function clauseExpression(c: QueryClause, withRelated = true): string {
  const alts = new Set<string>();
  alts.add(phrase(c.tokens));
  if (!same(c.keys, c.tokens)) alts.add(`stems : ${phrase(c.keys)}`);
  for (const s of c.synonyms) {
    alts.add(phrase(s.tokens));
    if (!same(s.keys, s.tokens)) alts.add(`stems : ${phrase(s.keys)}`);
  }
  for (const concept of c.concepts) {
    alts.add(`concepts : ${phrase([conceptToken(concept)])}`);
    for (const label of conceptLabels(concept)) alts.add(phrase(foldedTokens(label)));
  }
  // Related concepts (5.56x45 for .223) only by their token, so they rank below the exact one.
  if (withRelated) for (const concept of c.related) alts.add(`concepts : ${phrase([conceptToken(concept)])}`);
  if (c.serialPrefix) alts.add(`serials : ${phrase([c.serialPrefix])} *`);
  return alts.size === 1 ? ([...alts][0] as string) : `(${[...alts].join(' OR ')})`;
}

export interface MatchExpressions {
  /** Rows that match every group (null: no positive clause). */
  positive: string | null;
  /** The same without related concepts, when there are any: these rows rank first. */
  exact: string | null;
  /** Rows to exclude (null: none). */
  negative: string | null;
}

export function matchExpressions(q: AnalysedQuery): MatchExpressions {
  const expr = (withRelated: boolean) =>
    q.groups.map((g) => {
      const parts = g.map((c) => clauseExpression(c, withRelated));
      return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`;
    });
  const groups = expr(true);
  const hasRelated = q.groups.some((g) => g.some((c) => c.related.length));
  const negative = q.excluded.length ? q.excluded.map((c) => clauseExpression(c)).join(' OR ') : null;
  return { positive: groups.length ? groups.join(' AND ') : null, exact: hasRelated ? expr(false).join(' AND ') : null, negative };
}
