/**
 * Thread search over the in-memory access columns (src/server/search/threads-fts5-columns.ts)
 * answers exactly as the one-query SQL search it replaced (tests/helpers/thread-search-reference.ts):
 * same hits in the same order, totals, "capped" and snippets, for every reader, category and page,
 * before and after the changes that decide who may find a post — including a re-scope written
 * straight to the table (no code path of ours), which only the database's triggers report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { threadCategories, threadPosts } from '#db/schema/index.ts';
import { reloadConfig } from '#src/server/config.ts';
import { db } from '#src/server/db.ts';
import { scopeSetIdFor } from '#src/server/scopes.ts';
import { seedBaseData, seedDemoUsers, seededActor } from '#src/server/seed.ts';
import { fts5SearchThreads } from '#src/server/search/threads-fts5.ts';
import { dropThreadColumns, threadColumnStats } from '#src/server/search/threads-fts5-columns.ts';
import { matchCacheStats } from '#src/server/search/fts5-match-cache.ts';
import { syncThreadPostsIndex } from '#src/server/search/threads-fts5-index.ts';
import { THREAD_SEARCH_CANDIDATES } from '#src/server/search/threads-types.ts';
import { moderatePost, moderateThread, moveThread } from '#src/server/threads/moderation.ts';
import { createThread, deletePost, editPost, replyToThread } from '#src/server/threads/posting.ts';
import type { ThreadActor } from '#src/server/threads/store.ts';
import { referenceSearchThreads } from '#tests/helpers/thread-search-reference.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';

let cleanup: () => void;
const who: Record<string, ThreadActor> = {};
const category: Record<string, number> = {};
const thread: Record<string, { threadId: number; postId: number }> = {};

const QUERIES = ['ventana', 'ventana zafiro', 'zafiro', 'rastreo', 'rastre', 'fusiles', 'ventana -zafiro', '"ventana zafiro"', 'ventan'];

/** Bulk posts straight into the table (as the benchmark loads them), then indexed. */
async function bulkPosts(threadId: number, n: number, text: (i: number) => string): Promise<number[]> {
  const author = who.fgr!;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = text(i);
    const [row] = await db()
      .insert(threadPosts)
      .values({
        threadId,
        seq: 100 + i,
        authorId: author.id,
        authorAgencyCode: author.agencyCode,
        lang: 'es',
        body,
        bodyHtml: `<p>${body}</p>`,
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      })
      .returning({ id: threadPosts.id });
    ids.push(row!.id);
  }
  await db().transaction((tx) => syncThreadPostsIndex(tx, ids));
  return ids;
}

async function expectSameAnswers(readers: (ThreadActor | null)[] = Object.values(who)): Promise<void> {
  for (const reader of readers)
    for (const text of QUERIES)
      for (const categoryId of [undefined, category['rastreo'], category['frontera-sur']])
        for (const page of [1, 400]) {
          const query = { text, categoryId, page, pageSize: 7 };
          const expected = await referenceSearchThreads(query, reader);
          const got = await fts5SearchThreads(query, reader);
          expect(got, `${reader?.email ?? 'visitor'} "${text}" category ${categoryId ?? '-'} page ${page}`).toEqual(expected);
        }
}

const found = async (reader: ThreadActor, text: string) =>
  (await fts5SearchThreads({ text, pageSize: 50 }, reader)).hits.map((h) => h.postId);

beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  dropThreadColumns();
  await seedBaseData();
  await seedDemoUsers('columns-passphrase');
  for (const [k, email] of Object.entries({
    atf: 'agent.atf@demo.test',
    fgr: 'analyst.fgr@demo.test',
    sedena: 'analyst.sedena@demo.test',
    gt: 'fiscal.gt@demo.test',
    cbp: 'moderator.cbp@demo.test',
    admin: 'admin@demo.test',
  }))
    who[k] = await seededActor(email);
  for (const c of await db().select().from(threadCategories)) category[c.slug] = c.id;
  const common = { lang: 'es' as const, tags: '', handlingCode: 'H0' as const };
  thread.open = await createThread(who.fgr!, {
    ...common,
    categoryId: category['rastreo']!,
    title: 'Rastreo de fusiles por la ventana',
    body: 'Ventana de rastreo abierta para fusiles.',
    audience: 'category',
  });
  thread.restricted = await createThread(who.fgr!, {
    ...common,
    categoryId: category['rastreo']!,
    title: 'Ventana restringida FGR y ATF',
    body: 'Solo FGR y ATF leen esta ventana zafiro.',
    audience: 'agencies',
    agencies: ['ATF'],
  });
  thread.border = await createThread(who.fgr!, {
    ...common,
    categoryId: category['frontera-sur']!,
    title: 'Ventana de la frontera sur',
    body: 'La ventana zafiro de la frontera sur.',
    audience: 'category',
  });
  thread.openReply = {
    threadId: thread.open.threadId,
    ...(await replyToThread(who.atf!, thread.open.threadId, { body: 'Ventana turquesa', lang: 'es' })),
  };
  // More matches than the engine ranks: the newest THREAD_SEARCH_CANDIDATES are the candidates.
  const per = Math.ceil((THREAD_SEARCH_CANDIDATES + 600) / 3);
  for (const key of ['open', 'restricted', 'border'])
    await bulkPosts(
      thread[key]!.threadId,
      per,
      (i) => `Ventana ${i % 7 === 0 ? 'zafiro ' : ''}número ${i} ${'rastreo '.repeat(i % 3)}fusiles`,
    );
});

afterAll(() => {
  reloadConfig();
  cleanup();
});

describe('thread search over the access columns', () => {
  it('answers exactly as the SQL search: hits, order, totals, capped and snippets, for every reader, category and page', async () => {
    const sample = await fts5SearchThreads({ text: 'ventana' }, who.admin!);
    expect(sample.capped).toBe(true);
    expect(sample.total).toBe(THREAD_SEARCH_CANDIDATES);
    // SEDENA and a Guatemalan prosecutor see none of the FGR + ATF thread; Guatemala sees the border.
    const sedena = await fts5SearchThreads({ text: 'zafiro', pageSize: 50 }, who.sedena!);
    expect(sedena.total).toBeGreaterThan(0);
    expect(sedena.hits.some((h) => h.threadId === thread.restricted!.threadId)).toBe(false);
    expect(await fts5SearchThreads({ text: 'ventana' }, null)).toMatchObject({ total: 0, hits: [] });
    await expectSameAnswers([...Object.values(who), null]);
  }, 180_000);

  it('follows every change of access at once: hidden and deleted posts, hidden threads, moves, replies and a re-scope written to the table', async () => {
    await fts5SearchThreads({ text: 'ventana' }, who.fgr!);
    const builds = threadColumnStats.built;
    // A reply is past the columns' build: decided in SQL, no rebuild.
    const reply = await replyToThread(who.atf!, thread.restricted!.threadId, { body: 'Respuesta ventana zafiro nueva', lang: 'es' });
    expect(await found(who.atf!, 'zafiro nueva')).toEqual([reply.postId]);
    expect(await found(who.sedena!, 'zafiro nueva')).toEqual([]);
    expect(threadColumnStats.built).toBe(builds);
    await expectSameAnswers([who.atf!, who.sedena!]);

    await moderatePost(who.cbp!, thread.open!.postId, 'hide_post', { reason: 'prueba' });
    await deletePost(who.fgr!, thread.border!.postId);
    await moderateThread(who.admin!, thread.restricted!.threadId, 'hide_thread', { reason: 'prueba' });
    expect(await found(who.fgr!, 'zafiro nueva')).toEqual([]);
    expect(threadColumnStats.built).toBeGreaterThan(builds);
    await expectSameAnswers();
    await moderateThread(who.admin!, thread.restricted!.threadId, 'restore_thread');
    await moveThread(who.admin!, thread.border!.threadId, category['rastreo']!, { audience: 'category', confirmWiden: true });
    await expectSameAnswers();

    // Narrowed behind the code's back (a script, a future admin tool): the triggers raise the version.
    const turquesa = thread.openReply!.postId;
    expect(await found(who.sedena!, 'turquesa')).toEqual([turquesa]);
    const builtBefore = threadColumnStats.built;
    const fgrAtf = await db().transaction((tx) => scopeSetIdFor(tx, ['agency:ATF', 'agency:FGR']));
    await db().run(sql`UPDATE threads SET scope_set_id = ${fgrAtf} WHERE id = ${thread.open!.threadId}`);
    expect(await found(who.sedena!, 'turquesa')).toEqual([]);
    expect(await fts5SearchThreads({ text: 'turquesa' }, who.sedena!)).toMatchObject({ total: 0, hits: [] });
    expect(await found(who.atf!, 'turquesa')).toEqual([turquesa]);
    expect(threadColumnStats.built).toBe(builtBefore + 1);
    await expectSameAnswers();
  }, 300_000);

  it("keeps FTS5's answer per index version: shared by readers, and a new post, an edit or a row removed with SQL is seen at once", async () => {
    // Two readers, one text: FTS5 is asked once.
    const misses = matchCacheStats.misses;
    const hits = matchCacheStats.hits;
    await fts5SearchThreads({ text: 'ventana' }, who.atf!);
    await fts5SearchThreads({ text: 'ventana', page: 2 }, who.sedena!);
    expect(matchCacheStats.misses - misses).toBeLessThanOrEqual(1);
    expect(matchCacheStats.hits - hits).toBeGreaterThanOrEqual(1);

    // A reply: its words are found by the next search of a text already answered (and every other answer stays exact).
    const before = await found(who.atf!, 'esmeralda');
    expect(before).toEqual([]);
    const reply = await replyToThread(who.atf!, thread.open!.threadId, { body: 'Ventana esmeralda', lang: 'es' });
    expect(await found(who.atf!, 'esmeralda')).toEqual([reply.postId]);
    expect((await fts5SearchThreads({ text: 'ventana', pageSize: 1 }, who.atf!)).hits.map((h) => h.postId)).toEqual(
      (await referenceSearchThreads({ text: 'ventana', pageSize: 1 }, who.atf!)).hits.map((h) => h.postId),
    );

    // An edit replaces the words and the snippet.
    await editPost(who.atf!, reply.postId, { body: 'Ventana granate' });
    expect(await found(who.atf!, 'esmeralda')).toEqual([]);
    const edited = await fts5SearchThreads({ text: 'granate' }, who.atf!);
    expect(edited.hits.map((h) => [h.postId, h.snippet])).toEqual([[reply.postId, 'Ventana <mark>granate</mark>']]);

    // Taken out of the index with SQL alone (no code path of ours): the triggers raise the index version.
    await db().run(sql`INSERT INTO thread_post_fts (thread_post_fts, rowid, title, body, stems, concepts)
      SELECT 'delete', post_id, title, body, stems, concepts FROM thread_post_search WHERE post_id = ${reply.postId}`);
    await db().run(sql`DELETE FROM thread_post_search WHERE post_id = ${reply.postId}`);
    expect(await found(who.atf!, 'granate')).toEqual([]);
    await expectSameAnswers([who.atf!, who.sedena!]);
  }, 300_000);
});
