/**
 * A reader's search text -> an analysed query, engine-neutral. Syntax (documented on the search
 * pages): words are all required; "quoted words" must appear together in that order; -word or
 * -"a phrase" excludes; OR between two words or phrases accepts either. Anything else is text:
 * FTS5 or Meilisearch operators typed by a reader (*, ^, :, NEAR, parentheses) never reach an
 * engine as syntax and never cause an error.
 *
 * Each clause carries what an engine needs to match it the same way text was indexed: folded
 * tokens (exact), stem keys (inflections, across Spanish and English), vocabulary concepts
 * (calibres, model families, firearm types, places) and glossary synonyms.
 */
import { STOP_WORDS, atomsOf, foldedTokens } from './fold.ts';
import { stemKey } from './stem.ts';
import { EMPTY_SYNONYMS, type SynonymAlternative, type SynonymSet } from './synonyms.ts';
import { queryVocabulary, relatedCalibres, type Concept } from './vocabulary.ts';

export interface QueryClause {
  /** The words as the reader typed them (for "did you mean" and display). */
  text: string;
  quoted: boolean;
  negated: boolean;
  /** Folded tokens: an exact phrase when more than one. */
  tokens: string[];
  /** Stem key of each token (same order). */
  keys: string[];
  /** Vocabulary concepts this clause names. */
  concepts: Concept[];
  /** Concepts related to those (found, ranked lower): 5.56x45 for .223. */
  related: Concept[];
  /** Glossary synonyms (other phrases meaning the same). */
  synonyms: SynonymAlternative[];
  /** Compact form ("1974AB12") when the clause may be the start of a serial number. */
  serialPrefix: string | null;
  /** A letters-only word of 4+ letters: may be corrected when it matches nothing. */
  correctable: boolean;
}

export interface AnalysedQuery {
  /** Clauses of a group are alternatives (OR); groups are all required (AND). */
  groups: QueryClause[][];
  /** Excluded clauses (-word). */
  excluded: QueryClause[];
}

interface Item {
  text: string;
  quoted: boolean;
  negated: boolean;
  /** Joined to the previous item by OR. */
  or: boolean;
}

/** Splits the text into words, quoted phrases, exclusions and OR. */
export function lexQuery(input: string): Item[] {
  const items: Item[] = [];
  let or = false;
  let negateNext = false;
  const re = /(-?)"([^"]*)("?)|(\S+)/g;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    if (m[4] !== undefined) {
      const word = m[4];
      if (word === 'OR' || word === '|') {
        or = items.length > 0;
        continue;
      }
      if (word === 'AND' || word === '&&') continue;
      if (word === 'NOT') {
        negateNext = true;
        continue;
      }
      const negated = negateNext || (word.startsWith('-') && word.length > 1 && !/^-\d/.test(word));
      negateNext = false;
      const text = word.startsWith('-') && negated ? word.slice(1) : word;
      if (!foldedTokens(text).length) continue;
      items.push({ text, quoted: false, negated, or: or && !negated });
    } else {
      const text = m[2] ?? '';
      const negated = negateNext || m[1] === '-';
      negateNext = false;
      if (!foldedTokens(text).length) continue;
      items.push({ text, quoted: true, negated, or: or && !negated });
    }
    or = false;
  }
  return items;
}

function clause(text: string, tokens: string[], opts: Partial<QueryClause> = {}): QueryClause {
  const compact = tokens.join('');
  const single = tokens.length === 1 && !opts.quoted;
  // A serial starts with digits or letters-and-digits; ".223" or "7.62" (a leading dot or a
  // decimal) are calibres, not serials.
  const oneWord = !opts.quoted && !/\s/.test(text.trim());
  const serialLike = oneWord && /\d/.test(compact) && compact.length >= 3 && !/^[.,]|\d[.,]\d/.test(text.trim());
  return {
    text,
    quoted: false,
    negated: false,
    tokens,
    keys: tokens.map(stemKey),
    concepts: [],
    related: [],
    synonyms: [],
    serialPrefix: serialLike ? compact : null,
    correctable: single && /^\p{L}{4,}$/u.test(compact),
    ...opts,
  };
}

function withVocabulary(c: QueryClause, concepts: readonly Concept[], synonymGroups: readonly number[], synonyms: SynonymSet): QueryClause {
  const related = [...new Set(concepts.flatMap(relatedCalibres))].filter((r) => !concepts.includes(r));
  return {
    ...c,
    concepts: [...concepts],
    related,
    synonyms: synonyms.expand(synonymGroups).filter((s) => s.tokens.join(' ') !== c.tokens.join(' ')),
    // A vocabulary phrase is known: never "corrected".
    correctable: c.correctable && !concepts.length && !synonymGroups.length,
  };
}

/**
 * Analyses a search text. Runs of plain words are matched against the vocabulary and the
 * synonyms first (longest phrase wins: "ciudad de mexico" is one place, "7.62 x 39" one
 * calibre, "serie borrada" one glossary term); the other words are clauses of their own.
 */
export function analyseQuery(input: string, synonyms: SynonymSet = EMPTY_SYNONYMS): AnalysedQuery {
  const items = lexQuery(input);
  const groups: QueryClause[][] = [];
  const excluded: QueryClause[] = [];
  const vocabulary = queryVocabulary();

  const place = (c: QueryClause, or: boolean) => {
    if (c.negated) excluded.push(c);
    else if (or && groups.length) groups[groups.length - 1]?.push(c);
    else groups.push([c]);
  };

  let i = 0;
  while (i < items.length) {
    const item = items[i] as Item;
    if (item.quoted) {
      place(clause(item.text, foldedTokens(item.text), { quoted: true, negated: item.negated }), item.or);
      i++;
      continue;
    }
    // A run of plain words: no quotes, no OR inside, same sign.
    let j = i + 1;
    while (j < items.length && !items[j]?.quoted && !items[j]?.or && items[j]?.negated === item.negated && !item.negated) j++;
    const run = items.slice(i, j);
    const runTokens = run.map((r) => foldedTokens(r.text));
    const flat = runTokens.flat();
    const wordOf = runTokens.flatMap((t, w) => t.map(() => w));
    const conceptSpans = vocabulary.match(flat);
    const synonymSpans = synonyms.matcher.match(flat);
    // Spans must cover whole typed words ("AK47" is one word, "7.62 x 39" three).
    const spanAt = new Map<number, { end: number; concepts: Concept[]; groups: number[] }>();
    const wordStart = (t: number) => t === 0 || wordOf[t - 1] !== wordOf[t];
    const wordEnd = (t: number) => t === flat.length || wordOf[t] !== wordOf[t - 1];
    for (const s of conceptSpans)
      if (wordStart(s.start) && wordEnd(s.end)) spanAt.set(s.start, { end: s.end, concepts: [...s.values], groups: [] });
    for (const s of synonymSpans) {
      if (!wordStart(s.start) || !wordEnd(s.end)) continue;
      const prev = spanAt.get(s.start);
      if (!prev || s.end > prev.end)
        spanAt.set(s.start, { end: s.end, concepts: prev && prev.end === s.end ? prev.concepts : [], groups: [...s.values] });
      else if (prev.end === s.end) prev.groups.push(...s.values);
    }
    let t = 0;
    let first = true;
    const runClauses: QueryClause[] = [];
    while (t < flat.length) {
      const span = spanAt.get(t);
      const w0 = wordOf[t] as number;
      if (span) {
        const w1 = (wordOf[span.end - 1] as number) + 1;
        const text = run
          .slice(w0, w1)
          .map((r) => r.text)
          .join(' ');
        const tokens = flat.slice(t, span.end);
        const c = withVocabulary(clause(text, tokens, { negated: item.negated }), span.concepts, span.groups, synonyms);
        // A multi-word vocabulary phrase is not a serial prefix.
        runClauses.push(tokens.length > 1 || w1 - w0 > 1 ? { ...c, serialPrefix: null } : c);
        t = span.end;
      } else {
        // One typed word (it may hold several tokens: "1974-AB-12" is one serial).
        let end = t + 1;
        while (end < flat.length && wordOf[end] === w0) end++;
        const text = run[w0]?.text ?? '';
        runClauses.push(clause(text, flat.slice(t, end), { negated: item.negated }));
        t = end;
      }
    }
    // Stop words alone say nothing ("armas de fuego" = armas fuego), unless they are all there is.
    const meaningful = runClauses.filter((c) => !(c.tokens.length === 1 && STOP_WORDS.has(c.tokens[0] ?? '') && !c.concepts.length));
    for (const c of meaningful.length ? meaningful : runClauses) {
      place(c, first && item.or);
      first = false;
    }
    i = j;
  }
  return { groups, excluded };
}

/** True when the query has nothing to match (empty, or only exclusions). */
export function hasPositiveClauses(q: AnalysedQuery): boolean {
  return q.groups.length > 0;
}

/** Every clause, required and excluded. */
export function allClauses(q: AnalysedQuery): QueryClause[] {
  return [...q.groups.flat(), ...q.excluded];
}

export { atomsOf };
