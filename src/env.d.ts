/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    user: import('./server/auth/session.ts').SessionUser | null;
    session: import('./server/auth/session.ts').Session | null;
    lang: import('./i18n/locale.ts').Lang;
    /** The caller's address as the audit log and throttling record it. */
    ip: string | null;
    /** Unread notifications of the signed-in user, for the header badge (0 for visitors). */
    unreadNotifications: number;
    /** Set by our HTTP server (src/server/http/server.ts) and sent back as X-Request-Id; absent under `astro dev`. */
    requestId?: string;
  }
}
