// npm run create-admin -- --email ana@agency.gov --name "Ana Pérez" --agency FGR [--lang es]
// Creates the first administrator (or makes an existing account admin). The password is asked
// for on the terminal, or read from ADMIN_PASSWORD when there is no terminal.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { agencies, users } from '#db/schema/index.ts';
import { normalizeEmail } from '#src/server/auth/accounts.ts';
import { hashPassword, passwordProblem } from '#src/server/auth/password.ts';
import { invalidateUserSessions } from '#src/server/auth/session.ts';
import { randomId } from '#src/server/auth/tokens.ts';
import { audit } from '#src/server/audit.ts';
import { closeDb, db } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedBaseData } from '#src/server/seed.ts';

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, agency: { type: 'string' }, lang: { type: 'string', default: 'es' } },
});

function fail(message: string): never {
  console.error(`create-admin: ${message}`);
  process.exit(1);
}

if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) fail('--email is required (e.g. --email ana@agency.gov)');
if (!values.agency) fail('--agency is required: the agency code (e.g. FGR, ATF)');
const lang = values.lang === 'en' ? 'en' : 'es';

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) fail('no terminal: set ADMIN_PASSWORD');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('Password (12–128 characters): ');
  rl.close();
  return answer;
}

await applyMigrations();
await seedBaseData();
const [agency] = await db().select().from(agencies).where(eq(agencies.code, values.agency.toUpperCase())).limit(1);
if (!agency) fail(`unknown agency code ${values.agency}`);
const emailNormalized = normalizeEmail(values.email);
const [existing] = await db().select().from(users).where(eq(users.emailNormalized, emailNormalized)).limit(1);
if (existing) {
  await db().update(users).set({ role: 'admin', disabled: false, updatedAt: new Date() }).where(eq(users.id, existing.id));
  await invalidateUserSessions(existing.id);
  await audit(
    { email: 'create-admin (command line)' },
    { action: 'admin.user_changed', target: emailNormalized, detail: { to: { role: 'admin' } } },
  );
  console.log(`${values.email} is now an administrator.`);
} else {
  const password = await readPassword();
  const problem = await passwordProblem(password);
  if (problem)
    fail(
      {
        password_too_short: 'password too short (12 characters at least)',
        password_too_long: 'password too long (128 at most)',
        password_common: 'that password is too common',
      }[problem],
    );
  const now = new Date();
  await db()
    .insert(users)
    .values({
      id: randomId(),
      email: values.email.trim(),
      emailNormalized,
      displayName: values.name?.trim() || values.email.trim(),
      agencyId: agency.id,
      role: 'admin',
      preferredLang: lang,
      passwordHash: await hashPassword(password),
      createdAt: now,
      updatedAt: now,
    });
  await audit({ email: 'create-admin (command line)' }, { action: 'admin.user_created', target: emailNormalized });
  console.log(`Administrator ${values.email} created.`);
}
closeDb();
