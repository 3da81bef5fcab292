/**
 * Text analysis shared by every search in the portal (seizures today; threads and documents
 * reuse it), engine-neutral:
 *
 * - `analyseText(text)`: what to index beside the raw text: one stem key per token (Spanish and
 *   English Snowball, folded) and the vocabulary concepts the text mentions.
 * - `analyseQuery(text, synonyms)`: a reader's query as clauses (tokens, stem keys, concepts,
 *   related concepts, synonyms, serial prefix), grouped for AND / OR / NOT.
 * - `highlight(text, highlightTerms(query))`: the reader's text with the matches marked.
 * - `SpellingDictionary`: "did you mean" from an index's own words.
 * - the domain vocabulary (`vocabulary.ts`) and glossary synonyms (`synonyms.ts`) as data.
 */
import { foldedTokens } from './fold.ts';
import { stemKey } from './stem.ts';
import { conceptsInTokens, type Concept } from './vocabulary.ts';

export interface AnalysedText {
  /** Stem key of every token, in order (phrases of keys match). */
  keys: string[];
  concepts: Concept[];
}

export function analyseText(text: string): AnalysedText {
  const tokens = foldedTokens(text);
  return { keys: tokens.map(stemKey), concepts: conceptsInTokens(tokens) };
}

// Short texts (a firearm's maker, model and calibre; a place) repeat across records.
const shortCache = new Map<string, AnalysedText>();

/** analyseText, remembered for short, repetitive texts. */
export function analyseShortText(text: string): AnalysedText {
  if (text.length > 200) return analyseText(text);
  let a = shortCache.get(text);
  if (!a) {
    a = analyseText(text);
    if (shortCache.size >= 50_000) shortCache.clear();
    shortCache.set(text, a);
  }
  return a;
}

export { fold, foldedTokens, tokenize, STOP_WORDS } from './fold.ts';
export { stemKey } from './stem.ts';
export { analyseQuery, lexQuery, allClauses, hasPositiveClauses, type AnalysedQuery, type QueryClause } from './query.ts';
export { highlight, highlightTerms, type HighlightTerms } from './highlight.ts';
export { SpellingDictionary, editDistance, allowedEdits } from './spelling.ts';
export { SynonymSet, glossarySynonyms, glossaryGroups, EMPTY_SYNONYMS } from './synonyms.ts';
export * from './vocabulary.ts';
