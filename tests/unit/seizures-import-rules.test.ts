/**
 * Every validation rule of the seizure import, held cell by cell: the exact error (file line,
 * column as written, code, parameters) and its message in both languages, for each rule (several
 * had no test of their own), and a seeded file of ~600 rows with random good and bad cells whose
 * whole error report and whose validated seizures are compared with snapshots written by the
 * zod-only validation. The fast path of validation.ts must give the same report, line for line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { mulberry32 } from '#db/seed/seizures.ts';
import { FIREARM_COLUMNS } from '#src/server/seizures/columns.ts';
import { CSV_COLUMNS, HEADERS, errorMessage, validateImport, type Column, type ImportError } from '#src/server/seizures/import.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
});
afterAll(() => cleanup());

// "Today" for the future-date rule: fixed, so the snapshots do not age.
const NOW = new Date('2026-06-01T12:00:00Z');

const GOOD: Record<Column, string> = {
  reference: 'R-1',
  date: '2023-05-04',
  country: 'MX',
  state: 'MX-TAM',
  municipality: 'Reynosa',
  place: 'Km 5 carretera',
  agency: 'FGR',
  operation: 'Frontera',
  case_file: 'CF-1',
  summary_es: 'Aseguramiento en Reynosa',
  summary_en: 'Seizure in Reynosa',
  scope: 'members',
  ammunition: '9mm:500|7.62x39:1200',
  magazines: '12x30|4',
  explosives: 'granada de fragmentación:3',
  firearm_type: 'rifle',
  manufacturer: 'Colt',
  model: 'AR-15',
  calibre: '5.56x45',
  serial: 'LE100001',
  obliterated_serial: 'no',
  country_of_manufacture: 'USA',
  importer: 'Century Arms',
  other_markings: 'ninguna',
  quantity: '1',
  trace_status: 'not_requested',
  trace_source_country: 'US',
  trace_source_state: 'TX',
  time_to_crime_days: '400',
};

const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
function file(rows: Partial<Record<Column, string>>[]): string {
  const header = CSV_COLUMNS.map((c) => HEADERS.en[c]).join(',');
  return [header, ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c] ?? GOOD[c])).join(','))].join('\n') + '\n';
}

async function check(rows: Partial<Record<Column, string>>[]) {
  return validateImport({ fileName: 'rules.csv', content: file(rows) }, { now: NOW });
}
async function errorsOf(...rows: Partial<Record<Column, string>>[]): Promise<ImportError[]> {
  return (await check(rows)).errors;
}
const both = (e: ImportError) => [errorMessage(e, 'es'), errorMessage(e, 'en')];

describe('import rules, one by one', () => {
  it('numbers: quantity and days to crime, with thousands separators, bounds and the value as written', async () => {
    const errors = await errorsOf(
      { reference: 'R-1', quantity: '1,000' },
      { reference: 'R-2', quantity: '0' },
      { reference: 'R-3', quantity: '100001' },
      { reference: 'R-4', quantity: '1.5' },
      { reference: 'R-5', time_to_crime_days: '36501' },
      { reference: 'R-6', time_to_crime_days: '12 000' },
      { reference: 'R-7', time_to_crime_days: '-3' },
    );
    expect(errors).toEqual([
      { row: 3, column: 'quantity', code: 'import.error.bad_number', params: { value: '0' } },
      { row: 4, column: 'quantity', code: 'import.error.bad_number', params: { value: '100001' } },
      { row: 5, column: 'quantity', code: 'import.error.bad_number', params: { value: '1.5' } },
      { row: 6, column: 'time_to_crime_days', code: 'import.error.bad_number', params: { value: '36501' } },
      { row: 8, column: 'time_to_crime_days', code: 'import.error.bad_number', params: { value: '-3' } },
    ]);
    expect(both(errors[0] as ImportError)).toMatchInlineSnapshot(`
      [
        "Número no válido: «0».",
        "Invalid number: "0".",
      ]
    `);
  });

  it('country: names in either language, unknown countries, a state of another country', async () => {
    const errors = await errorsOf(
      { reference: 'R-1', country: 'México' },
      { reference: 'R-2', country: 'Narnia' },
      { reference: 'R-3', country: 'US' },
      { reference: 'R-4', country: 'Guatemala', state: 'GT-GU' },
    );
    expect(errors).toEqual([
      { row: 3, column: 'country', code: 'import.error.unknown_country', params: { value: 'Narnia' } },
      { row: 4, column: 'state', code: 'import.error.state_country_mismatch', params: { value: 'MX-TAM', country: 'US' } },
    ]);
    expect(errors.map(both)).toMatchInlineSnapshot(`
      [
        [
          "País desconocido: «Narnia».",
          "Unknown country: "Narnia".",
        ],
        [
          "«MX-TAM» no pertenece al país US.",
          ""MX-TAM" is not in country US.",
        ],
      ]
    `);
  });

  it('visibility: members, agencies and countries that exist, never public', async () => {
    const errors = await errorsOf(
      { reference: 'R-1', scope: 'agency:fgr' },
      { reference: 'R-2', scope: 'public' },
      { reference: 'R-3', scope: 'agency:XXX' },
      { reference: 'R-4', scope: 'country:ZZ' },
      { reference: 'R-5', scope: 'agency:FGR;country:MX' },
      { reference: 'R-6', scope: 'bogus' },
      { reference: 'R-7', scope: '' },
    );
    expect(errors).toEqual([
      { row: 3, column: 'visibility', code: 'import.error.bad_scope', params: { value: 'public' } },
      { row: 4, column: 'visibility', code: 'import.error.bad_scope', params: { value: 'agency:XXX' } },
      { row: 5, column: 'visibility', code: 'import.error.bad_scope', params: { value: 'country:ZZ' } },
      { row: 7, column: 'visibility', code: 'import.error.bad_scope', params: { value: 'bogus' } },
    ]);
    expect(both(errors[0] as ImportError)).toMatchInlineSnapshot(`
      [
        "Visibilidad no válida: «public». Use members, country:MX o agency:FGR.",
        "Invalid visibility: "public". Use members, country:MX or agency:FGR.",
      ]
    `);
    const ok = await check([{ reference: 'R-5', scope: 'agency:fgr;country:mx members' }]);
    expect(ok.seizures[0]?.scope).toEqual(['agency:FGR', 'country:MX', 'members']);
  });

  it('lists: ammunition, magazines and explosives name the item that is not understood', async () => {
    const errors = await errorsOf(
      { reference: 'R-1', ammunition: '9mm' },
      { reference: 'R-2', magazines: '3 × 10|abc' },
      { reference: 'R-3', explosives: 'granada' },
      { reference: 'R-4', ammunition: ' 9mm = 20 | ', magazines: '2X15', explosives: '' },
    );
    expect(errors).toEqual([
      { row: 2, column: 'ammunition', code: 'import.error.bad_list', params: { value: '9mm' } },
      { row: 3, column: 'magazines', code: 'import.error.bad_list', params: { value: 'abc' } },
      { row: 4, column: 'explosives', code: 'import.error.bad_list', params: { value: 'granada' } },
    ]);
    expect(both(errors[0] as ImportError)).toMatchInlineSnapshot(`
      [
        "Elemento de lista no válido: «9mm» (ejemplos: 9mm:500, 8x30, granada:2).",
        "Invalid list item: "9mm" (examples: 9mm:500, 8x30, grenade:2).",
      ]
    `);
    const ok = await check([{ reference: 'R-4', ammunition: ' 9mm = 20 | ', magazines: '2X15|3 × 10|4', explosives: '' }]);
    expect(ok.seizures[0]).toMatchObject({
      ammunition: [{ calibre: '9mm', rounds: 20 }],
      magazines: [
        { quantity: 2, capacity: 15 },
        { quantity: 3, capacity: 10 },
        { quantity: 4, capacity: null },
      ],
      explosives: [],
    });
  });

  it('a summary in at least one language; obliterated-serial words; lengths; damaged text', async () => {
    const errors = await errorsOf(
      { reference: 'R-1', summary_es: '', summary_en: ' ' },
      { reference: 'R-2', obliterated_serial: 'maybe' },
      { reference: 'R-3', obliterated_serial: 'X', serial: '' },
      { reference: 'R-4', manufacturer: 'M'.repeat(121) },
      { reference: 'R-5', model: 'Modelo \uFFFD' },
      { reference: 'R-6', case_file: '', agency: 'XXX' },
    );
    expect(errors).toEqual([
      { row: 2, column: 'summary_es', code: 'import.error.missing_summary', params: {} },
      { row: 3, column: 'obliterated_serial', code: 'import.error.bad_boolean', params: { value: 'maybe' } },
      { row: 5, column: 'manufacturer', code: 'import.error.too_long', params: { max: 120 } },
      { row: 6, column: 'model', code: 'import.error.replacement_character', params: { value: 'Modelo \uFFFD' } },
      { row: 7, column: 'agency', code: 'import.error.unknown_agency', params: { value: 'XXX' } },
      { row: 7, column: 'case_file', code: 'import.error.required', params: {} },
    ]);
    expect(errors.map(both)).toMatchInlineSnapshot(`
      [
        [
          "Escriba el resumen en español, en inglés o en ambos.",
          "Write the summary in Spanish, English or both.",
        ],
        [
          "Valor no válido: «maybe». Use sí o no.",
          "Invalid value: "maybe". Use yes or no.",
        ],
        [
          "El texto es demasiado largo (máximo 120 caracteres).",
          "The text is too long (at most 120 characters).",
        ],
        [
          "El texto contiene «�» («Modelo �»): el archivo se dañó al convertirlo de codificación. Corrija los caracteres y vuelva a exportarlo.",
          "The text contains "�" ("Modelo �"): the file was damaged by an encoding conversion. Fix the characters and export it again.",
        ],
        [
          "Agencia desconocida: «XXX».",
          "Unknown agency: "XXX".",
        ],
        [
          "Este dato es obligatorio.",
          "This value is required.",
        ],
      ]
    `);
  });

  it('every error of a row, seizure columns first, in column order', async () => {
    const errors = await errorsOf({
      reference: '',
      date: 'ayer',
      country: 'Narnia',
      firearm_type: 'bazooka',
      quantity: 'x',
      trace_status: 'maybe',
      serial: '',
      obliterated_serial: 'no',
    });
    expect(errors).toEqual([
      { row: 2, column: 'reference', code: 'import.error.required', params: {} },
      { row: 2, column: 'date', code: 'import.error.bad_date', params: { value: 'ayer' } },
      { row: 2, column: 'country', code: 'import.error.unknown_country', params: { value: 'Narnia' } },
      { row: 2, column: 'firearm_type', code: 'import.error.unknown_firearm_type', params: { value: 'bazooka' } },
      { row: 2, column: 'quantity', code: 'import.error.bad_number', params: { value: 'x' } },
      { row: 2, column: 'trace_status', code: 'import.error.unknown_trace_status', params: { value: 'maybe' } },
    ]);
  });

  it('rows of the wrong length, and a report cut at 1,000 errors with its own last line', async () => {
    const header = CSV_COLUMNS.map((c) => HEADERS.en[c]).join(',');
    const short = await validateImport({ fileName: 'x.csv', content: `${header}\nR-1,2023-05-04\n` }, { now: NOW });
    expect(short.errors).toEqual([
      { row: 2, column: null, code: 'import.error.row_length', params: { expected: CSV_COLUMNS.length, found: 2 } },
    ]);
    expect(both(short.errors[0] as ImportError)).toMatchInlineSnapshot(`
      [
        "La fila tiene 2 campos; se esperaban 29.",
        "The row has 2 fields; 29 were expected.",
      ]
    `);
    const many = await check(Array.from({ length: 1_200 }, (_, i) => ({ reference: `R-${i}`, quantity: 'x' })));
    expect(many.errors).toHaveLength(1_001);
    // The report is sorted by line: the cut (line 0) comes first.
    expect(many.errors[0]).toEqual({ row: 0, column: null, code: 'import.error.too_many_errors', params: { max: 1_000 } });
    expect(many.errors[1_000]).toEqual({ row: 1_001, column: 'quantity', code: 'import.error.bad_number', params: { value: 'x' } });
    expect(both(many.errors[0] as ImportError)).toMatchInlineSnapshot(`
      [
        "Se muestran los primeros 1000 errores.",
        "Only the first 1000 errors are shown.",
      ]
    `);
  });
});

// Cell values the seeded file draws from: valid spellings and every kind of mistake.
const POOL: Partial<Record<Column, string[]>> = {
  reference: ['', 'R'.repeat(101), 'R-\uFFFD'],
  date: [
    '2023-05-04',
    '',
    'ayer',
    '31/02/2024',
    '1949-12-31',
    '2026-06-02',
    '2026-06-01',
    '17/04/2024',
    '2023-05-04T10:00:00Z',
    '7.4.2021',
  ],
  country: ['', 'MX', 'México', 'Narnia', 'US', 'mexico', 'eua'],
  state: ['MX-TAM', 'Tamaulipas', 'CDMX', '', 'Narnia', 'GT-GU', 'Michoacán de Ocampo', 'Edomex', 'TX', 'mx-jal'],
  municipality: ['', 'Reynosa', 'M'.repeat(201)],
  place: ['', 'Km 5', 'P'.repeat(501)],
  agency: ['FGR', 'fgr', 'XXX', '', 'SEDENA', 'ATF'],
  operation: ['', 'Op', 'O'.repeat(201)],
  case_file: ['CF-1', '', 'C'.repeat(101), 'CF-2'],
  summary_es: ['Aseguramiento', '', 'Cañón \uFFFD'],
  summary_en: ['Seizure', ''],
  scope: ['members', '', 'agency:fgr', 'country:mx members', 'public', 'agency:XXX', 'country:ZZ', 'bogus', 'agency:FGR;country:MX'],
  ammunition: ['', '9mm:500|7.62x39:1200', '9mm', ':5', '9mm = 20 | ', '.223 Rem=40'],
  magazines: ['', '12x30|4', 'x', '3 × 10', 'abc', '2X15'],
  explosives: ['', 'granada de fragmentación:3', 'granada', 'C4 = 2'],
  firearm_type: ['rifle', 'Escopeta', '', 'bazooka', 'subametralladora', 'Fusil de asalto', 'Handgun', 'pistola'],
  manufacturer: ['Colt', 'COLT', '', 'M'.repeat(121), 'Glock', 'glock'],
  model: ['AR-15', '', 'AK-47'],
  calibre: ['5.56x45', '7.62 x 39', '', 'xyz', 'C'.repeat(41), '9 mm', '.45 ACP', 'cal. 45'],
  serial: ['LE1', '', 'S'.repeat(81), 'LE2', 'LE3'],
  obliterated_serial: ['no', 'sí', 'maybe', '', 'X', 'true', 'Falso'],
  country_of_manufacture: ['', 'USA', 'Rumania'],
  importer: ['', 'Century'],
  other_markings: ['', 'x'],
  quantity: ['', '1', '2', '0', '100001', '1,000', 'abc', '-1', '1.5', ' 3 '],
  trace_status: ['', 'not_requested', 'maybe', 'No rastreable', 'pending', 'US retail', 'traced_us_retail'],
  trace_source_country: ['', 'US'],
  trace_source_state: ['', 'TX'],
  time_to_crime_days: ['', '0', '36501', '12 000', 'x', '36500'],
};
const FIREARM: readonly Column[] = FIREARM_COLUMNS;

function seededRows(seed: number, n: number): Partial<Record<Column, string>>[] {
  const rng = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)] as T;
  const rows: Partial<Record<Column, string>>[] = [];
  for (let i = 0; i < n; i++) {
    const previous = rows.length && rng() < 0.3 ? rows[Math.floor(rng() * rows.length)] : undefined;
    // Another line of an earlier seizure (sometimes disagreeing), or a new seizure.
    const r: Partial<Record<Column, string>> = previous ? { ...previous } : { reference: `R-${i}` };
    const changes = Math.floor(rng() * 4);
    for (let k = 0; k < changes; k++) {
      const column = pick(CSV_COLUMNS);
      r[column] = pick(POOL[column] ?? ['']);
    }
    // A line of the seizure columns only (no firearm).
    if (rng() < 0.05) for (const c of FIREARM) r[c] = '';
    rows.push(r);
  }
  return rows;
}

describe('import rules over a seeded file', () => {
  it('gives the same error report, line for line, as the zod validation it replaces', async () => {
    const result = await check(seededRows(12, 600));
    expect(result.errors.length).toBeGreaterThan(300);
    expect(result.errors.length).toBeLessThan(1_000);
    const codes = new Set(result.errors.map((e) => e.code));
    // The file exercises (nearly) every rule of a row.
    expect(codes.size).toBeGreaterThanOrEqual(18);
    const report = result.errors.map((e) => ({ ...e, es: errorMessage(e, 'es'), en: errorMessage(e, 'en') }));
    await expect(JSON.stringify(report, null, 1)).toMatchFileSnapshot('../fixtures/seizures/rules-report.snap');
  });

  it('gives the same seizures from a valid file with every accepted spelling', async () => {
    // Three firearm lines per seizure (seizure columns from the seizure's number, firearm columns from the line's).
    const rows = Array.from({ length: 300 }, (_, i): Partial<Record<Column, string>> => {
      const g = Math.floor(i / 3);
      const bare = i % 17 === 16;
      const firearm = (values: string[]) => (bare ? '' : (values[i % values.length] as string));
      return {
        reference: `V-${g}`,
        date: ['2023-05-04', '17/04/2024', '2023-05-04T10:00:00Z', '7.4.2021'][g % 4],
        country: ['', 'MX', 'México', 'mexico'][g % 4],
        state: ['MX-TAM', 'Tamaulipas', 'mx-tam'][g % 3],
        agency: ['FGR', 'fgr', 'SEDENA'][g % 3],
        summary_es: ['Aseguramiento', ''][g % 2],
        scope: ['members', '', 'agency:fgr', 'country:mx members', 'agency:FGR;country:MX'][g % 5],
        ammunition: ['', '9mm:500|7.62x39:1200', '9mm = 20 | ', '.223 Rem=40'][g % 4],
        magazines: ['', '12x30|4', '3 × 10', '2X15'][g % 4],
        explosives: ['', 'granada de fragmentación:3', 'C4 = 2'][g % 3],
        firearm_type: firearm(['rifle', 'Escopeta', 'subametralladora', 'Fusil de asalto', 'Handgun', 'pistola']),
        manufacturer: firearm(['Colt', 'COLT', '', 'Glock', 'glock']),
        model: firearm(['AR-15', '', 'AK-47']),
        calibre: firearm(['5.56x45', '7.62 x 39', '', '9 mm', '.45 ACP', 'cal. 45', 'xyz']),
        serial: firearm([`LE${i}`]),
        obliterated_serial: firearm(['no', 'sí', '', 'X', 'true', 'Falso']),
        country_of_manufacture: firearm(['', 'USA', 'Rumania']),
        importer: firearm(['', 'Century']),
        other_markings: firearm(['', 'x']),
        quantity: firearm(['', '1', '2', '1,000', ' 3 ']),
        trace_status: firearm(['', 'not_requested', 'No rastreable', 'pending', 'US retail']),
        trace_source_country: firearm(['', 'US']),
        trace_source_state: firearm(['', 'TX']),
        time_to_crime_days: firearm(['', '0', '12 000', '36500']),
      };
    });
    const result = await check(rows);
    expect(result.errors).toEqual([]);
    expect(result.seizures).toHaveLength(100);
    await expect(JSON.stringify(result.seizures, null, 1)).toMatchFileSnapshot('../fixtures/seizures/rules-seizures.snap');
  });
});
