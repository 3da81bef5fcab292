/**
 * Demo threads (npm run demo and the tests): every category, Spanish and English, some restricted
 * to a country or to named agencies, one locked, one pinned, a hidden post, an open report, quotes,
 * mentions and references; the demo users have unread posts. Written through the forum's own
 * functions (access, counters, search index, follows), dates relative to seeding; idempotent; no
 * e-mail.
 */
import { and, asc, eq } from 'drizzle-orm';
import { requests, scopeSets, seizures, threads, type HandlingCode } from '#db/schema/index.ts';
import type { ThreadAudience } from '#src/domain/threads.ts';
import { db } from '#src/server/db.ts';
import { withoutMail } from '#src/server/notifications/mail.ts';
import { canSeeThread } from '#src/server/access.ts';
import { loadCategory, loadThread, type ThreadActor } from './store.ts';
import { moderatePost, moderateThread, reportPost } from './moderation.ts';
import { createThread, replyToThread } from './posting.ts';
import { seededActor } from '#src/server/seed.ts';

const ATF = 'agent.atf@demo.test';
const HSI = 'agent.hsi@demo.test';
const FGR = 'analyst.fgr@demo.test';
const SEDENA = 'analyst.sedena@demo.test';
const SSPC = 'editor.sspc@demo.test';
const CBP = 'moderator.cbp@demo.test';
const GT = 'fiscal.gt@demo.test';
const ADMIN = 'admin@demo.test';

interface DemoReply {
  by: string;
  /** Hours after the thread started. */
  at: number;
  lang: 'es' | 'en';
  body: string;
  /** Quote the post with this number (1 = the opening post). */
  quote?: number;
}

interface DemoThread {
  category: string;
  by: string;
  daysAgo: number;
  lang: 'es' | 'en';
  title: string;
  body: string;
  tags: string[];
  handling: HandlingCode;
  handlingNote?: string;
  audience: ThreadAudience;
  agencies?: string[];
  replies: DemoReply[];
  pin?: boolean;
  lock?: { reason: string };
  /** Hide this post (number) with the reason. */
  hide?: { post: number; reason: string };
  report?: { post: number; by: string; reason: string };
}

/** `{request}` and `{seizure}` in bodies become a demo request's and a demo seizure's reference. */
export const DEMO_THREADS: DemoThread[] = [
  {
    category: 'general',
    by: ADMIN,
    daysAgo: 30,
    lang: 'es',
    title: 'Normas de uso de los foros / Forum guidelines',
    body: 'Bienvenidos a los foros del grupo GC Armas.\n\n- Escriba en su idioma; cada quien responde en el suyo.\n- **Restrinja** los hilos de casos a las agencias que participan.\n- Indique el código de manejo (H0–H3) que corresponda.\n- Reporte cualquier mensaje fuera de lugar: la moderación lo revisará.\n\n*Welcome: write in your own language, restrict case threads to the agencies involved, and report anything out of place.*',
    tags: ['normas', 'avisos'],
    handling: 'H0',
    audience: 'category',
    pin: true,
    replies: [
      { by: ATF, at: 5, lang: 'en', body: 'Thanks. Is there a way to be told only about threads where I am mentioned?' },
      {
        by: CBP,
        at: 9,
        lang: 'en',
        quote: 2,
        body: 'Yes: leave a thread at "Normal" and you only hear about mentions. "Follow" tells you about every reply.',
      },
      { by: GT, at: 30, lang: 'es', body: 'Gracias. Desde el MP de Guatemala participaremos sobre todo en Frontera sur.' },
    ],
    report: { post: 4, by: SEDENA, reason: 'Mensaje de prueba del reporte (demo).' },
  },
  {
    category: 'rastreo',
    by: FGR,
    daysAgo: 12,
    lang: 'es',
    title: 'Rastreo de fusiles AK asegurados en Reynosa',
    body: 'Compartimos el avance del rastreo del aseguramiento {seizure}. La solicitud formal a ATF es {request}.\n\nTres de los fusiles tienen número de serie legible; uno lo tiene borrado y está en el laboratorio.\n\n@dana.whitfield ¿pueden confirmar si ya hay resultado de eTrace para los dos primeros?',
    tags: ['rastreo', 'tamaulipas', 'etrace'],
    handling: 'H1',
    audience: 'category',
    replies: [
      {
        by: ATF,
        at: 20,
        lang: 'en',
        quote: 1,
        body: 'Both traces came back to a Texas retailer; the purchases were two weeks apart. Details are in the answer to {request}.',
      },
      { by: HSI, at: 26, lang: 'en', body: 'HSI Laredo has the purchaser in an open case. We can add the shipment records.' },
      { by: FGR, at: 50, lang: 'es', body: 'Gracias. El dictamen del arma con serie borrada estará la próxima semana.' },
    ],
  },
  {
    category: 'rastreo',
    by: ATF,
    daysAgo: 8,
    lang: 'en',
    title: 'Serial number restoration: lab capacity and turnaround',
    body: 'How long does serial number restoration take at your labs right now? We are planning the next quarter of trace requests and want realistic due dates.',
    tags: ['serial-restoration', 'laboratory'],
    handling: 'H0',
    audience: 'agencies',
    agencies: ['FGR', 'ICE-HSI'],
    replies: [
      { by: FGR, at: 4, lang: 'es', body: 'En la FGR, entre 10 y 15 días hábiles por arma; con prioridad, cinco.' },
      { by: HSI, at: 8, lang: 'en', body: 'Our forensic lab in Houston is at about three weeks.' },
    ],
  },
  {
    category: 'frontera-sur',
    by: GT,
    daysAgo: 6,
    lang: 'es',
    title: 'Cruces de armas por el río Suchiate',
    body: 'En las últimas semanas el MP de Guatemala documentó tres cruces de armas cortas en balsas por el Suchiate, de Tecún Umán a Ciudad Hidalgo. ¿Alguien tiene aseguramientos recientes del lado mexicano?',
    tags: ['suchiate', 'chiapas', 'rutas'],
    handling: 'H2',
    audience: 'category',
    replies: [
      {
        by: SEDENA,
        at: 6,
        lang: 'es',
        body: 'SEDENA aseguró dos pistolas y 300 cartuchos en Ciudad Hidalgo el mes pasado. Compartiré la ficha.',
      },
      { by: SSPC, at: 10, lang: 'es', body: 'Mensaje duplicado por error, ignórenlo.' },
      { by: FGR, at: 30, lang: 'es', quote: 2, body: 'Buen dato. ¿Las pistolas tienen número de serie? Podemos pedir el rastreo.' },
    ],
    hide: { post: 3, reason: 'Mensaje duplicado (a petición de su autora).' },
  },
  {
    category: 'capacitacion',
    by: SSPC,
    daysAgo: 20,
    lang: 'es',
    title: 'Curso de identificación de armas de fuego, Tapachula',
    body: 'La SSPC organiza un curso de identificación de armas y marcaje en Tapachula. Cupo: 30 personas. Las inscripciones cierran el viernes.\n\nMaterial de apoyo: boletin:taller-identificacion-armas-guatemala',
    tags: ['curso', 'identificacion'],
    handling: 'H0',
    audience: 'category',
    replies: [
      { by: HSI, at: 3, lang: 'en', body: 'HSI can send two instructors for the marking module.' },
      { by: SSPC, at: 72, lang: 'es', body: 'Inscripciones cerradas. Gracias a todos; publicaremos el material después del curso.' },
    ],
    lock: { reason: 'Inscripciones cerradas.' },
  },
  {
    category: 'capacitacion',
    by: HSI,
    daysAgo: 3,
    lang: 'en',
    title: 'Online module on firearm trafficking indicators',
    body: 'We recorded a one-hour module on trafficking indicators in import and export paperwork. Spanish subtitles are ready; would partner agencies want a live Q&A session?',
    tags: ['online', 'indicators'],
    handling: 'H0',
    audience: 'category',
    replies: [{ by: SEDENA, at: 2, lang: 'es', body: 'Sí, nos interesa una sesión en vivo, de preferencia en martes o jueves.' }],
  },
  {
    category: 'casos-conjuntos',
    by: FGR,
    daysAgo: 4,
    lang: 'es',
    title: 'Operación Espejo: intercambio de resultados balísticos',
    body: 'Hilo restringido a FGR y ATF. Subimos los resultados de IBIS de los casquillos de Matamoros para compararlos con los de Brownsville.',
    tags: ['balistica', 'ibis', 'matamoros'],
    handling: 'H2',
    audience: 'agencies',
    agencies: ['ATF'],
    replies: [
      { by: ATF, at: 12, lang: 'en', body: 'Received. NIBIN shows two possible correlations; we will confirm by microscopy.' },
      { by: FGR, at: 40, lang: 'es', body: 'Excelente. Quedamos atentos a la confirmación.' },
    ],
  },
  {
    category: 'casos-conjuntos',
    by: HSI,
    daysAgo: 2,
    lang: 'en',
    title: 'Straw purchasers in Houston: shared leads',
    body: 'Opening this thread for the agencies working the Houston straw purchasing network. @kevin.alvarado, CBP port data on the southbound vehicles would help.',
    tags: ['straw-purchase', 'houston'],
    handling: 'H1',
    audience: 'agencies',
    agencies: ['ATF', 'CBP', 'FGR'],
    replies: [
      { by: CBP, at: 5, lang: 'en', quote: 1, body: 'We can pull the crossing records for the plates you list. Send them here.' },
      { by: FGR, at: 9, lang: 'es', body: 'Del lado mexicano, dos de esas placas aparecen en aseguramientos de Nuevo León.' },
    ],
  },
];

const FIRST_DEMO_TITLE = DEMO_THREADS[0]!.title;

const actorFor = (email: string): Promise<ThreadActor> => seededActor(email);

/** References the demo posts cite: the first demo request and a demo seizure every member may see. */
async function demoReferences(): Promise<{ request: string; seizure: string }> {
  const [request] = await db().select({ reference: requests.reference }).from(requests).orderBy(asc(requests.id)).limit(1);
  const [seizure] = await db()
    .select({ reference: seizures.reference })
    .from(seizures)
    .innerJoin(scopeSets, eq(scopeSets.id, seizures.scopeSetId))
    .where(and(eq(scopeSets.tokens, 'members'), eq(seizures.municipality, 'Reynosa')))
    .orderBy(asc(seizures.id))
    .limit(1);
  return { request: request?.reference ?? 'SOL-2026-000001', seizure: seizure?.reference ?? 'FGR-2026-000001' };
}

export async function seedDemoThreads(now: Date = new Date()): Promise<number> {
  const [exists] = await db().select({ id: threads.id }).from(threads).where(eq(threads.title, FIRST_DEMO_TITLE)).limit(1);
  if (exists) return 0;
  const refs = await demoReferences();
  const fill = (s: string) => s.replaceAll('{request}', refs.request).replaceAll('{seizure}', refs.seizure);
  return withoutMail(async () => {
    let n = 0;
    for (const d of DEMO_THREADS) {
      const category = await loadCategory({ slug: d.category });
      if (!category) throw new Error(`demo threads: category ${d.category} is not seeded`);
      const start = new Date(now.getTime() - d.daysAgo * 86_400_000);
      const { threadId, postId } = await createThread(await actorFor(d.by), {
        categoryId: category.id,
        title: d.title,
        body: fill(d.body),
        lang: d.lang,
        tags: d.tags,
        handlingCode: d.handling,
        handlingNote: d.handlingNote ?? null,
        audience: d.audience,
        agencies: d.agencies ?? [],
        confirmMentions: true,
        now: start,
      });
      const postIds = [postId];
      for (const r of d.replies) {
        const quoted = r.quote ? postIds[r.quote - 1] : undefined;
        const { postId: id } = await replyToThread(await actorFor(r.by), threadId, {
          body: fill(r.body),
          lang: r.lang,
          quotedPostId: quoted ?? null,
          confirmMentions: true,
          now: new Date(start.getTime() + r.at * 3_600_000),
        });
        postIds.push(id);
      }
      // The CBP moderator moderates what CBP may see; the admin the rest (Frontera sur is Mexico and Central America's).
      const cbp = await actorFor(CBP);
      const moderator = canSeeThread(cbp, (await loadThread(threadId))!) ? cbp : await actorFor(ADMIN);
      const later = new Date(start.getTime() + 80 * 3_600_000);
      if (d.pin) await moderateThread(moderator, threadId, 'pin', { now: later });
      if (d.lock) await moderateThread(moderator, threadId, 'lock', { reason: d.lock.reason, now: later });
      if (d.hide) await moderatePost(moderator, postIds[d.hide.post - 1]!, 'hide_post', { reason: d.hide.reason, now: later });
      if (d.report) await reportPost(await actorFor(d.report.by), postIds[d.report.post - 1]!, d.report.reason, later);
      n++;
    }
    return n;
  });
}
