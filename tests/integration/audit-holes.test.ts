// Regression tests for the outside audit's findings (issue 8): each failed before its fix.
import { createClient } from '@libsql/client';
import { describe, expect, inject, it } from 'vitest';
import { HttpClient } from '#tests/helpers/http.ts';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const client = () => new HttpClient(baseUrl);

async function query(sql: string, args: (string | number)[] = []) {
  const db = createClient({ url: inject('databaseUrl') });
  try {
    return (await db.execute({ sql, args })).rows;
  } finally {
    db.close();
  }
}

async function signedIn(email: string): Promise<HttpClient> {
  const c = client();
  expect((await c.signIn(email, password)).status).toBe(303);
  return c;
}

describe('hole 2: only es and en are languages, and the members-only gate does not depend on a path prefix', () => {
  const paths = [
    '/_x/admin/agencies',
    '/_x/admin/users',
    '/_x/seizures/dashboard',
    '/_x/seizures/template.csv',
    '/_x/requests',
    '/_nope',
    '/fr/seizures',
    '/xx/',
    '/_actions',
    '/_actions/',
    '/_astrox/admin/audit',
  ];
  it('answers 404 to visitors, never the page', async () => {
    for (const path of paths) {
      const res = await client().get(path);
      expect(res.status, path).toBe(404);
      const body = await res.text();
      expect(body, path).not.toContain('data-testid="audit"');
      expect(body, path).not.toMatch(/<form[^>]*updateAgency/);
      expect(body, path).not.toContain('referencia,fecha');
    }
  });

  it('answers 404 to a signed-in member and to an admin too', async () => {
    const member = await signedIn('analyst.sedena@demo.test');
    const admin = await signedIn('admin@demo.test');
    for (const path of paths) {
      expect((await member.get(path)).status, path).toBe(404);
      const res = await admin.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('data-testid="audit"');
    }
    // The real pages still work.
    expect((await admin.get('/es/admin/agencies')).status).toBe(200);
    expect((await client().get('/es/seizures/dashboard')).status).toBe(302);
  });
});

describe('hole 3: refused admin actions are audited as denied', () => {
  it('writes actor, target and outcome for each forged admin POST by a member', async () => {
    const member = await signedIn('analyst.sedena@demo.test');
    const [me] = await query("SELECT id FROM users WHERE email_normalized = 'analyst.sedena@demo.test'");
    const [other] = await query("SELECT id FROM users WHERE email_normalized = 'agent.atf@demo.test'");
    const [agency] = await query("SELECT id FROM agencies WHERE code = 'SEDENA'");
    const myId = String(me!.id);
    const forged: [string, Record<string, string>, string, string][] = [
      ['updateUser', { id: myId, role: 'admin', agencyId: String(agency!.id) }, 'admin.user_changed', myId],
      ['setUserDisabled', { id: String(other!.id), disabled: 'true' }, 'admin.user_disabled', String(other!.id)],
      ['releaseLockout', { id: String(other!.id) }, 'admin.lockout_released', String(other!.id)],
      [
        'createInvitation',
        { email: 'boss@demo.test', agencyId: String(agency!.id), role: 'admin' },
        'admin.invitation_created',
        'boss@demo.test',
      ],
      [
        'updateAgency',
        { id: String(agency!.id), nameEs: 'Renombrada', nameEn: 'Renamed', country: 'MX' },
        'admin.agency_updated',
        String(agency!.id),
      ],
    ];
    for (const [action, form, auditAction, target] of forged) {
      const res = await member.post(`/es/account?_action=${action}`, form);
      expect(res.status, action).toBe(403);
      const rows = await query('SELECT user_email, agency_code, outcome, target FROM audit_log WHERE action = ? AND outcome = ?', [
        auditAction,
        'denied',
      ]);
      expect(
        rows.map((r) => [r.user_email, r.agency_code, r.target]),
        action,
      ).toContainEqual(['analyst.sedena@demo.test', 'SEDENA', target]);
    }
    const [role] = await query("SELECT role FROM users WHERE email_normalized = 'analyst.sedena@demo.test'");
    expect(role!.role).toBe('member');
    const [name] = await query("SELECT name_en FROM agencies WHERE code = 'SEDENA'");
    expect(name!.name_en).not.toBe('Renamed');
  });
});

describe('hole 4: a malformed JSON body is a 400, not a 500', () => {
  it('answers 400 signed out and signed in, for every action tried', async () => {
    const member = await signedIn('analyst.fgr@demo.test');
    for (const who of [client(), member]) {
      for (const action of ['signIn', 'createInvitation', 'changePassword', 'importSeizures', 'setLanguage']) {
        const res = await who.postRaw(`/_actions/${action}`, '{bad', 'application/json');
        expect(res.status, action).toBe(400);
        expect(res.headers.get('content-security-policy'), action).toContain("frame-ancestors 'none'");
      }
    }
  });
});

describe('hole 5: the sign-in return address', () => {
  it('replaces a line break or anything not a same-site path with the home page, never a 500', async () => {
    const cases: [string, string][] = [
      ['/es/seizures\r\nSet-Cookie: x=1', '/es/'],
      ['/es/requests\nfoo', '/es/'],
      ['//evil.example/es/', '/es/'],
      ['/es/\\evil.example', '/es/'],
      ['https://evil.example/es/', '/es/'],
      ['/es/../../evil', '/es/'],
      ['/fr/seizures', '/es/'],
      ['/es/seizures?q=fusil#x', '/es/seizures?q=fusil#x'],
      ['/en/requests', '/en/requests'],
    ];
    for (const [next, expected] of cases) {
      const c = client();
      const res = await c.post('/es/sign-in?_action=signIn', { email: 'analyst.fgr@demo.test', password, next });
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(res.headers.get('location'), JSON.stringify(next)).toBe(expected);
    }
  });
});

describe('hole 7: security headers and caching', () => {
  it('sends private, no-store on signed-in pages and downloads, and on the sign-in page', async () => {
    const member = await signedIn('analyst.fgr@demo.test');
    for (const path of ['/es/', '/es/account', '/es/seizures', '/es/seizures/export.csv', '/en/requests/export.csv', '/es/bulletins']) {
      const res = await member.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
    }
    expect((await client().get('/es/sign-in')).headers.get('cache-control')).toBe('private, no-store');
    // A visitor's public page may be kept, but is checked again each time.
    expect((await client().get('/es/bulletins')).headers.get('cache-control')).toBe('no-cache');
  });

  it('puts the headers on the 403 for a cross-site POST, form (Astro checkOrigin) or JSON (our middleware)', async () => {
    const form = await fetch(`${baseUrl}/es/sign-in?_action=signIn`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ email: 'x@example.com', password: 'y' }),
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
    const json = await fetch(`${baseUrl}/_actions/signIn`, {
      method: 'POST',
      redirect: 'manual',
      body: JSON.stringify({ email: 'x@example.com', password: 'y' }),
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    });
    for (const res of [form, json]) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
    expect(json.headers.get('cache-control')).toBe('private, no-store');
  });

  it("puts the headers on static files and on Node's 400 and 431", async () => {
    const home = await (await client().get('/es/')).text();
    const asset = /(?:href|src)="(\/_astro\/[^"]+)"/.exec(home)?.[1];
    expect(asset).toBeDefined();
    const responses = await Promise.all([
      fetch(`${baseUrl}${asset}`),
      fetch(`${baseUrl}/favicon.svg`),
      fetch(`${baseUrl}/robots.txt`),
      fetch(`${baseUrl}/es/%zz`),
      fetch(`${baseUrl}/es/?q=${'a'.repeat(20_000)}`),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 400, 431]);
    for (const res of responses) {
      expect(res.headers.get('content-security-policy'), res.url.slice(0, 60)).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options'), res.url.slice(0, 60)).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), res.url.slice(0, 60)).toBe('nosniff');
    }
  });
});

describe('hole 8: common and breached passwords', () => {
  it('refuses futbol123456 when an invited user chooses a password', async () => {
    const admin = await signedIn('admin@demo.test');
    const page = await (await admin.get('/en/admin/invitations')).text();
    const agencyId = /<option value="(\d+)">SSPC —/.exec(page)?.[1];
    const created = await (
      await admin.post('/en/admin/invitations?_action=createInvitation', {
        email: 'futbolero@demo.test',
        agencyId: agencyId!,
        role: 'member',
      })
    ).text();
    const token = /data-testid="invite-link">[^<]*\/([a-z0-9]{40})</.exec(created)?.[1];
    expect(token).toBeDefined();
    const invitee = client();
    for (const weak of ['futbol123456', 'Seguridad2026!']) {
      const html = await (
        await invitee.post(`/es/invitation/${token}?_action=acceptInvitation`, {
          token: token!,
          displayName: 'Aficionado',
          password: weak,
          passwordConfirm: weak,
          lang: 'es',
        })
      ).text();
      expect(html, weak).toContain('Contraseña: es demasiado común');
    }
    expect(await query("SELECT id FROM users WHERE email_normalized = 'futbolero@demo.test'")).toEqual([]);
  });
});
