/**
 * Folding and tokenising, the same way SQLite FTS5's `unicode61 remove_diacritics 2` tokenizer
 * does: a token is a run of letters and digits; case and accents do not count ("Michoacán" and
 * "michoacan" are one token). Every other part of the analysis starts from these tokens.
 */

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

export interface Token {
  /** As written in the text. */
  text: string;
  /** Folded: lower case, no accents. */
  folded: string;
  start: number;
  end: number;
}

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

// "7.62×39": the multiplication sign of calibres is read as the letter x (same length, so
// offsets stay those of the original text).
const asLetters = (text: string) => text.replace(/×/g, 'x');

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of asLetters(text).matchAll(TOKEN_RE)) {
    const folded = fold(m[0]).replace(/[^\p{L}\p{N}]/gu, '');
    if (folded) out.push({ text: m[0], folded, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Folded tokens only (the same tokens as tokenize, folding the whole text at once). */
export function foldedTokens(text: string): string[] {
  return fold(asLetters(text)).match(TOKEN_RE) ?? [];
}

/** A token split into runs of letters and runs of digits: "62x39" -> 62, x, 39; "ak47" -> ak, 47. */
export function atomsOf(folded: string): string[] {
  return folded.match(/\p{L}+|\p{N}+/gu) ?? [];
}

/** Words that carry no meaning alone: dropped from unquoted queries, never highlighted alone. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  // Spanish
  'a',
  'al',
  'con',
  'de',
  'del',
  'e',
  'el',
  'en',
  'la',
  'las',
  'lo',
  'los',
  'o',
  'para',
  'por',
  'que',
  'se',
  'su',
  'sus',
  'u',
  'un',
  'una',
  'unas',
  'unos',
  'y',
  // English
  'an',
  'and',
  'as',
  'at',
  'by',
  'for',
  'from',
  'in',
  'into',
  'is',
  'it',
  'its',
  'of',
  'on',
  'or',
  'the',
  'to',
  'was',
  'were',
  'with',
]);
