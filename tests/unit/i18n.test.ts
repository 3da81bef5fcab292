import { describe, expect, it } from 'vitest';
import { dictionaries, translate } from '#src/i18n/index.ts';
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

  it('fills parameters', () => {
    expect(translate('en', 'home.welcome', { name: 'Ana' })).toBe('Welcome, Ana');
    expect(translate('es', 'home.welcome', { name: 'Ana' })).toBe('Le damos la bienvenida, Ana');
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
