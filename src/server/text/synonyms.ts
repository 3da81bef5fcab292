/**
 * Synonym groups: every member of a group finds the others ("obliterated" <-> "borrado",
 * "trace" <-> "rastreo"). The groups come from the bilingual glossary (content/glossary/
 * terms.yaml: each term, its translation and its listed synonyms), so editors extend search
 * by editing the glossary.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { foldedTokens } from './fold.ts';
import { PhraseMatcher } from './phrases.ts';
import { stemKey } from './stem.ts';

export interface SynonymAlternative {
  /** Folded tokens (a phrase when more than one). */
  tokens: string[];
  /** Their stem keys. */
  keys: string[];
}

export class SynonymSet {
  readonly matcher = new PhraseMatcher<number>();
  private readonly alternatives: SynonymAlternative[][] = [];

  constructor(groups: readonly (readonly string[])[]) {
    for (const group of groups) {
      const seen = new Set<string>();
      const alts: SynonymAlternative[] = [];
      for (const term of group) {
        const tokens = foldedTokens(term);
        if (!tokens.length || seen.has(tokens.join(' '))) continue;
        seen.add(tokens.join(' '));
        alts.push({ tokens, keys: tokens.map(stemKey) });
      }
      if (alts.length < 2) continue;
      const index = this.alternatives.push(alts) - 1;
      for (const a of alts) this.matcher.add(a.tokens.join(' '), index);
    }
  }

  /** Every alternative of every group. */
  allAlternatives(): SynonymAlternative[] {
    return this.alternatives.flat();
  }

  /** Every alternative of the given groups. */
  expand(groups: readonly number[]): SynonymAlternative[] {
    return groups.flatMap((g) => this.alternatives[g] ?? []);
  }
}

export const EMPTY_SYNONYMS = new SynonymSet([]);

/**
 * A glossary term as written ("armazón / cajón de mecanismos", "proyectil (bala)", "Centro
 * Nacional de Rastreo (NTC)") gives each of its variants: slash-separated names and the text in
 * parentheses each count as a name of their own.
 */
export function termVariants(term: string): string[] {
  const out: string[] = [];
  for (const part of term.split(/\s+\/\s+/)) {
    const inner = [...part.matchAll(/\(([^)]*)\)/g)].map((m) => (m[1] ?? '').trim());
    const outer = part
      .replace(/\([^)]*\)/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    for (const v of [outer, ...inner]) if (v && !/^(ATF Form|ATF) ?[\d.]*$/i.test(v)) out.push(v);
  }
  return out;
}

export interface GlossaryTerms {
  es: string;
  en: string;
  synonymsEs?: string[];
  synonymsEn?: string[];
}

export function glossaryGroups(entries: readonly GlossaryTerms[]): string[][] {
  return entries.map((e) => [...termVariants(e.es), ...termVariants(e.en), ...(e.synonymsEs ?? []), ...(e.synonymsEn ?? [])]);
}

// The portal's glossary, read from content/ (relative to the working directory, as the server,
// the scripts and the tests all run from the project root) and re-read when the file changes.
const GLOSSARY_FILE = join(process.cwd(), 'content', 'glossary', 'terms.yaml');
let loaded: { mtimeMs: number; checkedAt: number; set: SynonymSet } | undefined;

export function glossarySynonyms(file = GLOSSARY_FILE): SynonymSet {
  const now = Date.now();
  if (loaded && now - loaded.checkedAt < 5_000) return loaded.set;
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    // No glossary (a portal without content/): no synonyms.
  }
  if (!loaded || loaded.mtimeMs !== mtimeMs) {
    let set = EMPTY_SYNONYMS;
    if (mtimeMs >= 0) {
      const data: unknown = parseYaml(readFileSync(file, 'utf8'));
      set = new SynonymSet(
        glossaryGroups(Array.isArray(data) ? (data as GlossaryTerms[]).filter((e) => e && typeof e.es === 'string') : []),
      );
    }
    loaded = { mtimeMs, checkedAt: now, set };
  }
  loaded.checkedAt = now;
  return loaded.set;
}
