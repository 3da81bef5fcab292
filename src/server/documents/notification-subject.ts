/**
 * Documents in the notification centre: "shared with you" and "new version". Who may still see a
 * document is checked again on every read (visibleSql mirrors canSeeDocument), so a revoked,
 * expired or deleted share takes its notifications with it.
 */
import { sql, type SQL } from 'drizzle-orm';
import { translate, type Lang } from '#src/i18n/index.ts';
import { documentListAccess, type Reader } from '#src/server/access.ts';
import { rawClient } from '#src/server/db.ts';
import type { NotificationSubject, NotificationView } from '#src/server/notifications/types.ts';
import { allRows, col } from '#src/server/sql.ts';
import { documentOriginVisibleSql } from './origin.ts';

export const documentNotifications: NotificationSubject = {
  visibleSql(reader: Reader, subjectId: SQL): SQL {
    // Correlated (one primary-key look-up per notification), not `IN (every visible document)`:
    // that list was built on each count of the header badge. The database's clock, not a
    // parameter: the badge's SQL is built once per reader (notifications/center.ts).
    const access = documentListAccess(reader);
    if (access.all) return sql`EXISTS (SELECT 1 FROM documents d WHERE d.id = ${subjectId} AND d.deleted_at IS NULL)`;
    const tokens = sql.join(
      access.tokens.map((t) => sql`${t}`),
      sql`, `,
    );
    return sql`EXISTS (SELECT 1 FROM documents d WHERE d.id = ${subjectId} AND d.deleted_at IS NULL AND (d.owner_id = ${access.ownerId} OR (d.revoked_at IS NULL
      AND (d.share_expires_at IS NULL OR d.share_expires_at > CAST(unixepoch('subsec') * 1000 AS INTEGER))
      AND d.scope_set_id IN (SELECT scope_set_id FROM scope_set_tokens WHERE token IN (${tokens}))))
      AND ${documentOriginVisibleSql(reader)})`;
  },

  async render(items, lang: Lang) {
    const ids = [...new Set(items.map((n) => n.subjectId))];
    const rows = ids.length
      ? await allRows(
          rawClient(),
          { id: col.int, title_es: col.textOrNull, title_en: col.textOrNull, file_name: col.text, handling_code: col.text },
          `SELECT d.id, d.title_es, d.title_en, v.file_name, d.handling_code FROM documents d
           JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version WHERE d.id IN (SELECT value FROM json_each(?))`,
          [JSON.stringify(ids)],
        )
      : [];
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const out = new Map<number, NotificationView>();
    for (const n of items) {
      const d = byId.get(n.subjectId);
      if (!d) continue;
      const title = (lang === 'es' ? (d.title_es ?? d.title_en) : (d.title_en ?? d.title_es)) ?? d.file_name;
      const key = n.kind === 'document_version' ? 'notify.document_version' : 'notify.document_shared';
      out.set(n.id, {
        text: translate(lang, key, { title, agency: n.params.agency ?? '', n: n.params.version ?? '' }),
        href: `/${lang}/documents/${d.id}`,
        mailLines: [translate(lang, 'mail.handling', { code: translate(lang, `requests.handling.${d.handling_code as 'H0'}`) })],
        mailFooter: translate(lang, 'mail.footer'),
      });
    }
    return out;
  },
};
