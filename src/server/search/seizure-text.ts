/**
 * What of a seizure is searchable, as engine-neutral fields: everything a reader may look for
 * (summaries, places in every spelling of the gazetteer, agency, firearms with their types and
 * countries in both languages, ammunition, magazines, explosives, serials) plus the analysis
 * (stem keys, vocabulary concepts). FTS5 stores these as columns; Meilisearch can index the
 * same fields.
 */
import { FIREARM_TYPE_VOCABULARY } from '#src/domain/firearm-vocabulary.ts';
import type { SeizureInput } from '#src/server/seizures/types.ts';
import {
  analyseShortText,
  analyseText,
  calibreConcepts,
  countryConcept,
  countryName,
  familyConcept,
  gazetteerPlace,
  modelFamily,
  placeConcept,
  typeConcept,
  type Concept,
} from '#src/server/text/index.ts';
import { GAZETTEER_COUNTRIES } from '#src/domain/gazetteer.ts';

export interface SeizureSearchFields {
  summary: string;
  place: string;
  items: string;
  serials: string;
  /** Stem keys of summary, place and items, in order. */
  stems: string;
  concepts: Concept[];
}

const typeLabels = new Map(FIREARM_TYPE_VOCABULARY.map((t) => [t.type, t.es === t.en ? t.es : `${t.es} ${t.en}`]));
// Place text holds the names pages show; other spellings (official names, abbreviations) are
// concepts, so "Estados Unidos Mexicanos" does not make every Mexican seizure match "unidos".
const countryNames = new Map(GAZETTEER_COUNTRIES.map((c) => [c.code, c.es === c.en ? c.es : `${c.es} ${c.en}`]));

const join = (parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p).join(' ');

function worldCountry(code: string | null): string | null {
  if (!code) return null;
  const es = countryName(code, 'es');
  const en = countryName(code, 'en');
  return es === en ? es : `${es} ${en}`;
}

/** Separators removed: "AB-12345" is also found as "AB12345" and by the prefix "AB12". */
export const compactSerial = (serial: string) => serial.replace(/[^\p{L}\p{N}]/gu, '');

export function seizureSearchFields(s: SeizureInput): SeizureSearchFields {
  const state = gazetteerPlace(s.stateCode);
  const summary = join([s.summaryEs, s.summaryEn]);
  const place = join([
    s.reference,
    s.caseFile,
    s.operation,
    s.municipality,
    s.place,
    state ? join([state.es, state.en !== state.es ? state.en : null]) : s.stateCode,
    countryNames.get(s.country) ?? s.country,
    s.agencyCode,
  ]);
  const concepts = new Set<Concept>([placeConcept(s.stateCode), countryConcept(s.country)]);
  const items: string[] = [];
  for (const f of s.firearms) {
    items.push(
      join([
        typeLabels.get(f.type),
        f.manufacturer,
        f.model,
        f.calibre,
        f.importer,
        worldCountry(f.countryOfManufacture),
        f.otherMarkings,
        // The record says so even when the summary does not.
        f.obliteratedSerial ? 'número de serie borrado obliterated serial number' : null,
      ]),
    );
    concepts.add(typeConcept(f.type));
    if (f.calibre) for (const c of calibreConcepts(f.calibre).exact) concepts.add(c);
    const family = f.model ? modelFamily(f.model) : null;
    if (family) concepts.add(familyConcept(family));
  }
  for (const a of s.ammunition) {
    items.push(`${a.calibre} cartuchos rounds`);
    for (const c of calibreConcepts(a.calibre).exact) concepts.add(c);
  }
  for (const m of s.magazines) items.push(join(['cargadores magazines', m.capacity ? String(m.capacity) : null]));
  for (const e of s.explosives) items.push(join([e.description, 'explosivos explosives']));
  const itemText = items.join(' ');
  const summaryAnalysis = analyseText(summary);
  const itemAnalyses = items.map(analyseShortText);
  for (const c of summaryAnalysis.concepts) concepts.add(c);
  for (const a of itemAnalyses) for (const c of a.concepts) concepts.add(c);
  const serials = s.firearms.flatMap((f) => (f.serial ? [f.serial, compactSerial(f.serial)] : []));
  return {
    summary,
    place,
    items: itemText,
    serials: serials.join(' '),
    stems: [summaryAnalysis.keys.join(' '), analyseText(place).keys.join(' '), ...itemAnalyses.map((a) => a.keys.join(' '))].join(' '),
    concepts: [...concepts],
  };
}

/** A concept as one index token: "calibre:7.62x39" -> "xc762x39" (letters and digits only). */
export function conceptToken(concept: Concept): string {
  const [kind, id = ''] = concept.split(':');
  return `x${(kind ?? '').charAt(0)}${id.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}
