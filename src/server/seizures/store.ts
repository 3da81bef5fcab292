/**
 * Writes validated seizures: upsert on the natural key (agency + case file + reference),
 * identical seizures left alone, children replaced on change, search index maintained in the
 * same transaction (the caller's): FTS5 directly, Meilisearch through the outbox.
 */
import { hash as digest } from 'node:crypto';

import { allRows, col, insertRows, runRaw, type RawExec, type SqlValue } from '#src/server/sql.ts';
import { indexSeizures, unindexSeizures } from '#src/server/search/fts5-index.ts';
import { enqueueSearchChanges } from '#src/server/search/outbox.ts';
import type { SeizureInput } from './types.ts';
import { bumpDataVersion } from '#src/server/data-version.ts';

export interface WriteSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  firearms: number;
  /** Ids of the seizures inserted or updated (for a remote engine to index after commit). */
  changedIds: number[];
}

export function naturalKey(s: Pick<SeizureInput, 'agencyCode' | 'caseFile' | 'reference'>): string {
  return `${s.agencyCode}\u0000${s.caseFile}\u0000${s.reference}`;
}

/** SHA-256 of the seizure as JSON (one-shot crypto.hash: the same digest as a Hash object, half the CPU). */
export function contentHash(s: SeizureInput): string {
  return digest('sha256', JSON.stringify(s), 'base64url');
}

/** Ensures each distinct scope exists in scope_sets; returns tokens-string -> id. */
async function scopeSetIds(ex: RawExec, scopes: Iterable<string>): Promise<Map<string, number>> {
  const wanted = [...new Set(scopes)];
  if (wanted.length) {
    await insertRows(
      ex,
      'scope_sets',
      ['tokens'],
      wanted.map((t) => [t]),
      'OR IGNORE',
    );
    const tokenRows = wanted.flatMap((t) => t.split(' ').map((token) => [t, token] as const));
    await runRaw(
      ex,
      `INSERT OR IGNORE INTO scope_set_tokens (scope_set_id, token)
       SELECT ss.id, j.value ->> '$[1]' FROM json_each(?) j JOIN scope_sets ss ON ss.tokens = j.value ->> '$[0]'`,
      [JSON.stringify(tokenRows)],
    );
  }
  const rows = await allRows(
    ex,
    { id: col.int, tokens: col.text },
    `SELECT id, tokens FROM scope_sets WHERE tokens IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(wanted)],
  );
  return new Map(rows.map((r) => [r.tokens, r.id]));
}

/** Seizures written per batch of INSERT statements (~3 firearm rows each). */
const WRITE_BATCH = 2000;

export interface WriteOptions {
  userId: string | null;
  batchId: number | null;
  now?: Date;
}

export async function writeSeizures(ex: RawExec, input: readonly SeizureInput[], opts: WriteOptions): Promise<WriteSummary> {
  const now = (opts.now ?? new Date()).getTime();
  const agencies = [...new Set(input.map((s) => s.agencyCode))];
  const existing = new Map<string, { id: number; hash: string; createdAt: number; createdBy: string | null }>();
  for (const r of await allRows(
    ex,
    {
      id: col.int,
      agency_code: col.text,
      case_file: col.text,
      reference: col.text,
      content_hash: col.text,
      created_at: col.int,
      created_by: col.textOrNull,
    },
    `SELECT id, agency_code, case_file, reference, content_hash, created_at, created_by FROM seizures WHERE agency_code IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(agencies)],
  )) {
    existing.set(naturalKey({ agencyCode: r.agency_code, caseFile: r.case_file, reference: r.reference }), {
      id: r.id,
      hash: r.content_hash,
      createdAt: r.created_at,
      createdBy: r.created_by,
    });
  }

  const [maxRow] = await allRows(ex, { m: col.intOrNull }, `SELECT max(id) AS m FROM seizures`);
  // Ids are assigned here (the write transaction holds the lock) so children can be inserted
  // in bulk without reading ids back.
  let nextId = (maxRow?.m ?? 0) + 1;
  const summary: WriteSummary = { inserted: 0, updated: 0, unchanged: 0, firearms: 0, changedIds: [] };
  const toWrite: { id: number; s: SeizureInput; hash: string; createdAt: number; createdBy: string | null }[] = [];
  const replacedIds: number[] = [];
  for (const s of input) {
    const hash = contentHash(s);
    const old = existing.get(naturalKey(s));
    if (old && old.hash === hash) {
      summary.unchanged++;
      continue;
    }
    if (old) {
      summary.updated++;
      replacedIds.push(old.id);
      toWrite.push({ id: old.id, s, hash, createdAt: old.createdAt, createdBy: old.createdBy });
    } else {
      summary.inserted++;
      toWrite.push({ id: nextId++, s, hash, createdAt: now, createdBy: opts.userId });
    }
  }
  if (toWrite.length === 0) return summary;

  if (replacedIds.length) {
    const ids = JSON.stringify(replacedIds);
    await unindexSeizures(ex, { ids: replacedIds });
    for (const child of ['firearms', 'ammunition', 'magazines', 'explosives']) {
      await runRaw(ex, `DELETE FROM ${child} WHERE seizure_id IN (SELECT value FROM json_each(?))`, [ids]);
    }
    await runRaw(ex, `DELETE FROM seizures WHERE id IN (SELECT value FROM json_each(?))`, [ids]);
  }

  const scopeIds = await scopeSetIds(
    ex,
    toWrite.map((w) => w.s.scope.join(' ')),
  );

  // Written a batch of seizures at a time, each batch's rows in the same order as before: the row
  // arrays of a batch die young instead of ~300,000 of them living through the whole write.
  for (let start = 0; start < toWrite.length; start += WRITE_BATCH) {
    const batch = toWrite.slice(start, start + WRITE_BATCH);
    const seizureRows: SqlValue[][] = [];
    const firearmRows: SqlValue[][] = [];
    const ammoRows: SqlValue[][] = [];
    const magRows: SqlValue[][] = [];
    const explosiveRows: SqlValue[][] = [];
    for (const { id, s, hash, createdAt, createdBy } of batch) {
      const count = s.firearms.reduce((n, f) => n + f.quantity, 0);
      summary.firearms += s.firearms.length;
      seizureRows.push([
        id,
        s.reference,
        s.date,
        s.country,
        s.stateCode,
        s.municipality,
        s.place,
        s.agencyCode,
        s.operation,
        s.caseFile,
        s.summaryEs,
        s.summaryEn,
        scopeIds.get(s.scope.join(' ')) ?? null,
        count,
        hash,
        opts.batchId,
        createdBy,
        createdAt,
        opts.userId,
        now,
      ]);
      for (const f of s.firearms) {
        firearmRows.push([
          id,
          f.type,
          f.manufacturer,
          f.model,
          f.calibre,
          f.serial,
          f.obliteratedSerial,
          f.countryOfManufacture,
          f.importer,
          f.otherMarkings,
          f.quantity,
          f.traceStatus,
          f.traceSourceCountry,
          f.traceSourceState,
          f.timeToCrimeDays,
        ]);
      }
      for (const a of s.ammunition) ammoRows.push([id, a.calibre, a.rounds]);
      for (const m of s.magazines) magRows.push([id, m.quantity, m.capacity]);
      for (const e of s.explosives) explosiveRows.push([id, e.description, e.quantity]);
      summary.changedIds.push(id);
    }
    await insertRows(
      ex,
      'seizures',
      [
        'id',
        'reference',
        'date',
        'country',
        'state_code',
        'municipality',
        'place',
        'agency_code',
        'operation',
        'case_file',
        'summary_es',
        'summary_en',
        'scope_set_id',
        'firearm_count',
        'content_hash',
        'import_batch_id',
        'created_by',
        'created_at',
        'updated_by',
        'updated_at',
      ],
      seizureRows,
    );
    await insertRows(
      ex,
      'firearms',
      [
        'seizure_id',
        'type',
        'manufacturer',
        'model',
        'calibre',
        'serial',
        'obliterated_serial',
        'country_of_manufacture',
        'importer',
        'other_markings',
        'quantity',
        'trace_status',
        'trace_source_country',
        'trace_source_state',
        'time_to_crime_days',
      ],
      firearmRows,
    );
    await insertRows(ex, 'ammunition', ['seizure_id', 'calibre', 'rounds'], ammoRows);
    await insertRows(ex, 'magazines', ['seizure_id', 'quantity', 'capacity'], magRows);
    await insertRows(ex, 'explosives', ['seizure_id', 'description', 'quantity'], explosiveRows);
  }
  await indexSeizures(ex, { ids: summary.changedIds }, new Map(toWrite.map((w) => [w.id, w.s])));
  // In this transaction: caches of seizure figures (dashboard, facets) see the change at commit.
  await bumpDataVersion(ex, 'seizures');
  // The remote engine (Meilisearch) learns of the change through the outbox, in this transaction.
  await enqueueSearchChanges(ex, 'seizure', summary.changedIds);
  return summary;
}
