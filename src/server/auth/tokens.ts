import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Lowercase letters and digits without look-alikes (lucia-auth.com's alphabet): 24 chars = 120 bits.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function randomId(length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(bytes[i] as number) >> 3];
  return out;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares two hex digests without leaking where they differ. */
export function equalHashes(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
