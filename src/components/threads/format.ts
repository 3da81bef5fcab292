/** Display helpers of the forum components (pure: no I/O). */
import { INTL_LOCALE, isMessageKey, type Lang, type Translate } from '#src/i18n/index.ts';

/**
 * Who may read a thread or category, in words: "every member of the portal", "the agencies of
 * Mexico and Guatemala", "SSPC and CBP". `agencyName` turns a code into its name in the page's language.
 */
export function scopeText(scope: readonly string[], t: Translate, agencyName: (code: string) => string, lang: Lang): string {
  if (scope.includes('members') || scope.includes('public')) return t('threads.scope.members');
  const list = (items: string[]) => new Intl.ListFormat(INTL_LOCALE[lang], { type: 'conjunction' }).format(items);
  const countries = scope
    .filter((token) => token.startsWith('country:'))
    .map((token) => {
      const key = `country.${token.slice('country:'.length)}`;
      return isMessageKey(key) ? t(key) : token.slice('country:'.length);
    });
  const agencies = scope.filter((token) => token.startsWith('agency:')).map((token) => agencyName(token.slice('agency:'.length)));
  return list([...(countries.length ? [t('threads.scope.country', { country: list(countries) })] : []), ...agencies]);
}
