/**
 * The shapes of values that arrive as text (query strings, form fields, scope tokens) and that
 * every room checks the same way.
 */

/** A calendar day as forms, query strings and the database carry it: `YYYY-MM-DD`. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An agency's code as the agency list stores it (upper case): `ATF`, `ICE-HSI`, `MP-GT`. */
export const AGENCY_CODE = /^[A-Z0-9-]{2,20}$/;

/** `YYYY-MM-DD` naming a day that exists (`2025-02-30` does not). */
export function isIsoDate(value: string | null | undefined): value is string {
  if (!value || !ISO_DATE.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
}

/** The value when it is a real `YYYY-MM-DD` day, else undefined (for optional filters). */
export function isoDateOrUndefined(value: string | null | undefined): string | undefined {
  return isIsoDate(value) ? value : undefined;
}

export function isAgencyCode(value: string | null | undefined): value is string {
  return typeof value === 'string' && AGENCY_CODE.test(value);
}
