/**
 * Attachments follow what they are attached to. A file on a thread post is visible where the post
 * is (access.ts canSeePostAttachments: the thread visible to the reader, the post neither hidden nor
 * deleted); a file on an information request where the request is (access.ts requestScope). The
 * document's own scope is checked as well: both must admit the reader.
 *
 * One rule, two forms: `originVisible` for one document (page, download, thumbnail, new version)
 * and `documentOriginVisibleSql` for every list over `documents d` (library tabs, counts, search,
 * notifications, the Meilisearch exclusions), so a hidden post's file is not found by title either.
 */
import { sql, type SQL } from 'drizzle-orm';
import { canSee, requestListAgency, requestScope, type Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import { allRows, col } from '#src/server/sql.ts';
import { postAttachmentsVisible, postAttachmentsVisibleSql } from '#src/server/threads/attachments.ts';
import type { DocumentOrigin } from '#src/domain/documents.ts';

export interface DocumentOriginFacts {
  origin: DocumentOrigin;
  origin_id: number | bigint | null;
  origin_item_id: number | bigint | null;
}

const num = (v: number | bigint | null) => (v === null ? null : Number(v));

async function requestVisible(reader: Reader, requestId: number | null): Promise<boolean> {
  if (requestId === null) return false;
  const rows = await allRows(
    rawClient(),
    { requester: col.text, recipient: col.textOrNull },
    `SELECT r.requester_agency_code AS requester, rr.agency_code AS recipient
     FROM requests r LEFT JOIN request_recipients rr ON rr.request_id = r.id WHERE r.id = ?`,
    [requestId],
  );
  const first = rows[0];
  if (!first) return false;
  const recipients = rows.flatMap((r) => (r.recipient === null ? [] : [r.recipient]));
  return canSee(reader, requestScope(first.requester, recipients));
}

/** Whether the thing a document is attached to lets the reader see it (library documents: always). */
export async function originVisible(reader: Reader | null, row: DocumentOriginFacts): Promise<boolean> {
  if (row.origin === 'library') return true;
  if (!reader) return false;
  if (row.origin === 'thread') return postAttachmentsVisible(reader, num(row.origin_id), num(row.origin_item_id));
  return requestVisible(reader, num(row.origin_id));
}

/** The same rule in SQL over `documents d`. */
export function documentOriginVisibleSql(reader: Reader): SQL {
  const agency = requestListAgency(reader);
  const request =
    agency === null
      ? sql`EXISTS (SELECT 1 FROM requests r WHERE r.id = d.origin_id)`
      : sql`EXISTS (SELECT 1 FROM requests r WHERE r.id = d.origin_id AND (r.requester_agency_code = ${agency}
          OR EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = r.id AND rr.agency_code = ${agency})))`;
  return sql`(CASE d.origin WHEN 'library' THEN 1
    WHEN 'thread' THEN ${postAttachmentsVisibleSql(reader, sql`d.origin_id`, sql`d.origin_item_id`)}
    WHEN 'request' THEN ${request} ELSE 0 END)`;
}
