/**
 * Where to send a user after signing in. Only a path of this portal under /es or /en: an open
 * redirect would turn the sign-in page into a phishing aid, and a line break or other control
 * character would break the Location header (a 500). Anything else gives the home page.
 */
export function safeNext(next: string | null | undefined, lang: string): string {
  const home = `/${lang}/`;
  if (!next || next.length > 2000 || /[\u0000-\u001f\u007f\\]/.test(next)) return home;
  if (!/^\/(es|en)(\/|\?|#|$)/.test(next)) return home;
  const base = 'http://portal.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return home;
  }
  if (url.origin !== base || !/^\/(es|en)(\/|$)/.test(url.pathname)) return home;
  // Re-serialised by URL: whatever is left is percent-encoded and safe in a header.
  return url.pathname + url.search + url.hash;
}
