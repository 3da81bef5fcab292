import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * The durable outbox of the remote search engine (Meilisearch). A row says "entity <kind>/<id>
 * changed: make the remote index match the database". It is written in the same transaction as
 * the change, so a committed change is never forgotten; a worker pushes it after the commit and
 * removes the row once the engine has confirmed the push (src/server/search/outbox.ts).
 *
 * `version` grows with every change of the entity; `pushed_version` is the version the engine
 * last confirmed. A row is pending while version > pushed_version. Rows stay (pushed) while a
 * zero-downtime rebuild runs, so that they can be replayed into the new index after the swap.
 */
export const searchOutbox = sqliteTable(
  'search_outbox',
  {
    /** 'seizure', 'thread', 'document'…: one search source per kind. */
    kind: text('kind').notNull(),
    entityId: text('entity_id').notNull(),
    version: integer('version').notNull().default(1),
    pushedVersion: integer('pushed_version').notNull().default(0),
    /** Time of the last change (ms): oldest first, and the backlog's age on the admin page. */
    changedAt: integer('changed_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Backoff after a failed push (ms since the epoch). */
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    /** A worker's lease on the row (ms since the epoch): one pusher per row at a time. */
    claimedUntil: integer('claimed_until').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.entityId] }),
    index('search_outbox_pending_idx')
      .on(t.kind, t.changedAt)
      .where(sql`version > pushed_version`),
  ],
);

/**
 * Small named state of the search layer shared by every process: the running (or interrupted)
 * rebuild with its progress (key 'rebuild:<kind>').
 */
export const searchState = sqliteTable('search_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
