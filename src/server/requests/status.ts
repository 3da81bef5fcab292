/**
 * The status machine of an information request. Each transition names the side allowed to make
 * it: the addressed (receiving) agency acknowledges, works on, answers or declines; the
 * requesting agency closes or reopens.
 */
import type { RequestPriority, RequestStatus } from '#db/schema/index.ts';

export type Side = 'requester' | 'recipient';

export const TRANSITIONS = ['acknowledge', 'start', 'answer', 'decline', 'close', 'reopen'] as const;
export type Transition = (typeof TRANSITIONS)[number];

interface Rule {
  from: readonly RequestStatus[];
  to: RequestStatus;
  side: Side;
}

export const RULES: Record<Transition, Rule> = {
  acknowledge: { from: ['sent', 'reopened'], to: 'acknowledged', side: 'recipient' },
  start: { from: ['acknowledged', 'reopened'], to: 'in_progress', side: 'recipient' },
  answer: { from: ['acknowledged', 'in_progress', 'reopened'], to: 'answered', side: 'recipient' },
  decline: { from: ['sent', 'acknowledged', 'in_progress', 'reopened'], to: 'declined', side: 'recipient' },
  close: { from: ['sent', 'acknowledged', 'in_progress', 'answered', 'declined', 'reopened'], to: 'closed', side: 'requester' },
  reopen: { from: ['answered', 'declined', 'closed'], to: 'reopened', side: 'requester' },
};

/** Statuses in which the receiving side still owes an answer (due dates and overdue apply). */
export const OPEN_STATUSES: readonly RequestStatus[] = ['sent', 'acknowledged', 'in_progress', 'reopened'];

export type TransitionCheck = { ok: true; to: RequestStatus } | { ok: false; code: 'request_wrong_side' | 'request_illegal_transition' };

export function checkTransition(from: RequestStatus, transition: Transition, side: Side | null): TransitionCheck {
  const rule = RULES[transition];
  if (!rule.from.includes(from)) return { ok: false, code: 'request_illegal_transition' };
  if (side !== rule.side) return { ok: false, code: 'request_wrong_side' };
  return { ok: true, to: rule.to };
}

/** The transitions a side may make now (the buttons a page shows). */
export function availableTransitions(from: RequestStatus, side: Side | null): Transition[] {
  return TRANSITIONS.filter((t) => checkTransition(from, t, side).ok);
}

export function isOpen(status: RequestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Default time to answer, in days, per priority. */
export const DUE_DAYS: Record<RequestPriority, number> = { routine: 30, urgent: 7, immediate: 1 };
/** A request is "due soon" this many days before its due date. */
export const DUE_SOON_DAYS = 2;

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function defaultDueDate(priority: RequestPriority, now: Date = new Date()): string {
  return isoDay(new Date(now.getTime() + DUE_DAYS[priority] * 86_400_000));
}

/** Overdue: still open and the due day (UTC) has passed. */
export function isOverdue(status: RequestStatus, dueDate: string, now: Date = new Date()): boolean {
  return isOpen(status) && dueDate < isoDay(now);
}

export function isDueSoon(status: RequestStatus, dueDate: string, now: Date = new Date()): boolean {
  return isOpen(status) && !isOverdue(status, dueDate, now) && dueDate <= isoDay(new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000));
}

export function formatReference(year: number, seq: number): string {
  return `SOL-${year}-${String(seq).padStart(6, '0')}`;
}
