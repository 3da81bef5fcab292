/**
 * Highlights what a query matched in a text meant for the reader (a summary, a line describing
 * a firearm): exact words, inflections (stem keys), vocabulary phrases ("tipo AK" for AK-47,
 * "Ciudad de México" for CDMX) and glossary synonyms. Output is HTML-safe: the text escaped,
 * matches in <mark>. Engine-neutral: both engines' hits and any other list can use it.
 */
import { STOP_WORDS, tokenize, type Token } from './fold.ts';
import type { AnalysedQuery } from './query.ts';
import { stemKey } from './stem.ts';
import { queryVocabulary, type Concept } from './vocabulary.ts';
import { escapeHtml } from '#src/server/html.ts';

export interface HighlightTerms {
  tokens: Set<string>;
  keys: Set<string>;
  concepts: Set<Concept>;
  /** Multi-token phrases (exact tokens) to mark as a whole. */
  phrases: string[][];
  /** Compact serial prefixes. */
  prefixes: string[];
}

export function highlightTerms(q: AnalysedQuery): HighlightTerms {
  const h: HighlightTerms = { tokens: new Set(), keys: new Set(), concepts: new Set(), phrases: [], prefixes: [] };
  for (const c of q.groups.flat()) {
    const alternatives = [{ tokens: c.tokens, keys: c.keys }, ...c.synonyms];
    for (const a of alternatives) {
      if (a.tokens.length > 1) h.phrases.push(a.tokens, a.keys);
      else if (a.tokens[0] && !STOP_WORDS.has(a.tokens[0])) {
        h.tokens.add(a.tokens[0]);
        if (!c.quoted) h.keys.add(a.keys[0] ?? a.tokens[0]);
      }
    }
    for (const k of [...c.concepts, ...c.related]) h.concepts.add(k);
    if (c.serialPrefix) h.prefixes.push(c.serialPrefix);
  }
  return h;
}

/** Character ranges [start, end) of the text that the terms match. */
export function matchRanges(text: string, terms: HighlightTerms): [number, number][] {
  const toks: Token[] = tokenize(text);
  const marked = new Array<boolean>(toks.length).fill(false);
  const folded = toks.map((t) => t.folded);
  const keys = folded.map(stemKey);
  toks.forEach((t, i) => {
    if (terms.tokens.has(t.folded) || terms.keys.has(keys[i] as string)) marked[i] = true;
    else if (terms.prefixes.some((p) => t.folded.startsWith(p) || (p.startsWith(t.folded) && t.folded.length >= 3))) marked[i] = true;
  });
  for (const phrase of terms.phrases) {
    for (let i = 0; i + phrase.length <= toks.length; i++) {
      if (phrase.every((p, k) => folded[i + k] === p || keys[i + k] === p)) for (let k = 0; k < phrase.length; k++) marked[i + k] = true;
    }
  }
  if (terms.concepts.size) {
    for (const m of queryVocabulary().match(folded)) {
      if (m.values.some((v) => terms.concepts.has(v))) for (let k = m.start; k < m.end; k++) marked[k] = true;
    }
  }
  const ranges: [number, number][] = [];
  toks.forEach((t, i) => {
    if (!marked[i]) return;
    const last = ranges[ranges.length - 1];
    // Neighbouring marked tokens separated only by spaces or punctuation become one mark.
    if (last && marked[i - 1] && /^[\s\-./,×]*$/u.test(text.slice(last[1], t.start))) last[1] = t.end;
    else ranges.push([t.start, t.end]);
  });
  return ranges;
}

export interface Highlighted {
  html: string;
  matched: boolean;
}

/**
 * The text with its matches marked; longer texts are cut to about `max` characters around the
 * first match (with an ellipsis where text was left out).
 */
export function highlight(text: string, terms: HighlightTerms, max = 240): Highlighted {
  const ranges = matchRanges(text, terms);
  let from = 0;
  let to = text.length;
  if (text.length > max) {
    const first = ranges[0]?.[0] ?? 0;
    from = Math.max(0, Math.min(first - Math.floor(max / 3), text.length - max));
    to = Math.min(text.length, from + max);
    // Snap to word boundaries.
    if (from > 0) from = text.indexOf(' ', from) + 1 || from;
    const space = text.lastIndexOf(' ', to);
    if (to < text.length && space > from) to = space;
  }
  let html = from > 0 ? '…' : '';
  let pos = from;
  for (const [s, e] of ranges) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    html += escapeHtml(text.slice(pos, a)) + '<mark>' + escapeHtml(text.slice(a, b)) + '</mark>';
    pos = b;
  }
  html += escapeHtml(text.slice(pos, to)) + (to < text.length ? '…' : '');
  return { html, matched: ranges.some(([s, e]) => e > from && s < to) };
}
