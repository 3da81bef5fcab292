/**
 * The SQL WHERE clause of the document library (alias d = documents): the reader's access
 * (src/server/access.ts documentListAccess, and for attachments their thread post or request:
 * documents/origin.ts), the tab, the filters and the text. Lists, counts
 * and the FTS5 engine all start from it, so access is part of every one of those queries.
 */
import { documentListAccess, type Reader } from '#src/server/access.ts';
import { documentOriginVisibleSql } from '#src/server/documents/origin.ts';
import { rawSql, type SqlValue } from '#src/server/sql.ts';
import type { NormalizedLibraryQuery } from './documents-types.ts';

export interface DocumentWhere {
  from: string;
  clause: string;
  params: SqlValue[];
  match: string | null;
}

/**
 * User text -> FTS5 query: every word quoted (no operator injection) and ANDed; words of three
 * characters or more also match as a prefix ("balist" finds "balístico").
 */
export function documentMatchExpression(text: string): string | null {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      const phrase = m[1].replace(/[^\p{L}\p{N}\s]/gu, ' ').trim();
      if (phrase) terms.push(`"${phrase}"`);
      continue;
    }
    const word = (m[2] ?? '').replace(/[^\p{L}\p{N}]/gu, '');
    if (!word) continue;
    terms.push([...word].length >= 3 ? `"${word}"*` : `"${word}"`);
  }
  return terms.length ? terms.join(' AND ') : null;
}

/** The document's own scope over `documents d`: the reader's own documents and live shares holding one of the reader's tokens. */
export function documentScopeWhere(reader: Reader, now: Date): { clause: string; params: SqlValue[] } {
  const access = documentListAccess(reader);
  if (access.all) return { clause: '1', params: [] };
  return {
    clause: `(d.owner_id = ? OR (d.revoked_at IS NULL AND (d.share_expires_at IS NULL OR d.share_expires_at > ?)
        AND d.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (${access.tokens.map(() => '?').join(', ')}))))`,
    params: [access.ownerId, now.getTime(), ...access.tokens],
  };
}

/**
 * The reader's access over `documents d` (admins: everything): the document's scope, and for
 * attachments their thread post or request (documents/origin.ts), so a hidden post's file is not
 * listed, counted or found.
 */
export function documentAccessWhere(reader: Reader, now: Date): { clause: string; params: SqlValue[] } {
  if (documentListAccess(reader).all) return { clause: '1', params: [] };
  const scope = documentScopeWhere(reader, now);
  const origin = rawSql(documentOriginVisibleSql(reader));
  return { clause: `${scope.clause} AND ${origin.sql}`, params: [...scope.params, ...origin.params] };
}

export function buildDocumentWhere(q: NormalizedLibraryQuery, reader: Reader): DocumentWhere {
  const access = documentAccessWhere(reader, q.now);
  const parts: string[] = ['d.deleted_at IS NULL', access.clause];
  const params: SqlValue[] = [...access.params];
  if (q.tab === 'mine') {
    parts.push('d.owner_id = ?');
    params.push(reader.id);
  } else if (q.tab === 'agency') {
    parts.push('d.owner_agency_code = ?');
    params.push(reader.agencyCode);
  } else {
    parts.push('d.owner_id <> ?');
    params.push(reader.id);
  }
  const inList = (column: string, values: readonly string[]) => {
    if (!values.length) return;
    parts.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('d.type', q.type);
  inList('d.owner_agency_code', q.agency);
  inList('d.language', q.language);
  if (q.tag) {
    parts.push('EXISTS (SELECT 1 FROM document_tags t WHERE t.document_id = d.id AND t.tag = ?)');
    params.push(q.tag);
  }
  if (q.linked) {
    parts.push('EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id AND l.kind = ? AND l.target = ?)');
    params.push(q.linked.kind, q.linked.target);
  }
  if (q.dateFrom) {
    parts.push('d.updated_at >= ?');
    params.push(Date.parse(`${q.dateFrom}T00:00:00Z`));
  }
  if (q.dateTo) {
    parts.push('d.updated_at < ?');
    params.push(Date.parse(`${q.dateTo}T00:00:00Z`) + 86_400_000);
  }
  const match = q.text ? documentMatchExpression(q.text) : null;
  if (q.text && !match) parts.push('0');
  if (match) {
    parts.unshift('document_fts MATCH ?');
    params.unshift(match);
  }
  const from = match ? 'document_fts JOIN documents d ON d.id = document_fts.rowid' : 'documents d';
  return { from, clause: parts.join(' AND '), params, match };
}
