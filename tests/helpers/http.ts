import { acceptableTotpCode, hasDemoSecondFactor } from './mfa.ts';
import { databaseUrlOf } from './start-server.ts';

/**
 * Sessions of demo accounts that needed a TOTP code, kept per test file: the server accepts each
 * 30-second code once, so signing such an account in again and again would mean waiting.
 */
const verifiedSessions = new Map<string, string>();

/** A small HTTP client with a cookie jar, for integration tests against the running server. */
export class HttpClient {
  readonly cookies = new Map<string, string>();
  readonly baseUrl: string;
  readonly databaseUrl: string | undefined;
  constructor(baseUrl: string, databaseUrl?: string) {
    this.baseUrl = baseUrl;
    this.databaseUrl = databaseUrl;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(new URL(path, this.baseUrl), { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  /** A form POST as a browser on the portal's own origin sends it (URLSearchParams for repeated fields). */
  async post(path: string, form: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(form),
      headers: { cookie: this.cookieHeader(), origin: this.baseUrl, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    this.remember(res);
    return res;
  }

  /** A multipart form POST (file uploads), as a browser on the portal's origin sends it. */
  async postMultipart(path: string, form: FormData): Promise<Response> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      redirect: 'manual',
      body: form,
      headers: { cookie: this.cookieHeader(), origin: this.baseUrl },
    });
    this.remember(res);
    return res;
  }

  /** A POST with a raw body and content type, from the portal's own origin (malformed bodies, JSON calls). */
  async postRaw(path: string, body: string, contentType: string): Promise<Response> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: { cookie: this.cookieHeader(), origin: this.baseUrl, 'content-type': contentType },
    });
    this.remember(res);
    return res;
  }

  /**
   * Signs in through the form. For the demo accounts with a second factor (admin, editor) it also
   * completes the TOTP step with a code computed from the demo secret, and answers like a sign-in
   * without one (303 to the page). Within one test file such an account reuses its verified session
   * while it is valid; `fresh: true` always signs in anew (at most two sign-ins per 30 s, then it waits).
   */
  async signIn(email: string, password: string, lang: 'es' | 'en' = 'es', options: { fresh?: boolean } = {}): Promise<Response> {
    const key = `${this.baseUrl}|${email.toLowerCase()}`;
    const cached = verifiedSessions.get(key);
    if (cached && !options.fresh && hasDemoSecondFactor(email)) {
      this.cookies.set('ac_session', cached);
      const check = await this.get(`/${lang}/account`);
      if (check.status === 200) return new Response(null, { status: 303, headers: { location: `/${lang}/` } });
      this.cookies.delete('ac_session');
    }
    const res = await this.post(`/${lang}/sign-in?_action=signIn`, { email, password, next: '' });
    const location = res.headers.get('location') ?? '';
    if (res.status !== 303 || !/^\/(es|en)\/mfa(\?|$)/.test(location) || !hasDemoSecondFactor(email)) return res;
    const next = new URL(location, this.baseUrl).searchParams.get('next') ?? '';
    const otp = await acceptableTotpCode(email, this.databaseUrl ?? databaseUrlOf(this.baseUrl));
    const done = await this.post(`/${lang}/mfa?_action=verifySecondFactor`, { otp, next });
    const session = this.cookies.get('ac_session');
    if (done.status === 303 && session) verifiedSessions.set(key, session);
    return done;
  }
}
