import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

/**
 * One counter per kind of shared data (`seizures`, …), raised in the same transaction as every
 * write of that data. Caches of derived figures (dashboard aggregates, facet dictionaries) key on
 * it, so every server process sees a change at once (src/server/data-version.ts).
 */
export const dataVersions = sqliteTable('data_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
  changedAt: integer('changed_at', { mode: 'timestamp_ms' }).notNull(),
});
