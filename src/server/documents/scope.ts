/**
 * Visibility scopes of documents as users choose them, turned into scope tokens
 * (src/server/access.ts) and stored once per distinct token list in scope_sets.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { agencies, users } from '#db/schema/index.ts';
import { COUNTRIES } from '#src/domain/agencies.ts';
import type { ScopeKind } from '#src/domain/documents.ts';
import type { Executor } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { allRows, col, runRaw, type RawExec } from '#src/server/sql.ts';

export type ScopeChoice =
  | { kind: 'members' }
  | { kind: 'country'; country: string }
  | { kind: 'agencies'; agencies: string[] }
  | { kind: 'users'; emails: string[] }
  /** Attachments: the scope of the request or thread, computed by the caller. */
  | { kind: 'request' | 'thread'; tokens: string[] };

export interface ResolvedScope {
  kind: ScopeKind;
  tokens: string[];
}

export async function resolveScope(ex: Executor, choice: ScopeChoice): Promise<ResolvedScope> {
  switch (choice.kind) {
    case 'members':
      return { kind: 'members', tokens: ['members'] };
    case 'country':
      if (!(COUNTRIES as readonly string[]).includes(choice.country)) throw new DomainError('document_scope_country', 'scopeCountry');
      return { kind: 'country', tokens: [`country:${choice.country}`] };
    case 'agencies': {
      const codes = [...new Set(choice.agencies.map((c) => c.trim()).filter(Boolean))];
      if (!codes.length) throw new DomainError('document_scope_agencies', 'scopeAgencies');
      const known = new Set(
        (await ex.select({ code: agencies.code }).from(agencies).where(inArray(agencies.code, codes))).map((r) => r.code),
      );
      const unknown = codes.find((c) => !known.has(c));
      if (unknown) throw new DomainError('request_unknown_agency', 'scopeAgencies', { code: unknown });
      return { kind: 'agencies', tokens: codes.map((c) => `agency:${c}`) };
    }
    case 'users': {
      const emails = [...new Set(choice.emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
      if (!emails.length) throw new DomainError('document_scope_members', 'scopeMembers');
      if (emails.length > 100) throw new DomainError('document_scope_members_many', 'scopeMembers', { max: 100 });
      const found = await ex
        .select({ id: users.id, email: users.emailNormalized })
        .from(users)
        .where(and(inArray(users.emailNormalized, emails), eq(users.disabled, false)));
      const byEmail = new Map(found.map((u) => [u.email, u.id]));
      const unknown = emails.find((e) => !byEmail.has(e));
      if (unknown) throw new DomainError('document_scope_unknown_member', 'scopeMembers', { email: unknown });
      return { kind: 'users', tokens: emails.map((e) => `user:${byEmail.get(e)!}`) };
    }
    case 'request':
    case 'thread':
      if (!choice.tokens.length) throw new DomainError('document_scope_agencies', 'scope');
      return { kind: choice.kind, tokens: [...new Set(choice.tokens)] };
  }
}

/** The id of the scope set holding exactly these tokens (created when new). */
export async function scopeSetId(ex: RawExec, tokens: readonly string[]): Promise<number> {
  const key = [...new Set(tokens)].sort().join(' ');
  await runRaw(ex, 'INSERT OR IGNORE INTO scope_sets (tokens) VALUES (?)', [key]);
  const [row] = await allRows(ex, { id: col.int }, 'SELECT id FROM scope_sets WHERE tokens = ?', [key]);
  const id = row!.id;
  await runRaw(ex, `INSERT OR IGNORE INTO scope_set_tokens (scope_set_id, token) SELECT ?, value FROM json_each(?)`, [
    id,
    JSON.stringify(key.split(' ')),
  ]);
  return id;
}
