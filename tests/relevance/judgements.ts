/**
 * Judged queries over the deterministic demo data (generateSeizures(3000, 1), what `npm run
 * demo` loads): each query, its class, the reader's language and the rule that makes a seizure
 * relevant (a facet-like predicate over the seizure as generated). `npm run bench:relevance`
 * and tests/unit/relevance.test.ts run them.
 */
import type { SeizureInput } from '#src/server/seizures/types.ts';
import type { FirearmType } from '#src/domain/seizures.ts';

export type QueryClass =
  'inflection' | 'cross-language' | 'calibre' | 'model family' | 'place' | 'typo' | 'syntax' | 'everything searchable' | 'serial';

export interface Judgement {
  q: string;
  class: QueryClass;
  lang: 'es' | 'en';
  relevant: (s: SeizureInput) => boolean;
}

const type =
  (...types: FirearmType[]) =>
  (s: SeizureInput) =>
    s.firearms.some((f) => types.includes(f.type));
const calibre =
  (...labels: string[]) =>
  (s: SeizureInput) =>
    s.firearms.some((f) => f.calibre !== null && labels.includes(f.calibre)) || s.ammunition.some((a) => labels.includes(a.calibre));
const model =
  (...models: string[]) =>
  (s: SeizureInput) =>
    s.firearms.some((f) => f.model !== null && models.includes(f.model));
const maker =
  (...makers: string[]) =>
  (s: SeizureInput) =>
    s.firearms.some((f) => f.manufacturer !== null && makers.includes(f.manufacturer));
const state =
  (...codes: string[]) =>
  (s: SeizureInput) =>
    codes.includes(s.stateCode);
const town = (name: string) => (s: SeizureInput) => s.municipality === name;
const obliterated = (s: SeizureInput) => s.firearms.some((f) => f.obliteratedSerial);
const ammunition = (s: SeizureInput) => s.ammunition.length > 0;
const magazines = (s: SeizureInput) => s.magazines.length > 0;
const explosive = (re: RegExp) => (s: SeizureInput) => s.explosives.some((e) => re.test(e.description));
const made = (code: string) => (s: SeizureInput) => s.firearms.some((f) => f.countryOfManufacture === code);
const importer = (name: string) => (s: SeizureInput) => s.firearms.some((f) => f.importer === name);
const and =
  (...rules: ((s: SeizureInput) => boolean)[]) =>
  (s: SeizureInput) =>
    rules.every((r) => r(s));
const or =
  (...rules: ((s: SeizureInput) => boolean)[]) =>
  (s: SeizureInput) =>
    rules.some((r) => r(s));
const not = (rule: (s: SeizureInput) => boolean) => (s: SeizureInput) => !rule(s);

const AK = model('WASR-10', 'PAP M70', 'Type 56', 'Saiga');
const AR15 = model('AR-15', 'M&P15', 'AR-556', 'XM-15', 'AM-15', 'PA-15');

const j = (q: string, cls: QueryClass, relevant: (s: SeizureInput) => boolean, lang: 'es' | 'en' = 'es'): Judgement => ({
  q,
  class: cls,
  lang,
  relevant,
});

export const JUDGEMENTS: Judgement[] = [
  // Singular and plural, both languages.
  j('fusiles', 'inflection', type('rifle')),
  j('fusil', 'inflection', type('rifle')),
  j('rifles', 'inflection', type('rifle'), 'en'),
  j('pistolas', 'inflection', type('pistol')),
  j('pistols', 'inflection', type('pistol'), 'en'),
  j('escopetas', 'inflection', type('shotgun')),
  j('shotguns', 'inflection', type('shotgun'), 'en'),
  j('revólveres', 'inflection', type('revolver')),
  j('revolvers', 'inflection', type('revolver'), 'en'),
  j('subametralladoras', 'inflection', type('submachine_gun')),
  j('ametralladoras', 'inflection', type('machine_gun')),
  j('serie borrada', 'inflection', obliterated),
  j('series borradas', 'inflection', obliterated),
  j('cartuchos', 'inflection', ammunition),
  j('cargadores', 'inflection', magazines),
  j('carabinas', 'inflection', type('rifle')),
  j('lanzagranadas', 'inflection', type('grenade_launcher')),
  // The two languages meet.
  j('pistol', 'cross-language', type('pistol')),
  j('pistola', 'cross-language', type('pistol'), 'en'),
  j('handgun', 'cross-language', type('pistol', 'revolver'), 'en'),
  j('handguns', 'cross-language', type('pistol', 'revolver')),
  j('long guns', 'cross-language', type('rifle', 'shotgun'), 'en'),
  j('obliterated', 'cross-language', obliterated, 'en'),
  j('obliterated serial', 'cross-language', obliterated),
  j('número de serie borrado', 'cross-language', obliterated, 'en'),
  j('submachine gun', 'cross-language', type('submachine_gun')),
  j('machine gun', 'cross-language', type('machine_gun')),
  j('grenade', 'cross-language', explosive(/granada/)),
  j('explosives', 'cross-language', (s) => s.explosives.length > 0),
  j('ammunition', 'cross-language', ammunition),
  j('magazines', 'cross-language', magazines),
  j('escopeta', 'cross-language', type('shotgun'), 'en'),
  // Calibres as written in the field.
  j('7.62x39', 'calibre', calibre('7.62x39')),
  j('7.62 x 39', 'calibre', calibre('7.62x39')),
  j('7,62x39', 'calibre', calibre('7.62x39')),
  j('762', 'calibre', calibre('7.62x39')),
  j('7.62×39mm', 'calibre', calibre('7.62x39'), 'en'),
  j('5.56', 'calibre', calibre('5.56x45')),
  j('5.56x45mm', 'calibre', calibre('5.56x45'), 'en'),
  j('556', 'calibre', calibre('5.56x45')),
  j('9mm', 'calibre', calibre('9mm')),
  j('9 mm', 'calibre', calibre('9mm')),
  j('9x19', 'calibre', calibre('9mm'), 'en'),
  j('9mm parabellum', 'calibre', calibre('9mm')),
  j('.223', 'calibre', calibre('.223 Rem'), 'en'),
  j('.50 BMG', 'calibre', calibre('.50 BMG')),
  j('calibre 50', 'calibre', calibre('.50 BMG')),
  j('.38 super', 'calibre', calibre('.38 Super')),
  j('38 súper', 'calibre', calibre('.38 Super')),
  j('.380', 'calibre', calibre('.380 ACP'), 'en'),
  j('12 gauge', 'calibre', calibre('12 GA'), 'en'),
  j('5.7x28', 'calibre', calibre('5.7x28')),
  j('.357 magnum', 'calibre', calibre('.357 Magnum'), 'en'),
  // Model families and their street names.
  j('AK47', 'model family', AK),
  j('AK-47', 'model family', AK, 'en'),
  j('ak 47', 'model family', AK),
  j('cuerno de chivo', 'model family', AK),
  j('cuernos de chivo', 'model family', AK),
  j('Kalashnikov', 'model family', AK, 'en'),
  j('tipo AK', 'model family', AK),
  j('AR15', 'model family', AR15),
  j('AR-15', 'model family', AR15, 'en'),
  j('matapolicías', 'model family', model('Five-seveN')),
  j('barrett', 'model family', maker('Barrett')),
  j('antimaterial', 'model family', maker('Barrett')),
  // Places: official, former and common names, abbreviations.
  j('ciudad de mexico', 'place', state('MX-CMX')),
  j('CDMX', 'place', state('MX-CMX')),
  j('Distrito Federal', 'place', state('MX-CMX')),
  j('Mexico City', 'place', state('MX-CMX'), 'en'),
  j('Edomex', 'place', state('MX-MEX')),
  j('Estado de México', 'place', state('MX-MEX')),
  j('Michoacán de Ocampo', 'place', state('MX-MIC')),
  j('michoacan', 'place', state('MX-MIC')),
  j('Veracruz de Ignacio de la Llave', 'place', state('MX-VER')),
  j('Coahuila de Zaragoza', 'place', state('MX-COA')),
  j('nuevo leon', 'place', state('MX-NLE')),
  j('San Salvador', 'place', state('SV-SS'), 'en'),
  j('peten', 'place', state('GT-PE')),
  j('Belize', 'place', (s) => s.country === 'BZ', 'en'),
  j('texas', 'place', state('US-TX'), 'en'),
  j('reynosa', 'place', town('Reynosa')),
  j('ciudad juarez', 'place', town('Ciudad Juárez')),
  // Typos corrected from the index's own words.
  j('Michoacna', 'typo', state('MX-MIC')),
  j('Kalashnikof', 'typo', AK, 'en'),
  j('Tamaulipaz', 'typo', state('MX-TAM')),
  j('Culican', 'typo', town('Culiacán')),
  j('Guadalajra', 'typo', town('Guadalajara')),
  j('escopeat', 'typo', type('shotgun')),
  j('Sinalao', 'typo', state('MX-SIN')),
  // Query syntax.
  j('"tipo AK"', 'syntax', (s) => /tipo AK/.test(s.summaryEs ?? '')),
  j('pistola -glock', 'syntax', and(type('pistol'), not(maker('Glock')))),
  j('revolver OR escopeta', 'syntax', type('revolver', 'shotgun')),
  j('barrett OR zastava', 'syntax', maker('Barrett', 'Zastava')),
  j('fusil -ak47', 'syntax', and(type('rifle'), not(AK))),
  j('"serie borrado"', 'syntax', obliterated),
  // Everything in a seizure.
  j('Century Arms', 'everything searchable', importer('Century Arms')),
  j('Rumania', 'everything searchable', made('RO')),
  j('Romania', 'everything searchable', made('RO'), 'en'),
  j('Austria', 'everything searchable', made('AT')),
  j('granada de fragmentación', 'everything searchable', explosive(/granada de fragmentación/)),
  j('artefacto explosivo', 'everything searchable', explosive(/artefacto explosivo/)),
  j('Glock Inc', 'everything searchable', importer('Glock Inc.'), 'en'),
  j('Taurus International', 'everything searchable', importer('Taurus International')),
  j('Zastava PAP M70', 'everything searchable', and(maker('Zastava'), model('PAP M70'))),
  j('Barrett OR Glock', 'everything searchable', or(maker('Barrett'), maker('Glock'))),
];
