/**
 * Refines a GET search form without reloading the page: on a change it fetches the same server-
 * rendered page for the new address and swaps the facets and results; the address bar follows
 * (pushState), so the back button and shared links keep working. Without JavaScript the form
 * simply submits. Events are delegated from the document because the back button swaps the
 * whole form.
 */
import { syncLanguageSwitch } from './lang-switch.ts';

const FORM = 'form[data-live-search]';

export function enhanceLiveSearch(): void {
  if (!document.querySelector(FORM)) return;
  let controller: AbortController | null = null;
  let typingTimer: number | undefined;
  const form = () => document.querySelector<HTMLFormElement>(FORM);

  const addressFor = (f: HTMLFormElement): string => {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(f)) if (typeof value === 'string' && value !== '') params.append(key, value);
    const qs = params.toString();
    return `${f.action}${qs ? `?${qs}` : ''}`;
  };

  /** `parts`: what to replace; the text box being typed in is never among them. */
  const swap = async (address: string, push: boolean, parts: string[]): Promise<void> => {
    controller?.abort();
    controller = new AbortController();
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
    form()?.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(address, { signal: controller.signal, headers: { Accept: 'text/html' } });
      if (!res.ok) throw new Error(String(res.status));
      const next = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const selector of parts) {
        const fresh = next.querySelector(selector);
        const current = document.querySelector(selector);
        if (fresh && current) current.replaceWith(fresh);
      }
      document.title = next.title;
      // The server rewrites typed dates to YYYY-MM-DD with a redirect: keep the address it ended at.
      if (push) history.pushState({ liveSearch: true }, '', res.redirected ? res.url : address);
      syncLanguageSwitch();
      document.dispatchEvent(new CustomEvent('portal:swapped'));
      if (focusedId && document.activeElement?.id !== focusedId) document.getElementById(focusedId)?.focus();
    } catch (error) {
      if ((error as Error).name !== 'AbortError') window.location.href = address;
    } finally {
      form()?.removeAttribute('aria-busy');
    }
  };
  const refine = (f: HTMLFormElement) => void swap(addressFor(f), true, ['[data-facets]', '[data-filter-count]', '[data-results]']);

  document.addEventListener('change', (event) => {
    const target = event.target as HTMLElement;
    const f = target.closest<HTMLFormElement>(FORM);
    if (f && target.getAttribute('type') !== 'search') refine(f);
  });
  document.addEventListener('input', (event) => {
    const target = event.target as HTMLElement;
    const f = target.closest<HTMLFormElement>(FORM);
    if (!f || target.getAttribute('type') !== 'search') return;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => refine(f), 350);
  });
  document.addEventListener('submit', (event) => {
    const f = (event.target as HTMLElement).closest<HTMLFormElement>(FORM);
    if (!f) return;
    event.preventDefault();
    refine(f);
  });
  // Pagination inside the results stays on the page too.
  document.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('[data-results] .usa-pagination a');
    if (!link) return;
    event.preventDefault();
    void swap(link.href, true, ['[data-facets]', '[data-filter-count]', '[data-results]']);
  });
  window.addEventListener('popstate', () => void swap(window.location.href, false, [FORM]));
}
