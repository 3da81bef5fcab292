import { describe, expect, it } from 'vitest';
import { REQUEST_STATUSES } from '#db/schema/index.ts';
import {
  availableTransitions,
  checkTransition,
  defaultDueDate,
  formatReference,
  isDueSoon,
  isOverdue,
  RULES,
  TRANSITIONS,
  type Side,
} from '#src/server/requests/status.ts';

const SIDES: (Side | null)[] = ['requester', 'recipient', null];

describe('request status machine', () => {
  it('allows exactly the listed transitions, each only to its side, and refuses every other one', () => {
    let allowed = 0;
    let refused = 0;
    for (const from of REQUEST_STATUSES) {
      for (const t of TRANSITIONS) {
        for (const side of SIDES) {
          const result = checkTransition(from, t, side);
          const legal = RULES[t].from.includes(from) && RULES[t].side === side;
          expect(result.ok, `${from} --${t}--> by ${side}`).toBe(legal);
          if (result.ok) {
            allowed++;
            expect(result.to).toBe(RULES[t].to);
          } else {
            refused++;
            expect(result.code).toBe(RULES[t].from.includes(from) ? 'request_wrong_side' : 'request_illegal_transition');
          }
        }
      }
    }
    expect(allowed + refused).toBe(REQUEST_STATUSES.length * TRANSITIONS.length * SIDES.length);
    expect(refused).toBeGreaterThan(allowed);
  });

  it('follows the issue: the receiving side acknowledges and answers, the requesting side closes and reopens', () => {
    expect(checkTransition('sent', 'acknowledge', 'recipient')).toEqual({ ok: true, to: 'acknowledged' });
    expect(checkTransition('acknowledged', 'start', 'recipient')).toEqual({ ok: true, to: 'in_progress' });
    expect(checkTransition('in_progress', 'answer', 'recipient')).toEqual({ ok: true, to: 'answered' });
    expect(checkTransition('answered', 'close', 'requester')).toEqual({ ok: true, to: 'closed' });
    expect(checkTransition('closed', 'reopen', 'requester')).toEqual({ ok: true, to: 'reopened' });
    expect(checkTransition('sent', 'decline', 'recipient')).toEqual({ ok: true, to: 'declined' });
    // The wrong side.
    expect(checkTransition('sent', 'acknowledge', 'requester')).toEqual({ ok: false, code: 'request_wrong_side' });
    expect(checkTransition('answered', 'close', 'recipient')).toEqual({ ok: false, code: 'request_wrong_side' });
    expect(checkTransition('closed', 'reopen', 'recipient')).toEqual({ ok: false, code: 'request_wrong_side' });
    expect(checkTransition('sent', 'acknowledge', null)).toEqual({ ok: false, code: 'request_wrong_side' });
    // Illegal from the status, whoever asks.
    expect(checkTransition('sent', 'answer', 'recipient')).toEqual({ ok: false, code: 'request_illegal_transition' });
    expect(checkTransition('closed', 'close', 'requester')).toEqual({ ok: false, code: 'request_illegal_transition' });
    expect(checkTransition('closed', 'acknowledge', 'recipient')).toEqual({ ok: false, code: 'request_illegal_transition' });
    expect(checkTransition('sent', 'reopen', 'requester')).toEqual({ ok: false, code: 'request_illegal_transition' });
    expect(checkTransition('answered', 'acknowledge', 'recipient')).toEqual({ ok: false, code: 'request_illegal_transition' });
  });

  it('offers each side its buttons', () => {
    expect(availableTransitions('sent', 'recipient')).toEqual(['acknowledge', 'decline']);
    expect(availableTransitions('sent', 'requester')).toEqual(['close']);
    expect(availableTransitions('answered', 'requester')).toEqual(['close', 'reopen']);
    expect(availableTransitions('answered', 'recipient')).toEqual([]);
    expect(availableTransitions('closed', null)).toEqual([]);
  });

  it('computes references, default due dates, overdue and due soon', () => {
    expect(formatReference(2026, 123)).toBe('SOL-2026-000123');
    const now = new Date('2026-03-10T12:00:00Z');
    expect(defaultDueDate('routine', now)).toBe('2026-04-09');
    expect(defaultDueDate('urgent', now)).toBe('2026-03-17');
    expect(defaultDueDate('immediate', now)).toBe('2026-03-11');
    expect(isOverdue('sent', '2026-03-09', now)).toBe(true);
    expect(isOverdue('sent', '2026-03-10', now)).toBe(false);
    expect(isOverdue('answered', '2026-03-01', now)).toBe(false);
    expect(isDueSoon('in_progress', '2026-03-12', now)).toBe(true);
    expect(isDueSoon('in_progress', '2026-03-13', now)).toBe(false);
    expect(isDueSoon('closed', '2026-03-11', now)).toBe(false);
  });
});
