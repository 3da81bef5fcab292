/**
 * Passkeys (WebAuthn) through @simplewebauthn/server: register several, name and remove them,
 * and use one to sign in on its own (it is multi-factor by itself: the device and its PIN or
 * biometrics, so user verification is required) or as the second factor after the password.
 * Challenges live in the database for five minutes and work once.
 */
import { and, eq, lt } from 'drizzle-orm';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  WebAuthnCredential,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { authChallenges, agencies, passkeys, users } from '#db/schema/index.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { config } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { ISSUER } from './totp.ts';
import { mfaStatus, mustHaveSecondFactor } from './mfa.ts';
import type { SessionUser } from './session.ts';
import { randomId } from './tokens.ts';
import type { RequestMeta } from './accounts.ts';

const CHALLENGE_MS = 5 * 60_000;

// Loaded on the first passkey ceremony, not with every page that imports this module (~27 MB of
// RSS per server process for a library most requests never use).
const webauthn = () => import('@simplewebauthn/server');
export const PASSKEY_NAME_MAX = 60;

/** The relying party: the public origin when configured, else the origin the browser used. */
export function relyingParty(requestOrigin: string): { rpID: string; origin: string } {
  const origin = config.publicOrigin ?? requestOrigin;
  return { rpID: new URL(origin).hostname, origin };
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const fromB64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

async function storeChallenge(challenge: string, purpose: 'register' | 'authenticate', userId: string | null): Promise<string> {
  const id = randomId();
  const now = Date.now();
  // Old challenges go as new ones come, so the table stays small.
  await db()
    .delete(authChallenges)
    .where(lt(authChallenges.expiresAt, new Date(now)));
  await db()
    .insert(authChallenges)
    .values({ id, challenge, userId, purpose, expiresAt: new Date(now + CHALLENGE_MS) });
  return id;
}

/** Takes a challenge out (it works once); null when unknown, expired, or issued for something else. */
async function takeChallenge(id: string, purpose: 'register' | 'authenticate', userId: string | null): Promise<string | null> {
  const [row] = await db().delete(authChallenges).where(eq(authChallenges.id, id)).returning();
  if (!row || row.purpose !== purpose || row.expiresAt.getTime() <= Date.now()) return null;
  if (userId !== null && row.userId !== userId) return null;
  return row.challenge;
}

export interface PasskeyOptions<T> {
  options: T;
  /** Goes to a short-lived HttpOnly cookie, so the answer can be matched to its challenge. */
  challengeId: string;
}

export async function registrationOptions(
  user: SessionUser,
  requestOrigin: string,
): Promise<PasskeyOptions<PublicKeyCredentialCreationOptionsJSON>> {
  const { rpID } = relyingParty(requestOrigin);
  const existing = await db()
    .select({ id: passkeys.id, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.userId, user.id));
  const options = await (
    await webauthn()
  ).generateRegistrationOptions({
    rpName: ISSUER,
    rpID,
    userName: user.email,
    userDisplayName: user.displayName,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: parseTransports(p.transports) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  return { options, challengeId: await storeChallenge(options.challenge, 'register', user.id) };
}

type Transport = NonNullable<WebAuthnCredential['transports']>[number];

function parseTransports(json: string | null): Transport[] | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as Transport[];
  } catch {
    return undefined;
  }
}

export function cleanPasskeyName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, PASSKEY_NAME_MAX);
}

export async function registerPasskey(
  user: SessionUser,
  challengeId: string,
  response: RegistrationResponseJSON,
  nameInput: string,
  requestOrigin: string,
  meta: RequestMeta,
): Promise<{ id: string; name: string }> {
  const name = cleanPasskeyName(nameInput);
  if (!name) throw new DomainError('passkey_name_required', 'name');
  const challenge = await takeChallenge(challengeId, 'register', user.id);
  const { rpID, origin } = relyingParty(requestOrigin);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>> | null = null;
  if (challenge) {
    verified = await (
      await webauthn()
    )
      .verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true,
      })
      .catch(() => null);
  }
  if (!verified?.verified) {
    await audit(actorOf(user, meta.ip), { action: 'mfa.passkey_added', outcome: 'failed' });
    throw new DomainError('passkey_failed');
  }
  const { credential, credentialBackedUp } = verified.registrationInfo;
  const now = new Date();
  await db()
    .insert(passkeys)
    .values({
      id: credential.id,
      userId: user.id,
      name,
      publicKey: b64url(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ? JSON.stringify(credential.transports) : null,
      backedUp: credentialBackedUp,
      createdAt: now,
      lastUsedAt: null,
    });
  await audit(actorOf(user, meta.ip), { action: 'mfa.passkey_added', target: name });
  return { id: credential.id, name };
}

/** Options for using a passkey: any passkey of this site (sign-in) or one of this user's (second factor, step-up). */
export async function authenticationOptions(
  userId: string | null,
  requestOrigin: string,
): Promise<PasskeyOptions<PublicKeyCredentialRequestOptionsJSON>> {
  const { rpID } = relyingParty(requestOrigin);
  const mine = userId
    ? await db().select({ id: passkeys.id, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId))
    : [];
  const options = await (
    await webauthn()
  ).generateAuthenticationOptions({
    rpID,
    userVerification: 'required',
    ...(userId ? { allowCredentials: mine.map((p) => ({ id: p.id, transports: parseTransports(p.transports) })) } : {}),
  });
  return { options, challengeId: await storeChallenge(options.challenge, 'authenticate', userId) };
}

export interface PasskeyUser {
  userId: string;
  email: string;
  agencyCode: string;
  preferredLang: 'es' | 'en';
  passkeyName: string;
}

/**
 * Checks a passkey's answer. `expectedUserId`: the user it must belong to (second factor,
 * step-up); null for sign-in with the passkey alone. Null when anything does not match.
 */
export async function verifyPasskey(
  challengeId: string,
  response: AuthenticationResponseJSON,
  requestOrigin: string,
  expectedUserId: string | null,
): Promise<PasskeyUser | null> {
  const challenge = await takeChallenge(challengeId, 'authenticate', expectedUserId);
  if (!challenge) return null;
  const [row] = await db()
    .select({
      passkey: passkeys,
      email: users.email,
      disabled: users.disabled,
      preferredLang: users.preferredLang,
      agencyCode: agencies.code,
    })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(eq(passkeys.id, response.id))
    .limit(1);
  if (!row || row.disabled) return null;
  if (expectedUserId !== null && row.passkey.userId !== expectedUserId) return null;
  const { rpID, origin } = relyingParty(requestOrigin);
  const result = await (
    await webauthn()
  )
    .verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: {
        id: row.passkey.id,
        publicKey: fromB64url(row.passkey.publicKey),
        counter: row.passkey.counter,
        transports: parseTransports(row.passkey.transports),
      },
    })
    .catch(() => null);
  if (!result?.verified) return null;
  await db()
    .update(passkeys)
    .set({ counter: result.authenticationInfo.newCounter, lastUsedAt: new Date() })
    .where(eq(passkeys.id, row.passkey.id));
  return {
    userId: row.passkey.userId,
    email: row.email,
    agencyCode: row.agencyCode,
    preferredLang: row.preferredLang,
    passkeyName: row.passkey.name,
  };
}

export async function renamePasskey(user: SessionUser, id: string, nameInput: string, meta: RequestMeta): Promise<void> {
  const name = cleanPasskeyName(nameInput);
  if (!name) throw new DomainError('passkey_name_required', 'name');
  const changed = await db()
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, user.id)))
    .returning({ id: passkeys.id });
  if (!changed.length) throw new DomainError('passkey_unknown');
  await audit(actorOf(user, meta.ip), { action: 'mfa.passkey_renamed', target: name });
}

export async function removePasskey(user: SessionUser, id: string, meta: RequestMeta): Promise<void> {
  const status = await mfaStatus(user.id);
  const key = status.passkeys.find((p) => p.id === id);
  if (!key) throw new DomainError('passkey_unknown');
  if (status.factorCount <= 1 && mustHaveSecondFactor(user)) throw new DomainError('mfa_last_passkey');
  await db()
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, user.id)));
  await audit(actorOf(user, meta.ip), { action: 'mfa.passkey_removed', target: key.name });
}
