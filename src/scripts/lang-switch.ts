/**
 * When a page changes its own address without reloading (live search, glossary filter), the
 * header's language link must follow, or switching language would drop what the reader did.
 */
export function syncLanguageSwitch(): void {
  const link = document.querySelector<HTMLAnchorElement>('a[data-lang-switch]');
  const other = link?.getAttribute('hreflang');
  if (!link || (other !== 'es' && other !== 'en')) return;
  const { pathname, search } = window.location;
  link.href = pathname.replace(/^\/(es|en)(?=\/|$)/, `/${other}`) + search;
}
