/**
 * "Did you mean" for the embedded engine: a query word that occurs nowhere in the index (neither
 * as written nor by its stem) is replaced by the closest word of the index's own vocabulary
 * (fts5vocab over the text columns, not serials) or of the domain vocabulary (gazetteer, model
 * families, firearm types), so "Michoacna" becomes "Michoacán" and "Kalashnikof" "Kalashnikov".
 */
import { config } from '#src/server/config.ts';
import { dataVersion } from '#src/server/data-version.ts';
import { allRows, col, type RawExec } from '#src/server/sql.ts';
import { FIREARM_CLASS_VOCABULARY, FIREARM_TYPE_VOCABULARY, MODEL_FAMILY_VOCABULARY } from '#src/domain/firearm-vocabulary.ts';
import { GAZETTEER_COUNTRIES, GAZETTEER_PLACES } from '#src/domain/gazetteer.ts';
import { SpellingDictionary, analyseQuery, tokenize, type AnalysedQuery, type SynonymSet } from '#src/server/text/index.ts';

interface Cached {
  dictionary: SpellingDictionary;
  loadedAt: number;
  generation: number;
}
const cache = new Map<string, Cached>();
// Words imported by this process show up at once; other processes' imports within the TTL.
const TTL_MS = 10 * 60_000;
let generation = 0;

/** Called after the index changes, so the next correction sees the new words. */
export function indexChanged(): void {
  generation++;
}

// Display forms of the domain vocabulary ("michoacan" -> "Michoacán").
const displayForms = new Map<string, string>();
function addDisplay(text: string) {
  for (const t of tokenize(text)) if (/^\p{L}{4,}$/u.test(t.folded) && !displayForms.has(t.folded)) displayForms.set(t.folded, t.text);
}
for (const p of GAZETTEER_PLACES) [p.es, p.en, ...p.names].forEach(addDisplay);
for (const c of GAZETTEER_COUNTRIES) [c.es, c.en, ...c.names].forEach(addDisplay);
for (const f of MODEL_FAMILY_VOCABULARY) [f.label, ...f.spellings].forEach(addDisplay);
for (const t of FIREARM_TYPE_VOCABULARY) t.spellings.forEach(addDisplay);
for (const c of FIREARM_CLASS_VOCABULARY) c.spellings.forEach(addDisplay);

async function dictionary(ex: RawExec): Promise<SpellingDictionary> {
  const key = config.databaseUrl;
  const hit = cache.get(key);
  if (hit && hit.generation === generation && Date.now() - hit.loadedAt < TTL_MS) return hit.dictionary;
  const weights = new Map<string, number>();
  for (const r of await allRows(
    ex,
    { term: col.text, doc: col.int },
    `SELECT term, doc FROM seizure_fts_column_terms WHERE col IN ('summary', 'place', 'items')`,
  )) {
    weights.set(r.term, Math.max(weights.get(r.term) ?? 0, r.doc));
  }
  for (const word of displayForms.keys()) if (!weights.has(word)) weights.set(word, 1);
  const dict = new SpellingDictionary(weights);
  cache.set(key, { dictionary: dict, loadedAt: Date.now(), generation });
  return dict;
}

// Whether a word is in the index, per database and seizure data version: fts5vocab counts a
// word's rows over its whole doclist (a common word such as "fusil" cost 5–20 ms a search).
const known: { database: string; version: number; terms: Map<string, boolean> } = { database: '', version: -1, terms: new Map() };
const MAX_KNOWN_TERMS = 20_000;

async function termsPresent(ex: RawExec, forms: string[]): Promise<Set<string>> {
  const version = await dataVersion('seizures', ex);
  if (known.database !== config.databaseUrl || known.version !== version || known.terms.size > MAX_KNOWN_TERMS) {
    known.database = config.databaseUrl;
    known.version = version;
    known.terms = new Map();
  }
  const unknown = forms.filter((f) => !known.terms.has(f));
  if (unknown.length) {
    const found = new Set(
      (
        await allRows(
          ex,
          { term: col.text },
          `SELECT term FROM seizure_fts_terms WHERE term IN (${unknown.map(() => '?').join(', ')})`,
          unknown,
        )
      ).map((r) => r.term),
    );
    for (const f of unknown) known.terms.set(f, found.has(f));
  }
  return new Set(forms.filter((f) => known.terms.get(f)));
}

export interface Correction {
  /** The query text with each corrected word replaced. */
  text: string;
  analysed: AnalysedQuery;
}

/** The corrected query, or null when every word occurs in the index (or none can be corrected). */
export async function correctQuery(ex: RawExec, text: string, analysed: AnalysedQuery, synonyms: SynonymSet): Promise<Correction | null> {
  const candidates = [...analysed.groups.flat(), ...analysed.excluded].filter((c) => c.correctable);
  if (!candidates.length) return null;
  const forms = [...new Set(candidates.flatMap((c) => [c.tokens[0] as string, c.keys[0] as string]))];
  const present = await termsPresent(ex, forms);
  const missing = candidates.filter((c) => !present.has(c.tokens[0] as string) && !present.has(c.keys[0] as string));
  if (!missing.length) return null;
  const dict = await dictionary(ex);
  let corrected = text;
  let changed = false;
  for (const c of missing) {
    const s = dict.suggest(c.tokens[0] as string);
    if (!s) continue;
    const display = displayForms.get(s.term) ?? s.term;
    corrected = corrected.replace(c.text, display);
    changed = true;
  }
  return changed ? { text: corrected, analysed: analyseQuery(corrected, synonyms) } : null;
}
