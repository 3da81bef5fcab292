import type { Country } from './agencies.ts';

/** Time zones a reader can choose on the account page (IANA names): the member countries' own. */
export const TIME_ZONES = [
  'America/Mexico_City',
  'America/Monterrey',
  'America/Chihuahua',
  'America/Ciudad_Juarez',
  'America/Hermosillo',
  'America/Mazatlan',
  'America/Tijuana',
  'America/Cancun',
  'America/Guatemala',
  'America/Belize',
  'America/El_Salvador',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'UTC',
] as const;
export type TimeZone = (typeof TIME_ZONES)[number];

/** Until a reader chooses, times show in their agency's country's (main) time zone. */
export const COUNTRY_TIME_ZONE: Record<Country, TimeZone> = {
  MX: 'America/Mexico_City',
  US: 'America/New_York',
  GT: 'America/Guatemala',
  BZ: 'America/Belize',
  SV: 'America/El_Salvador',
};

export function isTimeZone(value: unknown): value is TimeZone {
  return typeof value === 'string' && (TIME_ZONES as readonly string[]).includes(value);
}

/** The cookie in which a visitor's browser names its time zone (src/scripts/time-zone.ts). */
export const TIME_ZONE_COOKIE = 'tz';
