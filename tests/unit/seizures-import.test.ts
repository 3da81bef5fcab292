import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { csv, importCsv, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { rawClient } from '#src/server/db.ts';
import {
  IMPORT_ERROR_CODES,
  errorsToCsv,
  importSeizures,
  parseDate,
  templateCsv,
  validateImport,
  errorMessage,
  type ImportError,
} from '#src/server/seizures/import.ts';
import { es, en } from '#src/i18n/messages/seizures.ts';
import { search } from '#src/server/search/index.ts';
import { AccessDenied } from '#src/server/access.ts';
import { readers } from '#tests/fixtures/seizures/helpers.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBasics();
});
afterAll(() => cleanup());

async function counts() {
  const r = await rawClient().execute(
    `SELECT (SELECT count(*) FROM seizures) AS s, (SELECT count(*) FROM firearms) AS f, (SELECT count(*) FROM seizure_fts) AS fts, (SELECT count(*) FROM seizure_search_docs) AS docs`,
  );
  return { ...r.rows[0] } as Record<string, unknown>;
}

async function errorsOf(content: string): Promise<ImportError[]> {
  const r = await validateImport({ fileName: 'x.csv', content });
  return r.errors;
}

describe('import validation', () => {
  it('accepts ISO and dd/mm/yyyy dates and rejects impossible ones', async () => {
    expect(parseDate('2024-04-17')).toBe('2024-04-17');
    expect(parseDate('17/04/2024')).toBe('2024-04-17');
    expect(parseDate('7/4/2024')).toBe('2024-04-07');
    expect(parseDate('31/02/2024')).toBeNull();
    expect(parseDate('2024-13-01')).toBeNull();
    expect(parseDate('04/17/2024')).toBeNull();
    const errors = await errorsOf(csv(row({ date: '31/02/2024' }), row({ reference: 'R-2', date: 'ayer' })));
    expect(errors).toEqual([
      { row: 2, column: 'date', code: 'import.error.bad_date', params: { value: '31/02/2024' } },
      { row: 3, column: 'date', code: 'import.error.bad_date', params: { value: 'ayer' } },
    ]);
  });

  it('rejects an unknown state and resolves names without accents', async () => {
    const errors = await errorsOf(csv(row({ state: 'Narnia' }), row({ reference: 'R-2', state: 'michoacan' })));
    expect(errors).toEqual([{ row: 2, column: 'state', code: 'import.error.unknown_state', params: { value: 'Narnia' } }]);
    const ok = await validateImport({ fileName: 'x.csv', content: csv(row({ state: 'michoacan' })) });
    expect(ok.seizures[0]?.stateCode).toBe('MX-MIC');
  });

  it('requires a serial unless the serial is marked obliterated', async () => {
    const errors = await errorsOf(csv(row({ serial: '' }), row({ reference: 'R-2', serial: '', obliterated_serial: 'sí' })));
    expect(errors).toEqual([{ row: 2, column: 'serial', code: 'import.error.missing_serial', params: {} }]);
  });

  it('rejects unknown firearm types and trace statuses, accepting Spanish labels', async () => {
    const errors = await errorsOf(
      csv(
        row({ firearm_type: 'bazooka' }),
        row({ reference: 'R-2', trace_status: 'maybe' }),
        row({ reference: 'R-3', firearm_type: 'Escopeta', trace_status: 'No rastreable' }),
      ),
    );
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'firearm_type', 'import.error.unknown_firearm_type'],
      [3, 'trace_status', 'import.error.unknown_trace_status'],
    ]);
  });

  it('flags duplicate rows within the file', async () => {
    const errors = await errorsOf(csv(row({}), row({ serial: 'LE2' }), row({})));
    expect(errors).toEqual([{ row: 4, column: null, code: 'import.error.duplicate_row', params: { first: 2 } }]);
  });

  it('flags rows of one seizure whose seizure columns disagree', async () => {
    const errors = await errorsOf(csv(row({}), row({ serial: 'LE2', date: '2023-05-05' })));
    expect(errors).toEqual([
      {
        row: 3,
        column: 'date',
        code: 'import.error.inconsistent_seizure',
        params: { field: 'date', first: 2, value: '2023-05-05', firstValue: '2023-05-04' },
      },
    ]);
    // Named in the reader's language, with both rows and both values.
    expect(errorMessage(errors[0] as ImportError, 'es')).toBe(
      'La columna «fecha» dice «2023-05-05», pero la fila 2 del mismo aseguramiento dice «2023-05-04»: las filas de un aseguramiento deben coincidir.',
    );
  });

  it('explains a wrong delimiter instead of listing every column', async () => {
    const tabbed = 'reference|date|state\nR-1|2024-01-01|MX-TAM\n';
    const errors = await errorsOf(tabbed);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('import.error.single_column');
  });

  it('reports missing and unknown columns', async () => {
    const errors = await errorsOf('reference,date,colour\nR-1,2024-01-01,red\n');
    const codes = errors.map((e) => e.code);
    expect(codes).toContain('import.error.unknown_column');
    expect(errors.filter((e) => e.code === 'import.error.missing_column').map((e) => e.params.column)).toEqual([
      'state',
      'agency',
      'case_file',
    ]);
  });

  it('reads a Spanish file: BOM, semicolons, Spanish headers and labels, dd/mm/yyyy', async () => {
    const content = readFileSync(new URL('../fixtures/seizures/es-semicolon-bom.csv', import.meta.url));
    const r = await validateImport({ fileName: 'es.csv', content });
    expect(r.errors).toEqual([]);
    expect(r.seizures).toHaveLength(1);
    const s = r.seizures[0];
    expect(s).toMatchObject({ date: '2024-04-17', stateCode: 'MX-MIC', country: 'MX', agencyCode: 'FGR', scope: ['members'] });
    expect(s?.firearms.map((f) => [f.type, f.serial, f.obliteratedSerial, f.traceStatus])).toEqual([
      ['rifle', '1974AB1234', false, 'traced_us_retail'],
      ['pistol', null, true, 'untraceable'],
    ]);
  });

  it('reads JSON with nested firearms', async () => {
    const json = JSON.stringify([
      {
        reference: 'J-1',
        date: '2022-01-02',
        state: 'Sinaloa',
        agency: 'sedena',
        caseFile: 'CF-J1',
        summaryEn: 'Two pistols',
        scope: ['country:MX'],
        ammunition: [{ calibre: '9mm', rounds: 200 }],
        magazines: [{ quantity: 4, capacity: 17 }],
        firearms: [
          { type: 'pistol', manufacturer: 'Glock', model: '17', calibre: '9mm', serial: 'ABC123' },
          { type: 'pistol', manufacturer: 'Glock', model: '17', calibre: '9mm', obliteratedSerial: true, quantity: 2 },
        ],
      },
    ]);
    const r = await validateImport({ fileName: 'x.json', content: json });
    expect(r.errors).toEqual([]);
    expect(r.seizures[0]).toMatchObject({
      agencyCode: 'SEDENA',
      stateCode: 'MX-SIN',
      scope: ['country:MX'],
      ammunition: [{ calibre: '9mm', rounds: 200 }],
    });
    expect(r.seizures[0]?.firearms).toHaveLength(2);
    const bad = await validateImport({
      fileName: 'x.json',
      content: JSON.stringify([
        {
          reference: 'J-2',
          date: '2022-01-02',
          state: 'Sinaloa',
          agency: 'FGR',
          caseFile: 'C',
          summaryEs: 'x',
          firearms: [{ type: 'pistol' }],
        },
      ]),
    });
    expect(bad.errors).toEqual([{ row: 1, column: 'firearms[0].serial', code: 'import.error.missing_serial', params: {} }]);
  });

  it('has a message in both languages for every error code, and a translated CSV report', () => {
    for (const code of IMPORT_ERROR_CODES) {
      expect(es[code]).toBeTruthy();
      expect(en[code]).toBeTruthy();
    }
    const report = errorsToCsv([{ row: 3, column: 'fecha', code: 'import.error.bad_date', params: { value: '31/02/2024' } }], 'es');
    expect(report).toContain('Fecha no válida: «31/02/2024»');
    expect(report.startsWith('\uFEFFfila,columna')).toBe(true);
  });

  it('imports its own templates in both languages', async () => {
    for (const lang of ['es', 'en'] as const) {
      const r = await validateImport({ fileName: `template-${lang}.csv`, content: templateCsv(lang) });
      expect(r.errors).toEqual([]);
      expect(r.seizures[0]?.firearms).toHaveLength(2);
    }
  });
});

describe('import writes', () => {
  it('is all or nothing: one bad row leaves the database unchanged', async () => {
    const before = await counts();
    const rows = Array.from({ length: 50 }, (_, i) => row({ reference: `AON-${i}`, serial: `AON${i}` }));
    rows.push(row({ reference: 'AON-bad', date: '2024-02-30' }));
    const r = await importCsv(csv(...rows));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ row: 52, column: 'date', code: 'import.error.bad_date', params: { value: '2024-02-30' } }]);
    expect(await counts()).toEqual(before);
  });

  it('re-importing the same file changes nothing; a changed seizure is updated in place', async () => {
    const file = csv(
      row({ reference: 'IDEM-1', serial: 'ID1' }),
      row({ reference: 'IDEM-1', serial: 'ID2' }),
      row({ reference: 'IDEM-2', serial: 'ID3' }),
    );
    const first = await importCsv(file);
    expect(first.ok && first.summary).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    const after = await counts();
    const second = await importCsv(file);
    expect(second.ok && second.summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect(await counts()).toEqual(after);

    const changed = file.replace('ID3', 'ID3-NEW');
    const third = await importCsv(changed);
    expect(third.ok && third.summary).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await counts()).toEqual(after);
    const found = await search({ text: 'ID3-NEW' }, readers.admin);
    expect(found.total).toBe(1);
  });

  it('keeps one spelling per manufacturer and calibre, whatever the case in later files', async () => {
    const first = await importCsv(csv(row({ reference: 'CASE-1', serial: 'CS1', manufacturer: 'Barrett', calibre: '.50 BMG' })));
    expect(first.ok).toBe(true);
    const second = await importCsv(
      csv(
        row({ reference: 'CASE-2', serial: 'CS2', manufacturer: 'BARRETT', calibre: '.50 bmg' }),
        row({ reference: 'CASE-3', serial: 'CS3', manufacturer: 'Zastava Arms', calibre: '7.62X39' }),
        row({ reference: 'CASE-3', serial: 'CS4', manufacturer: 'ZASTAVA ARMS', calibre: '7.62x39' }),
      ),
    );
    expect(second.ok).toBe(true);
    const result = await search({ filters: { manufacturer: ['Barrett'] } }, readers.admin);
    expect(result.total).toBe(2);
    // Other makers stay listed (values within a facet combine with OR); no second spelling.
    const makers = result.facets.manufacturer.map((b) => b.value);
    expect(makers).toContain('Barrett');
    expect(makers).not.toContain('BARRETT');
    const all = await search({ filters: { manufacturer: ['Barrett', 'BARRETT', 'Zastava Arms', 'ZASTAVA ARMS'] } }, readers.admin);
    const allMakers = all.facets.manufacturer.map((b) => b.value);
    expect(allMakers).toEqual(expect.arrayContaining(['Barrett', 'Zastava Arms']));
    expect(allMakers).not.toEqual(expect.arrayContaining(['ZASTAVA ARMS']));
    // Known calibres take the vocabulary's one spelling.
    expect(all.facets.calibre.map((b) => b.value).sort()).toEqual(['.50 BMG', '7.62x39']);
  });

  it('audits imports, successful and failed', async () => {
    // Its own file names, so rows written by other tests do not count.
    const good = await importCsv(csv(row({ reference: 'AUD-1', serial: 'AUD001' })), 'audit-ok.csv');
    const bad = await importCsv(csv(row({ reference: 'AUD-2', state: 'Narnia' })), 'audit-bad.csv');
    expect(good.ok).toBe(true);
    expect(bad.ok).toBe(false);
    const r = await rawClient().execute(
      `SELECT coalesce(json_extract(detail, '$.file'), target) AS file, outcome FROM audit_log
       WHERE action = 'seizures.import' AND 'audit-ok.csv' IN (target, json_extract(detail, '$.file')) OR target = 'audit-bad.csv' ORDER BY id`,
    );
    expect(r.rows.map((x) => [x.file, x.outcome])).toEqual([
      ['audit-ok.csv', 'ok'],
      ['audit-bad.csv', 'failed'],
    ]);
  });

  it('lets only editors import from the web', async () => {
    await expect(
      importSeizures({ fileName: 'x.csv', content: csv(row({ reference: 'W-1' })) }, { reader: readers.atf, actor: {} }),
    ).rejects.toBeInstanceOf(AccessDenied);
    const r = await importSeizures(
      { fileName: 'x.csv', content: csv(row({ reference: 'W-1', serial: 'W1' })) },
      { reader: readers.editor, actor: { userId: readers.editor.id } },
    );
    expect(r.ok).toBe(true);
  });

  it('refuses, per row, writes to another agency: no overwrite of a hidden record, no record in its name, nothing revealed', async () => {
    // An FGR-only seizure that an SSPC editor cannot see.
    const hidden = csv(row({ reference: 'H-1', case_file: 'FGR/H/1', visibility: 'agency:FGR', summary_es: 'Solo FGR', serial: 'HID001' }));
    expect((await importCsv(hidden)).ok).toBe(true);
    const before = await rawClient().execute(`SELECT id, summary_es, scope_set_id FROM seizures WHERE reference = 'H-1'`);
    const sspc = { id: 'u-sspc-editor', role: 'editor', agencyCode: 'SSPC', agencyCountry: 'MX' } as const;
    const by = { reader: sspc, actor: { userId: sspc.id, email: 'editor.sspc@example.com', agencyCode: 'SSPC' } };
    const attack = csv(
      row({ reference: 'H-1', case_file: 'FGR/H/1', visibility: 'members', summary_es: 'Reemplazado', serial: 'HID001' }),
      row({ reference: 'H-NEW', case_file: 'FGR/H/2', visibility: 'members', summary_es: 'A nombre de FGR', serial: 'HID002' }),
      row({ reference: 'S-OWN', agency: 'SSPC', case_file: 'SSPC/1', serial: 'HID003' }),
    );
    const result = await importSeizures({ fileName: 'ataque.csv', content: attack }, by);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // The same refusal for the existing hidden record and for a new one: it depends on the agency only.
    expect(result.errors).toEqual([
      { row: 2, column: 'agency', code: 'import.error.agency_not_allowed', params: { value: 'FGR' } },
      { row: 3, column: 'agency', code: 'import.error.agency_not_allowed', params: { value: 'FGR' } },
    ]);
    expect(JSON.stringify(result)).not.toContain(String(before.rows[0]?.id));
    const after = await rawClient().execute(`SELECT id, summary_es, scope_set_id FROM seizures WHERE reference = 'H-1'`);
    expect(after.rows).toEqual(before.rows);
    const created = await rawClient().execute(`SELECT count(*) AS n FROM seizures WHERE reference IN ('H-NEW', 'S-OWN')`);
    expect(created.rows[0]?.n).toBe(0);
    const [first] = result.errors;
    expect(errorMessage(first!, 'es')).toBe(
      'No puede escribir registros de la agencia «FGR»: cada editor importa solo los aseguramientos de su propia agencia.',
    );
    expect(errorMessage(first!, 'en')).toContain('You may not write records of agency "FGR"');
    // The check step (dry run) reports the same rows.
    const checked = await validateImport({ fileName: 'ataque.csv', content: attack }, undefined, sspc);
    expect(checked.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'import.error.agency_not_allowed'],
      [3, 'import.error.agency_not_allowed'],
    ]);
    const denied = await rawClient().execute(
      `SELECT user_email, outcome, detail FROM audit_log WHERE action = 'seizures.import' AND target = 'ataque.csv'`,
    );
    expect(
      denied.rows.map((r) => [r.user_email, r.outcome, (JSON.parse(String(r.detail)) as { refusedAgencies: string[] }).refusedAgencies]),
    ).toEqual([['editor.sspc@example.com', 'denied', ['FGR']]]);
  });

  it('lets an editor write their own agency and an admin any agency, naming the agencies in the audit entry', async () => {
    const sspc = { id: 'u-sspc-editor', role: 'editor', agencyCode: 'SSPC', agencyCountry: 'MX' } as const;
    const own = await importSeizures(
      { fileName: 'propio.csv', content: csv(row({ reference: 'S-OWN', agency: 'SSPC', case_file: 'SSPC/1', serial: 'OWN001' })) },
      { reader: sspc, actor: { userId: sspc.id } },
    );
    expect(own.ok && own.summary.inserted).toBe(1);
    const admin = await importSeizures(
      {
        fileName: 'admin.csv',
        content: csv(
          row({ reference: 'H-1', case_file: 'FGR/H/1', visibility: 'agency:FGR', summary_es: 'Corregido por admin', serial: 'HID001' }),
        ),
      },
      { reader: readers.admin, actor: { userId: readers.admin.id, email: 'admin@example.com' } },
    );
    expect(admin.ok && admin.summary.updated).toBe(1);
    const entry = await rawClient().execute(
      `SELECT detail FROM audit_log WHERE action = 'seizures.import' AND user_email = 'admin@example.com' ORDER BY id DESC LIMIT 1`,
    );
    expect((JSON.parse(String(entry.rows[0]?.detail)) as { agencies: string[] }).agencies).toEqual(['FGR']);
  });
});
