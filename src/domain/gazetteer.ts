/**
 * Gazetteer of the countries, states, departments and districts the portal records seizures in.
 * One entry per place: its code (ISO 3166-2 style), the names pages show (`es`, `en`) and every
 * other way agencies write it. Import, search, facets and display all read this list.
 *
 * - `names`: official long names, former names, common names and unambiguous short forms that a
 *   reader may type as a search (matched as one phrase: "ciudad de mexico" is one place).
 * - `abbreviations`: short forms accepted in import files only, because as search words they
 *   collide with ordinary words ("Sin." is Sinaloa, "sin" is "without"; "IN", "OR", "ME").
 */

export interface GazetteerCountry {
  code: string;
  es: string;
  en: string;
  names: readonly string[];
  abbreviations: readonly string[];
  /** IANA time zone that judges "today" for a seizure in this country (the most populated one). */
  timeZone: string;
}

export interface GazetteerPlace {
  code: string;
  country: string;
  es: string;
  en: string;
  names: readonly string[];
  abbreviations: readonly string[];
  /** Only where it differs from the country's. */
  timeZone?: string;
}

export const GAZETTEER_COUNTRIES: readonly GazetteerCountry[] = [
  {
    code: 'MX',
    es: 'México',
    en: 'Mexico',
    names: ['Estados Unidos Mexicanos', 'República Mexicana', 'United Mexican States'],
    abbreviations: ['MEX', 'MX'],
    timeZone: 'America/Mexico_City',
  },
  {
    code: 'US',
    es: 'Estados Unidos',
    en: 'United States',
    names: ['Estados Unidos de América', 'EE. UU.', 'EEUU', 'EUA', 'E.U.A.', 'USA', 'U.S.A.', 'United States of America', 'U.S.'],
    abbreviations: ['US', 'EU'],
    timeZone: 'America/Chicago',
  },
  {
    code: 'GT',
    es: 'Guatemala',
    en: 'Guatemala',
    names: ['República de Guatemala', 'Republic of Guatemala'],
    abbreviations: ['GT', 'GUA'],
    timeZone: 'America/Guatemala',
  },
  {
    code: 'BZ',
    es: 'Belice',
    en: 'Belize',
    names: ['Belize', 'Belice'],
    abbreviations: ['BZ', 'BLZ'],
    timeZone: 'America/Belize',
  },
  {
    code: 'SV',
    es: 'El Salvador',
    en: 'El Salvador',
    names: ['República de El Salvador', 'Republic of El Salvador', 'Salvador'],
    abbreviations: ['SV', 'SLV'],
    timeZone: 'America/El_Salvador',
  },
];

type Row = [suffix: string, es: string, en: string, names?: readonly string[], abbreviations?: readonly string[], timeZone?: string];

// Mexico: official names from the Constitution (art. 43), former names (Distrito Federal until
// 2016), everyday names and the abbreviations used in case files and the press.
const MX: Row[] = [
  ['AGU', 'Aguascalientes', 'Aguascalientes', [], ['Ags', 'Ags.', 'AG']],
  ['BCN', 'Baja California', 'Baja California', ['Baja California Norte', 'BC'], ['B.C.', 'BCN']],
  ['BCS', 'Baja California Sur', 'Baja California Sur', ['BCS'], ['B.C.S.'], 'America/Mazatlan'],
  ['CAM', 'Campeche', 'Campeche', [], ['Camp', 'Camp.', 'CM']],
  ['CHP', 'Chiapas', 'Chiapas', [], ['Chis', 'Chis.', 'CS']],
  ['CHH', 'Chihuahua', 'Chihuahua', [], ['Chih', 'Chih.', 'CH']],
  [
    'CMX',
    'Ciudad de México',
    'Mexico City',
    ['CDMX', 'CD MX', 'Distrito Federal', 'D.F.', 'DF', 'México D.F.', 'Ciudad de Mexico', 'Mexico City'],
    ['Cd. de México', 'Cd. Mx.'],
  ],
  ['COA', 'Coahuila', 'Coahuila', ['Coahuila de Zaragoza'], ['Coah', 'Coah.', 'CO']],
  ['COL', 'Colima', 'Colima', [], ['Col', 'Col.', 'CL']],
  ['DUR', 'Durango', 'Durango', [], ['Dgo', 'Dgo.', 'DG']],
  ['GUA', 'Guanajuato', 'Guanajuato', [], ['Gto', 'Gto.', 'GT']],
  ['GRO', 'Guerrero', 'Guerrero', [], ['Gro', 'Gro.', 'GR']],
  ['HID', 'Hidalgo', 'Hidalgo', [], ['Hgo', 'Hgo.', 'HG']],
  ['JAL', 'Jalisco', 'Jalisco', [], ['Jal', 'Jal.', 'JC']],
  [
    'MEX',
    'Estado de México',
    'State of Mexico',
    ['Edomex', 'Edo. Méx.', 'Edo Mex', 'Edo. de México', 'México (estado)', 'Mexico State'],
    ['Méx.', 'EM', 'MC'],
  ],
  ['MIC', 'Michoacán', 'Michoacán', ['Michoacán de Ocampo'], ['Mich', 'Mich.', 'MN']],
  ['MOR', 'Morelos', 'Morelos', [], ['Mor', 'Mor.', 'MS']],
  ['NAY', 'Nayarit', 'Nayarit', [], ['Nay', 'Nay.', 'NT']],
  ['NLE', 'Nuevo León', 'Nuevo León', ['Nuevo Leon', 'NL', 'N.L.'], ['NLE']],
  ['OAX', 'Oaxaca', 'Oaxaca', [], ['Oax', 'Oax.', 'OC']],
  ['PUE', 'Puebla', 'Puebla', [], ['Pue', 'Pue.', 'PL']],
  ['QUE', 'Querétaro', 'Querétaro', ['Querétaro de Arteaga', 'Qro'], ['Qro.', 'QT']],
  ['ROO', 'Quintana Roo', 'Quintana Roo', ['Q. Roo', 'QRoo'], ['Q.R.', 'QR'], 'America/Cancun'],
  ['SLP', 'San Luis Potosí', 'San Luis Potosí', ['SLP', 'S.L.P.'], ['SP']],
  ['SIN', 'Sinaloa', 'Sinaloa', [], ['Sin', 'Sin.', 'SL'], 'America/Mazatlan'],
  ['SON', 'Sonora', 'Sonora', [], ['Son', 'Son.', 'SR'], 'America/Hermosillo'],
  ['TAB', 'Tabasco', 'Tabasco', [], ['Tab', 'Tab.', 'TC']],
  ['TAM', 'Tamaulipas', 'Tamaulipas', ['Tamps'], ['Tamps.', 'TS']],
  ['TLA', 'Tlaxcala', 'Tlaxcala', [], ['Tlax', 'Tlax.', 'TL']],
  ['VER', 'Veracruz', 'Veracruz', ['Veracruz de Ignacio de la Llave', 'Veracruz-Llave', 'Veracruz Llave'], ['Ver', 'Ver.', 'VZ']],
  ['YUC', 'Yucatán', 'Yucatán', [], ['Yuc', 'Yuc.', 'YN']],
  ['ZAC', 'Zacatecas', 'Zacatecas', [], ['Zac', 'Zac.', 'ZS']],
];

// United States: Spanish exonyms where they exist; USPS codes are import-only (IN, OR, ME, OK…).
const US: Row[] = [
  ['AL', 'Alabama', 'Alabama'],
  ['AK', 'Alaska', 'Alaska'],
  ['AZ', 'Arizona', 'Arizona', [], ['Ariz.']],
  ['AR', 'Arkansas', 'Arkansas'],
  ['CA', 'California', 'California', ['Calif.']],
  ['CO', 'Colorado', 'Colorado'],
  ['CT', 'Connecticut', 'Connecticut'],
  ['DE', 'Delaware', 'Delaware'],
  ['DC', 'Distrito de Columbia', 'District of Columbia', ['Washington D.C.', 'Washington, D.C.', 'D.C.']],
  ['FL', 'Florida', 'Florida', [], ['Fla.']],
  ['GA', 'Georgia', 'Georgia'],
  ['HI', 'Hawái', 'Hawaii', ['Hawai']],
  ['ID', 'Idaho', 'Idaho'],
  ['IL', 'Illinois', 'Illinois'],
  ['IN', 'Indiana', 'Indiana'],
  ['IA', 'Iowa', 'Iowa'],
  ['KS', 'Kansas', 'Kansas'],
  ['KY', 'Kentucky', 'Kentucky'],
  ['LA', 'Luisiana', 'Louisiana'],
  ['ME', 'Maine', 'Maine'],
  ['MD', 'Maryland', 'Maryland'],
  ['MA', 'Massachusetts', 'Massachusetts'],
  ['MI', 'Míchigan', 'Michigan'],
  ['MN', 'Minnesota', 'Minnesota'],
  ['MS', 'Misisipi', 'Mississippi', ['Misisipí']],
  ['MO', 'Misuri', 'Missouri'],
  ['MT', 'Montana', 'Montana'],
  ['NE', 'Nebraska', 'Nebraska'],
  ['NV', 'Nevada', 'Nevada'],
  ['NH', 'Nuevo Hampshire', 'New Hampshire'],
  ['NJ', 'Nueva Jersey', 'New Jersey'],
  ['NM', 'Nuevo México', 'New Mexico', ['Nuevo Mexico'], ['N.M.', 'N. Mex.']],
  ['NY', 'Nueva York', 'New York'],
  ['NC', 'Carolina del Norte', 'North Carolina'],
  ['ND', 'Dakota del Norte', 'North Dakota'],
  ['OH', 'Ohio', 'Ohio'],
  ['OK', 'Oklahoma', 'Oklahoma'],
  ['OR', 'Oregón', 'Oregon'],
  ['PA', 'Pensilvania', 'Pennsylvania'],
  ['RI', 'Rhode Island', 'Rhode Island'],
  ['SC', 'Carolina del Sur', 'South Carolina'],
  ['SD', 'Dakota del Sur', 'South Dakota'],
  ['TN', 'Tennessee', 'Tennessee'],
  ['TX', 'Texas', 'Texas', [], ['Tex.']],
  ['UT', 'Utah', 'Utah'],
  ['VT', 'Vermont', 'Vermont'],
  ['VA', 'Virginia', 'Virginia'],
  ['WA', 'Washington', 'Washington', ['Washington State']],
  ['WV', 'Virginia Occidental', 'West Virginia'],
  ['WI', 'Wisconsin', 'Wisconsin'],
  ['WY', 'Wyoming', 'Wyoming'],
];

// Guatemala: the 22 departments; "Guatemala" alone is also the country, so the department is
// "departamento de Guatemala" when written in full.
const GT: Row[] = [
  ['AV', 'Alta Verapaz', 'Alta Verapaz'],
  ['BV', 'Baja Verapaz', 'Baja Verapaz'],
  ['CM', 'Chimaltenango', 'Chimaltenango'],
  ['CQ', 'Chiquimula', 'Chiquimula'],
  ['PR', 'El Progreso', 'El Progreso', ['Progreso']],
  ['ES', 'Escuintla', 'Escuintla'],
  ['GU', 'Guatemala', 'Guatemala', ['Departamento de Guatemala', 'Ciudad de Guatemala', 'Guatemala City']],
  ['HU', 'Huehuetenango', 'Huehuetenango', ['Huehue']],
  ['IZ', 'Izabal', 'Izabal'],
  ['JA', 'Jalapa', 'Jalapa'],
  ['JU', 'Jutiapa', 'Jutiapa'],
  ['PE', 'Petén', 'Petén', ['El Petén']],
  ['QZ', 'Quetzaltenango', 'Quetzaltenango', ['Xela', 'Xelajú']],
  ['QC', 'Quiché', 'Quiché', ['El Quiché']],
  ['RE', 'Retalhuleu', 'Retalhuleu', ['Reu']],
  ['SA', 'Sacatepéquez', 'Sacatepéquez'],
  ['SM', 'San Marcos', 'San Marcos'],
  ['SR', 'Santa Rosa', 'Santa Rosa'],
  ['SO', 'Sololá', 'Sololá'],
  ['SU', 'Suchitepéquez', 'Suchitepéquez'],
  ['TO', 'Totonicapán', 'Totonicapán'],
  ['ZA', 'Zacapa', 'Zacapa'],
];

const BZ: Row[] = [
  ['BZ', 'Belice', 'Belize', ['Belize District', 'Distrito de Belice']],
  ['CY', 'Cayo', 'Cayo', ['Cayo District']],
  ['CZL', 'Corozal', 'Corozal', ['Corozal District']],
  ['OW', 'Orange Walk', 'Orange Walk', ['Orange Walk District']],
  ['SC', 'Stann Creek', 'Stann Creek', ['Stann Creek District']],
  ['TOL', 'Toledo', 'Toledo', ['Toledo District']],
];

const SV: Row[] = [
  ['AH', 'Ahuachapán', 'Ahuachapán'],
  ['CA', 'Cabañas', 'Cabañas'],
  ['CH', 'Chalatenango', 'Chalatenango'],
  ['CU', 'Cuscatlán', 'Cuscatlán'],
  ['LI', 'La Libertad', 'La Libertad'],
  ['PA', 'La Paz', 'La Paz'],
  ['UN', 'La Unión', 'La Unión'],
  ['MO', 'Morazán', 'Morazán'],
  ['SM', 'San Miguel', 'San Miguel'],
  ['SS', 'San Salvador', 'San Salvador'],
  ['SV', 'San Vicente', 'San Vicente'],
  ['SA', 'Santa Ana', 'Santa Ana'],
  ['SO', 'Sonsonate', 'Sonsonate'],
  ['US', 'Usulután', 'Usulután'],
];

export const GAZETTEER_PLACES: readonly GazetteerPlace[] = (
  [
    ['MX', MX],
    ['US', US],
    ['GT', GT],
    ['BZ', BZ],
    ['SV', SV],
  ] as const
).flatMap(([country, rows]) =>
  rows.map(([suffix, es, en, names = [], abbreviations = [], timeZone]) => ({
    code: `${country}-${suffix}`,
    country,
    es,
    en,
    names,
    // USPS codes (TX, AZ…) are how US agencies write states.
    abbreviations: country === 'US' ? [suffix, ...abbreviations] : abbreviations,
    ...(timeZone ? { timeZone } : {}),
  })),
);
