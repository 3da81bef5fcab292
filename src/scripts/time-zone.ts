/**
 * Visitors have no account to keep a time zone in: the browser tells the server its zone in a
 * cookie, so the times a visitor reads (a sign-in lockout) are in their own zone. Without
 * JavaScript they stay in UTC, named as such. Members' pages follow their account's zone.
 */
import { TIME_ZONE_COOKIE } from '#src/domain/timezones.ts';

export function rememberTimeZone(): void {
  // Reads the browser's zone (formats nothing): the one place the portal asks the runtime's zone.
  // eslint-disable-next-line no-restricted-syntax
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  const cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}`;
  if (document.cookie.split('; ').includes(cookie)) return;
  const secure = window.location.protocol === 'https:' ? '; secure' : '';
  document.cookie = `${cookie}; path=/; max-age=31536000; samesite=lax${secure}`;
}
