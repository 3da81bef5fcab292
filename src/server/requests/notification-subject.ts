/**
 * How information requests appear in the notification centre: who may still see a request
 * (requesting agency, addressed agencies, admins) and how each notification reads.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { requests, type NotificationKind, type RequestStatus } from '#db/schema/index.ts';
import { formatDate, isMessageKey, translate, type Lang } from '#src/i18n/index.ts';
import { localSubject } from './subject.ts';
import { requestListAgency, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import type { NotificationSubject, NotificationView } from '#src/server/notifications/types.ts';

export interface NotificationText {
  kind: NotificationKind;
  reference: string;
  subject: string;
  params: Record<string, string>;
}

/** The one-line text of a request notification in a language (the centre and the e-mail subject use it). */
export function notificationText(n: NotificationText, lang: Lang): string {
  const status = n.params.status ? translate(lang, `requests.status.${n.params.status as RequestStatus}`) : '';
  const due = n.params.due ? formatDate(`${n.params.due}T00:00:00Z`, lang) : '';
  const key = `notify.${n.kind}`;
  const subject = localSubject(n.subject, lang);
  if (!isMessageKey(key)) return `${n.reference}: ${subject}`;
  return translate(lang, key, { reference: n.reference, subject, agency: n.params.agency ?? '', status, due });
}

export const requestNotifications: NotificationSubject = {
  visibleSql(reader: Reader, subjectId: SQL): SQL {
    // Correlated (one primary-key look-up per notification), not `IN (the agency's requests)`: that
    // list was built over every request the reader may see on each count of the header badge.
    const agency = requestListAgency(reader);
    if (!agency) return sql`EXISTS (SELECT 1 FROM requests r WHERE r.id = ${subjectId})`;
    return sql`EXISTS (SELECT 1 FROM requests r WHERE r.id = ${subjectId} AND (r.requester_agency_code = ${agency}
      OR EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = r.id AND rr.agency_code = ${agency})))`;
  },

  async render(items, lang) {
    const ids = [...new Set(items.map((n) => n.subjectId))];
    const rows = ids.length
      ? await db()
          .select({ id: requests.id, reference: requests.reference, subject: requests.subject, handlingCode: requests.handlingCode })
          .from(requests)
          .where(inArray(requests.id, ids))
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out = new Map<number, NotificationView>();
    for (const n of items) {
      const req = byId.get(n.subjectId);
      if (!req) continue;
      out.set(n.id, {
        text: notificationText({ kind: n.kind, reference: req.reference, subject: req.subject, params: n.params }, lang),
        href: `/${lang}/requests/${req.id}`,
        mailLines: [translate(lang, 'mail.handling', { code: translate(lang, `requests.handling.${req.handlingCode}`) })],
        mailFooter: translate(lang, 'mail.footer'),
      });
    }
    return out;
  },
};
