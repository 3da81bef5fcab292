/**
 * Mention handles: `@kevin.alvarado` names "Kevin Alvarado (CBP)". Derived once from the display
 * name (accents folded, the agency in brackets left out), made unique with the agency code or a
 * number, then stored and never changed, so old mentions keep naming the same person.
 */
import { eq, inArray, isNull } from 'drizzle-orm';
import { agencies, memberHandles, users } from '#db/schema/index.ts';
import { db, type Executor } from '#src/server/db.ts';

export function baseHandle(displayName: string): string {
  const folded = displayName
    .replace(/\([^)]*\)/g, ' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 30)
    .replace(/\.+$/, '');
  return folded.length >= 2 ? folded : 'miembro';
}

/** Gives every account without a handle one (cheap when all have one: a single LEFT JOIN). */
export async function ensureHandles(ex: Executor = db()): Promise<void> {
  const missing = await ex
    .select({ id: users.id, name: users.displayName, agency: agencies.code })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .leftJoin(memberHandles, eq(memberHandles.userId, users.id))
    .where(isNull(memberHandles.userId));
  if (!missing.length) return;
  const taken = new Set((await ex.select({ handle: memberHandles.handle }).from(memberHandles)).map((r) => r.handle));
  for (const u of missing.sort((a, b) => a.id.localeCompare(b.id))) {
    const base = baseHandle(u.name);
    let handle = base;
    if (taken.has(handle)) handle = `${base}.${u.agency.toLowerCase().replace(/[^a-z0-9]+/g, '')}`;
    for (let n = 2; taken.has(handle); n++) handle = `${base}.${n}`;
    taken.add(handle);
    await ex.insert(memberHandles).values({ userId: u.id, handle }).onConflictDoNothing();
  }
}

export interface HandleOwner {
  userId: string;
  handle: string;
}

/** The members the handles name (unknown handles are left out). */
export async function membersByHandle(handles: readonly string[], ex: Executor = db()): Promise<Map<string, HandleOwner>> {
  if (!handles.length) return new Map();
  await ensureHandles(ex);
  const rows = await ex
    .select({ userId: memberHandles.userId, handle: memberHandles.handle })
    .from(memberHandles)
    .innerJoin(users, eq(users.id, memberHandles.userId))
    .where(inArray(memberHandles.handle, [...new Set(handles)]));
  return new Map(rows.map((r) => [r.handle, r]));
}
