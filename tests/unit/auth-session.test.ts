import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import {
  createSession,
  invalidateOtherSessions,
  invalidateUserSessions,
  listUserSessions,
  validateSessionToken,
} from '#src/server/auth/session.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { reloadConfig } from '#src/server/config.ts';

let cleanup: () => void;
let userId: string;

beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  // Accounts only: sessions belong to users.
  await seedForTest('unit-test-passphrase');
  const [u] = await db().select().from(users).where(eq(users.emailNormalized, 'analyst.fgr@demo.test'));
  userId = u!.id;
});
afterAll(() => cleanup());

describe('sessions (Lucia design)', () => {
  it('stores only SHA-256 of the secret and validates the full token', async () => {
    const { token, session } = await createSession(userId, { ip: '10.0.0.1', userAgent: 'test' });
    const [id, secret] = token.split('.');
    expect(id).toBe(session.id);
    const [row] = await db().select().from(sessions).where(eq(sessions.id, session.id));
    expect(row!.secretHash).toHaveLength(64);
    expect(row!.secretHash).not.toContain(secret!);
    const valid = await validateSessionToken(token);
    expect(valid?.user.agencyCode).toBe('FGR');
    expect(valid?.user.agencyCountry).toBe('MX');
  });

  it('refuses a token with a wrong, missing or extra part', async () => {
    const { token } = await createSession(userId, {});
    const [id, secret] = token.split('.') as [string, string];
    const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
    expect(await validateSessionToken(`${id}.${flipped}`)).toBeNull();
    expect(await validateSessionToken(id)).toBeNull();
    expect(await validateSessionToken(`${token}.x`)).toBeNull();
    expect(await validateSessionToken('nope.nope')).toBeNull();
  });

  it('ends a session idle longer than the idle timeout and deletes it', async () => {
    const { token, session } = await createSession(userId, {});
    expect(await validateSessionToken(token, Date.now() + 29 * 60_000)).not.toBeNull();
    expect(await validateSessionToken(token, Date.now() + 29 * 60_000 + 31 * 60_000)).toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.id, session.id))).toHaveLength(0);
  });

  it('ends an active session at the absolute lifetime', async () => {
    const start = Date.now();
    const { token } = await createSession(userId, {}, db(), start);
    // Used every 20 minutes, so never idle too long, until the 12 hours are up.
    let at = start;
    for (; at + 20 * 60_000 < start + 12 * 3_600_000; at += 20 * 60_000)
      expect(await validateSessionToken(token, at), String(at - start)).not.toBeNull();
    expect(await validateSessionToken(token, start + 12 * 3_600_000 + 1000)).toBeNull();
  });

  it('slides the idle expiry on use', async () => {
    const start = Date.now();
    const { token, session } = await createSession(userId, {}, db(), start);
    const later = start + 20 * 60_000;
    const valid = await validateSessionToken(token, later);
    expect(valid!.session.lastSeenAt.getTime()).toBe(later);
    expect(valid!.session.expiresAt.getTime()).toBe(later + 30 * 60_000);
    expect(session.expiresAt.getTime()).toBe(start + 30 * 60_000);
  });

  it('honours configured timeouts', async () => {
    process.env.SESSION_IDLE_MINUTES = '5';
    reloadConfig();
    try {
      const { token } = await createSession(userId, {});
      expect(await validateSessionToken(token, Date.now() + 6 * 60_000)).toBeNull();
    } finally {
      delete process.env.SESSION_IDLE_MINUTES;
      reloadConfig();
    }
  });

  it('refuses sessions of a disabled user', async () => {
    const { token } = await createSession(userId, {});
    await db().update(users).set({ disabled: true }).where(eq(users.id, userId));
    expect(await validateSessionToken(token)).toBeNull();
    await db().update(users).set({ disabled: false }).where(eq(users.id, userId));
  });

  it('lists sessions newest first and ends others or all', async () => {
    await invalidateUserSessions(userId);
    const a = await createSession(userId, { ip: '10.0.0.1' });
    const b = await createSession(userId, { ip: '10.0.0.2' });
    expect((await listUserSessions(userId)).map((s) => s.ip).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    await invalidateOtherSessions(userId, b.session.id);
    expect(await validateSessionToken(a.token)).toBeNull();
    expect(await validateSessionToken(b.token)).not.toBeNull();
    await invalidateUserSessions(userId);
    expect(await validateSessionToken(b.token)).toBeNull();
  });

  it('keeps an active session alive under a one-minute idle limit (refreshed after a tenth of it)', async () => {
    process.env.SESSION_IDLE_MINUTES = '1';
    reloadConfig();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = new Date('2026-05-04T10:00:00Z');
      vi.setSystemTime(start);
      const { token } = await createSession(userId, {});
      // A request every 10 s for two minutes: each is well inside the minute since the previous one.
      for (let s = 10; s <= 120; s += 10) {
        vi.setSystemTime(start.getTime() + s * 1000);
        expect(await validateSessionToken(token), `after ${s} s`).not.toBeNull();
      }
      // Then a minute and a bit without a request ends it.
      vi.setSystemTime(start.getTime() + 120_000 + 61_000);
      expect(await validateSessionToken(token)).toBeNull();
    } finally {
      vi.useRealTimers();
      delete process.env.SESSION_IDLE_MINUTES;
      reloadConfig();
    }
  });
});
