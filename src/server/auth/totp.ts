/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, what every authenticator app does) through
 * @oslojs/otp, and one-time recovery codes. Plain functions: the service (mfa.ts) stores and audits.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { renderSVG } from 'uqr';
import { sha256Hex } from './tokens.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the step before and after the current one are accepted too (clock drift). */
export const TOTP_DRIFT_STEPS = 1;
export const ISSUER = 'Armas Cruzadas';

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32 as apps expect. */
export function newTotpSecret(): string {
  return encodeBase32UpperCaseNoPadding(randomBytes(20));
}

export function secretKey(secret: string): Uint8Array {
  return decodeBase32IgnorePadding(secret.replace(/\s+/g, '').toUpperCase());
}

export function timeStep(now = Date.now()): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCodeAt(secret: string, step: number): string {
  return generateHOTP(secretKey(secret), BigInt(step), TOTP_DIGITS);
}

function sameText(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * The time step whose code this is, within ±1 step of now and later than `lastUsedStep` (a code
 * is accepted at most once), or null. Every candidate step is compared, in constant time.
 */
export function matchTotp(secret: string, code: string, lastUsedStep: number, now = Date.now()): number | null {
  const typed = code.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(typed)) return null;
  const current = timeStep(now);
  let matched: number | null = null;
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    if (sameText(totpCodeAt(secret, step), typed) && step > lastUsedStep && matched === null) matched = step;
  }
  return matched;
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secret: string, accountName: string): string {
  return createTOTPKeyURI(ISSUER, accountName, secretKey(secret), TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The QR code as SVG markup, drawn on the server (no script, nothing inline for the CSP to refuse). */
export function totpQrSvg(uri: string): string {
  return renderSVG(uri, { border: 2 });
}

/** The secret in groups of four, for typing it into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

// Recovery codes: 10 of them, 10 characters each from an alphabet without look-alikes (50 bits).
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    let code = '';
    for (const b of bytes) code += RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** Case, spaces and dashes do not matter when a code is typed. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** Random codes of 50 bits need no slow hash: SHA-256 keeps them unreadable in a stolen copy. */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(`recovery:${normalizeRecoveryCode(code)}`);
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{10}$/.test(normalizeRecoveryCode(code));
}
