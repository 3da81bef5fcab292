import { asc } from 'drizzle-orm';
import { agencies } from '#db/schema/index.ts';
import { db } from './db.ts';

/** Agency code -> name in the language; cached briefly, names change rarely (admin edits). */
let cache: { at: number; rows: { code: string; nameEs: string; nameEn: string }[] } | undefined;

export async function agencyNames(lang: 'es' | 'en'): Promise<Map<string, string>> {
  if (!cache || Date.now() - cache.at > 30_000) {
    cache = {
      at: Date.now(),
      rows: await db().select({ code: agencies.code, nameEs: agencies.nameEs, nameEn: agencies.nameEn }).from(agencies),
    };
  }
  return new Map(cache.rows.map((r) => [r.code, lang === 'es' ? r.nameEs : r.nameEn]));
}

/** Every agency, by country and code (forms that pick agencies). */
export async function listAgencies() {
  return db().select().from(agencies).orderBy(asc(agencies.country), asc(agencies.code));
}
