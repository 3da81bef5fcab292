/**
 * The domain vocabulary (src/domain/firearm-vocabulary.ts, gazetteer.ts) as concepts the analysis can find in text and
 * queries, and the lookups import and display use to normalise values. A concept is a string
 * `kind:id`: `calibre:762x39`, `family:ak`, `type:rifle`, `place:MX-CMX`, `country:MX`.
 */
import {
  CALIBRE_VOCABULARY,
  FIREARM_CLASS_VOCABULARY,
  FIREARM_TYPE_VOCABULARY,
  MODEL_FAMILY_VOCABULARY,
} from '#src/domain/firearm-vocabulary.ts';
import { GAZETTEER_COUNTRIES, GAZETTEER_PLACES, type GazetteerPlace } from '#src/domain/gazetteer.ts';
import type { FirearmType } from '#src/domain/seizures.ts';
import { atomsOf, fold, foldedTokens } from './fold.ts';
import { PhraseMatcher } from './phrases.ts';

export type Concept = `${'calibre' | 'family' | 'type' | 'place' | 'country'}:${string}`;

export const calibreConcept = (id: string): Concept => `calibre:${id}`;
export const typeConcept = (type: FirearmType): Concept => `type:${type}`;
export const placeConcept = (code: string): Concept => `place:${code}`;
export const countryConcept = (code: string): Concept => `country:${code}`;
export const familyConcept = (id: string): Concept => `family:${id}`;

/** A spelling that is one run of digits ("762", ".223") is a calibre only when typed as a search. */
const digitsOnly = (spelling: string) => {
  const tokens = foldedTokens(spelling);
  return tokens.length === 1 && atomsOf(tokens[0] ?? '').every((a) => /^\p{N}+$/u.test(a));
};

function build(forText: boolean): PhraseMatcher<Concept> {
  const m = new PhraseMatcher<Concept>();
  for (const c of CALIBRE_VOCABULARY) {
    for (const s of [c.label, ...c.spellings]) if (!forText || !digitsOnly(s)) m.add(s, calibreConcept(c.id));
  }
  for (const f of MODEL_FAMILY_VOCABULARY) for (const s of [f.label, ...f.spellings, ...f.models]) m.add(s, familyConcept(f.id));
  for (const t of FIREARM_TYPE_VOCABULARY) for (const s of [t.es, t.en, ...t.spellings]) m.add(s, typeConcept(t.type));
  for (const c of FIREARM_CLASS_VOCABULARY) for (const s of c.spellings) for (const type of c.types) m.add(s, typeConcept(type));
  // Places are concepts of a seizure's own fields; in free text a name stays words (a surname
  // "Guerrero", "Hidalgo del Parral"), so only queries look them up.
  if (!forText) {
    for (const c of GAZETTEER_COUNTRIES) for (const s of [c.es, c.en, ...c.names]) m.add(s, countryConcept(c.code));
    for (const p of GAZETTEER_PLACES) for (const s of [p.es, p.en, ...p.names]) m.add(s, placeConcept(p.code));
  }
  return m;
}

let queryMatcher: PhraseMatcher<Concept> | undefined;
let textMatcher: PhraseMatcher<Concept> | undefined;

/** Concepts as a reader may type them (every spelling, place names included). */
export function queryVocabulary(): PhraseMatcher<Concept> {
  return (queryMatcher ??= build(false));
}

/** Concepts found in free text when it is indexed (no bare numbers, no place names). */
export function textVocabulary(): PhraseMatcher<Concept> {
  return (textMatcher ??= build(true));
}

/** Concepts mentioned in a text (index side). */
export function conceptsInText(text: string): Concept[] {
  return conceptsInTokens(foldedTokens(text));
}

export function conceptsInTokens(tokens: readonly string[]): Concept[] {
  const found = new Set<Concept>();
  for (const m of textVocabulary().match(tokens)) for (const v of m.values) found.add(v);
  return [...found];
}

/**
 * The names a concept is shown by (a calibre's label, a type's Spanish and English labels, a
 * place's names): an engine matches them as words too, so records that name the concept
 * exactly rank above records that only relate to it.
 */
export function conceptLabels(concept: Concept): string[] {
  const [kind, id = ''] = concept.split(/:(.*)/s);
  switch (kind) {
    case 'calibre':
      return [calibreByConcept.get(concept)?.label ?? id];
    case 'family': {
      const f = MODEL_FAMILY_VOCABULARY.find((x) => x.id === id);
      return f ? [f.label] : [];
    }
    case 'type': {
      const t = FIREARM_TYPE_VOCABULARY.find((x) => x.type === id);
      return t ? [...new Set([t.es, t.en])] : [];
    }
    case 'place': {
      const p = placesByCode.get(id);
      return p ? [...new Set([p.es, p.en])] : [];
    }
    case 'country': {
      const c = GAZETTEER_COUNTRIES.find((x) => x.code === id);
      return c ? [...new Set([c.es, c.en])] : [];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------
// Lookups for import and display.

const calibreByConcept = new Map(CALIBRE_VOCABULARY.map((c) => [calibreConcept(c.id), c]));

// Calibre columns repeat the same few spellings on every row of a file.
const canonicalCalibres = new Map<string, string | null>();

/** The calibre's one label ("7,62 x 39 mm" -> "7.62x39"), or null when it is not in the vocabulary. */
export function canonicalCalibre(value: string): string | null {
  let label = canonicalCalibres.get(value);
  if (label === undefined) {
    label = findCalibre(value);
    if (canonicalCalibres.size >= 10_000) canonicalCalibres.clear();
    canonicalCalibres.set(value, label);
  }
  return label;
}

function findCalibre(value: string): string | null {
  const tokens = foldedTokens(value);
  const matches = queryVocabulary().match(tokens);
  // The whole value must be one calibre spelling (a longer text is not normalised).
  if (matches.length !== 1 || matches[0]?.start !== 0 || matches[0].end !== tokens.length) return null;
  const concept = matches[0].values.find((v) => v.startsWith('calibre:'));
  return concept ? (calibreByConcept.get(concept)?.label ?? null) : null;
}

/** The calibre concepts of a value and of the calibres related to it. */
export function calibreConcepts(value: string): { exact: Concept[]; related: Concept[] } {
  const label = canonicalCalibre(value);
  const entry = CALIBRE_VOCABULARY.find((c) => c.label === label);
  if (!entry) return { exact: [], related: [] };
  return { exact: [calibreConcept(entry.id)], related: (entry.related ?? []).map(calibreConcept) };
}

const familyByModel = new Map<string, string>();
for (const f of MODEL_FAMILY_VOCABULARY) for (const m of f.models) familyByModel.set(foldedTokens(m).join(''), f.id);

/** The model family of a model designation ("WASR-10" -> ak), or null. */
export function modelFamily(model: string): string | null {
  return familyByModel.get(foldedTokens(model).join('')) ?? null;
}

/** Related calibre concepts of a calibre concept (5.56x45 <-> .223 Rem). */
export function relatedCalibres(concept: Concept): Concept[] {
  const entry = calibreByConcept.get(concept);
  return (entry?.related ?? []).map(calibreConcept);
}

const typeWords = new Map<string, FirearmType>();
for (const t of FIREARM_TYPE_VOCABULARY)
  for (const s of [t.type, t.es, t.en, ...t.spellings]) typeWords.set(foldedTokens(s).join(' '), t.type);

/** A firearm type from a key, label or spelling in either language ("Subfusil" -> submachine_gun). */
export function firearmTypeOf(value: string): FirearmType | null {
  return typeWords.get(foldedTokens(value.replace(/_/g, ' ')).join(' ')) ?? typeWords.get(foldedTokens(value).join(' ')) ?? null;
}

export function firearmTypeLabel(type: FirearmType, lang: 'es' | 'en'): string {
  return FIREARM_TYPE_VOCABULARY.find((t) => t.type === type)?.[lang] ?? type;
}

// Places: every name and abbreviation, compared without accents, case, spaces or punctuation.
const placeKey = (s: string) => foldedTokens(s).join('');
const placesByKey = new Map<string, GazetteerPlace[]>();
for (const p of GAZETTEER_PLACES) {
  for (const name of new Set([p.code, p.es, p.en, ...p.names, ...p.abbreviations].map(placeKey))) {
    placesByKey.set(name, [...(placesByKey.get(name) ?? []), p]);
  }
}
const countriesByKey = new Map<string, string>();
for (const c of GAZETTEER_COUNTRIES)
  for (const n of [c.code, c.es, c.en, ...c.names, ...c.abbreviations]) countriesByKey.set(placeKey(n), c.code);

/**
 * The state or department a value names (a code such as MX-TAM, an official, former or common
 * name, or an abbreviation), within `country` when given. Several candidates without a country
 * (Guatemala, Belice, La Paz…): a state of Mexico first, as most records are Mexican.
 */
export function resolvePlace(value: string, country?: string | null): GazetteerPlace | null {
  const key = placeKey(value);
  if (!key) return null;
  let candidates = placesByKey.get(key) ?? [];
  // "Michoacán, México", "Jalisco (MX)": a trailing country is allowed.
  if (!candidates.length) {
    for (const [ck, code] of countriesByKey) {
      if (key.endsWith(ck) && key.length > ck.length && (!country || code === country)) {
        candidates = (placesByKey.get(key.slice(0, -ck.length)) ?? []).filter((p) => p.country === code);
        if (candidates.length) break;
      }
    }
  }
  if (country) candidates = candidates.filter((p) => p.country === country);
  return candidates.find((p) => p.country === 'MX') ?? candidates[0] ?? null;
}

/** A country code from a code or name in either language (EUA, EE. UU., Belize…), or null. */
export function resolveCountry(value: string): string | null {
  return countriesByKey.get(placeKey(value)) ?? null;
}

export function gazetteerPlace(code: string): GazetteerPlace | undefined {
  return placesByCode.get(code);
}
const placesByCode = new Map(GAZETTEER_PLACES.map((p) => [p.code, p]));

export function countryTimeZone(country: string, stateCode?: string): string {
  return (
    (stateCode ? placesByCode.get(stateCode)?.timeZone : undefined) ??
    GAZETTEER_COUNTRIES.find((c) => c.code === country)?.timeZone ??
    'UTC'
  );
}

// Countries of the world (manufacture, trace origin) by their ISO code, in either language.
const displayNames = { es: new Intl.DisplayNames(['es'], { type: 'region' }), en: new Intl.DisplayNames(['en'], { type: 'region' }) };

const countryNameCache = new Map<string, string>();

/** "RO" -> "Rumania" / "Romania"; the value itself when it is not an ISO country code. */
export function countryName(code: string, lang: 'es' | 'en'): string {
  const key = `${lang}:${code}`;
  let name = countryNameCache.get(key);
  if (name === undefined) {
    name = code;
    if (/^[A-Z]{2}$/.test(code)) {
      try {
        name = displayNames[lang].of(code) ?? code;
      } catch {
        // Not a region code Intl knows: keep the code.
      }
    }
    countryNameCache.set(key, name);
  }
  return name;
}

export { fold };
