import { createClient } from '@libsql/client';
import { describe, expect, inject, it } from 'vitest';
import { HttpClient } from '#tests/helpers/http.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const client = () => new HttpClient(baseUrl);

async function auditRows(action: string, target?: string) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    const rs = await db.execute({
      sql: `SELECT * FROM audit_log WHERE action = ? ${target ? 'AND (target = ? OR user_email = ?)' : ''} ORDER BY id`,
      args: target ? [action, target, target] : [action],
    });
    return rs.rows;
  } finally {
    db.close();
  }
}

describe('language selection', () => {
  it('sends / to Spanish by default, to the Accept-Language choice, and to the cookie above both', async () => {
    const plain = await client().get('/');
    expect(plain.status).toBe(302);
    expect(plain.headers.get('location')).toBe('/es/');
    const english = await client().get('/', { 'accept-language': 'en-US,en;q=0.9,es;q=0.5' });
    expect(english.headers.get('location')).toBe('/en/');
    const c = client();
    await c.get('/es/');
    const withCookie = await c.get('/', { 'accept-language': 'en-US' });
    expect(withCookie.headers.get('location')).toBe('/es/');
  });

  it('renders <html lang>, translated titles and the switcher pointing at the same page', async () => {
    const es = await (await client().get('/es/sign-in')).text();
    expect(es).toContain('<html lang="es"');
    expect(es).toContain('<title>Iniciar sesión · Armas Cruzadas</title>');
    expect(es).toMatch(/href="\/en\/sign-in"[^>]*data-testid="lang-switch"/);
    const en = await (await client().get('/en/sign-in?next=%2Fen%2Faccount')).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain('<title>Sign in · Armas Cruzadas</title>');
    expect(en).toContain('href="/es/sign-in?next=%2Fen%2Faccount"');
  });

  it('answers unknown pages with a translated 404', async () => {
    const es = await client().get('/es/no-such-page');
    expect(es.status).toBe(404);
    expect(await es.text()).toContain('Página no encontrada');
    const en = await client().get('/en/no-such-page');
    expect(en.status).toBe(404);
    expect(await en.text()).toContain('Page not found');
    expect((await client().get('/fr/')).status).toBe(404);
  });
});

describe('security headers and origin checks', () => {
  it('sends the headers on pages, redirects and 404s', async () => {
    for (const path of ['/es/', '/', '/en/nothing-here', '/es/account']) {
      const res = await client().get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBeTruthy();
      expect(res.headers.get('permissions-policy'), path).toContain('camera=()');
    }
  });

  it('pages contain no inline script', async () => {
    const html = await (await client().get('/es/sign-in')).text();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
  });

  it('refuses a cross-site JSON post to an action endpoint, which checkOrigin alone lets through', async () => {
    const c = client();
    await c.signIn('agent.atf@demo.test', password);
    const res = await fetch(`${baseUrl}/_actions/signOut`, {
      method: 'POST',
      headers: { cookie: `ac_session=${c.cookies.get('ac_session')}`, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect((await c.get('/en/account')).status).toBe(200);
  });

  it('refuses a cross-site form post', async () => {
    const res = await client().post(
      '/es/sign-in?_action=signIn',
      { email: 'analyst.fgr@demo.test', password },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
  });
});

describe('sign-in and sessions', () => {
  it('sends a visitor to sign in and back to the page asked for', async () => {
    const c = client();
    const res = await c.get('/en/account?tab=1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/en/sign-in?next=%2Fen%2Faccount%3Ftab%3D1&reason=needed');
    const signIn = await c.post('/en/sign-in?_action=signIn', { email: 'analyst.fgr@demo.test', password, next: '/en/account?tab=1' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/en/account?tab=1');
  });

  it('without a page to return to, lands in the account’s preferred language', async () => {
    const spanish = await client().post('/en/sign-in?_action=signIn', { email: 'analyst.fgr@demo.test', password, next: '' });
    expect(spanish.headers.get('location')).toBe('/es/');
    const english = await client().post('/es/sign-in?_action=signIn', { email: 'agent.atf@demo.test', password, next: '' });
    expect(english.headers.get('location')).toBe('/en/');
  });

  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie and stores only a hash of the secret', async () => {
    const res = await fetch(`${baseUrl}/es/sign-in?_action=signIn`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ANALYST.FGR@demo.test', password }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ac_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    const token = cookie!.split(';')[0]!.split('=')[1]!;
    const [id, secret] = token.split('.');
    const db = createClient({ url: inject('databaseUrl') });
    const rs = await db.execute({ sql: 'SELECT secret_hash FROM sessions WHERE id = ?', args: [id!] });
    db.close();
    expect(rs.rows[0]?.secret_hash).toBeTypeOf('string');
    expect(rs.rows[0]?.secret_hash).not.toContain(secret!);
    expect(String(rs.rows[0]?.secret_hash)).toHaveLength(64);
  });

  it('gives the same generic error for a wrong password and an unknown account', async () => {
    const wrong = await (await client().signIn('agent.hsi@demo.test', 'not the password at all', 'en')).text();
    const unknown = await (await client().signIn('nobody@demo.test', 'not the password at all', 'en')).text();
    expect(wrong).toContain('Incorrect e-mail or password.');
    expect(unknown).toContain('Incorrect e-mail or password.');
    const es = await (await client().signIn('nobody@demo.test', 'x', 'es')).text();
    expect(es).toContain('Correo electrónico o contraseña incorrectos.');
    const failures = await auditRows('auth.sign_in', 'nobody@demo.test');
    expect(failures.some((r) => r.outcome === 'failed')).toBe(true);
  });

  it('names the empty field in a translated message', async () => {
    const html = await (await client().post('/es/sign-in?_action=signIn', { email: '', password: '' })).text();
    expect(html).toContain('Correo electrónico: este dato es obligatorio.');
    expect(html).toContain('Contraseña: este dato es obligatorio.');
  });

  it('locks an account after five failures, says so, audits it, and an admin can release it', async () => {
    const email = 'editor.sspc@demo.test';
    for (let i = 0; i < 4; i++)
      expect(await (await client().signIn(email, `wrong password ${i}!`, 'en')).text()).toContain('Incorrect e-mail or password.');
    const fifth = await client().signIn(email, 'wrong password 5!', 'en');
    expect(fifth.status).toBe(429);
    // A visitor whose browser named no time zone (no JavaScript) reads the time in UTC, named.
    expect(await fifth.text()).toMatch(/the account is locked until [^(]*\sUTC \(\d+ min\)/);
    // Even the right password is refused while locked. A browser in Guatemala said so in a cookie.
    const guatemala = client();
    guatemala.cookies.set('tz', encodeURIComponent('America/Guatemala'));
    const sixth = await (await guatemala.signIn(email, password, 'es')).text();
    expect(sixth).toMatch(/la cuenta está bloqueada hasta las [^(]*\sGMT-6 \(\d+ min\)/);
    expect((await auditRows('auth.lockout', email)).length).toBe(1);

    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const list = await (await admin.get('/es/admin/users?q=sspc')).text();
    expect(list).toContain('Bloqueado hasta');
    const userId = /\/es\/admin\/users\/([a-z0-9]+)"/.exec(list)?.[1];
    expect(userId).toBeDefined();
    const released = await admin.post(`/es/admin/users/${userId}?_action=releaseLockout`, { id: userId! });
    expect(await released.text()).toContain('Bloqueo liberado.');
    expect((await auditRows('admin.lockout_released', email)).length).toBe(1);
    expect((await client().signIn(email, password)).status).toBe(303);
  });

  it('lists the user’s sessions and ends another one', async () => {
    const first = client();
    const second = client();
    await first.signIn('fiscal.gt@demo.test', password);
    await second.signIn('fiscal.gt@demo.test', password);
    const page = await (await first.get('/es/account')).text();
    const ids = [...page.matchAll(/name="sessionId" value="([a-z0-9]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    const secondId = second.cookies.get('ac_session')!.split('.')[0]!;
    expect(ids).toContain(secondId);
    await first.post('/es/account?_action=endSession', { sessionId: secondId });
    expect((await second.get('/es/account')).status).toBe(302);
    expect((await first.get('/es/account')).status).toBe(200);
  });

  it('signs out and the old cookie no longer works', async () => {
    const c = client();
    await c.signIn('agent.atf@demo.test', password);
    const token = c.cookies.get('ac_session')!;
    const out = await c.post('/en/sign-out?_action=signOut', {});
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/en/sign-in?reason=signed_out');
    const replay = await fetch(`${baseUrl}/en/account`, { redirect: 'manual', headers: { cookie: `ac_session=${token}` } });
    expect(replay.status).toBe(302);
    expect((await auditRows('auth.sign_out', 'agent.atf@demo.test')).length).toBeGreaterThan(0);
  });
});

describe('administration', () => {
  it('hides the admin area from members and refuses their admin actions on the server', async () => {
    const member = client();
    await member.signIn('analyst.sedena@demo.test', password);
    expect((await member.get('/es/admin/users')).status).toBe(404);
    // The action endpoint itself refuses, whatever page it is posted to.
    const res = await member.post('/es/account?_action=createInvitation', { email: 'sneaky@demo.test', agencyId: '1', role: 'admin' });
    expect(res.status).toBe(403);
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    expect(await (await admin.get('/es/admin/invitations')).text()).not.toContain('sneaky@demo.test');
  });

  it('invites a user who then signs up once, and the link cannot be reused', async () => {
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const agencies = await (await admin.get('/en/admin/invitations')).text();
    const atfId = /<option value="(\d+)">ATF —/.exec(agencies)?.[1];
    const created = await (
      await admin.post('/en/admin/invitations?_action=createInvitation', {
        email: 'New.Analyst@demo.test',
        agencyId: atfId!,
        role: 'member',
      })
    ).text();
    const link = /data-testid="invite-link">([^<]+)</.exec(created)?.[1];
    expect(link).toMatch(/\/en\/invitation\/[a-z0-9]{40}$/);
    const token = link!.split('/').pop()!;
    const db = createClient({ url: inject('databaseUrl') });
    const stored = await db.execute('SELECT token_hash FROM invitations');
    db.close();
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);

    const invitee = client();
    const form = await invitee.get(`/es/invitation/${token}`);
    expect(form.status).toBe(200);
    const weak = await (
      await invitee.post(`/es/invitation/${token}?_action=acceptInvitation`, {
        token,
        displayName: 'Nueva Analista',
        password: 'password1234',
        passwordConfirm: 'password1234',
        lang: 'es',
      })
    ).text();
    expect(weak).toContain('Contraseña: es demasiado común');
    const ok = await invitee.post(`/es/invitation/${token}?_action=acceptInvitation`, {
      token,
      displayName: 'Nueva Analista',
      password: 'una frase larga y segura',
      passwordConfirm: 'una frase larga y segura',
      lang: 'es',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/es/');
    const home = await (await invitee.get('/es/')).text();
    expect(home).toContain('Nueva Analista');
    expect(home).toContain('Buró de Alcohol, Tabaco, Armas de Fuego y Explosivos (ATF)');
    const again = await client().get(`/es/invitation/${token}`);
    expect(again.status).toBe(404);
    expect((await auditRows('auth.invitation_accepted')).length).toBe(1);
    // Case-insensitive uniqueness: the same address in other letters cannot be invited again.
    const dup = await (
      await admin.post('/en/admin/invitations?_action=createInvitation', {
        email: 'new.analyst@DEMO.test',
        agencyId: atfId!,
        role: 'member',
      })
    ).text();
    expect(dup).toContain('E-mail: an account with that e-mail already exists.');
  });

  it('ends all of a user’s sessions when an admin changes their role', async () => {
    const user = client();
    await user.signIn('agent.hsi@demo.test', password);
    expect((await user.get('/en/account')).status).toBe(200);
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const list = await (await admin.get('/en/admin/users?q=agent.hsi')).text();
    const userId = /\/en\/admin\/users\/([a-z0-9]+)"/.exec(list)![1]!;
    const detail = await (await admin.get(`/en/admin/users/${userId}`)).text();
    const agencyId = /<option value="(\d+)" selected>ICE-HSI/.exec(detail)![1]!;
    const saved = await (await admin.post(`/en/admin/users/${userId}?_action=updateUser`, { id: userId, role: 'editor', agencyId })).text();
    expect(saved).toContain('Changes saved.');
    expect((await user.get('/en/account')).status).toBe(302);
    const audit = await auditRows('admin.user_changed', 'agent.hsi@demo.test');
    expect(audit.length).toBe(1);
    await admin.post(`/en/admin/users/${userId}?_action=updateUser`, { id: userId, role: 'member', agencyId });
  });

  it('disables and enables an account', async () => {
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const list = await (await admin.get('/es/admin/users?q=moderator.cbp')).text();
    const userId = /\/es\/admin\/users\/([a-z0-9]+)"/.exec(list)![1]!;
    await admin.post(`/es/admin/users/${userId}?_action=setUserDisabled`, { id: userId, disabled: 'true' });
    expect(await (await client().signIn('moderator.cbp@demo.test', password)).text()).toContain(
      'Correo electrónico o contraseña incorrectos.',
    );
    await admin.post(`/es/admin/users/${userId}?_action=setUserDisabled`, { id: userId, disabled: 'false' });
    expect((await client().signIn('moderator.cbp@demo.test', password)).status).toBe(303);
  });

  it('edits an agency’s names and lists the audit log with filters', async () => {
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const page = await (await admin.get('/es/admin/agencies')).text();
    const form = page.split('<form').find((chunk) => chunk.includes('value="Departamento de Policía de Belice"'));
    const id = /name="id" value="(\d+)"/.exec(form ?? '')?.[1];
    expect(id).toBeDefined();
    const saved = await (
      await admin.post('/es/admin/agencies?_action=updateAgency', {
        id: id!,
        nameEs: 'Departamento de Policía de Belice (BPD)',
        nameEn: 'Belize Police Department (BPD)',
        country: 'BZ',
      })
    ).text();
    expect(saved).toContain('Agencia guardada.');
    const bad = await (
      await admin.post('/es/admin/agencies?_action=createAgency', { code: '', nameEs: '', nameEn: 'X', country: 'BZ' })
    ).text();
    expect(bad).toContain('Código: este dato es obligatorio.');
    const audit = await (await admin.get('/es/admin/audit?action=admin.agency_updated')).text();
    expect(audit).toContain('admin.agency_updated');
    expect(audit).not.toContain('<code>auth.sign_in</code>');
  });
});
