/**
 * The second factor of the demo accounts in tests: a TOTP code computed from the fixed demo
 * secret (db/seed/demo-users.ts), as an authenticator app would show it. The server accepts each
 * time step once, so the code is for the first step that is both within ±1 of now and later than
 * the last one the server accepted (read from the test database); when none is, this waits for
 * the next 30-second step (a condition on the clock, not a fixed sleep).
 */
import { createClient } from '@libsql/client';
import { DEMO_TOTP_SECRETS } from '#db/seed/demo-users.ts';
import { TOTP_PERIOD_SECONDS, timeStep, totpCodeAt } from '#src/server/auth/totp.ts';

export function hasDemoSecondFactor(email: string): boolean {
  return email.toLowerCase() in DEMO_TOTP_SECRETS;
}

export function demoTotpSecret(email: string): string {
  const secret = DEMO_TOTP_SECRETS[email.toLowerCase()];
  if (!secret) throw new Error(`${email} has no demo TOTP secret`);
  return secret;
}

/** The test server's database, from the global setup (integration and e2e projects). */
export async function testDatabaseUrl(): Promise<string> {
  const { inject } = await import('vitest');
  return inject('databaseUrl');
}

export async function acceptableTotpCode(email: string, databaseUrl?: string): Promise<string> {
  const secret = demoTotpSecret(email);
  const db = createClient({ url: databaseUrl ?? (await testDatabaseUrl()) });
  try {
    for (;;) {
      const rs = await db.execute({
        sql: 'SELECT t.last_used_step AS last FROM mfa_totp t JOIN users u ON u.id = t.user_id WHERE u.email_normalized = ?',
        args: [email.toLowerCase()],
      });
      const last = Number(rs.rows[0]?.last ?? 0);
      const now = timeStep();
      // The current step or the next: still inside the ±1 window if the clock ticks before the server checks.
      const step = Math.max(last + 1, now);
      if (step <= now + 1) return totpCodeAt(secret, step);
      const nextStepAt = (now + 1) * TOTP_PERIOD_SECONDS * 1000;
      await new Promise((resolve) => setTimeout(resolve, nextStepAt - Date.now() + 20));
    }
  } finally {
    db.close();
  }
}
