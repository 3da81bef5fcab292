/**
 * The security headers of every response: Astro's (the middleware adds them) and those the
 * portal's own HTTP server writes itself (static files, Node's 400/431, 503 while stopping).
 * One list, so the two cannot drift apart.
 */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // No inline script anywhere: every script is a bundled file from our origin.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Sent only when the portal is reached over HTTPS (directly or behind a TLS proxy). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** The full set for one response. */
export function securityHeaders(secure: boolean): Record<string, string> {
  return secure ? { ...SECURITY_HEADERS, 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY } : { ...SECURITY_HEADERS };
}

/** The raw header block for responses written straight to a socket (Node's clientError). */
export function securityHeaderLines(secure: boolean): string {
  return Object.entries(securityHeaders(secure))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
}

/** What a page or download that is not public sends: shared machines and proxies keep nothing. */
export const NO_STORE = 'private, no-store';
