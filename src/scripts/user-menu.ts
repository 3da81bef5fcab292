/**
 * Menus built on <details> (the user menu): open and close with the keyboard and the mouse
 * without JavaScript; with it, Escape closes the menu and returns focus to its button, and a
 * click or focus outside the menu closes it, as a reader expects of a menu.
 */
let enhanced = false;

export function enhanceMenus(selector = 'details[data-menu]'): void {
  // Several components on a page ask for it; one set of listeners serves every menu.
  if (enhanced) return;
  enhanced = true;
  const openMenus = () => [...document.querySelectorAll<HTMLDetailsElement>(`${selector}[open]`)];
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    for (const menu of openMenus()) {
      const hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector('summary')?.focus();
    }
  });
  const closeOutside = (event: Event) => {
    const target = event.target instanceof Node ? event.target : null;
    for (const menu of openMenus()) if (!target || !menu.contains(target)) menu.open = false;
  };
  document.addEventListener('click', closeOutside);
  document.addEventListener('focusin', closeOutside);
}
