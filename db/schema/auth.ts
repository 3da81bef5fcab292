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
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

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
