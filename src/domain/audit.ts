export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
