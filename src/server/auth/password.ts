import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS, breachedLists } from './common-passwords.ts';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

// Argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 iterations.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_common';

/** Length limits only, no composition rules (NIST SP 800-63B); common and breached passwords refused. */
export async function passwordProblem(password: string): Promise<PasswordProblem | null> {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'password_too_short';
  if (length > PASSWORD_MAX) return 'password_too_long';
  if (await isCommonPassword(password)) return 'password_common';
  return null;
}

// Look-alike characters people put inside a word ("p@ssw0rd").
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

/** The word a password is built on once digits and symbols around it are taken off ("Futbol123456!" -> "futbol"). */
export function baseWord(folded: string): string {
  const core = folded.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  return core.replace(/[0134579@$!]/g, (c) => LEET[c] ?? c);
}

/**
 * Refused: an entry of the breached-password list (~49,000, English and Spanish, from
 * @zxcvbn-ts/language-common) or of our own list; one dictionary word (a breached password, a
 * common Spanish or English word, a first name), possibly repeated, with only digits or symbols
 * around it ("futbol123456", "Seguridad2026!"); one character repeated; a run of digits.
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  const folded = password.normalize('NFC').toLowerCase().replace(/\s+/g, '');
  if (COMMON_PASSWORDS.has(folded)) return true;
  if (/^(.)\1+$/u.test(folded)) return true;
  if ('0123456789012345678901234567890'.includes(folded) || '9876543210987654321098765432109'.includes(folded)) return true;
  const lists = await breachedLists();
  if (lists.passwords.has(folded)) return true;
  const base = baseWord(folded);
  if (!/^\p{L}{3,}$/u.test(base)) return false;
  const unaccented = base.normalize('NFD').replace(/\p{M}/gu, '');
  const repeated = /^(\p{L}+?)\1+$/u.exec(base)?.[1];
  return [base, unaccented, repeated].some((w) => w !== undefined && (lists.passwords.has(w) || lists.words.has(w)));
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the account does not exist keeps the timing the same.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing');
  await verifyPassword(await dummyHash, password);
}
