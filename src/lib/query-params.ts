/**
 * Reading list filters from a query string: a value the page does not offer is dropped, never
 * passed on (so a hand-edited URL filters nothing in and breaks nothing).
 */

/** The value when it is one of `choices`. */
export function oneOf<T extends string>(choices: readonly T[], value: string | null | undefined): T | undefined {
  return value != null && (choices as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The values (of a repeated parameter) that are among `choices`. */
export function allOf<T extends string>(choices: readonly T[], values: readonly string[]): T[] {
  return values.filter((v): v is T => (choices as readonly string[]).includes(v));
}

/** `?page=` as a page number from 1 to 10,000 (anything else: 1). */
export function pageParam(params: URLSearchParams): number {
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return Number.isFinite(page) ? Math.max(1, Math.min(10_000, page)) : 1;
}
