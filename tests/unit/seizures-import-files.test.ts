/** The import takes files as agencies really produce them (issue 12). */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencies, users } from '#db/schema/index.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { HEADER_EN, csv, importCsv, readers, row, seedBasics } from '#tests/fixtures/seizures/helpers.ts';
import { db } from '#src/server/db.ts';
import { eq } from 'drizzle-orm';
import { errorMessage, importSeizures, readingNotice, validateImport, type ImportError } from '#src/server/seizures/import.ts';
import { exportCsv } from '#src/server/seizures/queries.ts';
import { translate } from '#src/i18n/index.ts';

let url: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ url, cleanup } = await useTempDatabase());
  await seedBasics();
});
afterAll(() => cleanup());

describe('real-world import files', () => {
  it('accepts every gazetteer spelling of a state: official, former and common names, abbreviations', async () => {
    const names: [string, string][] = [
      ['Michoacán de Ocampo', 'MX-MIC'],
      ['Coahuila de Zaragoza', 'MX-COA'],
      ['Veracruz de Ignacio de la Llave', 'MX-VER'],
      ['CDMX', 'MX-CMX'],
      ['Distrito Federal', 'MX-CMX'],
      ['Edomex', 'MX-MEX'],
      ['Tamps.', 'MX-TAM'],
    ];
    const r = await validateImport({
      fileName: 'estados.csv',
      content: csv(...names.map(([state], i) => row({ reference: `E-${i}`, state, serial: `EST${i}` }))),
    });
    expect(r.errors).toEqual([]);
    expect(r.seizures.map((s) => s.stateCode)).toEqual(names.map(([, code]) => code));
  });

  it('reads a Windows-1252 file (Excel on Windows) as written, and says so before importing', async () => {
    const text = csv(row({ reference: 'W-1', summary_es: 'Aseguramiento en Apatzingán, Michoacán', serial: 'WIN1' }));
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    const r = await validateImport({ fileName: 'excel.csv', content: bytes });
    expect(r.errors).toEqual([]);
    expect(r.seizures[0]?.summaryEs).toBe('Aseguramiento en Apatzingán, Michoacán');
    expect(r.reading).toEqual({ legacyEncoding: 'windows-1252', sample: ['Apatzingán', 'Michoacán'] });
    expect(readingNotice(r.reading, 'es')).toBe(
      'El archivo no está en UTF-8: se leyó como Windows-1252, la codificación que usa Excel en Windows. Revise que los acentos se lean bien antes de importar: «Apatzingán», «Michoacán».',
    );
    const utf8 = await validateImport({ fileName: 'ok.csv', content: new TextEncoder().encode(text) });
    expect(utf8.reading.legacyEncoding).toBeNull();
    expect(readingNotice(utf8.reading, 'en')).toBeNull();
    // Text already damaged by a conversion is refused, never stored.
    const damaged = await validateImport({ fileName: 'x.csv', content: csv(row({ summary_es: 'Michoac\uFFFDn' })) });
    expect(damaged.errors.map((e) => [e.row, e.column, e.code])).toEqual([[2, 'summary_es', 'import.error.replacement_character']]);
  });

  it("refuses a date in the future with its own message, judged in the seizing country's time zone", async () => {
    // 03:00 UTC on 1 June is still 31 May in Mexico (UTC-6).
    const now = new Date('2024-06-01T03:00:00Z');
    const r = await validateImport(
      { fileName: 'f.csv', content: csv(row({ date: '2024-06-01' }), row({ reference: 'R-2', date: '31/05/2024', serial: 'LE2' })) },
      { now },
    );
    expect(r.errors).toEqual([
      { row: 2, column: 'date', code: 'import.error.future_date', params: { value: '2024-06-01', today: '2024-05-31' } },
    ]);
    expect(errorMessage(r.errors[0] as ImportError, 'en')).toBe(
      'The date 2024-06-01 is in the future (today is 2024-05-31 in the seizing country).',
    );
  });

  it('numbers rows by their line in the file, after blank lines and cells with line breaks', async () => {
    const content = [
      HEADER_EN,
      // A comma makes the helper quote the cell, so its line break stays inside it.
      row({ reference: 'L-1', summary_es: 'Primera línea,\r\nsegunda línea', serial: 'LIN1' }),
      '',
      row({ reference: 'L-2', serial: 'LIN2' }),
      row({ reference: 'L-3', state: 'Narnia', serial: 'LIN3' }),
    ].join('\r\n');
    const r = await validateImport({ fileName: 'lines.csv', content });
    // Header 1, L-1 on lines 2-3, blank line 4, L-2 on 5, L-3 on 6.
    expect(r.errors.map((e) => [e.row, e.code])).toEqual([[6, 'import.error.unknown_state']]);
  });

  it('imports its own export unchanged (the apostrophe that neutralises formulas comes off)', async () => {
    const first = await importCsv(
      csv(
        row({ reference: 'X-1', summary_es: '=HYPERLINK("http://x")', summary_en: '-2 rifles', serial: '-LE9', case_file: 'RT-1' }),
        row({ reference: 'X-1', summary_es: '=HYPERLINK("http://x")', summary_en: '-2 rifles', serial: '+LE8', case_file: 'RT-1' }),
      ),
    );
    expect(first.ok).toBe(true);
    let exported = '';
    for await (const chunk of exportCsv({ text: 'RT-1' }, readers.admin, 'es')) exported += chunk;
    expect(exported).toContain(`'=HYPERLINK`);
    const again = await importSeizures(
      { fileName: 'export.csv', content: exported },
      { system: true, actor: { email: 'tests@example.com' } },
    );
    expect(again.ok && again.summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
  });

  it('uses the plural forms of each language', () => {
    expect(translate('es', 'import.failed', { count: 1 })).toBe('No se importó nada: el archivo tiene 1 error.');
    expect(translate('es', 'import.failed', { count: 2 })).toBe('No se importó nada: el archivo tiene 2 errores.');
    expect(translate('en', 'import.failed', { count: 1 })).toBe('Nothing was imported: the file has 1 error.');
    expect(translate('es', 'import.success', { rows: 1, inserted: 1, updated: 1, unchanged: 0 })).toBe(
      'Importación completa: 1 aseguramiento nuevo, 1 actualizado, 0 sin cambios (1 fila).',
    );
    expect(translate('es', 'seizures.search.results', { count: 1_000_000 })).toBe('1,000,000 aseguramientos');
  });

  it('the command line refuses a member with a translated sentence, not a stack trace', async () => {
    const [fgr] = await db().select({ id: agencies.id }).from(agencies).where(eq(agencies.code, 'FGR'));
    await db()
      .insert(users)
      .values({
        id: 'u-member-cli',
        email: 'member@example.com',
        emailNormalized: 'member@example.com',
        displayName: 'Member',
        agencyId: fgr?.id ?? 0,
        role: 'member',
        preferredLang: 'es',
        passwordHash: 'x',
        createdAt: new Date(),
        updatedAt: new Date(),
      });
    const dir = mkdtempSync(join(tmpdir(), 'armas-cli-'));
    const file = join(dir, 'in.csv');
    writeFileSync(file, csv(row({ reference: 'CLI-1', serial: 'CLI1' })));
    try {
      const run = promisify(execFile)(
        process.execPath,
        ['scripts/import-seizures.ts', file, '--as', 'member@example.com', '--lang', 'es'],
        {
          env: { ...process.env, DATABASE_URL: url },
        },
      );
      const failure = await run.then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim()).toBe(
        'No se importó nada: member@example.com no puede importar aseguramientos (solo editores y administradores).',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
