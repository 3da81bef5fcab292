/**
 * Relevance of a search engine on the judged queries: recall@10 (relevant seizures among the
 * first 10, out of min(10, relevant)), nDCG@10 (binary gains) and the zero-result rate, per
 * query class and overall.
 */
import type { Reader } from '#src/server/access.ts';
import type { SearchEngine } from '#src/server/search/types.ts';
import type { SeizureInput } from '#src/server/seizures/types.ts';
import { JUDGEMENTS, type Judgement, type QueryClass } from './judgements.ts';

export const RELEVANCE_SEIZURES = 3000;
const ADMIN: Reader = { id: 'relevance', role: 'admin', agencyCode: 'FGR', agencyCountry: 'MX' };

/** The judged queries plus serial queries (exact and prefix) drawn from the data itself. */
export function judgedQueries(list: readonly SeizureInput[]): Judgement[] {
  const withSerial = list.filter((s) => s.firearms.some((f) => f.serial && f.serial.length >= 8));
  const serials: Judgement[] = [];
  for (const s of [withSerial[10], withSerial[500], withSerial[1500]]) {
    const serial = s?.firearms.find((f) => f.serial && f.serial.length >= 8)?.serial;
    if (!s || !serial) continue;
    serials.push({ q: serial, class: 'serial', lang: 'es', relevant: (x) => x.firearms.some((f) => f.serial === serial) });
    const prefix = serial.replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
    serials.push({
      q: prefix,
      class: 'serial',
      lang: 'en',
      relevant: (x) =>
        x.firearms.some(
          (f) =>
            !!f.serial &&
            f.serial
              .replace(/[^A-Za-z0-9]/g, '')
              .toLowerCase()
              .startsWith(prefix.toLowerCase()),
        ),
    });
  }
  return [...JUDGEMENTS, ...serials];
}

export interface QueryOutcome {
  q: string;
  class: QueryClass;
  relevant: number;
  total: number;
  recall10: number;
  ndcg10: number;
  /** Over every result (all pages): relevant found / relevant, relevant found / results. */
  recallAll: number;
  precisionAll: number;
}

export interface ClassMetrics {
  class: QueryClass | 'all';
  queries: number;
  recall10: number;
  ndcg10: number;
  zeroResultRate: number;
  recallAll: number;
  precisionAll: number;
}

export async function evaluate(
  engine: SearchEngine,
  list: readonly SeizureInput[],
  opts: { allResults?: boolean } = {},
): Promise<{ outcomes: QueryOutcome[]; metrics: ClassMetrics[] }> {
  const byRef = new Map(list.map((s) => [s.reference, s]));
  const outcomes: QueryOutcome[] = [];
  for (const judgement of judgedQueries(list)) {
    const relevantCount = list.filter(judgement.relevant).length;
    if (relevantCount === 0) throw new Error(`judged query "${judgement.q}" has no relevant seizure in the demo data`);
    const r = await engine.search({ text: judgement.q, pageSize: 10, lang: judgement.lang }, ADMIN);
    const gains = r.hits.map((h) => {
      const s = byRef.get(h.reference);
      return s && judgement.relevant(s) ? 1 : 0;
    });
    const ideal = Math.min(10, relevantCount);
    const found = gains.reduce<number>((n, g) => n + g, 0);
    const dcg = gains.reduce<number>((sum, g, i) => sum + g / Math.log2(i + 2), 0);
    let idcg = 0;
    for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
    // Every result, page by page, for recall and precision over the whole answer.
    let foundAll = 0;
    let seen = 0;
    for (let page = 1; opts.allResults !== false && seen < r.total && page <= 100; page++) {
      const p = await engine.search({ text: judgement.q, pageSize: 100, page, lang: judgement.lang }, ADMIN);
      if (!p.hits.length) break;
      seen += p.hits.length;
      for (const h of p.hits) {
        const s = byRef.get(h.reference);
        if (s && judgement.relevant(s)) foundAll++;
      }
    }
    outcomes.push({
      q: judgement.q,
      class: judgement.class,
      relevant: relevantCount,
      total: r.total,
      recall10: found / ideal,
      ndcg10: dcg / idcg,
      recallAll: foundAll / relevantCount,
      precisionAll: seen ? foundAll / seen : 0,
    });
  }
  const summarize = (cls: QueryClass | 'all', of: QueryOutcome[]): ClassMetrics => ({
    class: cls,
    queries: of.length,
    recall10: of.reduce((n, o) => n + o.recall10, 0) / of.length,
    ndcg10: of.reduce((n, o) => n + o.ndcg10, 0) / of.length,
    zeroResultRate: of.filter((o) => o.total === 0).length / of.length,
    recallAll: of.reduce((n, o) => n + o.recallAll, 0) / of.length,
    precisionAll: of.reduce((n, o) => n + o.precisionAll, 0) / of.length,
  });
  const classes = [...new Set(outcomes.map((o) => o.class))];
  return {
    outcomes,
    metrics: [
      ...classes.map((c) =>
        summarize(
          c,
          outcomes.filter((o) => o.class === c),
        ),
      ),
      summarize('all', outcomes),
    ],
  };
}

/** DESIGN.md budgets: zero-result rate 0 on judged queries that have answers; recall@10 >= 0.9. */
export const BUDGET = { recall10: 0.9, zeroResultRate: 0 };
