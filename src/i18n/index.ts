/**
 * UI strings: one typed dictionary per language, composed from one file per domain under
 * messages/. Each file's English half is typed by its Spanish keys, so a key missing (or extra)
 * in either language fails the type check.
 */
import * as common from './messages/common.ts';
import * as auth from './messages/auth.ts';
import * as admin from './messages/admin.ts';
import * as content from './messages/content.ts';
import * as requests from './messages/requests.ts';
import * as seizures from './messages/seizures.ts';
import * as notifications from './messages/notifications.ts';
import type { Lang } from './locale.ts';

const es = { ...common.es, ...auth.es, ...admin.es, ...content.es, ...requests.es, ...seizures.es, ...notifications.es };
export type MessageKey = keyof typeof es;
const en: Record<MessageKey, string> = {
  ...common.en,
  ...auth.en,
  ...admin.en,
  ...content.en,
  ...requests.en,
  ...seizures.en,
  ...notifications.en,
};

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { es, en };

export type Params = Record<string, string | number>;

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = dictionaries[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(es, value);
}

/** A translator bound to one language, for pages and components. */
export function useTranslations(lang: Lang) {
  return (key: MessageKey, params?: Params): string => translate(lang, key, params);
}
export type Translate = ReturnType<typeof useTranslations>;

export * from './locale.ts';
