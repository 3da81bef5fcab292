import { IntlMessageFormat } from 'intl-messageformat';
import { isLiteralElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { dictionaries, fill, isPluralMessage, translate, type MessageKey } from '#src/i18n/index.ts';
import { formatDate, formatNumber, langFromAcceptLanguage, pathInLang } from '#src/i18n/locale.ts';

describe('dictionaries', () => {
  it('have the same keys in both languages, none empty, and the same placeholders', () => {
    const es = dictionaries.es;
    const en = dictionaries.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(es).sort());
    for (const key of Object.keys(es) as (keyof typeof es)[]) {
      expect(es[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(holes(en[key]), key).toEqual(holes(es[key]));
    }
  });

  it('count things with the plural rules of each language, with the same plural arguments in both', () => {
    const plural = (Object.keys(dictionaries.es) as MessageKey[]).filter((k) => isPluralMessage(dictionaries.es[k]));
    expect(plural.length).toBeGreaterThanOrEqual(10);
    const argsOf = (text: string) => {
      const names = new Set<string>();
      const walk = (nodes: ReturnType<IntlMessageFormat['getAst']>) => {
        for (const node of nodes) {
          // Every node that names an argument (simple, number, date, plural, select) carries it in `value`; literals are plain text.
          if (!isLiteralElement(node) && 'value' in node && typeof node.value === 'string') names.add(node.value);
          if ('options' in node) for (const option of Object.values(node.options)) walk(option.value);
        }
      };
      walk(new IntlMessageFormat(text, 'en').getAst());
      return [...names].sort();
    };
    for (const key of plural) {
      expect(isPluralMessage(dictionaries.en[key]), key).toBe(true);
      expect(argsOf(dictionaries.en[key]), key).toEqual(argsOf(dictionaries.es[key]));
    }
    expect(translate('es', 'seizures.search.results', { count: 1 })).toBe('1 aseguramiento');
    expect(translate('es', 'seizures.search.results', { count: 0 })).toBe('0 aseguramientos');
    expect(translate('es', 'seizures.search.results', { count: 1_000_000 })).toBe('1,000,000 aseguramientos');
    expect(translate('en', 'seizures.hit.firearms', { count: 1 })).toBe('1 firearm');
    expect(translate('en', 'seizures.hit.firearms', { count: 12_345 })).toBe('12,345 firearms');
    expect(translate('es', 'import.checked', { rows: 1, seizures: 3 })).toBe(
      'El archivo es válido: 1 fila, 3 aseguramientos. Aún no se importó nada.',
    );
    expect(translate('en', 'glossary.count', { count: '{count}', total: 1 })).toBe('{count} of 1 term');
  });

  it('fills parameters', () => {
    expect(translate('en', 'home.welcome', { name: 'Ana' })).toBe('Welcome, Ana');
    expect(translate('es', 'home.welcome', { name: 'Ana' })).toBe('Le damos la bienvenida, Ana');
    expect(fill('{a} y {b}', { a: 1 })).toBe('1 y {b}');
  });
});

describe('locale helpers', () => {
  it('reads Accept-Language by quality and falls back to null', () => {
    expect(langFromAcceptLanguage('en-US,en;q=0.9,es;q=0.8')).toBe('en');
    expect(langFromAcceptLanguage('fr-FR,es-MX;q=0.7,en;q=0.5')).toBe('es');
    expect(langFromAcceptLanguage('es;q=0.2, en;q=0.9')).toBe('en');
    expect(langFromAcceptLanguage('fr, de')).toBeNull();
    expect(langFromAcceptLanguage(null)).toBeNull();
  });

  it('swaps only the locale prefix', () => {
    expect(pathInLang('/es/account?x=1', 'en')).toBe('/en/account?x=1');
    expect(pathInLang('/en', 'es')).toBe('/es');
    expect(pathInLang('/es/estados/es', 'en')).toBe('/en/estados/es');
  });

  it('formats dates and numbers per locale (es-MX, en-US)', () => {
    expect(formatDate('2009-09-15', 'es')).toBe('15 de septiembre de 2009');
    expect(formatDate('2009-09-15', 'en')).toBe('September 15, 2009');
    expect(formatNumber(104850, 'es')).toBe('104,850');
    expect(formatNumber(104850.5, 'en')).toBe('104,850.5');
    expect(formatNumber(0.87, 'es', { style: 'percent' })).toMatch(/87\s?%/);
  });
});
