/**
 * Demo documents (npm run demo and the test servers): a PDF, an image, spreadsheets and a CSV,
 * some restricted to a few agencies or named members, one with two versions, some attached to
 * the demo requests. Files are built in code (db/seed/document-files.ts), go through the real
 * writers (store, transaction, audit, search) and have their text and thumbnails derived before
 * this returns. Idempotent: nothing happens when the first demo document exists. No e-mail.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDocx, makePdf, makePng, makeXlsx } from '#db/seed/document-files.ts';
import { ALLOWED_FILE_KINDS, type FileKind } from '#src/domain/documents.ts';
import { requestScope } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { withoutMail } from '#src/server/notifications/mail.ts';
import { DEMO_REQUESTS } from '#src/server/requests/demo.ts';
import { allRows, col, writeTransaction } from '#src/server/sql.ts';
import { tempDir } from '#src/server/storage/index.ts';
import { derivativesIdle } from './derive.ts';
import type { StagedFile } from './intake.ts';
import { addVersion, createDocuments, finishDocuments, insertDocuments, prepareDocuments, type DocumentActor } from './service.ts';

export const FIRST_DEMO_DOCUMENT = 'Guía rápida de rastreo de armas (eTrace)';

const ATF = 'agent.atf@demo.test';
const FGR = 'analyst.fgr@demo.test';
const SSPC = 'editor.sspc@demo.test';
const CBP = 'moderator.cbp@demo.test';
const GT = 'fiscal.gt@demo.test';

async function actorFor(email: string): Promise<DocumentActor> {
  const [u] = await allRows(
    rawClient(),
    { id: col.text, email: col.text, display_name: col.text, role: col.text, code: col.text, country: col.text },
    `SELECT u.id, u.email, u.display_name, u.role, a.code, a.country FROM users u JOIN agencies a ON a.id = u.agency_id
     WHERE u.email_normalized = ?`,
    [email],
  );
  if (!u) throw new Error(`demo documents: user ${email} is not seeded`);
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role as DocumentActor['role'],
    agencyCode: u.code,
    agencyCountry: u.country as DocumentActor['agencyCountry'],
    ip: null,
  };
}

/** Writes the bytes where an upload would have streamed them, as the intake describes them. */
async function stage(fileName: string, kind: FileKind, bytes: Buffer): Promise<StagedFile> {
  const dir = tempDir();
  await mkdir(dir, { recursive: true });
  const tempPath = join(dir, `${process.pid}-${Date.now()}-${randomBytes(6).toString('hex')}.part`);
  await writeFile(tempPath, bytes, { flush: true });
  return {
    field: 'files',
    tempPath,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    kind,
    mime: ALLOWED_FILE_KINDS[kind].mime,
    fileName,
  };
}

async function requestBySubject(subject: string): Promise<number> {
  const [row] = await allRows(rawClient(), { id: col.int }, 'SELECT id FROM requests WHERE subject = ?', [subject]);
  if (!row) throw new Error(`demo documents: demo request “${subject}” is not seeded`);
  return Number(row.id);
}

async function lastMessageBy(requestId: number, userId: string): Promise<number | null> {
  const [row] = await allRows(
    rawClient(),
    { id: col.int },
    'SELECT id FROM request_messages WHERE request_id = ? AND author_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
    [requestId, userId],
  );
  return row ? Number(row.id) : null;
}

/** Attaches a file to a demo request (or one of its messages) as the request form would. */
async function attach(actor: DocumentActor, requestId: number, messageId: number | null, file: StagedFile, now: Date): Promise<void> {
  const [req] = await allRows(
    rawClient(),
    { requester_agency_code: col.text, handling_code: col.text, lang: col.text },
    'SELECT requester_agency_code, handling_code, lang FROM requests WHERE id = ?',
    [requestId],
  );
  const recipients = await allRows(
    rawClient(),
    { agency_code: col.text },
    'SELECT agency_code FROM request_recipients WHERE request_id = ?',
    [requestId],
  );
  const tokens = requestScope(
    req!.requester_agency_code,
    recipients.map((r) => r.agency_code),
  );
  const prepared = await prepareDocuments(actor, {
    files: [file],
    language: req!.lang === 'en' ? 'en' : 'es',
    type: file.kind === 'pdf' ? 'trace_result' : 'seizure_list',
    handlingCode: req!.handling_code as 'H0' | 'H1' | 'H2',
    scope: { kind: 'request', tokens },
    now,
  });
  const ids = await writeTransaction((tx, ex) => insertDocuments(tx, ex, prepared, { kind: 'request', id: requestId, itemId: messageId }));
  await finishDocuments(prepared, ids);
}

const daysAgo = (now: Date, n: number) => new Date(now.getTime() - n * 86_400_000);

export async function seedDemoDocuments(now: Date = new Date()): Promise<number> {
  const [exists] = await allRows(rawClient(), { id: col.int }, 'SELECT id FROM documents WHERE title_es = ? LIMIT 1', [
    FIRST_DEMO_DOCUMENT,
  ]);
  if (exists) return 0;
  const staged: StagedFile[] = [];
  const file = async (name: string, kind: FileKind, bytes: Buffer) => {
    const f = await stage(name, kind, bytes);
    staged.push(f);
    return f;
  };
  try {
    return await withoutMail(async () => {
      const atf = await actorFor(ATF);
      const fgr = await actorFor(FGR);
      const sspc = await actorFor(SSPC);
      const cbp = await actorFor(CBP);
      const gt = await actorFor(GT);
      let n = 0;

      // The whole portal, both languages, a PDF whose words are searchable.
      await createDocuments(atf, {
        files: [
          await file(
            'Guia rastreo eTrace.pdf',
            'pdf',
            makePdf([
              'Guia rapida de rastreo de armas - eTrace',
              'Quick guide to firearm tracing',
              'Datos minimos: fabricante, modelo, calibre, numero de serie, importador.',
              'Minimum data: manufacturer, model, calibre, serial number, importer.',
            ]),
          ),
        ],
        titleEs: FIRST_DEMO_DOCUMENT,
        titleEn: 'Quick guide to firearm tracing (eTrace)',
        descriptionEs: 'Qué datos reunir antes de pedir un rastreo a la ATF.',
        descriptionEn: 'What to gather before asking ATF for a trace.',
        language: 'both',
        type: 'presentation',
        handlingCode: 'H0',
        tags: ['rastreo', 'etrace', 'guía'],
        scope: { kind: 'members' },
        now: daysAgo(now, 60),
      });
      n++;

      // A photo of markings, for Mexican agencies only (with a thumbnail).
      await createDocuments(sspc, {
        files: [await file('marcas-serie-obliterada.png', 'png', makePng(480, 320, [92, 110, 128]))],
        titleEs: 'Fotografía: número de serie limado, pistola 9 mm (Culiacán)',
        descriptionEs: 'Marcas visibles tras el revelado químico; para el dictamen de recuperación de serie.',
        language: 'es',
        type: 'photo',
        handlingCode: 'H1',
        tags: ['serie limada', 'culiacán'],
        scope: { kind: 'country', country: 'MX' },
        now: daysAgo(now, 12),
      });
      n++;

      // A spreadsheet shared by FGR with ATF, open to new versions from both: two versions.
      const sheetRows = (extra: (string | number)[][]) => [
        ['Fecha', 'Municipio', 'Estado', 'Armas', 'Cartuchos'],
        ['2026-07-03', 'Reynosa', 'Tamaulipas', 14, 3200],
        ['2026-07-19', 'Culiacán', 'Sinaloa', 9, 1850],
        ['2026-08-02', 'Tijuana', 'Baja California', 21, 5400],
        ...extra,
      ];
      const [sheet] = await createDocuments(fgr, {
        files: [await file('Aseguramientos 3T 2026.xlsx', 'xlsx', makeXlsx(sheetRows([])))],
        titleEs: 'Aseguramientos del tercer trimestre 2026',
        titleEn: 'Seizures, third quarter 2026',
        descriptionEs: 'Concentrado de aseguramientos con armas largas; se actualiza cada mes.',
        language: 'es',
        type: 'seizure_list',
        handlingCode: 'H1',
        tags: ['aseguramientos', 'trimestral'],
        scope: { kind: 'agencies', agencies: ['FGR', 'ATF'] },
        versionPolicy: 'shared',
        now: daysAgo(now, 30),
      });
      await addVersion(
        fgr,
        sheet!,
        await file('Aseguramientos 3T 2026 v2.xlsx', 'xlsx', makeXlsx(sheetRows([['2026-09-11', 'Nogales', 'Sonora', 6, 900]]))),
        'Se agrega el aseguramiento de Nogales (septiembre).',
        daysAgo(now, 10),
      );
      n++;

      // A court order for two named people only.
      await createDocuments(fgr, {
        files: [
          await file(
            'Orden de cateo 0457-2026.pdf',
            'pdf',
            makePdf(['Juzgado Segundo de Distrito', 'Orden de cateo 0457/2026', 'Domicilio en Culiacan, Sinaloa']),
          ),
        ],
        titleEs: 'Orden de cateo 0457/2026',
        language: 'es',
        type: 'court_order',
        handlingCode: 'H2',
        scope: { kind: 'users', emails: [FGR, ATF] },
        now: daysAgo(now, 8),
      });
      n++;

      // A seizure list in CSV from CBP to the Central American partners.
      await createDocuments(cbp, {
        files: [
          await file(
            'southbound-inspections-october.csv',
            'csv',
            Buffer.from(
              'date,port,firearms,rounds\n2026-10-02,Laredo,4,600\n2026-10-09,Nogales,2,150\n2026-10-21,El Paso,7,1200\n',
              'utf8',
            ),
          ),
        ],
        titleEn: 'Southbound inspections, October',
        descriptionEn: 'Firearms found in southbound vehicle inspections at three ports of entry.',
        language: 'en',
        type: 'seizure_list',
        handlingCode: 'H1',
        tags: ['southbound', 'ports of entry'],
        scope: { kind: 'agencies', agencies: ['CBP', 'PNC-GT', 'BPD', 'PNC-SV'] },
        now: daysAgo(now, 20),
      });
      n++;

      // A Guatemalan ballistic report in Word, for the whole portal.
      await createDocuments(gt, {
        files: [
          await file(
            'Informe balistico Peten.docx',
            'docx',
            makeDocx(['Informe balístico', 'Vainas 7.62x39 recuperadas en Petén; comparación con el arma asegurada en Tapachula.']),
          ),
        ],
        titleEs: 'Informe balístico: vainas 7.62x39 de Petén',
        language: 'es',
        type: 'ballistic_report',
        handlingCode: 'H1',
        tags: ['balística', 'petén', '7.62x39'],
        scope: { kind: 'members' },
        now: daysAgo(now, 5),
      });
      n++;

      // Attachments of the first demo request (ATF to FGR, Reynosa): the trace result with the
      // request, the ballistic comparison with FGR's answer.
      const reynosa = await requestBySubject(DEMO_REQUESTS[0]!.subject);
      await attach(
        atf,
        reynosa,
        null,
        await file(
          'Trace results Reynosa.pdf',
          'pdf',
          makePdf(['ATF trace results - Reynosa, Tamaulipas', 'Serials 18-123456, 18-123457, 19-004521', 'First retail purchase: Texas']),
        ),
        daysAgo(now, 40),
      );
      await attach(
        fgr,
        reynosa,
        await lastMessageBy(reynosa, fgr.id),
        await file('Dictamen balistico Reynosa.pdf', 'pdf', makePdf(['Dictamen de balistica forense', 'Sin coincidencias en IBIS'])),
        daysAgo(now, 20),
      );
      // The second (FGR to ATF, Culiacán): the list of the three pistols.
      const culiacan = await requestBySubject(DEMO_REQUESTS[1]!.subject);
      await attach(
        fgr,
        culiacan,
        null,
        await file(
          'Pistolas Culiacan.xlsx',
          'xlsx',
          makeXlsx([
            ['Marca', 'Modelo', 'Calibre', 'Serie'],
            ['Glock', '19', '9mm', 'BKLM123'],
            ['Taurus', 'G2C', '9mm', 'ACB567890'],
            ['Smith & Wesson', 'SD9VE', '9mm', 'limada'],
          ]),
        ),
        daysAgo(now, 25),
      );
      n += 3;
      await derivativesIdle();
      return n;
    });
  } finally {
    await Promise.all(staged.map((f) => rm(f.tempPath, { force: true })));
  }
}
