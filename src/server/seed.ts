/** Seeding used by `npm start` (agencies), `npm run demo` (demo accounts) and the tests. */
import { eq } from 'drizzle-orm';
import { agencies, mfaTotp, users } from '#db/schema/index.ts';
import { AGENCIES } from '#db/seed/agencies.ts';
import { DEMO_TOTP_SECRETS, DEMO_USERS } from '#db/seed/demo-users.ts';
import { seedReferenceData } from '#db/seed/reference.ts';
import { normalizeEmail } from './auth/accounts.ts';
import { hashPassword } from './auth/password.ts';
import { randomId } from './auth/tokens.ts';
import type { Reader } from './access.ts';
import { db } from './db.ts';
import { seedThreadCategories } from './threads/seed.ts';

/** What production needs too: the agencies, the countries/states reference tables and the forum's categories. */
export async function seedBaseData(): Promise<void> {
  await seedAgencies();
  await seedReferenceData(db());
  await seedThreadCategories();
}

/** Inserts the participating agencies that are missing; existing rows (maybe edited) stay. */
export async function seedAgencies(): Promise<void> {
  const now = new Date();
  await db()
    .insert(agencies)
    .values(AGENCIES.map((a) => ({ ...a, createdAt: now })))
    .onConflictDoNothing({ target: agencies.code });
}

/** Demo accounts, never in production: only `npm run demo` and the tests call this. */
export async function seedDemoUsers(password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const rows = await db().select({ id: agencies.id, code: agencies.code }).from(agencies);
  const agencyId = new Map(rows.map((r) => [r.code, r.id]));
  const now = new Date();
  for (const u of DEMO_USERS) {
    const id = agencyId.get(u.agency);
    if (id === undefined) throw new Error(`demo user ${u.email}: agency ${u.agency} is not seeded`);
    const emailNormalized = normalizeEmail(u.email);
    const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized)).limit(1);
    if (existing) continue;
    const userId = randomId();
    await db().insert(users).values({
      id: userId,
      email: u.email,
      emailNormalized,
      displayName: u.displayName,
      agencyId: id,
      role: u.role,
      preferredLang: u.lang,
      passwordHash,
      createdAt: now,
      updatedAt: now,
    });
    const totpSecret = DEMO_TOTP_SECRETS[u.email];
    if (totpSecret) await db().insert(mfaTotp).values({ userId, secret: totpSecret, confirmedAt: now, lastUsedStep: 0, createdAt: now });
  }
}

/** A seeded user as the author of a write (a request, a thread, a post). */
export interface SeededActor extends Reader {
  email: string;
  displayName: string;
  ip: string | null;
}

/** The seeded user with this (normalized) e-mail as an actor: for the demo seeds and the tests. */
export async function seededActor(email: string, ip: string | null = null): Promise<SeededActor> {
  const [u] = await db()
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      agencyCode: agencies.code,
      agencyCountry: agencies.country,
    })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(eq(users.emailNormalized, email));
  if (!u) throw new Error(`user ${email} is not seeded`);
  return { ...u, ip };
}
