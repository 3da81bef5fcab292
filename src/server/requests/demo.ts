/**
 * Demo requests between the demo agencies (npm run demo and the tests): every status, some
 * overdue or due soon, in Spanish and English. Deterministic content, dates relative to the
 * time of seeding; idempotent (nothing happens when the first demo request exists). No e-mail.
 */
import { and, asc, between, eq } from 'drizzle-orm';
import { requests, scopeSets, seizures, type HandlingCode, type RequestPriority, type RequestType } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';
import { withoutMail } from '#src/server/notifications/mail.ts';
import { assignRequest, createRequest, replyToRequest, transitionRequest, type RequestActor, type TraceFirearm } from './service.ts';
import type { Transition } from './status.ts';
import { seededActor } from '#src/server/seed.ts';

type Step = { day: number; by: string } & ({ do: Transition; text?: string } | { reply: string } | { assign: string });

interface DemoRequest {
  by: string;
  to: string[];
  daysAgo: number;
  type: RequestType;
  lang: 'es' | 'en';
  priority: RequestPriority;
  justification?: string;
  handling: HandlingCode;
  handlingNote?: string;
  subject: string;
  body: string;
  firearms?: Partial<TraceFirearm>[];
  /** Link to a demo seizure in this municipality (its firearms replace the typed ones), when one exists. */
  seizureIn?: string;
  steps: Step[];
}

const ATF = 'agent.atf@demo.test';
const HSI = 'agent.hsi@demo.test';
const FGR = 'analyst.fgr@demo.test';
const SEDENA = 'analyst.sedena@demo.test';
const SSPC = 'editor.sspc@demo.test';
const CBP = 'moderator.cbp@demo.test';
const GT = 'fiscal.gt@demo.test';

const AR = (serial: string): Partial<TraceFirearm> => ({
  manufacturer: 'Anderson Manufacturing',
  model: 'AM-15',
  calibre: '5.56x45mm',
  serial,
  type: 'rifle',
  countryOfOrigin: 'US',
});

export const DEMO_REQUESTS: DemoRequest[] = [
  {
    by: ATF,
    to: ['FGR'],
    daysAgo: 40,
    type: 'firearm_trace',
    lang: 'en',
    priority: 'routine',
    handling: 'H0',
    subject: 'Trace request: firearms seized in Reynosa, Tamaulipas',
    body: 'We are tracing the **firearms of this seizure** in Reynosa.\n\nPlease confirm the serial numbers and the chain of custody, and tell us whether ballistic comparisons were made.',
    firearms: [AR('18-123456'), AR('18-123457'), AR('19-004521')],
    seizureIn: 'Reynosa',
    steps: [
      { day: 39, by: FGR, do: 'acknowledge' },
      { day: 35, by: FGR, do: 'start', text: 'Turnado a la unidad de balística.' },
      { day: 30, by: ATF, reply: 'Any update on the ballistic comparison?' },
      {
        day: 20,
        by: FGR,
        do: 'answer',
        text: 'Se confirman los tres números de serie. La cadena de custodia está completa; el dictamen balístico no vincula las armas con otros hechos registrados.',
      },
      { day: 18, by: ATF, do: 'close', text: 'Thank you, trace completed.' },
    ],
  },
  {
    by: FGR,
    to: ['ATF'],
    daysAgo: 25,
    type: 'firearm_trace',
    lang: 'es',
    priority: 'routine',
    handling: 'H1',
    subject: 'Rastreo de tres pistolas 9 mm aseguradas en Culiacán',
    body: 'Solicitamos el rastreo de origen de **tres pistolas** aseguradas en un domicilio de Culiacán, Sinaloa.\n\n- Fecha del aseguramiento: hace un mes\n- Carpeta de investigación FED/SIN/CUL/0001234/2026',
    firearms: [
      {
        manufacturer: 'Glock',
        model: '19',
        calibre: '9mm',
        serial: 'BKLM123',
        type: 'pistol',
        countryOfOrigin: 'AT',
        importer: 'Glock Inc.',
      },
      {
        manufacturer: 'Taurus',
        model: 'G2C',
        calibre: '9mm',
        serial: 'ACB567890',
        type: 'pistol',
        countryOfOrigin: 'BR',
        importer: 'Taurus International',
      },
      {
        manufacturer: 'Smith & Wesson',
        model: 'SD9VE',
        calibre: '9mm',
        serial: null,
        obliteratedSerial: true,
        type: 'pistol',
        countryOfOrigin: 'US',
      },
    ],
    steps: [
      { day: 24, by: ATF, do: 'acknowledge' },
      {
        day: 10,
        by: ATF,
        do: 'answer',
        text: 'Two of the three pistols were traced to first retail purchases in Arizona (2021 and 2022). The obliterated-serial pistol was sent for serial number restoration; we will report separately.',
      },
    ],
  },
  {
    by: FGR,
    to: ['ATF', 'ICE-HSI'],
    daysAgo: 12,
    type: 'case_assistance',
    lang: 'es',
    priority: 'routine',
    handling: 'H2',
    subject: 'Apoyo: red de compra por prestanombres en Arizona',
    body: 'Investigamos una red que adquiere fusiles por medio de prestanombres en Tucson y Phoenix. Pedimos apoyo para identificar a los compradores y los envíos hacia Sonora.',
    steps: [
      { day: 11, by: ATF, do: 'acknowledge' },
      { day: 9, by: HSI, do: 'start', text: 'HSI Tucson opened a case.' },
      {
        day: 6,
        by: HSI,
        reply:
          'We identified two straw purchasers linked to the vehicle you mentioned. Can you share the vehicle registration found at the Sonora stop?',
      },
      {
        day: 5,
        by: FGR,
        reply: 'Adjuntaremos el registro vehicular en cuanto exista el intercambio de documentos. Placas: VNL-12-34 (Sonora).',
      },
    ],
  },
  {
    by: HSI,
    to: ['SEDENA'],
    daysAgo: 5,
    type: 'records_check',
    lang: 'en',
    priority: 'routine',
    handling: 'H0',
    subject: 'Records check: export permits for .50 calibre rifles',
    body: 'Please check whether SEDENA registry holds any import permit for .50 BMG rifles issued to private security companies between 2022 and 2025.',
    steps: [],
  },
  {
    by: GT,
    to: ['FGR'],
    daysAgo: 45,
    type: 'evidence_request',
    lang: 'es',
    priority: 'routine',
    handling: 'H1',
    subject: 'Solicitud de copia certificada de dictamen balístico',
    body: 'El Ministerio Público de Guatemala solicita copia certificada del dictamen balístico de un fusil asegurado en Tapachula, vinculado a un caso en Huehuetenango.',
    steps: [
      { day: 40, by: FGR, do: 'acknowledge' },
      { day: 40, by: FGR, assign: FGR },
      { day: 20, by: GT, reply: '¿Podrían indicarnos una fecha estimada de envío?' },
    ],
  },
  {
    by: ATF,
    to: ['MP-GT'],
    daysAgo: 10,
    type: 'records_check',
    lang: 'en',
    priority: 'urgent',
    handling: 'H0',
    justification: 'A suspect linked to the purchases is scheduled to cross into Guatemala next week.',
    subject: 'Urgent: Guatemalan import licence for pistols sold to a front company',
    body: 'Please confirm whether the company *Importadora del Sur* holds a valid firearms import licence in Guatemala, and the date it was issued.',
    steps: [],
  },
  {
    by: CBP,
    to: ['SSPC'],
    daysAgo: 0,
    type: 'other',
    lang: 'en',
    priority: 'immediate',
    handling: 'H2',
    subject: 'Immediate: southbound vehicle alert at the Nogales port of entry',
    body: 'A pickup with Sonora plates crossed southbound at Nogales with a suspected concealed compartment. Please alert SSPC units on Federal Highway 15.',
    steps: [],
  },
  {
    by: SSPC,
    to: ['CBP', 'ATF'],
    daysAgo: 30,
    type: 'evidence_request',
    lang: 'es',
    priority: 'routine',
    handling: 'H0',
    subject: 'Solicitud de imágenes de inspección no intrusiva',
    body: 'Solicitamos las imágenes de rayos X de un tractocamión inspeccionado en el puerto de Laredo el mes pasado.',
    steps: [
      {
        day: 28,
        by: CBP,
        do: 'decline',
        text: 'The images are part of an open U.S. prosecution and cannot be shared at this stage. Please resubmit through the MLAT channel.',
      },
    ],
  },
  {
    by: SEDENA,
    to: ['ATF'],
    daysAgo: 60,
    type: 'firearm_trace',
    lang: 'es',
    priority: 'routine',
    handling: 'H2',
    subject: 'Rastreo de fusil Barrett calibre .50 asegurado en Aguililla',
    body: 'Rastreo de un fusil Barrett M82A1 asegurado en Aguililla, Michoacán.',
    firearms: [{ manufacturer: 'Barrett', model: 'M82A1', calibre: '.50 BMG', serial: 'AA004512', type: 'rifle', countryOfOrigin: 'US' }],
    steps: [
      { day: 58, by: ATF, do: 'acknowledge' },
      { day: 50, by: ATF, do: 'answer', text: 'First retail sale: a licensed dealer in Texas, 2019.' },
      { day: 48, by: SEDENA, do: 'close' },
      { day: 20, by: SEDENA, do: 'reopen', text: 'Necesitamos además la cadena de ventas posteriores.' },
    ],
  },
  {
    by: FGR,
    to: ['SEDENA'],
    daysAgo: 3,
    type: 'case_assistance',
    lang: 'es',
    priority: 'routine',
    handling: 'H3',
    handlingNote: 'Uso exclusivo para la planeación de la destrucción; no difundir fuera de las unidades participantes.',
    subject: 'Coordinación para la destrucción de armas aseguradas',
    body: 'Proponemos coordinar la destrucción de 1,240 armas aseguradas con sentencia firme. Solicitamos fechas disponibles en el 1er trimestre.',
    steps: [{ day: 2, by: SEDENA, do: 'acknowledge' }],
  },
  {
    by: HSI,
    to: ['FGR'],
    daysAgo: 15,
    type: 'records_check',
    lang: 'en',
    priority: 'urgent',
    handling: 'H1',
    justification: 'Detention hearing scheduled within ten days.',
    subject: 'Records check: Mexican import records for a serial range',
    body: 'Please check Mexican records for pistols in the serial range **ACB560000–ACB569999** reported in the attached trace.',
    steps: [
      { day: 14, by: FGR, do: 'acknowledge' },
      { day: 13, by: FGR, do: 'start' },
      { day: 9, by: FGR, do: 'answer', text: 'No existen registros de importación legal para ese rango de series.' },
      { day: 8, by: HSI, do: 'close' },
    ],
  },
  {
    by: ATF,
    to: ['FGR', 'CENAPI'],
    daysAgo: 1,
    type: 'firearm_trace',
    lang: 'en',
    priority: 'routine',
    handling: 'H0',
    subject: 'Trace: pistol with obliterated serial, Ciudad Juárez',
    body: 'Serial number restoration recovered a partial serial. Please check CENAPI records for the partial match.',
    firearms: [
      {
        manufacturer: 'Sig Sauer',
        model: 'P320',
        calibre: '9mm',
        serial: '58A1?????',
        obliteratedSerial: true,
        type: 'pistol',
        countryOfOrigin: 'US',
      },
    ],
    steps: [],
  },
];

export const FIRST_DEMO_SUBJECT = DEMO_REQUESTS[0]!.subject;

const actorFor = (email: string): Promise<RequestActor> => seededActor(email);

/** A demo seizure every member may see, in the municipality, with a few firearms (or null). */
async function demoSeizure(municipality: string): Promise<{ id: number; firearms: number } | null> {
  const [row] = await db()
    .select({ id: seizures.id, firearms: seizures.firearmCount })
    .from(seizures)
    .innerJoin(scopeSets, eq(scopeSets.id, seizures.scopeSetId))
    .where(and(eq(seizures.municipality, municipality), eq(scopeSets.tokens, 'members'), between(seizures.firearmCount, 2, 6)))
    .orderBy(asc(seizures.id))
    .limit(1);
  return row ?? null;
}

export async function seedDemoRequests(now: Date = new Date()): Promise<number> {
  const [exists] = await db().select({ id: requests.id }).from(requests).where(eq(requests.subject, FIRST_DEMO_SUBJECT)).limit(1);
  if (exists) return 0;
  const day = (n: number, hour = 15) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n, hour, 0, 0));
  return withoutMail(async () => {
    let n = 0;
    for (const [i, d] of DEMO_REQUESTS.entries()) {
      const seizure = d.seizureIn ? await demoSeizure(d.seizureIn) : null;
      const created = d.daysAgo === 0 ? new Date(now.getTime() - 2 * 3_600_000) : day(d.daysAgo, 14 + (i % 4));
      const { id } = await createRequest(await actorFor(d.by), {
        addressed: d.to,
        type: d.type,
        subject: d.subject,
        body: d.body,
        lang: d.lang,
        priority: d.priority,
        urgencyJustification: d.justification ?? null,
        handlingCode: d.handling,
        handlingNote: d.handlingNote ?? null,
        now: created,
        seizureId: seizure?.id ?? null,
        seizureFirearms: seizure ? [0, 1, 2, 3, 4, 5] : [],
        firearms: (seizure ? [] : (d.firearms ?? [])).map((f) => ({
          manufacturer: null,
          model: null,
          calibre: null,
          serial: null,
          type: null,
          countryOfOrigin: null,
          importer: null,
          obliteratedSerial: false,
          ...f,
        })),
      });
      for (const [j, s] of d.steps.entries()) {
        const at = new Date(day(s.day, 16).getTime() + j * 600_000);
        const actor = await actorFor(s.by);
        if ('do' in s) await transitionRequest(actor, id, s.do, { text: s.text ?? null, now: at });
        else if ('reply' in s) await replyToRequest(actor, id, s.reply, null, at);
        else await assignRequest(actor, id, (await actorFor(s.assign)).id);
      }
      n++;
    }
    return n;
  });
}
