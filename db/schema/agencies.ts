import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

/** Countries whose agencies take part; also the values of a country-wide visibility scope. */
export const COUNTRIES = ['US', 'MX', 'GT', 'BZ', 'SV'] as const;
export type Country = (typeof COUNTRIES)[number];

export const agencies = sqliteTable('agencies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  nameEs: text('name_es').notNull(),
  nameEn: text('name_en').notNull(),
  country: text('country', { enum: COUNTRIES }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});
