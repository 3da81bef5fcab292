import { and, eq, lt, ne, or, sql } from 'drizzle-orm';
import { agencies, sessions, users, type Lang, type Role, type Country } from '#db/schema/index.ts';
import { config } from '#src/server/config.ts';
import { db, type Database, type Executor } from '#src/server/db.ts';
import { equalHashes, randomId, sha256Hex } from './tokens.ts';

export const SESSION_COOKIE = 'ac_session';
/**
 * Writing last_seen_at on every request would make every page a write, so it is refreshed once a
 * tenth of the idle limit has passed (at most once a minute): an active session then never ends
 * early by more than a tenth of the limit, so SESSION_IDLE_MINUTES=1 means one minute.
 */
export function touchAfterMs(): number {
  return Math.min(60_000, Math.floor(config.sessionIdleMs / 10));
}

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  preferredLang: Lang;
  /** Chosen on the account page, or null (the agency's country decides). */
  timeZone: string | null;
  agencyId: number;
  agencyCode: string;
  agencyCountry: Country;
  agencyNameEs: string;
  agencyNameEn: string;
  /** Confirmed second factors: an authenticator app (0 or 1) plus passkeys. */
  factorCount: number;
}

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** When it ends if the user stays idle, or at the absolute limit, whichever is first. */
  expiresAt: Date;
  /** Password given, second factor not yet: the session opens only the verification page. */
  mfaPending: boolean;
  /** When a second factor or passkey was last verified in this session (step-up). */
  verifiedAt: Date | null;
}

export interface NewSession {
  session: Session;
  /** `id.secret`: goes to the cookie and nowhere else. */
  token: string;
}

/** A session waiting for its second factor lasts this long at most. */
export const PENDING_SESSION_MS = 10 * 60_000;

function expiryOf(createdAt: Date, lastSeenAt: Date, mfaPending = false): Date {
  const absolute = createdAt.getTime() + (mfaPending ? PENDING_SESSION_MS : config.sessionAbsoluteMs);
  return new Date(Math.min(absolute, lastSeenAt.getTime() + config.sessionIdleMs));
}

export interface SessionOptions {
  /** The password was right; the second factor is still to come. */
  mfaPending?: boolean;
  /** A second factor or passkey was verified just now. */
  verified?: boolean;
}

export async function createSession(
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null },
  executor: Executor = db(),
  /** Second-factor state, and the clock (ms since the epoch): tests pass their own instead of rewriting rows. A bare number is the clock. */
  options: (SessionOptions & { at?: number }) | number = {},
): Promise<NewSession> {
  const opts = typeof options === 'number' ? { at: options } : options;
  const id = randomId();
  const secret = randomId();
  const now = new Date(opts.at ?? Date.now());
  const mfaPending = opts.mfaPending ?? false;
  const verifiedAt = opts.verified ? now : null;
  await executor.insert(sessions).values({
    id,
    secretHash: sha256Hex(secret),
    userId,
    createdAt: now,
    lastSeenAt: now,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    mfaPending,
    verifiedAt,
  });
  return {
    token: `${id}.${secret}`,
    session: { id, userId, createdAt: now, lastSeenAt: now, expiresAt: expiryOf(now, now, mfaPending), mfaPending, verifiedAt },
  };
}

/** A second factor was verified in this session (step-up): sensitive actions are open again for a while. */
export async function markSessionVerified(sessionId: string, executor: Executor = db()): Promise<Date> {
  const now = new Date();
  await executor.update(sessions).set({ verifiedAt: now }).where(eq(sessions.id, sessionId));
  return now;
}

/** The session and its member by session id (every request asks it): built once per database handle. */
function sessionLookup(database: Database) {
  return database
    .select({
      session: sessions,
      user: {
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
        preferredLang: users.preferredLang,
        timeZone: users.timeZone,
        disabled: users.disabled,
        agencyId: agencies.id,
        agencyCode: agencies.code,
        agencyCountry: agencies.country,
        agencyNameEs: agencies.nameEs,
        agencyNameEn: agencies.nameEn,
        factorCount: sql<number>`(SELECT count(*) FROM mfa_totp t WHERE t.user_id = ${users.id} AND t.confirmed_at IS NOT NULL) + (SELECT count(*) FROM passkeys p WHERE p.user_id = ${users.id})`,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .limit(1)
    .prepare();
}

// Building the query with drizzle cost ~0.3 ms of every request (a tenth of a forum page's CPU at load).
const sessionLookups = new WeakMap<Database, ReturnType<typeof sessionLookup>>();

/** Checks a cookie token at time `now` (the clock; tests pass their own); slides the idle expiry. Returns null for anything not valid. */
export async function validateSessionToken(token: string, now = Date.now()): Promise<{ session: Session; user: SessionUser } | null> {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
  const database = db();
  let lookup = sessionLookups.get(database);
  if (!lookup) sessionLookups.set(database, (lookup = sessionLookup(database)));
  const rows = await lookup.all({ id });
  const row = rows[0];
  if (!row) return null;
  if (!equalHashes(row.session.secretHash, sha256Hex(secret))) return null;
  const expiresAt = expiryOf(row.session.createdAt, row.session.lastSeenAt, row.session.mfaPending);
  if (row.user.disabled || expiresAt.getTime() <= now) {
    await db().delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  let lastSeenAt = row.session.lastSeenAt;
  if (now - lastSeenAt.getTime() >= touchAfterMs()) {
    lastSeenAt = new Date(now);
    await db().update(sessions).set({ lastSeenAt }).where(eq(sessions.id, id));
  }
  const { disabled: _disabled, ...user } = row.user;
  return {
    session: {
      id,
      userId: row.session.userId,
      createdAt: row.session.createdAt,
      lastSeenAt,
      expiresAt: expiryOf(row.session.createdAt, lastSeenAt, row.session.mfaPending),
      mfaPending: row.session.mfaPending,
      verifiedAt: row.session.verifiedAt,
    },
    user: { ...user, factorCount: Number(user.factorCount) },
  };
}

export async function invalidateSession(sessionId: string): Promise<void> {
  await db().delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user (password change, disable, role or agency change). */
export async function invalidateUserSessions(userId: string, executor: Executor = db()): Promise<void> {
  await executor.delete(sessions).where(eq(sessions.userId, userId));
}

export async function invalidateOtherSessions(userId: string, keepSessionId: string): Promise<void> {
  await db()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)));
}

/** Ends one of the user's own sessions; a session id of another user changes nothing. */
export async function invalidateOwnSession(userId: string, sessionId: string): Promise<boolean> {
  const result = await db()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  return result.length > 0;
}

export interface SessionListing {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export async function listUserSessions(userId: string): Promise<SessionListing[]> {
  const rows = await db()
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.mfaPending, false)))
    .orderBy(sessions.lastSeenAt);
  const now = Date.now();
  return rows.filter((r) => expiryOf(r.createdAt, r.lastSeenAt).getTime() > now).reverse();
}

/** Removes expired rows; called now and then, so the table does not grow without bound. */
export async function deleteExpiredSessions(): Promise<void> {
  const now = Date.now();
  await db()
    .delete(sessions)
    .where(
      or(lt(sessions.createdAt, new Date(now - config.sessionAbsoluteMs)), lt(sessions.lastSeenAt, new Date(now - config.sessionIdleMs))),
    );
}
