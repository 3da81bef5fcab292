/**
 * The forum's categories, in both languages (production too: `npm start` seeds them with the
 * agencies). Only missing ones are added (by address), so an admin's renames, order and archiving
 * stay.
 */
import { inArray } from 'drizzle-orm';
import { threadCategories } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';
import { scopeSetIdFor } from '#src/server/scopes.ts';

export const SEED_CATEGORIES = [
  {
    slug: 'rastreo',
    nameEs: 'Rastreo de armas',
    nameEn: 'Firearm tracing',
    descriptionEs: 'Rastreos eTrace, números de serie, importadores y resultados; coordinación entre agencias.',
    descriptionEn: 'eTrace requests, serial numbers, importers and results; coordination between agencies.',
    scope: ['members'],
  },
  {
    slug: 'frontera-sur',
    nameEs: 'Frontera sur',
    nameEn: 'Southern border',
    descriptionEs: 'Tráfico de armas entre México y Centroamérica: rutas, cruces y aseguramientos.',
    descriptionEn: 'Arms trafficking between Mexico and Central America: routes, crossings and seizures.',
    scope: ['country:MX', 'country:GT', 'country:BZ', 'country:SV'],
  },
  {
    slug: 'capacitacion',
    nameEs: 'Capacitación',
    nameEn: 'Training',
    descriptionEs: 'Cursos, talleres y materiales de formación del grupo de trabajo.',
    descriptionEn: 'Courses, workshops and training material of the working group.',
    scope: ['members'],
  },
  {
    slug: 'casos-conjuntos',
    nameEs: 'Casos conjuntos',
    nameEn: 'Joint cases',
    descriptionEs: 'Investigaciones compartidas entre agencias; restrinja cada hilo a las agencias del caso.',
    descriptionEn: 'Investigations shared between agencies; restrict each thread to the agencies of the case.',
    scope: ['members'],
  },
  {
    slug: 'general',
    nameEs: 'General',
    nameEn: 'General',
    descriptionEs: 'Avisos del grupo, dudas sobre el portal y temas que no caben en otra categoría.',
    descriptionEn: 'Group announcements, questions about the portal and topics that fit no other category.',
    scope: ['members'],
  },
] as const;

export async function seedThreadCategories(now: Date = new Date()): Promise<number> {
  const existing = new Set(
    (
      await db()
        .select({ slug: threadCategories.slug })
        .from(threadCategories)
        .where(
          inArray(
            threadCategories.slug,
            SEED_CATEGORIES.map((c) => c.slug),
          ),
        )
    ).map((r) => r.slug),
  );
  let added = 0;
  for (const [position, c] of SEED_CATEGORIES.entries()) {
    if (existing.has(c.slug)) continue;
    const { scope, ...names } = c;
    await db().transaction(async (tx) => {
      await tx
        .insert(threadCategories)
        .values({ ...names, scopeSetId: await scopeSetIdFor(tx, scope), position: position + 1, createdAt: now, updatedAt: now })
        .onConflictDoNothing();
    });
    added++;
  }
  return added;
}
