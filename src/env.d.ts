/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    user: import('./server/auth/session.ts').SessionUser | null;
    session: import('./server/auth/session.ts').Session | null;
    lang: import('./i18n/locale.ts').Lang;
    /** The caller's address as the audit log and throttling record it. */
    ip: string | null;
    /** A session that gave its password and still owes its second factor (then `user` is null). */
    mfaPending: (import('./server/auth/mfa.ts').MfaSubject & { preferredLang: import('./i18n/locale.ts').Lang }) | null;
    /** The signed-in account must set up a second factor before anything else (MFA_REQUIRED). */
    mfaSetupRequired: boolean;
    /** Unread notifications of the signed-in user, for the header badge (0 for visitors). */
    unreadNotifications: number;
    /** Set by our HTTP server (src/server/http/server.ts) and sent back as X-Request-Id; absent under `astro dev`. */
    requestId?: string;
    /** `performance.now()` when the request reached our HTTP server: the request time limit counts from it; absent under `astro dev`. */
    arrivedAt?: number;
    /** Pages and form posts this process is working on or holding in turn (the in-flight cap's count); absent under `astro dev`. */
    pagesInFlight?: () => number;
    /** IANA time zone dates and times are shown in: the reader's choice, else their agency's country's; UTC for visitors. */
    timeZone: string;
    /** The public origin (PUBLIC_ORIGIN, else the request's), for canonical and alternate links. */
    origin?: string;
  }
}
