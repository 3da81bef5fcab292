import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/sqlite-core';
import { FIREARM_TYPES, TRACE_STATUSES, type FirearmType, type TraceStatus } from '#src/domain/seizures.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export { FIREARM_TYPES, TRACE_STATUSES, type FirearmType, type TraceStatus };

/** Reference data (seeded by db/seed/reference.ts, in production too). */
export const countries = sqliteTable('countries', {
  code: text('code').primaryKey(),
  nameEs: text('name_es').notNull(),
  nameEn: text('name_en').notNull(),
});

/** States, departments and districts; code is ISO 3166-2 style (MX-TAM, US-TX, GT-16, BZ-CY, SV-SS). */
export const states = sqliteTable(
  'states',
  {
    code: text('code').primaryKey(),
    country: text('country')
      .notNull()
      .references(() => countries.code),
    nameEs: text('name_es').notNull(),
    nameEn: text('name_en').notNull(),
  },
  (t) => [index('states_country_idx').on(t.country)],
);

export const importBatches = sqliteTable('import_batches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  fileName: text('file_name').notNull(),
  format: text('format', { enum: ['csv', 'json'] }).notNull(),
  rows: integer('rows').notNull(),
  seizuresInserted: integer('seizures_inserted').notNull(),
  seizuresUpdated: integer('seizures_updated').notNull(),
  seizuresUnchanged: integer('seizures_unchanged').notNull(),
  createdBy: text('created_by'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Each distinct visibility scope (a sorted, space-separated token list such as
 * "agency:ATF agency:FGR") is stored once; seizures point at it. Few distinct scopes exist, so
 * "visible to this reader" is `scope_set_id IN (ids holding one of the reader's tokens)`, a
 * tiny set that SQL resolves once per query.
 */
export const scopeSets = sqliteTable('scope_sets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  tokens: text('tokens').notNull().unique(),
});

export const scopeSetTokens = sqliteTable(
  'scope_set_tokens',
  {
    scopeSetId: integer('scope_set_id')
      .notNull()
      .references(() => scopeSets.id),
    token: text('token').notNull(),
  },
  (t) => [primaryKey({ columns: [t.token, t.scopeSetId] })],
);

export const seizures = sqliteTable(
  'seizures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reference: text('reference').notNull(),
    /** ISO date YYYY-MM-DD (sorts as text). */
    date: text('date').notNull(),
    country: text('country')
      .notNull()
      .references(() => countries.code),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    municipality: text('municipality'),
    place: text('place'),
    agencyCode: text('agency_code').notNull(),
    operation: text('operation'),
    caseFile: text('case_file').notNull(),
    summaryEs: text('summary_es'),
    summaryEn: text('summary_en'),
    scopeSetId: integer('scope_set_id')
      .notNull()
      .references(() => scopeSets.id),
    /** Sum of firearm quantities (sort key "most firearms"). */
    firearmCount: integer('firearm_count').notNull().default(0),
    /** Hash of the imported content: re-importing an identical seizure changes nothing. */
    contentHash: text('content_hash').notNull(),
    importBatchId: integer('import_batch_id').references(() => importBatches.id),
    createdBy: text('created_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedBy: text('updated_by'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('seizures_natural_key_idx').on(t.agencyCode, t.caseFile, t.reference),
    index('seizures_date_idx').on(t.date),
    check('seizures_summary_present', sql`${t.summaryEs} IS NOT NULL OR ${t.summaryEn} IS NOT NULL`),
  ],
);

export const firearms = sqliteTable(
  'firearms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seizureId: integer('seizure_id')
      .notNull()
      .references(() => seizures.id, { onDelete: 'cascade' }),
    type: text('type', { enum: FIREARM_TYPES }).notNull(),
    manufacturer: text('manufacturer'),
    model: text('model'),
    calibre: text('calibre'),
    serial: text('serial'),
    obliteratedSerial: integer('obliterated_serial', { mode: 'boolean' }).notNull().default(false),
    countryOfManufacture: text('country_of_manufacture'),
    importer: text('importer'),
    otherMarkings: text('other_markings'),
    quantity: integer('quantity').notNull().default(1),
    traceStatus: text('trace_status', { enum: TRACE_STATUSES }).notNull(),
    traceSourceCountry: text('trace_source_country'),
    traceSourceState: text('trace_source_state'),
    timeToCrimeDays: integer('time_to_crime_days'),
  },
  (t) => [index('firearms_seizure_idx').on(t.seizureId), index('firearms_serial_idx').on(t.serial)],
);

export const ammunition = sqliteTable(
  'ammunition',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seizureId: integer('seizure_id')
      .notNull()
      .references(() => seizures.id, { onDelete: 'cascade' }),
    calibre: text('calibre').notNull(),
    rounds: integer('rounds').notNull(),
  },
  (t) => [index('ammunition_seizure_idx').on(t.seizureId)],
);

export const magazines = sqliteTable(
  'magazines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seizureId: integer('seizure_id')
      .notNull()
      .references(() => seizures.id, { onDelete: 'cascade' }),
    quantity: integer('quantity').notNull(),
    capacity: integer('capacity'),
  },
  (t) => [index('magazines_seizure_idx').on(t.seizureId)],
);

export const explosives = sqliteTable(
  'explosives',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seizureId: integer('seizure_id')
      .notNull()
      .references(() => seizures.id, { onDelete: 'cascade' }),
    description: text('description').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [index('explosives_seizure_idx').on(t.seizureId)],
);

/**
 * Search index data of the embedded (FTS5) engine, derived from the tables above and rebuilt
 * by `search:reindex`. facet_values gives each facet value a small, never reused id.
 */
export const facetValues = sqliteTable(
  'facet_values',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    field: text('field').notNull(),
    value: text('value').notNull(),
  },
  (t) => [uniqueIndex('facet_values_field_value_idx').on(t.field, t.value)],
);

/**
 * One narrow row per seizure: every filter and facet of a search is answered by scanning
 * these rows (about 60 bytes each) instead of the wide seizures rows. facet_ids holds one
 * character per facet value of the seizure, char(facet_values.id + 256) (see fts5-index.ts).
 */
export const seizureSearchDocs = sqliteTable(
  'seizure_search_docs',
  {
    seizureId: integer('seizure_id').primaryKey(),
    scopeSetId: integer('scope_set_id').notNull(),
    date: text('date').notNull(),
    country: text('country').notNull(),
    stateCode: text('state_code').notNull(),
    agencyCode: text('agency_code').notNull(),
    firearmCount: integer('firearm_count').notNull(),
    facetIds: text('facet_ids').notNull(),
  },
  (t) => [index('seizure_search_docs_date_idx').on(t.date)],
);
