/**
 * Who is told about a document, written in the caller's transaction: on a new library document
 * shared with named members or chosen agencies, those people ("shared with you"; portal-wide and
 * country-wide shares would be noise); on a new version, the owner and everyone who downloaded an
 * earlier one (they hold an old copy). Each recipient is checked with canSeeDocument.
 */
import { canSeeDocument, type DocumentFacts } from '#src/server/access.ts';
import type { Database } from '#src/server/db.ts';
import { notify } from '#src/server/notifications/notify.ts';
import { recipientsByIds } from '#src/server/notifications/readers.ts';
import { allRows, col, type RawExec } from '#src/server/sql.ts';

async function visibleAmong(tx: Database, ids: readonly string[], facts: DocumentFacts, now: Date): Promise<string[]> {
  const people = await recipientsByIds(ids, tx);
  return [...people.values()].filter((p) => canSeeDocument(p, facts, now)).map((p) => p.id);
}

/** "Shared with you" for the people a new document names (members or agencies). */
export async function notifyShared(
  raw: RawExec,
  tx: Database,
  documentId: number,
  facts: DocumentFacts,
  actor: { id: string; agencyCode: string },
  now: Date,
): Promise<() => void> {
  const userTokens = facts.scope.filter((t) => t.startsWith('user:')).map((t) => t.slice(5));
  const agencyCodes = facts.scope.filter((t) => t.startsWith('agency:')).map((t) => t.slice(7));
  let candidates = userTokens;
  if (agencyCodes.length) {
    const rows = await allRows(
      raw,
      { id: col.text },
      'SELECT u.id FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.disabled = 0 AND a.code IN (SELECT value FROM json_each(?))',
      [JSON.stringify(agencyCodes)],
    );
    candidates = [...candidates, ...rows.map((r) => r.id)];
  }
  if (!candidates.length) return () => {};
  const recipients = await visibleAmong(tx, candidates, facts, now);
  return notify(tx, {
    subjectKind: 'document',
    subjectId: documentId,
    kind: 'document_shared',
    recipients,
    actorId: actor.id,
    params: { agency: actor.agencyCode },
    now,
  });
}

/** "New version" for the owner and earlier downloaders who may still see the document. */
export async function notifyNewVersion(
  raw: RawExec,
  tx: Database,
  documentId: number,
  facts: DocumentFacts,
  version: number,
  actor: { id: string; agencyCode: string },
  now: Date,
): Promise<() => void> {
  const downloaders = await allRows(raw, { user_id: col.text }, 'SELECT DISTINCT user_id FROM document_downloads WHERE document_id = ?', [
    documentId,
  ]);
  const recipients = await visibleAmong(tx, [facts.ownerId, ...downloaders.map((d) => d.user_id)], facts, now);
  return notify(tx, {
    subjectKind: 'document',
    subjectId: documentId,
    kind: 'document_version',
    recipients,
    actorId: actor.id,
    params: { agency: actor.agencyCode, version: String(version) },
    now,
  });
}
