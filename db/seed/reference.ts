import { sql } from 'drizzle-orm';
import { countries, states } from '#db/schema/seizures.ts';
import type { Executor } from '#src/server/db.ts';
import { GAZETTEER_COUNTRIES, GAZETTEER_PLACES } from '#src/domain/gazetteer.ts';

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

// The gazetteer (src/domain/gazetteer.ts) is the one list of places: these tables hold the
// codes and display names that foreign keys and SQL joins need.
export const REFERENCE_COUNTRIES: readonly CountryRow[] = GAZETTEER_COUNTRIES.map((c) => ({ code: c.code, nameEs: c.es, nameEn: c.en }));

export const REFERENCE_STATES: readonly StateRow[] = GAZETTEER_PLACES.map((p) => ({
  code: p.code,
  country: p.country,
  nameEs: p.es,
  nameEn: p.en,
}));

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
