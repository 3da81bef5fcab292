import type { Lang } from '#src/domain/auth.ts';

export type { Lang };
export const LANGS: readonly Lang[] = ['es', 'en'];
export const DEFAULT_LANG: Lang = 'es';
export const LANG_COOKIE = 'ac_lang';
/** Intl locales for dates and numbers. */
export const INTL_LOCALE: Record<Lang, string> = { es: 'es-MX', en: 'en-US' };

export function isLang(value: unknown): value is Lang {
  return value === 'es' || value === 'en';
}

export function otherLang(lang: Lang): Lang {
  return lang === 'es' ? 'en' : 'es';
}

/** Picks es or en from an Accept-Language header by quality; null when neither is named. */
export function langFromAcceptLanguage(header: string | null): Lang | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranked) if (isLang(r.base)) return r.base;
  return null;
}

/** Swaps the locale prefix of a path: /es/account -> /en/account. */
export function pathInLang(pathWithQuery: string, lang: Lang): string {
  return pathWithQuery.replace(/^\/(es|en)(?=\/|$|\?)/, `/${lang}`);
}

// Building an Intl formatter costs far more than using one (it loads ICU data; measured: 10 % of
// the server's CPU under the page mix went to `new Intl.*Format` per call). The options passed
// are code literals, so the set of formatters is small; the cap guards against a caller that
// builds options from input.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.Collator>();
function cachedFormatter<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.Collator>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    if (formatters.size >= 500) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** A shared Intl.NumberFormat for a locale and options. */
export function numberFormat(locale: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cachedFormatter(`n\u0000${locale}\u0000${options ? JSON.stringify(options) : ''}`, () => new Intl.NumberFormat(locale, options));
}

/** A shared Intl.DateTimeFormat for a locale and options. */
export function dateTimeFormat(locale: string, options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cachedFormatter(`d\u0000${locale}\u0000${options ? JSON.stringify(options) : ''}`, () => new Intl.DateTimeFormat(locale, options));
}

/** A shared Intl.Collator (sorting names the way the language does). */
export function collator(locale: string): Intl.Collator {
  return cachedFormatter(`c\u0000${locale}`, () => new Intl.Collator(locale));
}

/** Options of each style in a time zone. */
function styleOptions(style: 'date' | 'short' | 'datetime' | 'moment', timeZone: string): Intl.DateTimeFormatOptions {
  if (style === 'date') return { dateStyle: 'long', timeZone };
  if (style === 'short') return { dateStyle: 'medium', timeZone };
  return style === 'moment'
    ? { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone }
    : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' };
}

/**
 * A calendar day ('date', 'short': stored as UTC midnight, so shown in UTC, the default zone) or a
 * moment in the reader's time zone: 'datetime' names the zone ("5 feb 2026, 09:30 GMT-6"), and the
 * day of a moment ('date' or 'short' with the zone) is the reader's day, not UTC's. 'short' is a
 * compact date for table cells. The formatters are shared (one per locale, style and zone).
 * eslint.config.js refuses a moment (…At, 'datetime', 'moment') formatted without a zone.
 */
export function formatDate(
  date: Date | string | number,
  lang: Lang,
  style: 'date' | 'short' | 'datetime' | 'moment' = 'date',
  timeZone = 'UTC',
): string {
  const d = date instanceof Date ? date : new Date(date);
  return dateTimeFormat(INTL_LOCALE[lang], styleOptions(style, timeZone)).format(d);
}

/** The short name of a time zone as readers know it ("UTC", "GMT-6", "CST"), for a column heading. */
export function timeZoneLabel(timeZone: string, lang: Lang, at = new Date()): string {
  const part = dateTimeFormat(INTL_LOCALE[lang], { timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

export function formatNumber(value: number, lang: Lang, options?: Intl.NumberFormatOptions): string {
  return numberFormat(INTL_LOCALE[lang], options).format(value);
}

const validDay = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};
const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * A date typed in a form, as YYYY-MM-DD, or null: the page language's own order (dd/mm/aaaa on
 * Spanish pages, mm/dd/yyyy on English ones, with /, - or . between) or ISO in either language.
 */
export function parseLocalDate(value: string | null | undefined, lang: Lang): string | null {
  const text = (value ?? '').trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return validDay(+m[1]!, +m[2]!, +m[3]!) ? iso(+m[1]!, +m[2]!, +m[3]!) : null;
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (!m) return null;
  const [day, month] = lang === 'es' ? [+m[1]!, +m[2]!] : [+m[2]!, +m[1]!];
  return validDay(+m[3]!, month, day) ? iso(+m[3]!, month, day) : null;
}

/** YYYY-MM-DD as the page language writes it in a form: 05/02/2026 (es), 02/05/2026 (en). */
export function formatInputDate(isoDate: string | null | undefined, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate ?? '');
  // Not a day (2024-02-30): shown as typed, beside its error.
  if (!m || !validDay(+m[1]!, +m[2]!, +m[3]!)) return isoDate ?? '';
  return lang === 'es' ? `${m[3]}/${m[2]}/${m[1]}` : `${m[2]}/${m[3]}/${m[1]}`;
}
