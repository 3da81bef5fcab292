export const REQUEST_TYPES = ['firearm_trace', 'records_check', 'case_assistance', 'evidence_request', 'other'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const REQUEST_PRIORITIES = ['routine', 'urgent', 'immediate'] as const;
export type RequestPriority = (typeof REQUEST_PRIORITIES)[number];
/** H0: use only against crime; H1: not in court without permission; H2: not to be passed on; H3: other, stated. */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];
export const REQUEST_STATUSES = ['sent', 'acknowledged', 'in_progress', 'answered', 'closed', 'declined', 'reopened'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
