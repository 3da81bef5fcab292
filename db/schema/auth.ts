import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies.ts';
import { ROLES, LANGS, type Role, type Lang } from '#src/domain/auth.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export { ROLES, LANGS, type Role, type Lang };

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    // Lower-cased e-mail: uniqueness is case-insensitive.
    emailNormalized: text('email_normalized').notNull(),
    displayName: text('display_name').notNull(),
    agencyId: integer('agency_id')
      .notNull()
      .references(() => agencies.id),
    role: text('role', { enum: ROLES }).notNull(),
    preferredLang: text('preferred_lang', { enum: LANGS }).notNull(),
    /** IANA time zone chosen on the account page; null: the agency's country's zone. */
    timeZone: text('time_zone'),
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('users_email_normalized_idx').on(t.emailNormalized), index('users_agency_idx').on(t.agencyId)],
);

/** Lucia-style sessions: the cookie holds `id.secret`; only SHA-256(secret) is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** The password was right but the second factor is still to be given: the session opens nothing else. */
    mfaPending: integer('mfa_pending', { mode: 'boolean' }).notNull().default(false),
    /** When a second factor (or a passkey) was last verified in this session, for step-up. */
    verifiedAt: integer('verified_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * TOTP (RFC 6238) second factor, one per user. `confirmedAt` is null while being set up (the
 * user has not yet typed a first code). `lastUsedStep` refuses a replayed code: a code is
 * accepted only for a time step later than the last one accepted.
 */
export const mfaTotp = sqliteTable('mfa_totp', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Base32 secret (the authenticator app holds the same). */
  secret: text('secret').notNull(),
  confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
  lastUsedStep: integer('last_used_step').notNull().default(0),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** One-time recovery codes: only SHA-256 of each is stored; a used code keeps its row (used_at). */
export const mfaRecoveryCodes = sqliteTable(
  'mfa_recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('mfa_recovery_codes_user_idx').on(t.userId)],
);

/** WebAuthn credentials (passkeys) a user registered, each with a name they chose. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    /** JSON list of transports the authenticator reported (usb, internal, hybrid…). */
    transports: text('transports'),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
);

/**
 * WebAuthn challenges between the options and the browser's answer (a few minutes). The id goes
 * in a short-lived cookie; a challenge is deleted when used, so it works once.
 */
export const authChallenges = sqliteTable('auth_challenges', {
  id: text('id').primaryKey(),
  challenge: text('challenge').notNull(),
  /** The user it was issued for (registration, second factor, step-up); null for passkey sign-in. */
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: ['register', 'authenticate'] }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
});

/** One-time invitation links: only SHA-256 of the token is stored. */
export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    email: text('email').notNull(),
    emailNormalized: text('email_normalized').notNull(),
    agencyId: integer('agency_id')
      .notNull()
      .references(() => agencies.id),
    role: text('role', { enum: ROLES }).notNull(),
    invitedBy: text('invited_by').references(() => users.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    acceptedAt: integer('accepted_at', { mode: 'timestamp_ms' }),
    acceptedUserId: text('accepted_user_id').references(() => users.id),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('invitations_email_idx').on(t.emailNormalized)],
);

/**
 * Sign-in throttling kept in the database so every app process agrees.
 * key: `account:<normalized e-mail>` or `ip:<address>`.
 */
export const signInThrottle = sqliteTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at', { mode: 'timestamp_ms' }).notNull(),
  lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
});
