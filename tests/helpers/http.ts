/** A small HTTP client with a cookie jar, for integration tests against the running server. */
export class HttpClient {
  readonly cookies = new Map<string, string>();
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
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

  /** A form POST as a browser on the portal's own origin sends it. */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
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

  async signIn(email: string, password: string, lang: 'es' | 'en' = 'es'): Promise<Response> {
    return this.post(`/${lang}/sign-in?_action=signIn`, { email, password, next: '' });
  }
}
