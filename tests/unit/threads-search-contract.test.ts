/**
 * One behaviour for both thread search engines: FTS5, and the Meilisearch engine fed through the
 * search outbox, against the local Meilisearch stand-in (tests/helpers/fake-meilisearch.ts: exact
 * terms, no ranking) and, when MEILISEARCH_URL is set, a real server into throwaway indexes.
 * Changes after the first build reach Meilisearch only through the outbox (drainAll), as in the
 * portal; every Meilisearch answer here comes from the Meilisearch engine (no FTS5 fallback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { threadCategories } from '#db/schema/index.ts';
import { reloadConfig } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { seedBaseData, seedDemoUsers } from '#src/server/seed.ts';
import { MeiliConnection } from '#src/server/search/meili-client.ts';
import { outboxStats } from '#src/server/search/outbox.ts';
import { rebuildIndex } from '#src/server/search/remote-index.ts';
import { drainAll } from '#src/server/search/sync.ts';
import { lastThreadSearchAnsweredBy, resetThreadSearchFallback, searchThreads } from '#src/server/search/threads.ts';
import { fts5ThreadEngine } from '#src/server/search/threads-fts5.ts';
import {
  buildMeiliThreadQuery,
  createMeiliThreadEngine,
  threadIndexUid,
  threadPostSource,
} from '#src/server/search/threads-meilisearch.ts';
import type { ThreadSearchEngine } from '#src/server/search/threads-types.ts';
import { moderatePost, moderateThread, moveThread } from '#src/server/threads/moderation.ts';
import { createThread, deletePost, editPost, replyToThread } from '#src/server/threads/posting.ts';
import type { ThreadActor } from '#src/server/threads/store.ts';
import { startFakeMeilisearch, type FakeMeilisearch } from '#tests/helpers/fake-meilisearch.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';
import { seededActor } from '#src/server/seed.ts';

let cleanup: () => void;
let fake: FakeMeilisearch | undefined;
let conn: MeiliConnection;
const saved = { ...process.env };
const liveUrl = process.env.MEILISEARCH_URL;
const who: Record<string, ThreadActor> = {};
const ids: Record<string, number> = {};

const actor = (email: string): Promise<ThreadActor> => seededActor(email);

beforeAll(async () => {
  // A real server when one is configured, else the stand-in; throwaway index names either way.
  if (!liveUrl) fake = await startFakeMeilisearch();
  process.env.MEILISEARCH_URL = liveUrl ?? fake!.url;
  process.env.MEILISEARCH_INDEX_PREFIX = `contract_${process.pid}_`;
  reloadConfig();
  conn = new MeiliConnection({ host: process.env.MEILISEARCH_URL, apiKey: process.env.MEILISEARCH_KEY, timeoutMs: 5000 });
  ({ cleanup } = await useTempDatabase());
  await seedBaseData();
  await seedDemoUsers('contract-passphrase');
  for (const [k, email] of Object.entries({
    atf: 'agent.atf@demo.test',
    fgr: 'analyst.fgr@demo.test',
    sedena: 'analyst.sedena@demo.test',
    cbp: 'moderator.cbp@demo.test',
    admin: 'admin@demo.test',
    gt: 'fiscal.gt@demo.test',
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
  ids.general = await cat('general');
  // The first build of the Meilisearch index (search:reindex); from here on only the outbox feeds it.
  await rebuildIndex(conn, threadPostSource(threadIndexUid()));
}, 120_000);
afterAll(async () => {
  cleanup();
  await fake?.stop();
  process.env = saved;
  reloadConfig();
});

/** Words of each engine's own writes, so that the two runs over one database do not see each other's. */
const WORDS = {
  fts5: { old: 'zafiro', fresh: 'esmeralda', hidden: 'obsidiana', deleted: 'amatista', moved: 'turquesa' },
  meilisearch: { old: 'granate', fresh: 'topacio', hidden: 'azabache', deleted: 'cuarzo', moved: 'berilo' },
};

function contract(name: keyof typeof WORDS, engine: () => ThreadSearchEngine, afterChange: () => Promise<void>) {
  const w = WORDS[name];
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
      const gt = await engine().search({ text: 'uruapan' }, who.gt!);
      expect(gt.hits.map((h) => h.postId)).toEqual([ids.openPost]);
      expect(gt.total).toBe(1);
      for (const reader of [who.sedena!, who.gt!, null]) {
        const r = await engine().search({ text: 'reservado' }, reader);
        expect(r.total).toBe(0);
        expect(r.hits).toEqual([]);
      }
      // The thread's own readers find it by its title.
      expect((await engine().search({ text: 'reservado' }, who.fgr!)).hits.map((h) => h.postId)).toEqual([ids.restrictedPost]);
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

    it('follows edits, hiding, deletion and moves: an edit replaces the old words', async () => {
      const t = await createThread(who.atf!, {
        lang: 'es',
        tags: '',
        handlingCode: 'H0',
        categoryId: ids.general!,
        title: `Hilo ${w.old}`,
        body: `Cuerpo con ${w.old}.`,
        audience: 'category',
      });
      const hidden = (await replyToThread(who.atf!, t.threadId, { body: `Respuesta ${w.hidden}`, lang: 'es' })).postId;
      const deleted = (await replyToThread(who.atf!, t.threadId, { body: `Respuesta ${w.deleted}`, lang: 'es' })).postId;
      await afterChange();
      expect((await engine().search({ text: w.old }, who.sedena!)).total).toBe(1);
      expect((await engine().search({ text: w.hidden }, who.sedena!)).hits.map((h) => h.postId)).toEqual([hidden]);
      expect((await engine().search({ text: w.deleted }, who.sedena!)).hits.map((h) => h.postId)).toEqual([deleted]);

      await editPost(who.atf!, t.postId, { body: `Cuerpo con ${w.fresh}.`, title: `Hilo ${w.fresh}` });
      await moderatePost(who.admin!, hidden, 'hide_post', { reason: 'test' });
      await deletePost(who.atf!, deleted);
      await afterChange();
      for (const word of [w.old, w.hidden, w.deleted])
        for (const reader of [who.sedena!, who.admin!]) expect((await engine().search({ text: word }, reader)).total, word).toBe(0);
      const fresh = await engine().search({ text: w.fresh }, who.sedena!);
      expect(fresh.hits.map((h) => h.postId)).toEqual([t.postId]);
      expect(fresh.hits[0]!.threadTitle).toBe(`Hilo ${w.fresh}`);

      // Moved to another category (audience kept): the category filter follows the move.
      const restrictedCategory = (await db().select().from(threadCategories).where(eq(threadCategories.slug, 'casos-conjuntos')))[0]!;
      await moveThread(who.admin!, t.threadId, restrictedCategory.id, { audience: 'keep' });
      await afterChange();
      const moved = await engine().search({ text: w.fresh, categoryId: restrictedCategory.id }, who.atf!);
      expect(moved.hits.map((h) => h.postId)).toEqual([t.postId]);
      expect((await engine().search({ text: w.fresh, categoryId: ids.general }, who.atf!)).total).toBe(0);
    });
  });
}

contract(
  'fts5',
  () => fts5ThreadEngine,
  () => Promise.resolve(),
);

async function drain(): Promise<void> {
  const r = await drainAll();
  expect(r.errors).toEqual([]);
  expect((await outboxStats()).byKind.filter((k) => k.kind === 'thread_post')).toEqual([]);
}
contract('meilisearch', () => createMeiliThreadEngine(conn), drain);

describe('thread search entry point with Meilisearch configured', () => {
  it('answers from Meilisearch when it is up to date, from FTS5 while posts wait in the outbox', async () => {
    resetThreadSearchFallback();
    await drain();
    expect((await searchThreads({ text: 'uruapan' }, who.sedena!)).total).toBe(1);
    expect(lastThreadSearchAnsweredBy()).toEqual({ engine: 'meilisearch' });
    const reply = (await replyToThread(who.fgr!, ids.open!, { body: 'Nueva respuesta sobre Uruapan y lapislázuli', lang: 'es' })).postId;
    // Not pushed yet: FTS5 answers, and finds it.
    expect((await searchThreads({ text: 'lapislazuli' }, who.sedena!)).hits.map((h) => h.postId)).toEqual([reply]);
    expect(lastThreadSearchAnsweredBy()).toEqual({ engine: 'fts5', reason: 'catching-up' });
    await drain();
    expect((await searchThreads({ text: 'lapislazuli' }, who.sedena!)).hits.map((h) => h.postId)).toEqual([reply]);
    expect(lastThreadSearchAnsweredBy()).toEqual({ engine: 'meilisearch' });
  });
});

describe('meilisearch thread query', () => {
  it('carries the reader’s scope tokens (none for admins), escaped, and the category', () => {
    const member = buildMeiliThreadQuery({ text: 'uruapan', categoryId: 3 }, who.sedena!);
    expect(member.params.filter).toEqual(['scope IN ["public", "members", "country:MX", "agency:SEDENA"]', 'categoryId = 3']);
    expect(member.params.matchingStrategy).toBe('all');
    expect(buildMeiliThreadQuery({ text: 'uruapan' }, who.admin!).params.filter).toEqual([]);
    const odd = buildMeiliThreadQuery({ text: 'uruapan' }, { ...who.sedena!, agencyCode: 'X" OR scope = "agency:ATF\\' });
    expect(odd.params.filter).toEqual(['scope IN ["public", "members", "country:MX", "agency:X\\" OR scope = \\"agency:ATF\\\\"]']);
  });
});
