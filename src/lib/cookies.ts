import type { AstroCookieSetOptions } from 'astro';

/** HttpOnly, SameSite=Lax, Path=/, and Secure whenever the portal is served over HTTPS. */
export function sessionCookieOptions(secure: boolean, expires?: Date): AstroCookieSetOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure, ...(expires ? { expires } : {}) };
}
