/**
 * Filter panels (<details data-filter-panel>) stand open on wide screens, where CSS hides their
 * button; on phones they stay as the reader left them. Browsers that support ::details-content
 * show the panel on wide screens even before this runs.
 */
const WIDE = '(min-width: 64em)';

export function enhanceFilterPanels(): void {
  const wide = window.matchMedia(WIDE);
  const apply = () => {
    if (!wide.matches) return;
    for (const panel of document.querySelectorAll<HTMLDetailsElement>('details[data-filter-panel]')) panel.open = true;
  };
  apply();
  wide.addEventListener('change', apply);
  // Live search may replace the whole form (back button): open the new panel too.
  document.addEventListener('portal:swapped', apply);
}
