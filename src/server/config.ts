/** Runtime configuration from environment variables (read at call time, so tests can set them). */
function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

export const config = {
  get databaseUrl(): string {
    return process.env.DATABASE_URL || 'file:data/portal.db';
  },
  get databaseAuthToken(): string | undefined {
    return process.env.DATABASE_AUTH_TOKEN || undefined;
  },
  get publicOrigin(): string | undefined {
    return process.env.PUBLIC_ORIGIN || undefined;
  },
  /** Idle timeout of a session (minutes without a request). */
  get sessionIdleMs(): number {
    return int('SESSION_IDLE_MINUTES', 30) * 60_000;
  },
  /** Absolute lifetime of a session, however active. */
  get sessionAbsoluteMs(): number {
    return int('SESSION_ABSOLUTE_HOURS', 12) * 3_600_000;
  },
  get lockoutFailures(): number {
    return int('SIGNIN_LOCKOUT_FAILURES', 5);
  },
  get lockoutMs(): number {
    return int('SIGNIN_LOCKOUT_MINUTES', 10) * 60_000;
  },
  /** Failed sign-ins from one IP address within the window before that address is held off. */
  get ipFailureLimit(): number {
    return int('SIGNIN_IP_FAILURE_LIMIT', 30);
  },
  get ipWindowMs(): number {
    return int('SIGNIN_IP_WINDOW_MINUTES', 15) * 60_000;
  },
  get invitationMs(): number {
    return int('INVITATION_DAYS', 7) * 86_400_000;
  },
};
