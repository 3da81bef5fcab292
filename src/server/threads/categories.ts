/**
 * Forum categories: the list with threads, posts and latest activity counted only over what the
 * reader may see, and the admins' work on categories (create, rename in both languages, describe,
 * reorder, archive and restore), each audited. An archived category keeps its threads readable
 * but takes no new threads or replies.
 */
import { asc, eq, max, sql } from 'drizzle-orm';
import { threadCategories } from '#db/schema/index.ts';
import type { CategoryAudience } from '#src/domain/threads.ts';
import { AccessDenied, canManageThreadCategories, canSeeThreadCategory, type Reader } from '#src/server/access.ts';
import { actorOf, audit } from '#src/server/audit.ts';
import { db } from '#src/server/db.ts';
import { DomainError } from '#src/server/errors.ts';
import { scopeSetIdFor, scopeTokensOf, visibleScopeSql } from '#src/server/scopes.ts';
import { agencyCountries, loadCategory, type CategoryFacts, type ThreadActor } from './store.ts';

export interface CategoryRow extends CategoryFacts {
  threads: number;
  posts: number;
  lastActivityAt: Date | null;
  /** The thread with the latest activity the reader may see. */
  latest: { id: number; title: string; lastPostAt: Date } | null;
}

/** Categories the reader may see, in their order, with counts over the threads the reader may see. */
export async function listCategories(reader: Reader, opts: { includeArchived?: boolean } = {}): Promise<CategoryRow[]> {
  const rows = await db().select().from(threadCategories).orderBy(asc(threadCategories.position), asc(threadCategories.id));
  const scopes = await scopeTokensOf(rows.map((r) => r.scopeSetId));
  const visible = rows.filter((r) => canSeeThreadCategory(reader, scopes.get(r.scopeSetId) ?? []));
  if (!visible.length) return [];
  // Lists never show hidden threads, to anyone; the scope condition is the reader's.
  const counts = await db().all<{ category_id: number; threads: number; posts: number; last: number | null }>(sql`
    SELECT t.category_id, count(*) AS threads, sum(t.post_count) AS posts, max(t.last_post_at) AS last
    FROM threads t WHERE t.hidden_at IS NULL AND ${visibleScopeSql(reader, sql`t.scope_set_id`)} GROUP BY t.category_id`);
  const byCategory = new Map(counts.map((c) => [c.category_id, c]));
  const out: CategoryRow[] = [];
  for (const r of visible) {
    if (r.archivedAt && !opts.includeArchived) continue;
    const c = byCategory.get(r.id);
    let latest: CategoryRow['latest'] = null;
    if (c) {
      const [t] = await db().all<{ id: number; title: string; last_post_at: number }>(sql`
        SELECT t.id, t.title, t.last_post_at FROM threads t
        WHERE t.category_id = ${r.id} AND t.hidden_at IS NULL AND ${visibleScopeSql(reader, sql`t.scope_set_id`)}
        ORDER BY t.last_post_at DESC LIMIT 1`);
      if (t) latest = { id: t.id, title: t.title, lastPostAt: new Date(t.last_post_at) };
    }
    out.push({
      id: r.id,
      slug: r.slug,
      nameEs: r.nameEs,
      nameEn: r.nameEn,
      descriptionEs: r.descriptionEs,
      descriptionEn: r.descriptionEn,
      scopeSetId: r.scopeSetId,
      scope: scopes.get(r.scopeSetId) ?? [],
      position: r.position,
      archived: r.archivedAt !== null,
      threads: Number(c?.threads ?? 0),
      posts: Number(c?.posts ?? 0),
      lastActivityAt: c?.last ? new Date(c.last) : null,
      latest,
    });
  }
  return out;
}

/** The categories the reader may see, in their order, without counts (filters and choices). */
export async function categoryChoices(reader: Reader): Promise<CategoryFacts[]> {
  const rows = await db().select().from(threadCategories).orderBy(asc(threadCategories.position), asc(threadCategories.id));
  const scopes = await scopeTokensOf(rows.map((r) => r.scopeSetId));
  return rows
    .map((r) => ({
      id: r.id,
      slug: r.slug,
      nameEs: r.nameEs,
      nameEn: r.nameEn,
      descriptionEs: r.descriptionEs,
      descriptionEn: r.descriptionEn,
      scopeSetId: r.scopeSetId,
      scope: scopes.get(r.scopeSetId) ?? [],
      position: r.position,
      archived: r.archivedAt !== null,
    }))
    .filter((c) => canSeeThreadCategory(reader, c.scope));
}

/** Categories a member may start a thread in (visible, not archived). */
export async function postableCategories(reader: Reader): Promise<CategoryFacts[]> {
  return (await categoryChoices(reader)).filter((c) => !c.archived);
}

export interface CategoryInput {
  slug?: string;
  nameEs: string;
  nameEn: string;
  descriptionEs: string;
  descriptionEn: string;
  audience?: CategoryAudience;
  /** Country codes (audience countries) or agency codes (audience agencies). */
  codes?: string[];
}

/** Refused attempts (a forged form post) are audited as denied. */
async function requireManager(actor: ThreadActor, action: string): Promise<void> {
  if (canManageThreadCategories(actor)) return;
  await audit(actorOf(actor, actor.ip), { action, outcome: 'denied', target: 'thread_categories' });
  throw new AccessDenied('admin');
}

function clean(s: string, field: string, maxLength: number): string {
  const v = s.trim();
  if (!v) throw new DomainError('thread_field_required', field);
  if (v.length > maxLength) throw new DomainError('thread_field_too_long', field, { max: maxLength });
  return v;
}

/** Countries or agencies among the codes, as the audience asks (codes of the other kind are ignored). */
async function categoryScope(audience: CategoryAudience, codes: readonly string[]): Promise<string[]> {
  if (audience === 'members') return ['members'];
  const countries = await agencyCountries();
  const known = audience === 'countries' ? new Set(countries.values()) : new Set(countries.keys());
  const wanted = [...new Set(codes.map((c) => c.trim()).filter((c) => known.has(c)))];
  if (!wanted.length) throw new DomainError('thread_category_scope_empty', 'codes');
  return wanted.map((c) => (audience === 'countries' ? `country:${c}` : `agency:${c}`));
}

export async function createCategory(
  actor: ThreadActor,
  input: CategoryInput,
  now: Date = new Date(),
): Promise<{ id: number; slug: string }> {
  await requireManager(actor, 'threads.category.create');
  const slug = (input.slug ?? '').trim().toLowerCase();
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(slug)) throw new DomainError('thread_category_slug', 'slug');
  const values = {
    nameEs: clean(input.nameEs, 'nameEs', 80),
    nameEn: clean(input.nameEn, 'nameEn', 80),
    descriptionEs: clean(input.descriptionEs, 'descriptionEs', 300),
    descriptionEn: clean(input.descriptionEn, 'descriptionEn', 300),
  };
  const scope = await categoryScope(input.audience ?? 'members', input.codes ?? []);
  return db().transaction(async (tx) => {
    if (await loadCategory({ slug }, tx)) throw new DomainError('thread_category_slug_taken', 'slug');
    const [last] = await tx.select({ p: max(threadCategories.position) }).from(threadCategories);
    const [row] = await tx
      .insert(threadCategories)
      .values({
        slug,
        ...values,
        scopeSetId: await scopeSetIdFor(tx, scope),
        position: Number(last?.p ?? 0) + 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: threadCategories.id });
    await audit(actorOf(actor, actor.ip), { action: 'threads.category.create', target: `category:${slug}`, detail: { scope } }, tx);
    return { id: row!.id, slug };
  });
}

/** Renames and describes a category (both languages); its scope and address stay. */
export async function updateCategory(actor: ThreadActor, id: number, input: CategoryInput, now: Date = new Date()): Promise<void> {
  await requireManager(actor, 'threads.category.update');
  const values = {
    nameEs: clean(input.nameEs, 'nameEs', 80),
    nameEn: clean(input.nameEn, 'nameEn', 80),
    descriptionEs: clean(input.descriptionEs, 'descriptionEs', 300),
    descriptionEn: clean(input.descriptionEn, 'descriptionEn', 300),
  };
  await db().transaction(async (tx) => {
    const category = await loadCategory({ id }, tx);
    if (!category) throw new DomainError('thread_category_not_found');
    await tx
      .update(threadCategories)
      .set({ ...values, updatedAt: now })
      .where(eq(threadCategories.id, id));
    await audit(
      actorOf(actor, actor.ip),
      {
        action: 'threads.category.update',
        target: `category:${category.slug}`,
        detail: { from: { es: category.nameEs, en: category.nameEn }, to: { es: values.nameEs, en: values.nameEn } },
      },
      tx,
    );
  });
}

/** Moves a category one place up or down in the list. */
export async function moveCategory(actor: ThreadActor, id: number, direction: 'up' | 'down'): Promise<void> {
  await requireManager(actor, 'threads.category.reorder');
  await db().transaction(async (tx) => {
    const all = await tx.select().from(threadCategories).orderBy(asc(threadCategories.position), asc(threadCategories.id));
    const index = all.findIndex((c) => c.id === id);
    if (index < 0) throw new DomainError('thread_category_not_found');
    const other = all[direction === 'up' ? index - 1 : index + 1];
    if (!other) return;
    const order = all.map((c) => c.id);
    order[index] = other.id;
    order[direction === 'up' ? index - 1 : index + 1] = id;
    for (const [position, categoryId] of order.entries())
      await tx
        .update(threadCategories)
        .set({ position: position + 1 })
        .where(eq(threadCategories.id, categoryId));
    await audit(
      actorOf(actor, actor.ip),
      { action: 'threads.category.reorder', target: `category:${all[index]!.slug}`, detail: { direction } },
      tx,
    );
  });
}

export async function setCategoryArchived(actor: ThreadActor, id: number, archived: boolean, now: Date = new Date()): Promise<void> {
  await requireManager(actor, 'threads.category.archive');
  await db().transaction(async (tx) => {
    const category = await loadCategory({ id }, tx);
    if (!category) throw new DomainError('thread_category_not_found');
    await tx
      .update(threadCategories)
      .set({ archivedAt: archived ? now : null, updatedAt: now })
      .where(eq(threadCategories.id, id));
    await audit(
      actorOf(actor, actor.ip),
      { action: archived ? 'threads.category.archive' : 'threads.category.restore', target: `category:${category.slug}` },
      tx,
    );
  });
}

/** Every category with its scope, for the admins' page (admins see all). */
export async function allCategories(actor: ThreadActor): Promise<CategoryRow[]> {
  if (!canManageThreadCategories(actor)) throw new AccessDenied('admin');
  return listCategories(actor, { includeArchived: true });
}
