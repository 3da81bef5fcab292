import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';
import { COUNTRIES, type Country } from '#src/domain/agencies.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export { COUNTRIES, type Country };

export const agencies = sqliteTable('agencies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  nameEs: text('name_es').notNull(),
  nameEn: text('name_en').notNull(),
  country: text('country', { enum: COUNTRIES }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});
