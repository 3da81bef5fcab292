/**
 * Demo seizures: deterministic (mulberry32 seeded PRNG), shaped like the public record of
 * firearms recovered in Mexico and Central America and traced by ATF: AR- and AK-pattern
 * rifles, .50 BMG rifles, 9 mm and .38 Super pistols, US makers and importers.
 * Demo data only: the names, serials and case numbers are invented.
 */
import type { ScopeToken } from '#src/server/access.ts';
import type { FirearmInput, SeizureInput } from '#src/server/seizures/types.ts';
import type { FirearmType, TraceStatus } from '#db/schema/seizures.ts';
import { REFERENCE_STATES } from './reference.ts';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

/** Weighted choice from [item, weight] pairs (weights need not sum to 1). */
function weighted<T>(pairs: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const total = pairs.reduce((n, [, w]) => n + w, 0);
  return (rng) => {
    let x = rng() * total;
    for (const [item, w] of pairs) if ((x -= w) < 0) return item;
    return (pairs[pairs.length - 1] as readonly [T, number])[0];
  };
}

// Where seizures happen: weights loosely follow the published state totals of recovered
// firearms (Tamaulipas, Jalisco, Sinaloa, Michoacán, Guerrero, Chihuahua, Sonora, ...).
const STATE = weighted<string>([
  ['MX-TAM', 14],
  ['MX-JAL', 9],
  ['MX-SIN', 8],
  ['MX-MIC', 8],
  ['MX-GRO', 7],
  ['MX-CHH', 8],
  ['MX-SON', 7],
  ['MX-BCN', 6],
  ['MX-GUA', 5],
  ['MX-NLE', 4],
  ['MX-ZAC', 3],
  ['MX-MEX', 3],
  ['MX-CMX', 2],
  ['MX-VER', 2],
  ['MX-COA', 2],
  ['MX-DUR', 2],
  ['MX-CHP', 2],
  ['MX-OAX', 1],
  ['MX-MOR', 1],
  ['MX-SLP', 1],
  ['MX-PUE', 1],
  ['MX-TAB', 1],
  ['MX-COL', 1],
  ['MX-NAY', 1],
  ['MX-ROO', 1],
  ['MX-QUE', 0.5],
  ['MX-HID', 0.5],
  ['MX-AGU', 0.3],
  ['MX-BCS', 0.4],
  ['MX-CAM', 0.3],
  ['MX-TLA', 0.2],
  ['MX-YUC', 0.2],
  ['US-TX', 2],
  ['US-AZ', 1.5],
  ['US-CA', 1],
  ['US-NM', 0.4],
  ['GT-GU', 1.5],
  ['GT-PE', 1],
  ['GT-HU', 0.8],
  ['GT-IZ', 0.5],
  ['GT-ES', 0.5],
  ['GT-SM', 0.4],
  ['GT-ZA', 0.3],
  ['BZ-BZ', 0.4],
  ['BZ-CY', 0.3],
  ['BZ-OW', 0.2],
  ['BZ-CZL', 0.2],
  ['SV-SS', 1],
  ['SV-LI', 0.4],
  ['SV-SM', 0.4],
  ['SV-SA', 0.3],
  ['SV-US', 0.2],
]);

const MUNICIPALITIES: Record<string, string[]> = {
  'MX-TAM': ['Reynosa', 'Matamoros', 'Nuevo Laredo', 'Tampico', 'Ciudad Victoria', 'Río Bravo', 'San Fernando'],
  'MX-JAL': ['Guadalajara', 'Zapopan', 'Tlaquepaque', 'Lagos de Moreno', 'Puerto Vallarta', 'Tlajomulco de Zúñiga'],
  'MX-SIN': ['Culiacán', 'Mazatlán', 'Navolato', 'Los Mochis', 'Guasave'],
  'MX-MIC': ['Morelia', 'Uruapan', 'Apatzingán', 'Zamora', 'Lázaro Cárdenas', 'Aguililla'],
  'MX-GRO': ['Acapulco', 'Chilpancingo', 'Iguala', 'Zihuatanejo', 'Ciudad Altamirano'],
  'MX-CHH': ['Ciudad Juárez', 'Chihuahua', 'Hidalgo del Parral', 'Nuevo Casas Grandes', 'Ojinaga'],
  'MX-SON': ['Hermosillo', 'Nogales', 'San Luis Río Colorado', 'Caborca', 'Agua Prieta', 'Ciudad Obregón'],
  'MX-BCN': ['Tijuana', 'Mexicali', 'Ensenada', 'Tecate'],
  'MX-GUA': ['León', 'Celaya', 'Irapuato', 'Salamanca'],
  'MX-NLE': ['Monterrey', 'Apodaca', 'Guadalupe', 'Cadereyta'],
  'MX-ZAC': ['Zacatecas', 'Fresnillo', 'Jerez'],
  'US-TX': ['Laredo', 'El Paso', 'McAllen', 'Brownsville', 'Eagle Pass', 'Houston'],
  'US-AZ': ['Nogales', 'Douglas', 'Tucson', 'Phoenix'],
  'US-CA': ['San Ysidro', 'Calexico', 'Otay Mesa'],
  'GT-GU': ['Ciudad de Guatemala', 'Mixco', 'Villa Nueva'],
  'GT-PE': ['Flores', 'San Benito', 'La Libertad'],
  'SV-SS': ['San Salvador', 'Soyapango', 'Apopa'],
  'BZ-BZ': ['Belize City', 'Ladyville'],
};

const AGENCY_BY_COUNTRY: Record<string, (rng: Rng) => string> = {
  MX: weighted([
    ['FGR', 40],
    ['SEDENA', 35],
    ['SSPC', 20],
    ['CENAPI', 5],
  ]),
  US: weighted([
    ['CBP', 50],
    ['ATF', 35],
    ['ICE-HSI', 15],
  ]),
  GT: weighted([
    ['PNC-GT', 70],
    ['MP-GT', 30],
  ]),
  BZ: weighted([['BPD', 1]]),
  SV: weighted([
    ['PNC-SV', 70],
    ['FGR-SV', 30],
  ]),
};

interface Model {
  type: FirearmType;
  manufacturer: string;
  model: string;
  calibre: string;
  made: string;
  importer: string | null;
  serial: (rng: Rng) => string;
  descEs: string;
  descEn: string;
}

const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');
const letters = (rng: Rng, n: number) => Array.from({ length: n }, () => 'ABCDEFGHJKLMNPRSTUVWXYZ'[Math.floor(rng() * 23)]).join('');

const M = (
  type: FirearmType,
  manufacturer: string,
  model: string,
  calibre: string,
  made: string,
  importer: string | null,
  serial: (rng: Rng) => string,
  descEs: string,
  descEn: string,
): Model => ({ type, manufacturer, model, calibre, made, importer, serial, descEs, descEn });

const MODEL = weighted<Model>([
  [
    M(
      'rifle',
      'Cugir (Romarm)',
      'WASR-10',
      '7.62x39',
      'RO',
      'Century Arms',
      (r) => `${pick(r, ['1974', '1981', '1986', 'PW', 'PR', 'RO'])}${letters(r, 2)}${digits(r, 4)}`,
      'un fusil tipo AK',
      'AK-pattern rifle',
    ),
    9,
  ],
  [M('rifle', 'Colt', 'AR-15', '5.56x45', 'US', null, (r) => `LE${digits(r, 6)}`, 'un fusil tipo AR-15', 'AR-15-style rifle'), 8],
  [
    M(
      'rifle',
      'Smith & Wesson',
      'M&P15',
      '5.56x45',
      'US',
      null,
      (r) => `S${letters(r, 2)}${digits(r, 5)}`,
      'un fusil tipo AR-15',
      'AR-15-style rifle',
    ),
    5,
  ],
  [
    M(
      'rifle',
      'Ruger',
      'AR-556',
      '5.56x45',
      'US',
      null,
      (r) => `85${digits(r, 1)}-${digits(r, 5)}`,
      'un fusil tipo AR-15',
      'AR-15-style rifle',
    ),
    4,
  ],
  [M('rifle', 'Bushmaster', 'XM-15', '.223 Rem', 'US', null, (r) => `L${digits(r, 6)}`, 'un fusil tipo AR-15', 'AR-15-style rifle'), 3],
  [
    M(
      'rifle',
      'Anderson Manufacturing',
      'AM-15',
      '5.56x45',
      'US',
      null,
      (r) => `16${digits(r, 6)}`,
      'un fusil tipo AR-15',
      'AR-15-style rifle',
    ),
    3,
  ],
  [
    M(
      'rifle',
      'Palmetto State Armory',
      'PA-15',
      '5.56x45',
      'US',
      null,
      (r) => `SCD${digits(r, 6)}`,
      'un fusil tipo AR-15',
      'AR-15-style rifle',
    ),
    3,
  ],
  [
    M(
      'rifle',
      'Zastava',
      'PAP M70',
      '7.62x39',
      'RS',
      'Century Arms',
      (r) => `M70PA${digits(r, 6)}`,
      'un fusil tipo AK',
      'AK-pattern rifle',
    ),
    3,
  ],
  [M('rifle', 'Norinco', 'Type 56', '7.62x39', 'CN', null, (r) => `${digits(r, 8)}`, 'un fusil tipo AK', 'AK-pattern rifle'), 2],
  [
    M(
      'rifle',
      'Izhmash',
      'Saiga',
      '7.62x39',
      'RU',
      'Russian American Armory',
      (r) => `H${digits(r, 8)}`,
      'un fusil tipo AK',
      'AK-pattern rifle',
    ),
    1,
  ],
  [M('rifle', 'Barrett', 'M82A1', '.50 BMG', 'US', null, (r) => `AA${digits(r, 6)}`, 'un fusil antimaterial', '.50-calibre rifle'), 2],
  [M('rifle', 'Barrett', 'M107A1', '.50 BMG', 'US', null, (r) => `AE${digits(r, 6)}`, 'un fusil antimaterial', '.50-calibre rifle'), 1],
  [
    M('rifle', 'FN Herstal', 'SCAR 17S', '7.62x51', 'BE', 'FN America', (r) => `HC${digits(r, 5)}`, 'un fusil de asalto', 'battle rifle'),
    1,
  ],
  [
    M(
      'rifle',
      'Heckler & Koch',
      'G3',
      '7.62x51',
      'DE',
      null,
      (r) => `${letters(r, 1)}${digits(r, 6)}`,
      'un fusil de asalto',
      'battle rifle',
    ),
    1,
  ],
  [M('rifle', 'Ruger', 'Mini-14', '5.56x45', 'US', null, (r) => `58${digits(r, 1)}-${digits(r, 5)}`, 'una carabina', 'carbine'), 1],
  [M('pistol', 'Glock', '17', '9mm', 'AT', 'Glock Inc.', (r) => `${letters(r, 3)}${digits(r, 3)}`, 'una pistola', 'pistol'), 7],
  [M('pistol', 'Glock', '19', '9mm', 'AT', 'Glock Inc.', (r) => `${letters(r, 3)}${digits(r, 3)}`, 'una pistola', 'pistol'), 5],
  [
    M(
      'pistol',
      'Colt',
      'Government 1911',
      '.38 Super',
      'US',
      null,
      (r) => `38SS${digits(r, 5)}`,
      'una pistola .38 Súper',
      '.38 Super pistol',
    ),
    6,
  ],
  [M('pistol', 'Smith & Wesson', 'M&P9', '9mm', 'US', null, (r) => `${letters(r, 3)}${digits(r, 4)}`, 'una pistola', 'pistol'), 3],
  [
    M('pistol', 'Taurus', 'PT92', '9mm', 'BR', 'Taurus International', (r) => `T${letters(r, 1)}${digits(r, 5)}`, 'una pistola', 'pistol'),
    3,
  ],
  [M('pistol', 'Beretta', '92FS', '9mm', 'IT', 'Beretta USA', (r) => `BER${digits(r, 6)}`, 'una pistola', 'pistol'), 3],
  [M('pistol', 'Sig Sauer', 'P320', '9mm', 'US', null, (r) => `58${letters(r, 1)}${digits(r, 6)}`, 'una pistola', 'pistol'), 2],
  [
    M(
      'pistol',
      'FN Herstal',
      'Five-seveN',
      '5.7x28',
      'BE',
      'FN America',
      (r) => `386${digits(r, 6)}`,
      'una pistola «matapolicías» 5.7',
      '5.7 mm pistol',
    ),
    2,
  ],
  [
    M(
      'pistol',
      'Bersa',
      'Thunder 380',
      '.380 ACP',
      'AR',
      'Eagle Imports',
      (r) => `${letters(r, 1)}${digits(r, 5)}`,
      'una pistola',
      'pistol',
    ),
    2,
  ],
  [M('pistol', 'Ruger', 'LCP', '.380 ACP', 'US', null, (r) => `37${digits(r, 1)}-${digits(r, 5)}`, 'una pistola', 'pistol'), 1],
  [
    M(
      'revolver',
      'Smith & Wesson',
      'Model 686',
      '.357 Magnum',
      'US',
      null,
      (r) => `${letters(r, 3)}${digits(r, 4)}`,
      'un revólver',
      'revolver',
    ),
    1,
  ],
  [
    M(
      'revolver',
      'Taurus',
      'Model 85',
      '.38 Special',
      'BR',
      'Taurus International',
      (r) => `${letters(r, 2)}${digits(r, 5)}`,
      'un revólver',
      'revolver',
    ),
    1,
  ],
  [M('shotgun', 'Mossberg', '500', '12 GA', 'US', null, (r) => `V${digits(r, 7)}`, 'una escopeta', 'shotgun'), 2],
  [M('shotgun', 'Remington', '870', '12 GA', 'US', null, (r) => `RS${digits(r, 5)}${letters(r, 1)}`, 'una escopeta', 'shotgun'), 1],
  [
    M(
      'submachine_gun',
      'Heckler & Koch',
      'MP5',
      '9mm',
      'DE',
      null,
      (r) => `${digits(r, 2)}-${digits(r, 6)}`,
      'una subametralladora',
      'submachine gun',
    ),
    1,
  ],
  [M('submachine_gun', 'IWI', 'Uzi', '9mm', 'IL', null, (r) => `SA${digits(r, 5)}`, 'una subametralladora', 'submachine gun'), 0.5],
  [M('machine_gun', 'FN Herstal', 'M249', '5.56x45', 'BE', null, (r) => `M249${digits(r, 5)}`, 'una ametralladora', 'machine gun'), 0.3],
  [M('grenade_launcher', 'Colt', 'M203', '40mm', 'US', null, (r) => `M203${digits(r, 5)}`, 'un lanzagranadas', 'grenade launcher'), 0.3],
  [
    M('other', 'Hechiza (artesanal)', 'Sin modelo', '.22 LR', 'MX', null, (r) => `H${digits(r, 4)}`, 'un arma hechiza', 'craft-made gun'),
    0.5,
  ],
]);

const TRACE = weighted<TraceStatus>([
  ['not_requested', 35],
  ['requested', 15],
  ['traced_us_retail', 30],
  ['traced_other_country', 8],
  ['untraceable', 12],
]);
const US_SOURCE_STATE = weighted<string>([
  ['US-TX', 40],
  ['US-AZ', 20],
  ['US-CA', 12],
  ['US-NM', 5],
  ['US-FL', 5],
  ['US-IL', 3],
  ['US-GA', 3],
  ['US-NV', 3],
  ['US-CO', 2],
  ['US-OK', 2],
  ['US-WA', 2],
]);

function firearmCount(rng: Rng): number {
  const x = rng();
  if (x < 0.45) return 1;
  if (x < 0.65) return 2;
  if (x < 0.75) return 3;
  if (x < 0.9) return 4 + Math.floor(rng() * 3);
  return 7 + Math.floor(rng() * 9);
}

const CONTEXT_ES = [
  'un patrullaje',
  'un operativo',
  'un cateo a un domicilio',
  'una revisión en un punto carretero',
  'una revisión aduanal',
  'una denuncia anónima',
  'un enfrentamiento',
];
const CONTEXT_EN = [
  'a patrol',
  'an operation',
  'a search of a house',
  'a highway checkpoint inspection',
  'a customs inspection',
  'an anonymous tip',
  'an armed confrontation',
];
const HIDING_ES = [
  'ocultas en el doble fondo de una camioneta',
  'en una bodega',
  'en un autobús de pasajeros',
  'en un tractocamión con mercancía',
  'en un inmueble abandonado',
  'en una embarcación',
];
const HIDING_EN = [
  'hidden in a false floor of a pickup truck',
  'in a warehouse',
  'on a passenger bus',
  'in a tractor-trailer with cargo',
  'in an abandoned building',
  'on a boat',
];

const ES_NAMES = new Map(REFERENCE_STATES.map((s) => [s.code, s]));

function describeGuns(guns: FirearmInput[], descs: { es: string; en: string }[], lang: 'es' | 'en'): string {
  const parts = guns.slice(0, 2).map((g, i) => {
    const d = descs[i] ?? { es: '', en: '' };
    return lang === 'es'
      ? `${d.es} ${g.manufacturer} ${g.model} calibre ${g.calibre}`
      : `${/^[AEIOU]/.test(g.manufacturer ?? '') ? 'an' : 'a'} ${g.manufacturer} ${g.model} ${d.en} (${g.calibre})`;
  });
  const more = guns.length - parts.length;
  if (more === 1) parts.push(lang === 'es' ? 'otra arma' : 'one more firearm');
  else if (more > 1) parts.push(lang === 'es' ? `${more} armas más` : `${more} more firearms`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} ${lang === 'es' ? 'y' : 'and'} ${parts.at(-1)}` : (parts[0] ?? '');
}

/** `count` seizures from `seed`: the same arguments always give the same seizures. */
export function generateSeizures(count: number, seed = 1): SeizureInput[] {
  const rng = mulberry32(seed);
  const out: SeizureInput[] = [];
  const start = Date.UTC(2015, 0, 1);
  const span = Date.UTC(2025, 11, 31) - start;
  for (let i = 0; i < count; i++) {
    const stateCode = STATE(rng);
    const state = ES_NAMES.get(stateCode) ?? { code: stateCode, country: stateCode.slice(0, 2), nameEs: stateCode, nameEn: stateCode };
    const country = state.country;
    const agencyCode = (AGENCY_BY_COUNTRY[country] ?? (() => 'FGR'))(rng);
    // More recent years carry more records (sqrt skews the uniform draw towards the end).
    const date = new Date(start + Math.sqrt(rng()) * span).toISOString().slice(0, 10);
    const year = date.slice(0, 4);
    const municipality = pick(rng, MUNICIPALITIES[stateCode] ?? [state.nameEs]);
    const n = firearmCount(rng);
    const guns: FirearmInput[] = [];
    const descs: { es: string; en: string }[] = [];
    for (let j = 0; j < n; j++) {
      const m = MODEL(rng);
      const obliterated = rng() < 0.12;
      let trace = TRACE(rng);
      if (obliterated && rng() < 0.7) trace = 'untraceable';
      const traced = trace === 'traced_us_retail';
      guns.push({
        type: m.type,
        manufacturer: m.manufacturer,
        model: m.model,
        calibre: m.calibre,
        serial: obliterated ? null : m.serial(rng),
        obliteratedSerial: obliterated,
        countryOfManufacture: m.made,
        importer: m.importer,
        otherMarkings: m.importer && rng() < 0.3 ? `${m.importer.toUpperCase()} ${m.made}` : null,
        quantity: 1,
        traceStatus: trace,
        traceSourceCountry: traced ? 'US' : trace === 'traced_other_country' ? pick(rng, ['GT', 'HN', 'BZ', m.made]) : null,
        traceSourceState: traced ? US_SOURCE_STATE(rng) : null,
        timeToCrimeDays: traced ? Math.round(Math.exp(4 + rng() * 4.5)) : null,
      });
      descs.push({ es: m.descEs, en: m.descEn });
    }
    // Identical lines (same model, obliterated serial, same trace) are one line with a quantity,
    // as the import requires.
    for (let a = 0; a < guns.length; a++) {
      for (let b = guns.length - 1; b > a; b--) {
        if (JSON.stringify({ ...guns[a], quantity: 0 }) === JSON.stringify({ ...guns[b], quantity: 0 })) {
          (guns[a] as FirearmInput).quantity += (guns[b] as FirearmInput).quantity;
          guns.splice(b, 1);
          descs.splice(b, 1);
        }
      }
    }
    const x = rng();
    const scope: ScopeToken[] =
      x < 0.75
        ? ['members']
        : x < 0.87
          ? [`country:${country}`]
          : x < 0.95
            ? [`agency:${agencyCode}`]
            : (['agency:ATF', 'agency:FGR'] as ScopeToken[]);
    const seq = String(i + 1).padStart(6, '0');
    const ctx = Math.floor(rng() * CONTEXT_ES.length);
    const hide = Math.floor(rng() * HIDING_ES.length);
    const rounds = rng() < 0.6 ? 50 * (1 + Math.floor(rng() * 40)) : 0;
    const template = Math.floor(rng() * 3);
    const gunsEs = describeGuns(guns, descs, 'es');
    const gunsEn = describeGuns(guns, descs, 'en');
    const es = [
      `Durante ${CONTEXT_ES[ctx]} en ${municipality}, ${state.nameEs}, elementos de ${agencyCode} aseguraron ${gunsEs}${rounds ? `, junto con ${rounds} cartuchos` : ''}.`,
      `Aseguramiento de ${n} ${n === 1 ? 'arma de fuego' : 'armas de fuego'} ${HIDING_ES[hide]} en ${municipality}, ${state.nameEs}: ${gunsEs}.`,
      `En ${municipality} (${state.nameEs}) se localizaron ${gunsEs} tras ${CONTEXT_ES[ctx]}; ${guns.some((g) => g.obliteratedSerial) ? 'al menos una con número de serie borrado' : 'todas con número de serie legible'}.`,
    ][template];
    const en = [
      `During ${CONTEXT_EN[ctx]} in ${municipality}, ${state.nameEn}, ${agencyCode} officers seized ${gunsEn}${rounds ? `, along with ${rounds} rounds` : ''}.`,
      `Seizure of ${n} ${n === 1 ? 'firearm' : 'firearms'} ${HIDING_EN[hide]} in ${municipality}, ${state.nameEn}: ${gunsEn}.`,
      `In ${municipality} (${state.nameEn}) officers recovered ${gunsEn} after ${CONTEXT_EN[ctx]}; ${guns.some((g) => g.obliteratedSerial) ? 'at least one had an obliterated serial number' : 'all serial numbers were legible'}.`,
    ][template];
    const lang = rng();
    out.push({
      reference: `${agencyCode}-${year}-${seq}`,
      date,
      country,
      stateCode,
      municipality,
      place:
        rng() < 0.5
          ? `${pick(rng, ['Carretera federal', 'Colonia', 'Puerto fronterizo', 'Brecha', 'Rancho'])} ${pick(rng, ['Centro', 'Norte', 'km 23', 'El Mirador', 'Las Palmas', 'San José'])}`
          : null,
      agencyCode,
      operation: rng() < 0.3 ? pick(rng, ['Frontera Norte', 'Fast Track', 'Escudo', 'Centinela', 'Río Bravo', 'Southbound']) : null,
      caseFile:
        country === 'MX'
          ? `FED/${stateCode.slice(3)}/${municipality.slice(0, 3).toUpperCase()}/${digits(rng, 7)}/${year}`
          : `${agencyCode}-${year}-${digits(rng, 6)}`,
      summaryEs: lang < 0.05 ? null : (es ?? null),
      summaryEn: lang > 0.9 ? null : (en ?? null),
      scope: [...scope].sort(),
      firearms: guns,
      ammunition: rounds ? [{ calibre: guns[0]?.calibre ?? '9mm', rounds }] : [],
      magazines: rng() < 0.5 ? [{ quantity: 1 + Math.floor(rng() * 20), capacity: pick(rng, [15, 17, 30, 30, 30, 100]) }] : [],
      explosives:
        rng() < 0.05
          ? [
              {
                description: pick(rng, ['granada de fragmentación', 'artefacto explosivo improvisado', 'cartuchos de 40 mm']),
                quantity: 1 + Math.floor(rng() * 6),
              },
            ]
          : [],
    });
  }
  return out;
}

/** Writes `count` demo seizures (seed 1) through the real writer, index included. */
export async function seedDemoSeizures(count: number, seed = 1): Promise<{ inserted: number; updated: number; unchanged: number }> {
  const { writeTransaction } = await import('#src/server/sql.ts');
  const { seedReferenceData } = await import('./reference.ts');
  const { writeSeizures } = await import('#src/server/seizures/store.ts');
  const list = generateSeizures(count, seed);
  return writeTransaction(async (raw, tx) => {
    await seedReferenceData(tx);
    const s = await writeSeizures(raw, list, { userId: null, batchId: null });
    return { inserted: s.inserted, updated: s.updated, unchanged: s.unchanged };
  });
}
