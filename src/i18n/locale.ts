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

export function formatDate(date: Date | string | number, lang: Lang, style: 'date' | 'datetime' = 'date'): string {
  const d = date instanceof Date ? date : new Date(date);
  return new Intl.DateTimeFormat(
    INTL_LOCALE[lang],
    style === 'date'
      ? { dateStyle: 'long', timeZone: 'UTC' }
      : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' },
  ).format(d);
}

export function formatNumber(value: number, lang: Lang, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(INTL_LOCALE[lang], options).format(value);
}
