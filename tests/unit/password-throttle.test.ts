import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, isCommonPassword, passwordProblem, verifyPassword } from '#src/server/auth/password.ts';
import { accountKey, clearThrottle, ipKey, lockedUntil, recordAccountFailure, recordIpFailure } from '#src/server/auth/throttle.ts';
import { signIn } from '#src/server/auth/accounts.ts';
import { seedForTest } from '#tests/helpers/seed.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { reloadConfig } from '#src/server/config.ts';

let cleanup: () => void;
const PASSWORD = 'unit-test-passphrase';
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  // Accounts only: nothing here reads a seizure or a request.
  await seedForTest(PASSWORD);
});
afterAll(() => cleanup());

describe('passwords', () => {
  it('hashes with Argon2id at >= 19 MiB and 2 iterations', async () => {
    const hash = await hashPassword('a long enough phrase');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/);
    const [, m, t] = /m=(\d+),t=(\d+)/.exec(hash)!;
    expect(Number(m)).toBeGreaterThanOrEqual(19_456);
    expect(Number(t)).toBeGreaterThanOrEqual(2);
    expect(await verifyPassword(hash, 'a long enough phrase')).toBe(true);
    expect(await verifyPassword(hash, 'a long enough phrasE')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('accepts 12 to 128 characters with no composition rules and refuses common ones', async () => {
    expect(await passwordProblem('short pass')).toBe('password_too_short');
    expect(await passwordProblem('x'.repeat(129))).toBe('password_too_long');
    expect(await passwordProblem('all lower case words')).toBeNull();
    expect(await passwordProblem('ñandú en la sierra')).toBeNull();
    expect(await passwordProblem('Password1234')).toBe('password_common');
    expect(await passwordProblem('contraseña123')).toBe('password_common');
    expect(await isCommonPassword('aaaaaaaaaaaaaa')).toBe(true);
    expect(await isCommonPassword('3456789012345')).toBe(true);
  });

  it('refuses breached passwords and one word with digits or symbols around it, in Spanish and English', async () => {
    // Audit finding: futbol123456 was accepted.
    for (const weak of [
      'futbol123456',
      'Futbol123456!',
      'teamomucho123',
      'contrasena2026',
      'Seguridad2026!',
      'P@ssw0rd2024!!',
      'superman123456',
      'mariposa1234567',
      'alejandro2026!!',
      'holaholahola12',
      '1qaz2wsx3edc4rfv',
    ]) {
      expect(await passwordProblem(weak), weak).toBe('password_common');
    }
    for (const fine of [
      'cruzadas-demo-2026',
      'test-demo-passphrase-2026',
      'tres tigres tristes',
      'Reynosa-puente-7-norte',
      'ñandú en la sierra',
    ]) {
      expect(await passwordProblem(fine), fine).toBeNull();
    }
  });
});

describe('throttling', () => {
  it('locks an account at the fifth consecutive failure for ten minutes', async () => {
    const now = Date.now();
    for (let i = 0; i < 4; i++) expect(await recordAccountFailure('t1@demo.test', now)).toBeNull();
    const until = await recordAccountFailure('t1@demo.test', now);
    expect(until?.getTime()).toBe(now + 10 * 60_000);
    expect(await lockedUntil(accountKey('t1@demo.test'), now + 60_000)).not.toBeNull();
    expect(await lockedUntil(accountKey('t1@demo.test'), now + 10 * 60_000 + 1)).toBeNull();
  });

  it('starts counting again after the lock ends, and a release clears it', async () => {
    const now = Date.now();
    for (let i = 0; i < 5; i++) await recordAccountFailure('t2@demo.test', now);
    const later = now + 11 * 60_000;
    expect(await recordAccountFailure('t2@demo.test', later)).toBeNull();
    expect(await lockedUntil(accountKey('t2@demo.test'), later)).toBeNull();
    for (let i = 0; i < 5; i++) await recordAccountFailure('t3@demo.test', now);
    expect(await clearThrottle(accountKey('t3@demo.test'))).toBe(true);
    expect(await lockedUntil(accountKey('t3@demo.test'), now)).toBeNull();
  });

  it('limits failures per IP address within the window', async () => {
    process.env.SIGNIN_IP_FAILURE_LIMIT = '3';
    reloadConfig();
    try {
      const now = Date.now();
      expect(await recordIpFailure('192.0.2.9', now)).toBeNull();
      expect(await recordIpFailure('192.0.2.9', now)).toBeNull();
      expect(await recordIpFailure('192.0.2.9', now)).not.toBeNull();
      expect(await lockedUntil(ipKey('192.0.2.9'), now)).not.toBeNull();
      const result = await signIn('analyst.fgr@demo.test', PASSWORD, { ip: '192.0.2.9', userAgent: null });
      expect(result).toMatchObject({ ok: false, reason: 'ip_limited' });
      const other = await signIn('analyst.fgr@demo.test', PASSWORD, { ip: '192.0.2.10', userAgent: null });
      expect(other.ok).toBe(true);
    } finally {
      delete process.env.SIGNIN_IP_FAILURE_LIMIT;
      reloadConfig();
    }
  });

  it('sign-in refuses a locked account even with the right password, and a success resets the count', async () => {
    const meta = { ip: '198.51.100.1', userAgent: null };
    for (let i = 0; i < 4; i++)
      expect(await signIn('agent.atf@demo.test', 'wrong wrong wrong', meta)).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    expect((await signIn('agent.atf@demo.test', PASSWORD, meta)).ok).toBe(true);
    for (let i = 0; i < 4; i++) await signIn('agent.atf@demo.test', 'wrong wrong wrong', meta);
    expect(await signIn('agent.atf@demo.test', 'wrong wrong wrong', meta)).toMatchObject({ ok: false, reason: 'account_locked' });
    expect(await signIn('AGENT.ATF@demo.test', PASSWORD, meta)).toMatchObject({ ok: false, reason: 'account_locked' });
  });
});
