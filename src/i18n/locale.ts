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

const DATE_STYLE: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeZone: 'UTC' };
const DATETIME_STYLE: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
};

export function formatDate(date: Date | string | number, lang: Lang, style: 'date' | 'datetime' = 'date'): string {
  const d = date instanceof Date ? date : new Date(date);
  return dateTimeFormat(INTL_LOCALE[lang], style === 'date' ? DATE_STYLE : DATETIME_STYLE).format(d);
}

export function formatNumber(value: number, lang: Lang, options?: Intl.NumberFormatOptions): string {
  return numberFormat(INTL_LOCALE[lang], options).format(value);
}
