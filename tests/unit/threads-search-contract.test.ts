/**
 * One behaviour for both thread search engines. FTS5 always runs; Meilisearch only when
 * MEILISEARCH_URL points at a server (there is none here), into a throwaway index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { agencies, threadCategories, users } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';
import { seedBaseData, seedDemoUsers } from '#src/server/seed.ts';
import { fts5ThreadEngine } from '#src/server/search/threads-fts5.ts';
import { buildMeiliThreadQuery, createMeiliThreadEngine } from '#src/server/search/threads-meilisearch.ts';
import type { ThreadSearchEngine } from '#src/server/search/threads-types.ts';
import { moderatePost, moderateThread } from '#src/server/threads/moderation.ts';
import { createThread, deletePost, replyToThread } from '#src/server/threads/posting.ts';
import type { ThreadActor } from '#src/server/threads/store.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';

let cleanup: () => void;
const who: Record<string, ThreadActor> = {};
const ids: Record<string, number> = {};

async function actor(email: string): Promise<ThreadActor> {
  const [u] = await db()
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      agencyCode: agencies.code,
      agencyCountry: agencies.country,
    })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(eq(users.emailNormalized, email));
  return { ...u!, ip: null };
}

beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  await seedBaseData();
  await seedDemoUsers('contract-passphrase');
  for (const [k, email] of Object.entries({
    atf: 'agent.atf@demo.test',
    fgr: 'analyst.fgr@demo.test',
    sedena: 'analyst.sedena@demo.test',
    cbp: 'moderator.cbp@demo.test',
    admin: 'admin@demo.test',
  }))
    who[k] = await actor(email);
  const cat = async (slug: string) => (await db().select().from(threadCategories).where(eq(threadCategories.slug, slug)))[0]!.id;
  const common = { lang: 'es' as const, tags: '', handlingCode: 'H0' as const };
  const open = await createThread(who.fgr!, {
    ...common,
    categoryId: await cat('rastreo'),
    title: 'Rastreo de fusiles en Michoacán',
    body: 'Fusiles asegurados en Uruapan; pedimos el rastreo de los números de serie. <b>negritas</b>',
    audience: 'category',
  });
  ids.open = open.threadId;
  ids.openPost = open.postId;
  ids.reply = (await replyToThread(who.atf!, open.threadId, { body: 'The trace of the rifles came back to Texas.', lang: 'en' })).postId;
  ids.deleted = (await replyToThread(who.atf!, open.threadId, { body: 'Borrador eliminado sobre Uruapan', lang: 'es' })).postId;
  ids.hidden = (await replyToThread(who.fgr!, open.threadId, { body: 'Texto ocultado sobre Uruapan', lang: 'es' })).postId;
  await deletePost(who.atf!, ids.deleted);
  await moderatePost(who.admin!, ids.hidden, 'hide_post', { reason: 'test' });
  const restricted = await createThread(who.fgr!, {
    ...common,
    categoryId: await cat('casos-conjuntos'),
    title: 'Caso reservado de Uruapan',
    body: 'Solo FGR y ATF: balística de Uruapan.',
    audience: 'agencies',
    agencies: ['ATF'],
  });
  ids.restricted = restricted.threadId;
  ids.restrictedPost = restricted.postId;
  const hiddenThread = await createThread(who.atf!, {
    ...common,
    lang: 'en',
    categoryId: await cat('general'),
    title: 'Uruapan thread hidden by moderation',
    body: 'Nothing to see in Uruapan.',
    audience: 'category',
  });
  await moderateThread(who.admin!, hiddenThread.threadId, 'hide_thread', { reason: 'test' });
  ids.rastreo = await cat('rastreo');
});
afterAll(() => cleanup());

function contract(name: string, engine: () => ThreadSearchEngine) {
  describe(`thread search contract: ${name}`, () => {
    it('finds titles and bodies, folding accents and matching word starts', async () => {
      const title = await engine().search({ text: 'michoacan' }, who.sedena!);
      expect(title.hits.map((h) => h.postId)).toEqual([ids.openPost]);
      expect(title.hits[0]!.threadTitle).toBe('Rastreo de fusiles en Michoacán');
      expect((await engine().search({ text: 'rastre' }, who.sedena!)).hits.map((h) => h.threadId)).toContain(ids.open);
      expect((await engine().search({ text: 'texas rifles' }, who.sedena!)).hits.map((h) => h.postId)).toEqual([ids.reply]);
    });

    it('puts the reader’s access into the query: hits and totals agree', async () => {
      const atf = await engine().search({ text: 'uruapan' }, who.atf!);
      expect(atf.hits.map((h) => h.postId).sort()).toEqual([ids.openPost, ids.restrictedPost].sort());
      expect(atf.total).toBe(2);
      const sedena = await engine().search({ text: 'uruapan' }, who.sedena!);
      expect(sedena.hits.map((h) => h.postId)).toEqual([ids.openPost]);
      expect(sedena.total).toBe(1);
      expect((await engine().search({ text: 'reservado' }, who.sedena!)).total).toBe(0);
      expect((await engine().search({ text: 'reservado' }, null)).total).toBe(0);
    });

    it('never finds hidden posts, deleted posts or hidden threads, not even for admins', async () => {
      for (const word of ['ocultado', 'borrador', 'moderation'])
        expect((await engine().search({ text: word }, who.admin!)).total, word).toBe(0);
    });

    it('filters by category and escapes snippets, marking the matches', async () => {
      const r = await engine().search({ text: 'uruapan', categoryId: ids.rastreo }, who.atf!);
      expect(r.hits.map((h) => h.postId)).toEqual([ids.openPost]);
      const snippet = (await engine().search({ text: 'negritas' }, who.atf!)).hits[0]!.snippet;
      expect(snippet).toContain('<mark>negritas</mark>');
      expect(snippet).not.toContain('<b>');
    });
  });
}

contract('fts5', () => fts5ThreadEngine);

const meiliUrl = process.env.MEILISEARCH_URL;
describe.skipIf(!meiliUrl)('meilisearch', () => {
  let engine: ThreadSearchEngine;
  beforeAll(async () => {
    engine = createMeiliThreadEngine({
      host: meiliUrl ?? '',
      apiKey: process.env.MEILISEARCH_KEY,
      indexName: `contract_threads_${process.pid}`,
    });
    await engine.reindex();
  }, 120_000);
  contract('meilisearch', () => engine);
});

describe('meilisearch thread query', () => {
  it('carries the reader’s scope tokens (none for admins) and the category', () => {
    const member = buildMeiliThreadQuery({ text: 'fusiles', categoryId: 3 }, who.sedena!);
    expect(member.params.filter).toEqual(['scope IN ["public", "members", "country:MX", "agency:SEDENA"]', 'categoryId = 3']);
    expect(buildMeiliThreadQuery({ text: 'fusiles' }, who.admin!).params.filter).toEqual([]);
  });
});
