/**
 * Panels that fold behind a button on narrow screens (<details data-open-wide="(min-width: …)">:
 * the filters of a search, the main navigation) stand open on wide screens, where CSS hides their
 * button; on narrow screens they stay as the reader left them. Browsers that support
 * ::details-content show them on wide screens even before this runs.
 */
export function enhanceFilterPanels(): void {
  const apply = () => {
    for (const panel of document.querySelectorAll<HTMLDetailsElement>('details[data-open-wide]')) {
      if (window.matchMedia(panel.dataset.openWide ?? '').matches) panel.open = true;
    }
  };
  apply();
  window.addEventListener('resize', apply);
  // Live search may replace the whole form (back button): open the new panel too.
  document.addEventListener('portal:swapped', apply);
}
