/**
 * Finds known phrases (vocabulary spellings, glossary terms) in a token stream: longest match
 * first, left to right, no overlaps. Phrases are compared atom by atom (runs of letters or of
 * digits, letters by stem key), so "AK-47" = "ak47" = "AK 47", "7.62x39" = "7,62 x 39",
 * "cuernos de chivo" = "cuerno de chivo".
 */
import { atomsOf, foldedTokens } from './fold.ts';
import { stemKey } from './stem.ts';

interface Node<T> {
  next: Map<string, Node<T>>;
  values: T[];
}

export interface PhraseMatch<T> {
  /** Token range [start, end) of the input. */
  start: number;
  end: number;
  values: readonly T[];
}

function atomKey(atom: string): string {
  return /\p{N}/u.test(atom) ? atom.replace(/^0+(?=\d)/, '') : stemKey(atom);
}

// Tokens repeat endlessly in an index: their atom keys are computed once.
const tokenAtoms = new Map<string, string[]>();

function atomKeysOfToken(token: string): string[] {
  let keys = tokenAtoms.get(token);
  if (!keys) {
    keys = atomsOf(token).map(atomKey);
    if (tokenAtoms.size >= 200_000) tokenAtoms.clear();
    tokenAtoms.set(token, keys);
  }
  return keys;
}

/** Atom keys of folded tokens, with the index of the token each atom came from. */
export function atomKeys(tokens: readonly string[]): { keys: string[]; tokenOf: number[] } {
  const keys: string[] = [];
  const tokenOf: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const k of atomKeysOfToken(tokens[i] as string)) {
      keys.push(k);
      tokenOf.push(i);
    }
  }
  return { keys, tokenOf };
}

export class PhraseMatcher<T> {
  private readonly root: Node<T> = { next: new Map(), values: [] };

  /** Adds a spelling (free text: it is tokenised and folded here). */
  add(spelling: string, value: T): void {
    const { keys } = atomKeys(foldedTokens(spelling));
    if (!keys.length) return;
    let node = this.root;
    for (const k of keys) {
      let child = node.next.get(k);
      if (!child) node.next.set(k, (child = { next: new Map(), values: [] }));
      node = child;
    }
    if (!node.values.includes(value)) node.values.push(value);
  }

  /**
   * Phrases found in folded tokens. A phrase must start and end on token boundaries: "ak" does
   * not match inside the serial "ak12345", but "ak47" (atoms ak, 47) matches "AK-47".
   */
  match(tokens: readonly string[]): PhraseMatch<T>[] {
    const { keys, tokenOf } = atomKeys(tokens);
    const out: PhraseMatch<T>[] = [];
    let i = 0;
    while (i < keys.length) {
      const startsToken = i === 0 || tokenOf[i - 1] !== tokenOf[i];
      let best: { end: number; values: T[] } | null = null;
      if (startsToken) {
        let node: Node<T> | undefined = this.root;
        for (let j = i; j < keys.length && node; j++) {
          node = node.next.get(keys[j] as string);
          const endsToken = j + 1 === keys.length || tokenOf[j + 1] !== tokenOf[j];
          if (node?.values.length && endsToken) best = { end: j + 1, values: node.values };
        }
      }
      if (best) {
        out.push({ start: tokenOf[i] as number, end: (tokenOf[best.end - 1] as number) + 1, values: best.values });
        i = best.end;
      } else i++;
    }
    return out;
  }
}
