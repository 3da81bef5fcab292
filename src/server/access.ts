/**
 * The one place that decides who may see what and who may do what. Lists, detail pages,
 * downloads, search, exports, feeds and notifications all ask here.
 */
import type { Country, Role } from '#db/schema/index.ts';
import { isAgencyCode } from '#src/domain/patterns.ts';

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
export type ScopeToken = 'public' | 'members' | `country:${string}` | `agency:${string}` | `user:${string}`;

export function isScopeToken(value: string): value is ScopeToken {
  return (
    value === 'public' ||
    value === 'members' ||
    /^country:[A-Z]{2}$/.test(value) ||
    (value.startsWith('agency:') && isAgencyCode(value.slice('agency:'.length)))
  );
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

/**
 * Readers with the same key see exactly the same scoped items (same tokens, or everything), so a
 * cache of figures over scoped data may be shared between them — and only between them.
 */
export function visibilityKey(reader: Reader | null): string {
  return seesEverything(reader) ? '*' : readerTokens(reader).join(' ');
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

// ---------------------------------------------------------------------------------------------
// Documents (src/server/documents): a scope of tokens as everywhere, plus named members
// (`user:<id>`), an owner who always keeps access, and a share that can expire or be revoked.

/** What the document rules need to know about a document. */
export interface DocumentFacts {
  ownerId: string;
  ownerAgencyCode: string;
  /** Scope tokens: `members`, `country:MX`, `agency:FGR`, `user:<id>`. */
  scope: readonly string[];
  shareExpiresAt: Date | null;
  revokedAt: Date | null;
  deletedAt: Date | null;
  versionPolicy: 'owner' | 'shared';
}

/** The tokens a reader holds for documents: those of every room, plus the reader's own `user:<id>`. */
export function documentReaderTokens(reader: Reader | null): ScopeToken[] {
  return reader ? [...readerTokens(reader), `user:${reader.id}`] : readerTokens(reader);
}

/** The share is live: not revoked and not past its expiry. */
export function documentShareLive(doc: Pick<DocumentFacts, 'shareExpiresAt' | 'revokedAt'>, now = new Date()): boolean {
  return !doc.revokedAt && (!doc.shareExpiresAt || doc.shareExpiresAt.getTime() > now.getTime());
}

/**
 * Who sees a document: members only (never visitors); its owner and admins always (until it is
 * deleted); anyone else holding one of its scope tokens while the share is live.
 */
export function canSeeDocument(reader: Reader | null, doc: DocumentFacts, now = new Date()): boolean {
  if (!reader || doc.deletedAt) return false;
  if (seesEverything(reader) || doc.ownerId === reader.id) return true;
  if (!documentShareLive(doc, now)) return false;
  const held = new Set<string>(documentReaderTokens(reader));
  return doc.scope.some((token) => token !== 'public' && held.has(token));
}

/**
 * Who may change the description, re-scope, revoke or delete a document and read its download
 * log: the owner, an admin (audited), or an editor of the owner's agency who can see it.
 */
export function canManageDocument(reader: Reader | null, doc: DocumentFacts, now = new Date()): boolean {
  if (!reader || doc.deletedAt) return false;
  if (seesEverything(reader) || doc.ownerId === reader.id) return true;
  return reader.role === 'editor' && reader.agencyCode === doc.ownerAgencyCode && canSeeDocument(reader, doc, now);
}

/** New versions: whoever manages the document, and everyone it is shared with when the owner allows it. */
export function canAddDocumentVersion(reader: Reader | null, doc: DocumentFacts, now = new Date()): boolean {
  if (canManageDocument(reader, doc, now)) return true;
  return doc.versionPolicy === 'shared' && canSeeDocument(reader, doc, now);
}

/** Restoring a deleted document (within the retention period): its owner or an admin. */
export function canRestoreDocument(reader: Reader | null, doc: Pick<DocumentFacts, 'ownerId'>): boolean {
  return Boolean(reader && (seesEverything(reader) || doc.ownerId === reader.id));
}

/**
 * What a library list may show, for its SQL: everything (admins), or the reader's own documents
 * plus live shares holding one of `tokens`.
 */
export function documentListAccess(reader: Reader): { all: true } | { all: false; ownerId: string; tokens: ScopeToken[] } {
  if (seesEverything(reader)) return { all: true };
  return { all: false, ownerId: reader.id, tokens: documentReaderTokens(reader).filter((t) => t !== 'public') };
}

// ---------------------------------------------------------------------------------------------
// Discussion threads. A category has a scope (all members, some countries, some agencies); a
// thread's scope is its category's or narrower. Lists and search put `readerTokens` into their
// SQL (with hidden threads left out); detail pages, permalinks, notifications, mention
// completion and reference links ask the functions below.

/** The facts about a thread that decide who may read it. */
export interface ThreadAccessFacts {
  scope: readonly string[];
  authorId: string;
  hidden: boolean;
}

/** Moderators (and admins) pin, lock, hide, restore and move threads and posts, and work the report queue. */
export function canModerateThreads(reader: Reader | null): boolean {
  return hasRole(reader, 'moderator');
}

/** Only admins create, rename, reorder and archive categories. */
export function canManageThreadCategories(reader: Reader | null): boolean {
  return hasRole(reader, 'admin');
}

/** Threads are for members only: visitors see no category and no thread. */
export function canSeeThreadCategory(reader: Reader | null, scope: readonly string[]): boolean {
  return reader !== null && canSee(reader, scope);
}

/**
 * A thread is readable by the members of its scope; a hidden thread only by moderators (who can
 * restore it) and its author (who sees why). Lists and search never show hidden threads.
 */
export function canSeeThread(reader: Reader | null, thread: ThreadAccessFacts): boolean {
  if (!reader || !canSee(reader, thread.scope)) return false;
  return !thread.hidden || canModerateThreads(reader) || reader.id === thread.authorId;
}

/** Whether the reader sees a hidden or deleted post's text: moderators (to judge a restore) and its author. */
export function canSeeRemovedPostText(reader: Reader | null, post: { authorId: string }): boolean {
  return reader !== null && (canModerateThreads(reader) || reader.id === post.authorId);
}

/** Authors edit and delete their own posts while they stand (not deleted, not hidden by a moderator). */
export function canChangePost(reader: Reader | null, post: { authorId: string; deleted: boolean; hidden: boolean }): boolean {
  return reader !== null && reader.id === post.authorId && !post.deleted && !post.hidden;
}

/**
 * Files attached to a post (documents whose origin is the thread): the reader must see the thread
 * (besides the document's own scope, which is the thread's when attached), and a hidden or deleted
 * post's files are for moderators only, as members see no trace of the post's content.
 */
export function canSeePostAttachments(
  reader: Reader | null,
  thread: ThreadAccessFacts,
  post: { deleted: boolean; hidden: boolean } | null,
): boolean {
  if (!canSeeThread(reader, thread)) return false;
  return post === null || (!post.deleted && !post.hidden) || canModerateThreads(reader);
}

/** Earlier versions of an edited post: its author and moderators. */
export function canSeePostRevisions(reader: Reader | null, post: { authorId: string }): boolean {
  return canSeeRemovedPostText(reader, post);
}

/**
 * Whether every reader admitted by `inner` is admitted by `outer` (a thread's scope inside its
 * category's). `countryOf` gives an agency's country: an agency is inside its country's scope.
 */
export function scopeWithin(
  inner: readonly string[],
  outer: readonly string[],
  countryOf: (agencyCode: string) => string | undefined,
): boolean {
  const out = new Set(outer);
  if (out.has('public')) return true;
  return inner.every((token) => {
    if (token === 'public') return false;
    if (out.has('members')) return true;
    if (token === 'members') return false;
    if (out.has(token)) return true;
    if (token.startsWith('agency:')) {
      const country = countryOf(token.slice('agency:'.length));
      return country !== undefined && out.has(`country:${country}`);
    }
    return false;
  });
}
