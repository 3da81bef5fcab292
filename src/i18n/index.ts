/**
 * UI strings: one typed dictionary per language, composed from one file per domain under
 * messages/. Each file's English half is typed by its Spanish keys, so a key missing (or extra)
 * in either language fails the type check.
 *
 * A message is plain text with `{name}` placeholders, or, when it counts something, an ICU
 * message whose plural form the language's own rules choose (Intl.PluralRules through
 * intl-messageformat): `'{count, plural, one {# aseguramiento} other {# aseguramientos}}'`.
 * Give such a message the number itself; `#` prints it in the locale's format.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import * as common from './messages/common.ts';
import * as errors from './messages/errors.ts';
import * as auth from './messages/auth.ts';
import * as admin from './messages/admin.ts';
import * as content from './messages/content.ts';
import * as requests from './messages/requests.ts';
import * as seizures from './messages/seizures.ts';
import * as mfa from './messages/mfa.ts';
import * as notifications from './messages/notifications.ts';
import * as documents from './messages/documents.ts';
import * as search from './messages/search.ts';
import * as ui from './messages/ui.ts';
import * as threads from './messages/threads.ts';
import { INTL_LOCALE, type Lang } from './locale.ts';

const es = {
  ...common.es,
  ...errors.es,
  ...auth.es,
  ...admin.es,
  ...content.es,
  ...requests.es,
  ...seizures.es,
  ...notifications.es,
  ...documents.es,
  ...mfa.es,
  ...search.es,
  ...ui.es,
  ...threads.es,
};
export type MessageKey = keyof typeof es;
const en: Record<MessageKey, string> = {
  ...common.en,
  ...errors.en,
  ...auth.en,
  ...admin.en,
  ...content.en,
  ...requests.en,
  ...seizures.en,
  ...notifications.en,
  ...documents.en,
  ...mfa.en,
  ...search.en,
  ...ui.en,
  ...threads.en,
};

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { es, en };

export type Params = Record<string, string | number>;

/** The text after the last `{` (so that `{a} de {b, plural` names `b`). */
type AfterLastBrace<S extends string> = S extends `${string}{${infer Rest}` ? AfterLastBrace<Rest> : S;
/** Names of the plural arguments of an ICU message: `'{n, plural, …} {m, plural, …}'` -> `'n' | 'm'`. */
type PluralArgs<S extends string> = S extends `${infer Head}, plural,${infer Tail}` ? AfterLastBrace<Head> | PluralArgs<Tail> : never;
/**
 * The parameters a message needs: its plural arguments as numbers (the count itself, not a
 * formatted string). A key only known at run time (any MessageKey) takes any parameters.
 */
export type ParamsOf<K extends MessageKey> = [MessageKey] extends [K]
  ? [params?: Params]
  : [PluralArgs<(typeof es)[K]>] extends [never]
    ? [params?: Params]
    : [params: Params & { [A in PluralArgs<(typeof es)[K]>]: number }];

/** The one `{name}` filler: each placeholder with a value in `params` is replaced, others stay. */
export function fill(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const ICU = /\{\s*\w+\s*,\s*(plural|selectordinal|select)\s*,/;
const compiled = new Map<string, IntlMessageFormat>();

/** True for messages with plural (or select) forms: they need their count as a number. */
export function isPluralMessage(text: string): boolean {
  return ICU.test(text);
}

export function translate<K extends MessageKey>(lang: Lang, key: K, ...[params]: ParamsOf<K>): string {
  const text = dictionaries[lang][key];
  if (!isPluralMessage(text)) return fill(text, params);
  const id = `${lang}:${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(text, INTL_LOCALE[lang]);
    compiled.set(id, format);
  }
  return String(format.format(params));
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(es, value);
}

/** A translated label when the dictionary has `prefix + value`, else the value itself (codes from data). */
export function labelOr(lang: Lang, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return isMessageKey(key) ? translate(lang, key) : value;
}

/** "ATF, FGR y SEDENA" / "ATF, FGR and SEDENA" */
export function formatList(items: string[], lang: Lang, type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  return new Intl.ListFormat(INTL_LOCALE[lang], { style: 'long', type }).format(items);
}

/** A country's name in the page's language from its ISO 3166 code ("RS" -> "Serbia"); the code when unknown. */
export function countryName(code: string | null | undefined, lang: Lang): string {
  if (!code) return '';
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([INTL_LOCALE[lang]], { type: 'region', fallback: 'code' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A translator bound to one language, for pages and components. */
export function useTranslations(lang: Lang) {
  return <K extends MessageKey>(key: K, ...params: ParamsOf<K>): string => translate(lang, key, ...params);
}
export type Translate = ReturnType<typeof useTranslations>;

export * from './locale.ts';
