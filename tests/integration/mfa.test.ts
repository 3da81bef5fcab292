// Multi-factor sign-in over HTTP: the second step, set-up, recovery codes, policy, step-up,
// throttling, admin reset, and the audit trail of each.
import { createClient } from '@libsql/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient } from '#tests/helpers/http.ts';
import { acceptableTotpCode } from '#tests/helpers/mfa.ts';
import { timeStep, totpCodeAt } from '#src/server/auth/totp.ts';

const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');
const password = inject('demoPassword');
const client = () => new HttpClient(baseUrl, databaseUrl);
// Each admin code works once per 30-second step, so tests that need several may wait for the next step (timeouts below).

async function query(sql: string, args: (string | number)[] = []) {
  const db = createClient({ url: databaseUrl });
  try {
    return (await db.execute({ sql, args })).rows;
  } finally {
    db.close();
  }
}

async function auditActions(email: string): Promise<string[]> {
  const rows = await query('SELECT action, outcome FROM audit_log WHERE user_email = ? OR target = ? ORDER BY id', [email, email]);
  return rows.map((r) => `${String(r.action)}:${String(r.outcome)}`);
}

async function passwordStep(c: HttpClient, email: string, next = '', pass = password): Promise<string> {
  const res = await c.post('/es/sign-in?_action=signIn', { email, password: pass, next });
  expect(res.status).toBe(303);
  return res.headers.get('location') ?? '';
}

describe('the demo admin signs in with a TOTP code', { timeout: 120_000 }, () => {
  it('asks for the code after the password; the waiting session opens nothing else', async () => {
    const c = client();
    expect(await passwordStep(c, 'admin@demo.test', '/es/admin/audit')).toBe(`/es/mfa?next=${encodeURIComponent('/es/admin/audit')}`);
    // Pages send the waiting session to the second step; other actions are refused.
    const page = await c.get('/es/admin/users');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/es/mfa?next=${encodeURIComponent('/es/admin/users')}`);
    const forged = await c.post('/es/account?_action=createInvitation', { email: 'x@demo.test', agencyId: '1', role: 'admin' });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe('/es/mfa');
    expect(await query("SELECT id FROM invitations WHERE email_normalized = 'x@demo.test'")).toEqual([]);
    const form = await (await c.get('/es/mfa')).text();
    expect(form).toContain('Escriba el código de seis dígitos de su aplicación de autenticación');

    const wrong = await c.post('/es/mfa?_action=verifySecondFactor', { otp: '000000', next: '/es/admin/audit' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Código de verificación: no es correcto o ya se usó.');

    const otp = await acceptableTotpCode('admin@demo.test', databaseUrl);
    const ok = await c.post('/es/mfa?_action=verifySecondFactor', { otp, next: '/es/admin/audit' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/es/admin/audit');
    expect((await c.get('/es/admin/audit')).status).toBe(200);

    // The same code a second time (another sign-in, within its 30 seconds) is refused.
    const again = client();
    await passwordStep(again, 'admin@demo.test');
    const replay = await again.post('/es/mfa?_action=verifySecondFactor', { otp, next: '' });
    expect(replay.status).toBe(400);
    expect(await auditActions('admin@demo.test')).toEqual(
      expect.arrayContaining(['auth.password_verified:ok', 'mfa.failed:failed', 'mfa.verified:ok', 'auth.sign_in:ok']),
    );
  });

  it('issues a new session id once the second factor is given', async () => {
    const c = client();
    await passwordStep(c, 'admin@demo.test');
    const waiting = c.cookies.get('ac_session')!.split('.')[0]!;
    await c.post('/es/mfa?_action=verifySecondFactor', { otp: await acceptableTotpCode('admin@demo.test', databaseUrl), next: '' });
    const full = c.cookies.get('ac_session')!.split('.')[0]!;
    expect(full).not.toBe(waiting);
    expect(await query('SELECT id FROM sessions WHERE id = ?', [waiting])).toEqual([]);
  });
});

/** A member of our own (the demo members are shared with other test files). */
async function invitedMember(email: string, memberPassword: string, lang: 'es' | 'en', role = 'member'): Promise<void> {
  const admin = client();
  await admin.signIn('admin@demo.test', password);
  const page = await (await admin.get('/en/admin/invitations')).text();
  const agencyId = /<option value="(\d+)">SSPC —/.exec(page)![1]!;
  const created = await (await admin.post('/en/admin/invitations?_action=createInvitation', { email, agencyId, role })).text();
  const token = /data-testid="invite-link">[^<]*\/([a-z0-9]{40})</.exec(created)![1]!;
  const res = await client().post(`/es/invitation/${token}?_action=acceptInvitation`, {
    token,
    displayName: 'Analista de Prueba',
    password: memberPassword,
    passwordConfirm: memberPassword,
    lang,
  });
  expect(res.status).toBe(303);
}

describe('a member sets up an authenticator app from the account page', { timeout: 120_000 }, () => {
  const email = 'analista.mfa@demo.test';
  const memberPassword = 'frase de paso del analista';
  let secret = '';
  let recovery: string[] = [];
  beforeAll(() => invitedMember(email, memberPassword, 'en'));

  it('confirms the password, scans the QR code (an SVG drawn on the server), and turns it on with a first code', async () => {
    const c = client();
    await c.signIn(email, memberPassword, 'en');
    const account = await (await c.get('/en/account')).text();
    expect(account).toContain('Two-step verification');
    expect(account).toContain('href="/en/mfa/setup"');
    const wrong = await c.post('/en/mfa/setup?_action=beginTotpSetup', { currentPassword: 'not my password at all' });
    expect(await wrong.text()).toContain('Current password: it is not correct.');
    const started = await (await c.post('/en/mfa/setup?_action=beginTotpSetup', { currentPassword: memberPassword })).text();
    expect(started).toMatch(/data-testid="totp-qr"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox/);
    secret = /data-testid="totp-secret">\s*([A-Z2-7 ]+?)\s*</.exec(started)![1]!.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirmed = await (await c.post('/en/mfa/setup?_action=confirmTotp', { otp: totpCodeAt(secret, timeStep()) })).text();
    expect(confirmed).toContain('Done: your account has two-step verification.');
    recovery = [...confirmed.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(recovery).toHaveLength(10);
    const stored = await query('SELECT code_hash FROM mfa_recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.email_normalized = ?', [
      email,
    ]);
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recovery[0]!.replace('-', ''));
    const after = await (await c.get('/en/account')).text();
    expect(after).toContain('Unused recovery codes: 10 of 10.');
    // Shown once: the account page lists how many are left, never the codes.
    expect(after).not.toContain(recovery[0]!);
  });

  it('is then asked for a code at sign-in; a recovery code works once', async () => {
    const c = client();
    expect(await passwordStep(c, email, '', memberPassword)).toMatch(/^\/es\/mfa\?next=/);
    const ok = await c.post('/es/mfa?_action=verifySecondFactor', { otp: recovery[0]!.toUpperCase(), next: '' });
    expect(ok.status).toBe(303);
    expect(await (await c.get('/en/account')).text()).toContain('Unused recovery codes: 9 of 10.');
    const d = client();
    await passwordStep(d, email, '', memberPassword);
    const reused = await d.post('/es/mfa?_action=verifySecondFactor', { otp: recovery[0]!, next: '' });
    expect(reused.status).toBe(400);
    expect(await auditActions(email)).toEqual(
      expect.arrayContaining(['mfa.totp_setup:failed', 'mfa.totp_setup:ok', 'mfa.totp_enabled:ok', 'mfa.recovery_code_used:ok']),
    );
  });

  it('locks the second step after five wrong codes, and an admin releases it', async () => {
    const c = client();
    await passwordStep(c, email, '', memberPassword);
    let last = '';
    for (let i = 0; i < 5; i++) last = await (await c.post('/en/mfa?_action=verifySecondFactor', { otp: '123456', next: '' })).text();
    expect(last).toContain('Too many wrong codes. Verification is locked until');
    const right = totpCodeAt(secret, timeStep() + 1);
    const refused = await c.post('/en/mfa?_action=verifySecondFactor', { otp: right, next: '' });
    expect(refused.status).toBe(429);
    expect(await auditActions(email)).toContain('mfa.lockout:ok');

    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const [row] = await query('SELECT id FROM users WHERE email_normalized = ?', [email]);
    const released = await admin.post(`/es/admin/users/${String(row!.id)}?_action=releaseLockout`, { id: String(row!.id) });
    expect(await released.text()).toContain('Bloqueo liberado.');
    const ok = await c.post('/en/mfa?_action=verifySecondFactor', { otp: right, next: '' });
    expect(ok.status).toBe(303);
  });

  it('is reset by an admin: factors cleared, sessions ended, audited', async () => {
    const member = client();
    await passwordStep(member, email, '', memberPassword);
    await member.post('/es/mfa?_action=verifySecondFactor', { otp: recovery[1]!, next: '' });
    expect((await member.get('/es/account')).status).toBe(200);
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const [row] = await query('SELECT id FROM users WHERE email_normalized = ?', [email]);
    const id = String(row!.id);
    const page = await (await admin.get(`/en/admin/users/${id}`)).text();
    expect(page).toContain('Authenticator app: Yes. Passkeys: 0. Unused recovery codes: 8.');
    const reset = await (await admin.post(`/en/admin/users/${id}?_action=resetUserMfa`, { id })).text();
    expect(reset).toContain('The user’s second factors were cleared and their sessions ended');
    expect((await member.get('/es/account')).status).toBe(302);
    expect(await query('SELECT user_id FROM mfa_totp WHERE user_id = ?', [id])).toEqual([]);
    expect(await auditActions(email)).toContain('admin.mfa_reset:ok');
    // A member may sign in without one again (the default policy asks it of admins and editors).
    expect(await passwordStep(client(), email, '', memberPassword)).toBe('/en/');
  });
});

describe('policy: an editor without a second factor sets one up before anything else', { timeout: 120_000 }, () => {
  it('is taken to set-up after the password, and pages and other actions lead back there', async () => {
    const admin = client();
    await admin.signIn('admin@demo.test', password);
    const page = await (await admin.get('/en/admin/invitations')).text();
    const agencyId = /<option value="(\d+)">SSPC —/.exec(page)![1]!;
    const created = await (
      await admin.post('/en/admin/invitations?_action=createInvitation', { email: 'nuevo.editor@demo.test', agencyId, role: 'editor' })
    ).text();
    const token = /data-testid="invite-link">[^<]*\/([a-z0-9]{40})</.exec(created)![1]!;
    const editor = client();
    const accepted = await editor.post(`/es/invitation/${token}?_action=acceptInvitation`, {
      token,
      displayName: 'Editor Nuevo',
      password: 'una frase de paso para editar',
      passwordConfirm: 'una frase de paso para editar',
      lang: 'es',
    });
    expect(accepted.status).toBe(303);
    const home = await editor.get('/es/seizures');
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/es/mfa/setup');
    const setup = await (await editor.get('/es/mfa/setup')).text();
    expect(setup).toContain('Su cuenta (Editor) necesita un segundo factor.');
    const importTry = await editor.post('/es/seizures/import?_action=setLanguage', { lang: 'en' });
    expect(importTry.status).toBe(303);
    expect(importTry.headers.get('location')).toBe('/es/mfa/setup');

    // Signing in again leads to the same place.
    const again = client();
    const res = await again.post('/es/sign-in?_action=signIn', {
      email: 'nuevo.editor@demo.test',
      password: 'una frase de paso para editar',
      next: '',
    });
    expect(res.headers.get('location')).toBe('/es/mfa/setup');

    const started = await (
      await again.post('/es/mfa/setup?_action=beginTotpSetup', { currentPassword: 'una frase de paso para editar' })
    ).text();
    const secret = /data-testid="totp-secret">\s*([A-Z2-7 ]+?)\s*</.exec(started)![1]!.replace(/ /g, '');
    await again.post('/es/mfa/setup?_action=confirmTotp', { otp: totpCodeAt(secret, timeStep()) });
    expect((await again.get('/es/seizures')).status).toBe(200);
  });
});

describe('step-up: sensitive actions ask for the second factor again after 15 minutes', { timeout: 120_000 }, () => {
  it('sends a stale session to verify before an admin action, which then goes through', async () => {
    const admin = client();
    await admin.signIn('admin@demo.test', password, 'es', { fresh: true });
    const sessionId = admin.cookies.get('ac_session')!.split('.')[0]!;
    await query('UPDATE sessions SET verified_at = ? WHERE id = ?', [Date.now() - 16 * 60_000, sessionId]);
    const [agency] = await query("SELECT id, name_es, name_en FROM agencies WHERE code = 'BPD'");
    const form = { id: String(agency!.id), nameEs: 'Policía de Belice (editada)', nameEn: String(agency!.name_en), country: 'BZ' };
    const stale = await admin.post('/es/admin/agencies?_action=updateAgency', form);
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location')).toBe(`/es/mfa?step=up&next=${encodeURIComponent('/es/admin/agencies')}`);
    expect((await query("SELECT name_es FROM agencies WHERE code = 'BPD'"))[0]!.name_es).toBe(agency!.name_es);
    const ask = await (await admin.get(`/es/mfa?step=up&next=${encodeURIComponent('/es/admin/agencies')}`)).text();
    expect(ask).toContain('Confirme que es usted para continuar');
    // Reading pages still works; only the sensitive action waits.
    expect((await admin.get('/es/admin/users')).status).toBe(200);
    const verified = await admin.post('/es/mfa?_action=verifySecondFactor', {
      otp: await acceptableTotpCode('admin@demo.test', databaseUrl),
      next: '/es/admin/agencies',
    });
    expect(verified.headers.get('location')).toBe('/es/admin/agencies');
    expect((await admin.post('/es/admin/agencies?_action=updateAgency', form)).status).toBe(200);
    expect((await query("SELECT name_es FROM agencies WHERE code = 'BPD'"))[0]!.name_es).toBe('Policía de Belice (editada)');
    await admin.post('/es/admin/agencies?_action=updateAgency', { ...form, nameEs: String(agency!.name_es) });
  });

  it('refuses a JSON passkey call from another site, and one without a same-origin sign', async () => {
    const c = client();
    await c.signIn('analyst.sedena@demo.test', password);
    const foreign = await fetch(`${baseUrl}/_actions/passkeyRegistrationOptions`, {
      method: 'POST',
      body: '{}',
      headers: { cookie: `ac_session=${c.cookies.get('ac_session')}`, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
    });
    expect(foreign.status).toBe(403);
    const own = await c.postRaw('/_actions/passkeyRegistrationOptions', '{}', 'application/json');
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('"challenge"');
  });
});
