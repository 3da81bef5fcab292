/**
 * The one place that decides who may see what and who may do what. Lists, detail pages,
 * downloads, search, exports, feeds and notifications all ask here.
 */
import type { Country, Role } from '#db/schema/index.ts';

/** What the access check needs to know about a reader (a signed-in user, or null for a visitor). */
export interface Reader {
  id: string;
  role: Role;
  agencyCode: string;
  agencyCountry: Country;
}

/**
 * A visibility scope, stored as a list of tokens: `public` (anyone, visitors too), `members`
 * (every signed-in user), `country:MX` (every agency of a country), `agency:FGR` (one agency).
 * An item is visible to a reader when any of its tokens is one of the reader's tokens.
 */
export type ScopeToken = 'public' | 'members' | `country:${string}` | `agency:${string}`;

export function isScopeToken(value: string): value is ScopeToken {
  return value === 'public' || value === 'members' || /^country:[A-Z]{2}$/.test(value) || /^agency:[A-Z0-9-]{2,20}$/.test(value);
}

/** The tokens a reader holds; search engines put this list into every query. */
export function readerTokens(reader: Reader | null): ScopeToken[] {
  if (!reader) return ['public'];
  return ['public', 'members', `country:${reader.agencyCountry}`, `agency:${reader.agencyCode}`];
}

/** Portal operators see everything, so they can support every agency. */
export function seesEverything(reader: Reader | null): boolean {
  return reader?.role === 'admin';
}

export function canSee(reader: Reader | null, scope: readonly string[]): boolean {
  if (seesEverything(reader)) return true;
  const held = new Set<string>(readerTokens(reader));
  return scope.some((token) => held.has(token));
}

const RANK: Record<Role, number> = { member: 0, moderator: 1, editor: 1, admin: 3 };

/** Role checks: admin implies every role; editor and moderator are separate duties. */
export function hasRole(reader: Reader | null, role: Role): boolean {
  if (!reader) return false;
  if (reader.role === 'admin' || reader.role === role) return true;
  return role === 'member' && RANK[reader.role] >= 0;
}

export class AccessDenied extends Error {
  readonly need: string;
  constructor(need: string) {
    super(`access denied: ${need}`);
    this.name = 'AccessDenied';
    this.need = need;
  }
}

/** Throws unless the reader holds the role; server functions call this, not just the UI. */
export function requireRole(reader: Reader | null, role: Role): asserts reader is Reader {
  if (!hasRole(reader, role)) throw new AccessDenied(role);
}

/**
 * Who may create or change a seizure record of an agency (on every write path: upload, command
 * line with --as, actions): an editor their own agency's records, an admin any agency's (the
 * import's audit entry names the agencies written). The answer depends only on the agency, never
 * on whether a record with that key exists, so a refusal reveals nothing about hidden records.
 */
export function canWriteSeizureOf(writer: Reader | null, agencyCode: string): boolean {
  if (!writer) return false;
  if (writer.role === 'admin') return true;
  return writer.role === 'editor' && writer.agencyCode === agencyCode;
}

const COUNTRY_CODES = new Set(['US', 'MX', 'GT', 'BZ', 'SV']);

/**
 * Curated content declares its audience as 'public', 'members' or a list of agency and country
 * codes; this turns it into scope tokens so content goes through the same check as everything.
 */
export function audienceToScope(audience: 'public' | 'members' | readonly string[]): ScopeToken[] {
  if (audience === 'public' || audience === 'members') return [audience];
  return audience.map((code): ScopeToken => (COUNTRY_CODES.has(code) ? `country:${code}` : `agency:${code}`));
}

/**
 * Information requests: visible to the requesting agency, every addressed agency and admins.
 * Detail pages check `canSee(reader, requestScope(...))`; lists put `requestListAgency(reader)`
 * into their SQL WHERE (null: the reader sees every request).
 */
export function requestScope(requesterAgencyCode: string, addressedAgencyCodes: readonly string[]): ScopeToken[] {
  return [...new Set([requesterAgencyCode, ...addressedAgencyCodes])].map((code): ScopeToken => `agency:${code}`);
}

/** The agency whose requests a list may show to this reader, or null when the reader sees all. */
export function requestListAgency(reader: Reader): string | null {
  return seesEverything(reader) ? null : reader.agencyCode;
}

/** Which side of a request the reader acts for: the requesting agency, an addressed agency, or neither. */
export function requestSide(
  reader: Reader | null,
  requesterAgencyCode: string,
  addressedAgencyCodes: readonly string[],
): 'requester' | 'recipient' | null {
  if (!reader) return null;
  if (reader.agencyCode === requesterAgencyCode) return 'requester';
  if (addressedAgencyCodes.includes(reader.agencyCode)) return 'recipient';
  return null;
}
