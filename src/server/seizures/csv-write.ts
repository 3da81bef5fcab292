/**
 * Writing seizure CSV: the export, the templates and the error report. A cell that a spreadsheet
 * would run as a formula gets a leading apostrophe, which the import removes again.
 */
import { CSV_COLUMNS, FIREARM_COLUMNS, HEADERS, SEIZURE_COLUMNS, type Column } from './columns.ts';
import type { FirearmInput, SeizureInput } from './types.ts';

// ---------------------------------------------------------------------------------------
// Templates and error reports.

function csvCell(value: string | number): string {
  const s = String(value);
  // A leading = + - @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return '\uFEFF' + rows.map((r) => r.map((v) => csvCell(v ?? '')).join(',')).join('\r\n') + '\r\n';
}

/** One seizure as CSV rows in the import format (one per firearm line; one row when none). */
export function seizureToCsvRows(s: SeizureInput, lang: 'es' | 'en'): (string | number | null)[][] {
  const base: Partial<Record<Column, string | number | null>> = {
    reference: s.reference,
    date: s.date,
    country: s.country,
    state: s.stateCode,
    municipality: s.municipality,
    place: s.place,
    agency: s.agencyCode,
    operation: s.operation,
    case_file: s.caseFile,
    summary_es: s.summaryEs,
    summary_en: s.summaryEn,
    scope: s.scope.join(' '),
    ammunition: s.ammunition.map((a) => `${a.calibre}:${a.rounds}`).join('|'),
    magazines: s.magazines.map((m) => (m.capacity ? `${m.quantity}x${m.capacity}` : String(m.quantity))).join('|'),
    explosives: s.explosives.map((e) => `${e.description}:${e.quantity}`).join('|'),
  };
  const yes = lang === 'es' ? 'sí' : 'yes';
  const line = (f: FirearmInput | null) => {
    const v: Partial<Record<Column, string | number | null>> = f
      ? {
          ...base,
          firearm_type: f.type,
          manufacturer: f.manufacturer,
          model: f.model,
          calibre: f.calibre,
          serial: f.serial,
          obliterated_serial: f.obliteratedSerial ? yes : 'no',
          country_of_manufacture: f.countryOfManufacture,
          importer: f.importer,
          other_markings: f.otherMarkings,
          quantity: f.quantity,
          trace_status: f.traceStatus,
          trace_source_country: f.traceSourceCountry,
          trace_source_state: f.traceSourceState,
          time_to_crime_days: f.timeToCrimeDays,
        }
      : base;
    return CSV_COLUMNS.map((c) => v[c] ?? '');
  };
  return s.firearms.length ? s.firearms.map(line) : [line(null)];
}

/** Seizures as an importable CSV file with the language's headers. */
export function seizuresToCsv(list: Iterable<SeizureInput>, lang: 'es' | 'en'): string {
  const rows: (string | number | null)[][] = [CSV_COLUMNS.map((c) => HEADERS[lang][c])];
  for (const s of list) rows.push(...seizureToCsvRows(s, lang));
  return toCsv(rows);
}

const TEMPLATE_ROWS: Record<Column, string>[] = [
  {
    reference: 'ASEG-2024-0001',
    date: '17/04/2024',
    country: 'MX',
    state: 'MX-TAM',
    municipality: 'Reynosa',
    place: 'Carretera Reynosa–Monterrey km 12',
    agency: 'FGR',
    operation: 'Frontera Norte',
    case_file: 'FED/TAM/REY/0001234/2024',
    summary_es: 'Aseguramiento de dos fusiles en un vehículo en un punto de revisión.',
    summary_en: 'Two rifles seized from a vehicle at a checkpoint.',
    scope: 'members',
    ammunition: '7.62x39:600|5.56x45:300',
    magazines: '8x30',
    explosives: '',
    firearm_type: 'rifle',
    manufacturer: 'Cugir (Romarm)',
    model: 'WASR-10',
    calibre: '7.62x39',
    serial: '1974AB1234',
    obliterated_serial: 'no',
    country_of_manufacture: 'RO',
    importer: 'Century Arms, Georgia VT',
    other_markings: '',
    quantity: '1',
    trace_status: 'traced_us_retail',
    trace_source_country: 'US',
    trace_source_state: 'US-TX',
    time_to_crime_days: '412',
  },
  {
    reference: 'ASEG-2024-0001',
    date: '17/04/2024',
    country: 'MX',
    state: 'MX-TAM',
    municipality: 'Reynosa',
    place: 'Carretera Reynosa–Monterrey km 12',
    agency: 'FGR',
    operation: 'Frontera Norte',
    case_file: 'FED/TAM/REY/0001234/2024',
    summary_es: 'Aseguramiento de dos fusiles en un vehículo en un punto de revisión.',
    summary_en: 'Two rifles seized from a vehicle at a checkpoint.',
    scope: 'members',
    ammunition: '7.62x39:600|5.56x45:300',
    magazines: '8x30',
    explosives: '',
    firearm_type: 'rifle',
    manufacturer: 'Colt',
    model: 'AR-15',
    calibre: '5.56x45',
    serial: '',
    obliterated_serial: 'yes',
    country_of_manufacture: 'US',
    importer: '',
    other_markings: '',
    quantity: '1',
    trace_status: 'untraceable',
    trace_source_country: '',
    trace_source_state: '',
    time_to_crime_days: '',
  },
];

/** A CSV template with headers in the language and two example rows (one seizure, two firearms). */
export function templateCsv(lang: 'es' | 'en'): string {
  const cols = [...SEIZURE_COLUMNS, ...FIREARM_COLUMNS];
  const yesNo = lang === 'es' ? { yes: 'sí', no: 'no' } : { yes: 'yes', no: 'no' };
  return toCsv([
    cols.map((c) => HEADERS[lang][c]),
    ...TEMPLATE_ROWS.map((r) => cols.map((c) => (c === 'obliterated_serial' ? yesNo[r[c] as 'yes' | 'no'] : r[c]))),
  ]);
}
