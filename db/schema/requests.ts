import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import {
  REQUEST_TYPES,
  REQUEST_PRIORITIES,
  HANDLING_CODES,
  REQUEST_STATUSES,
  type RequestType,
  type RequestPriority,
  type HandlingCode,
  type RequestStatus,
} from '#src/domain/requests.ts';
// Plain domain constants live in src/domain so pages may import them without importing db/.
export {
  REQUEST_TYPES,
  REQUEST_PRIORITIES,
  HANDLING_CODES,
  REQUEST_STATUSES,
  type RequestType,
  type RequestPriority,
  type HandlingCode,
  type RequestStatus,
};

/**
 * An information request from one agency to one or more counterpart agencies. Visible to the
 * requesting agency, the addressed agencies (request_recipients) and admins: src/server/access.ts.
 * Seizure and firearm links are copies (seizure id and reference, trace minimum), not foreign
 * keys: a re-imported seizure keeps its id but its firearm rows are replaced.
 */
export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** SOL-2026-000123: the year of creation and a per-year sequence. */
    reference: text('reference').notNull(),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    requesterAgencyCode: text('requester_agency_code').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    type: text('type', { enum: REQUEST_TYPES }).notNull(),
    subject: text('subject').notNull(),
    /** Markdown, rendered sanitised. */
    body: text('body').notNull(),
    /** The language the request was written in. */
    lang: text('lang', { enum: ['es', 'en'] }).notNull(),
    priority: text('priority', { enum: REQUEST_PRIORITIES }).notNull(),
    urgencyJustification: text('urgency_justification'),
    /** YYYY-MM-DD (the request is overdue after this day, UTC). */
    dueDate: text('due_date').notNull(),
    handlingCode: text('handling_code', { enum: HANDLING_CODES }).notNull(),
    handlingNote: text('handling_note'),
    status: text('status', { enum: REQUEST_STATUSES }).notNull(),
    declineReason: text('decline_reason'),
    seizureId: integer('seizure_id'),
    seizureReference: text('seizure_reference'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** First acknowledgement, first answer and last closing (for the metrics). */
    acknowledgedAt: integer('acknowledged_at', { mode: 'timestamp_ms' }),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('requests_reference_idx').on(t.reference),
    uniqueIndex('requests_year_seq_idx').on(t.year, t.seq),
    index('requests_requester_idx').on(t.requesterAgencyCode, t.createdAt),
    index('requests_status_idx').on(t.status, t.dueDate),
  ],
);

/** The addressed agencies, with the colleague assigned there and when that side first opened it. */
export const requestRecipients = sqliteTable(
  'request_recipients',
  {
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    agencyCode: text('agency_code').notNull(),
    assignedTo: text('assigned_to').references(() => users.id),
    firstOpenedAt: integer('first_opened_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.agencyCode] }),
    index('request_recipients_agency_idx').on(t.agencyCode, t.requestId),
    index('request_recipients_assignee_idx').on(t.assignedTo),
  ],
);

/** The trace minimum of each firearm the request is about (copied from a seizure or typed). */
export const requestFirearms = sqliteTable(
  'request_firearms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    seizureId: integer('seizure_id'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    calibre: text('calibre'),
    serial: text('serial'),
    type: text('type'),
    countryOfOrigin: text('country_of_origin'),
    importer: text('importer'),
    obliteratedSerial: integer('obliterated_serial', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('request_firearms_request_idx').on(t.requestId), index('request_firearms_serial_idx').on(t.serial)],
);

/** The conversation: replies (and answers) in Markdown, optionally quoting an earlier message. */
export const requestMessages = sqliteTable(
  'request_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    authorAgencyCode: text('author_agency_code').notNull(),
    kind: text('kind', { enum: ['reply', 'answer', 'decline'] }).notNull(),
    body: text('body').notNull(),
    quotedMessageId: integer('quoted_message_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('request_messages_request_idx').on(t.requestId, t.createdAt)],
);

/** Status history: who moved the request from which status to which, and when. */
export const requestEvents = sqliteTable(
  'request_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    actorId: text('actor_id').references(() => users.id),
    actorAgencyCode: text('actor_agency_code').notNull(),
    fromStatus: text('from_status', { enum: REQUEST_STATUSES }),
    toStatus: text('to_status', { enum: REQUEST_STATUSES }).notNull(),
    note: text('note'),
  },
  (t) => [index('request_events_request_idx').on(t.requestId, t.at)],
);
