/**
 * Cooperation metrics per agency and per counterpart: requests sent and received, median time
 * to acknowledge and to answer, share answered by the due date, overdue now, by type and month.
 * Members see their own agency; admins any agency or the whole portal. The agency is part of
 * the SQL WHERE, so only requests the reader may see are ever read.
 */
import { CHART_COLORS } from '#src/server/charts.ts';
import { sql } from 'drizzle-orm';
import { requests, REQUEST_TYPES, type RequestStatus, type RequestType } from '#db/schema/index.ts';
import { INTL_LOCALE, dateTimeFormat, translate, type Lang } from '#src/i18n/index.ts';
import { numberFormat } from '#src/i18n/locale.ts';
import { audit, type Actor } from '#src/server/audit.ts';
import { requestListAgency, seesEverything, type Reader } from '#src/server/access.ts';
import { db } from '#src/server/db.ts';
import { toCsv } from '#src/server/seizures/import.ts';
import { horizontalBars, verticalBars } from '#src/server/svg-chart.ts';
import { isoDay, isOverdue } from './status.ts';

export interface Stats {
  count: number;
  /** Hours from sending to the first acknowledgement (acknowledged requests only). */
  medianAckHours: number | null;
  medianAnswerHours: number | null;
  /** Answered by the due date, among requests answered or already past their due date. */
  onTimeShare: number | null;
  overdue: number;
}

export interface Metrics {
  /** The agency the figures are about; null: the whole portal (admins). */
  agency: string | null;
  sent: Stats;
  received: Stats;
  byCounterpart: { agency: string; sent: Stats; received: Stats }[];
  byType: { type: RequestType; sent: number; received: number }[];
  byMonth: { month: string; sent: number; received: number }[];
}

interface Row {
  id: number;
  requester: string;
  recipients: string[];
  type: RequestType;
  status: RequestStatus;
  dueDate: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  answeredAt: Date | null;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function stats(rows: Row[], now: Date): Stats {
  const hours = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;
  const today = isoDay(now);
  const judged = rows.filter((r) => r.answeredAt || r.dueDate < today);
  const onTime = judged.filter((r) => r.answeredAt && isoDay(r.answeredAt) <= r.dueDate);
  return {
    count: rows.length,
    medianAckHours: median(rows.filter((r) => r.acknowledgedAt).map((r) => hours(r.createdAt, r.acknowledgedAt!))),
    medianAnswerHours: median(rows.filter((r) => r.answeredAt).map((r) => hours(r.createdAt, r.answeredAt!))),
    onTimeShare: judged.length ? onTime.length / judged.length : null,
    overdue: rows.filter((r) => isOverdue(r.status, r.dueDate, now)).length,
  };
}

/** Which agency's metrics the reader may see: members their own, admins the one asked (or all). */
export function metricsAgency(reader: Reader, asked: string | null | undefined): string | null {
  if (!seesEverything(reader)) return reader.agencyCode;
  return asked ? asked : null;
}

export async function requestMetrics(reader: Reader, asked?: string | null, now: Date = new Date()): Promise<Metrics> {
  const agency = metricsAgency(reader, asked);
  const visibleTo = requestListAgency(reader);
  const party = (code: string) =>
    sql`(${requests.requesterAgencyCode} = ${code} OR EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = ${requests.id} AND rr.agency_code = ${code}))`;
  const conditions = [visibleTo ? party(visibleTo) : undefined, agency ? party(agency) : undefined].filter((c) => c !== undefined);
  const raw = await db()
    .select({
      id: requests.id,
      requester: requests.requesterAgencyCode,
      type: requests.type,
      status: requests.status,
      dueDate: requests.dueDate,
      createdAt: requests.createdAt,
      acknowledgedAt: requests.acknowledgedAt,
      answeredAt: requests.answeredAt,
      recipients: sql<string>`(SELECT group_concat(agency_code, ' ') FROM request_recipients WHERE request_id = ${requests.id})`,
    })
    .from(requests)
    .where(conditions.length ? sql.join(conditions, sql` AND `) : undefined);
  const rows: Row[] = raw.map((r) => ({ ...r, recipients: (r.recipients ?? '').split(' ').filter(Boolean) }));
  const sentBy = (code: string | null) => (code ? rows.filter((r) => r.requester === code) : rows);
  const receivedBy = (code: string | null) => (code ? rows.filter((r) => r.recipients.includes(code)) : rows);
  const sent = sentBy(agency);
  const received = receivedBy(agency);

  const others = new Set<string>();
  if (agency) {
    for (const r of sent) for (const c of r.recipients) others.add(c);
    for (const r of received) others.add(r.requester);
    others.delete(agency);
  } else {
    for (const r of rows) {
      others.add(r.requester);
      for (const c of r.recipients) others.add(c);
    }
  }
  const byCounterpart = [...others].sort().map((code) =>
    agency
      ? {
          agency: code,
          sent: stats(
            sent.filter((r) => r.recipients.includes(code)),
            now,
          ),
          received: stats(
            received.filter((r) => r.requester === code),
            now,
          ),
        }
      : { agency: code, sent: stats(sentBy(code), now), received: stats(receivedBy(code), now) },
  );
  const byType = REQUEST_TYPES.map((type) => ({
    type,
    sent: sent.filter((r) => r.type === type).length,
    received: received.filter((r) => r.type === type).length,
  }));
  const months = new Map<string, { sent: number; received: number }>();
  const month = (d: Date) => d.toISOString().slice(0, 7);
  for (const r of sent)
    months.set(month(r.createdAt), {
      sent: (months.get(month(r.createdAt))?.sent ?? 0) + 1,
      received: months.get(month(r.createdAt))?.received ?? 0,
    });
  for (const r of received)
    months.set(month(r.createdAt), {
      sent: months.get(month(r.createdAt))?.sent ?? 0,
      received: (months.get(month(r.createdAt))?.received ?? 0) + 1,
    });
  const byMonth = [...months].sort(([a], [b]) => a.localeCompare(b)).map(([m, v]) => ({ month: m, ...v }));
  return { agency, sent: stats(sent, now), received: stats(received, now), byCounterpart, byType, byMonth };
}

// ---------------------------------------------------------------------------------------------
// Charts: server-side SVG, no inline styles (the CSP has no 'unsafe-inline'); styled by CSS.

const COLORS = CHART_COLORS.slice(0, 2);

export function monthChart(m: Metrics, lang: Lang): string {
  // Month names in the reader's language; sent below received in each month's bar.
  const label = (month: string) =>
    dateTimeFormat(INTL_LOCALE[lang], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
  const number = numberFormat(INTL_LOCALE[lang]);
  return verticalBars(
    { width: 720, height: 280, marginLeft: 40, marginRight: 10, marginBottom: 40, label: translate(lang, 'metrics.chart.month') },
    m.byMonth.slice(-12).map((r) => ({ label: label(r.month), values: [r.sent, r.received] })),
    COLORS,
    (n) => number.format(n),
    { integers: true },
  );
}

export function typeChart(m: Metrics, lang: Lang): string {
  const number = numberFormat(INTL_LOCALE[lang]);
  return horizontalBars(
    { width: 720, height: 260, marginLeft: 230, marginRight: 20, label: translate(lang, 'metrics.chart.type') },
    m.byType.map((r) => ({ label: translate(lang, `requests.type.${r.type}`), values: [r.sent, r.received] })),
    COLORS,
    (n) => number.format(n),
    { integers: true },
  );
}

// ---------------------------------------------------------------------------------------------
// CSV

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function metricsCsv(m: Metrics, lang: Lang): string {
  const t = (k: Parameters<typeof translate>[1]) => translate(lang, k);
  // Section, direction, key (agency, type or month), count, median hours, on-time %, overdue.
  const rows: (string | number | null)[][] = [
    [
      t('metrics.csv.section'),
      t('metrics.direction'),
      t('metrics.csv.key'),
      t('metrics.count'),
      `${t('metrics.medianAck')} (h)`,
      `${t('metrics.medianAnswer')} (h)`,
      `${t('metrics.onTime')} (%)`,
      t('metrics.overdueNow'),
    ],
  ];
  const line = (section: string, dir: string, key: string, s: Stats) => [
    section,
    dir,
    key,
    s.count,
    round1(s.medianAckHours),
    round1(s.medianAnswerHours),
    pct(s.onTimeShare),
    s.overdue,
  ];
  const all = m.agency ?? t('metrics.allAgencies');
  rows.push(line(t('metrics.agency'), t('metrics.sent'), all, m.sent));
  rows.push(line(t('metrics.agency'), t('metrics.received'), all, m.received));
  for (const c of m.byCounterpart) {
    rows.push(line(t('metrics.byCounterpart'), t('metrics.sent'), c.agency, c.sent));
    rows.push(line(t('metrics.byCounterpart'), t('metrics.received'), c.agency, c.received));
  }
  for (const r of m.byType) {
    rows.push([t('metrics.byType'), t('metrics.sent'), t(`requests.type.${r.type}`), r.sent, null, null, null, null]);
    rows.push([t('metrics.byType'), t('metrics.received'), t(`requests.type.${r.type}`), r.received, null, null, null, null]);
  }
  for (const r of m.byMonth) {
    rows.push([t('metrics.byMonth'), t('metrics.sent'), r.month, r.sent, null, null, null, null]);
    rows.push([t('metrics.byMonth'), t('metrics.received'), r.month, r.received, null, null, null, null]);
  }
  return toCsv(rows);
}

/** The metrics as CSV, audited as an export. */
export async function exportMetricsCsv(reader: Reader, actor: Actor, asked: string | null | undefined, lang: Lang): Promise<string> {
  const m = await requestMetrics(reader, asked);
  await audit(actor, { action: 'requests.export', target: 'metrics', detail: { agency: m.agency, lang } });
  return metricsCsv(m, lang);
}
