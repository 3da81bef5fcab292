import { sql } from 'drizzle-orm';
import { countries, states } from '#db/schema/seizures.ts';
import type { Executor } from '#src/server/db.ts';

export interface CountryRow {
  code: string;
  nameEs: string;
  nameEn: string;
}
export interface StateRow {
  code: string;
  country: string;
  nameEs: string;
  nameEn: string;
}

export const REFERENCE_COUNTRIES: readonly CountryRow[] = [
  { code: 'MX', nameEs: 'México', nameEn: 'Mexico' },
  { code: 'US', nameEs: 'Estados Unidos', nameEn: 'United States' },
  { code: 'GT', nameEs: 'Guatemala', nameEn: 'Guatemala' },
  { code: 'BZ', nameEs: 'Belice', nameEn: 'Belize' },
  { code: 'SV', nameEs: 'El Salvador', nameEn: 'El Salvador' },
];

/** [code suffix, Spanish name, English name] per country; codes follow ISO 3166-2. */
const MX: [string, string, string][] = [
  ['AGU', 'Aguascalientes', 'Aguascalientes'],
  ['BCN', 'Baja California', 'Baja California'],
  ['BCS', 'Baja California Sur', 'Baja California Sur'],
  ['CAM', 'Campeche', 'Campeche'],
  ['CHP', 'Chiapas', 'Chiapas'],
  ['CHH', 'Chihuahua', 'Chihuahua'],
  ['CMX', 'Ciudad de México', 'Mexico City'],
  ['COA', 'Coahuila', 'Coahuila'],
  ['COL', 'Colima', 'Colima'],
  ['DUR', 'Durango', 'Durango'],
  ['GUA', 'Guanajuato', 'Guanajuato'],
  ['GRO', 'Guerrero', 'Guerrero'],
  ['HID', 'Hidalgo', 'Hidalgo'],
  ['JAL', 'Jalisco', 'Jalisco'],
  ['MEX', 'Estado de México', 'State of Mexico'],
  ['MIC', 'Michoacán', 'Michoacán'],
  ['MOR', 'Morelos', 'Morelos'],
  ['NAY', 'Nayarit', 'Nayarit'],
  ['NLE', 'Nuevo León', 'Nuevo León'],
  ['OAX', 'Oaxaca', 'Oaxaca'],
  ['PUE', 'Puebla', 'Puebla'],
  ['QUE', 'Querétaro', 'Querétaro'],
  ['ROO', 'Quintana Roo', 'Quintana Roo'],
  ['SLP', 'San Luis Potosí', 'San Luis Potosí'],
  ['SIN', 'Sinaloa', 'Sinaloa'],
  ['SON', 'Sonora', 'Sonora'],
  ['TAB', 'Tabasco', 'Tabasco'],
  ['TAM', 'Tamaulipas', 'Tamaulipas'],
  ['TLA', 'Tlaxcala', 'Tlaxcala'],
  ['VER', 'Veracruz', 'Veracruz'],
  ['YUC', 'Yucatán', 'Yucatán'],
  ['ZAC', 'Zacatecas', 'Zacatecas'],
];

const US: [string, string, string][] = [
  ['AL', 'Alabama', 'Alabama'],
  ['AK', 'Alaska', 'Alaska'],
  ['AZ', 'Arizona', 'Arizona'],
  ['AR', 'Arkansas', 'Arkansas'],
  ['CA', 'California', 'California'],
  ['CO', 'Colorado', 'Colorado'],
  ['CT', 'Connecticut', 'Connecticut'],
  ['DE', 'Delaware', 'Delaware'],
  ['DC', 'Distrito de Columbia', 'District of Columbia'],
  ['FL', 'Florida', 'Florida'],
  ['GA', 'Georgia', 'Georgia'],
  ['HI', 'Hawái', 'Hawaii'],
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
  ['MS', 'Misisipi', 'Mississippi'],
  ['MO', 'Misuri', 'Missouri'],
  ['MT', 'Montana', 'Montana'],
  ['NE', 'Nebraska', 'Nebraska'],
  ['NV', 'Nevada', 'Nevada'],
  ['NH', 'Nuevo Hampshire', 'New Hampshire'],
  ['NJ', 'Nueva Jersey', 'New Jersey'],
  ['NM', 'Nuevo México', 'New Mexico'],
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
  ['TX', 'Texas', 'Texas'],
  ['UT', 'Utah', 'Utah'],
  ['VT', 'Vermont', 'Vermont'],
  ['VA', 'Virginia', 'Virginia'],
  ['WA', 'Washington', 'Washington'],
  ['WV', 'Virginia Occidental', 'West Virginia'],
  ['WI', 'Wisconsin', 'Wisconsin'],
  ['WY', 'Wyoming', 'Wyoming'],
];

const GT: [string, string, string][] = [
  ['AV', 'Alta Verapaz', 'Alta Verapaz'],
  ['BV', 'Baja Verapaz', 'Baja Verapaz'],
  ['CM', 'Chimaltenango', 'Chimaltenango'],
  ['CQ', 'Chiquimula', 'Chiquimula'],
  ['PR', 'El Progreso', 'El Progreso'],
  ['ES', 'Escuintla', 'Escuintla'],
  ['GU', 'Guatemala', 'Guatemala'],
  ['HU', 'Huehuetenango', 'Huehuetenango'],
  ['IZ', 'Izabal', 'Izabal'],
  ['JA', 'Jalapa', 'Jalapa'],
  ['JU', 'Jutiapa', 'Jutiapa'],
  ['PE', 'Petén', 'Petén'],
  ['QZ', 'Quetzaltenango', 'Quetzaltenango'],
  ['QC', 'Quiché', 'Quiché'],
  ['RE', 'Retalhuleu', 'Retalhuleu'],
  ['SA', 'Sacatepéquez', 'Sacatepéquez'],
  ['SM', 'San Marcos', 'San Marcos'],
  ['SR', 'Santa Rosa', 'Santa Rosa'],
  ['SO', 'Sololá', 'Sololá'],
  ['SU', 'Suchitepéquez', 'Suchitepéquez'],
  ['TO', 'Totonicapán', 'Totonicapán'],
  ['ZA', 'Zacapa', 'Zacapa'],
];

const BZ: [string, string, string][] = [
  ['BZ', 'Belice', 'Belize'],
  ['CY', 'Cayo', 'Cayo'],
  ['CZL', 'Corozal', 'Corozal'],
  ['OW', 'Orange Walk', 'Orange Walk'],
  ['SC', 'Stann Creek', 'Stann Creek'],
  ['TOL', 'Toledo', 'Toledo'],
];

const SV: [string, string, string][] = [
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

export const REFERENCE_STATES: readonly StateRow[] = (
  [
    ['MX', MX],
    ['US', US],
    ['GT', GT],
    ['BZ', BZ],
    ['SV', SV],
  ] as const
).flatMap(([country, list]) => list.map(([suffix, nameEs, nameEn]) => ({ code: `${country}-${suffix}`, country, nameEs, nameEn })));

/** Inserts or refreshes countries and states. Idempotent; production runs it too. */
export async function seedReferenceData(executor: Executor): Promise<void> {
  await executor
    .insert(countries)
    .values([...REFERENCE_COUNTRIES])
    .onConflictDoUpdate({ target: countries.code, set: { nameEs: sql`excluded.name_es`, nameEn: sql`excluded.name_en` } });
  await executor
    .insert(states)
    .values([...REFERENCE_STATES])
    .onConflictDoUpdate({
      target: states.code,
      set: { country: sql`excluded.country`, nameEs: sql`excluded.name_es`, nameEn: sql`excluded.name_en` },
    });
}
