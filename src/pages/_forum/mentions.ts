/**
 * Mention completion (JSON, GET): members whose handle or name starts with `q` and who may see
 * the thread (`thread=<id>`), or a thread being written (`category=<id>&audience=…&agencies=…`).
 * A thread the reader may not see answers 404, like its page.
 */
import type { APIRoute } from 'astro';
import { THREAD_AUDIENCES, type ThreadAudience } from '#src/domain/threads.ts';
import { idParam } from '#src/lib/forum.ts';
import { DomainError } from '#src/server/errors.ts';
import { threadScope } from '#src/server/threads/posting.ts';
import { mentionCandidates } from '#src/server/threads/reading.ts';
import { visibleCategory, visibleThread } from '#src/server/threads/store.ts';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });

export const GET: APIRoute = async ({ locals, url }) => {
  const user = locals.user;
  if (!user) return json({ error: 'unauthorized' }, 401);
  const q = (url.searchParams.get('q') ?? '').slice(0, 40);
  const threadId = idParam(url.searchParams.get('thread'));
  if (threadId) {
    const thread = await visibleThread(user, threadId);
    if (!thread) return json({ error: 'not found' }, 404);
    return json(await mentionCandidates(user, thread, q));
  }
  const category = await visibleCategory(user, { id: idParam(url.searchParams.get('categoryId')) });
  if (!category) return json([]);
  const wanted = url.searchParams.get('audience') ?? 'category';
  const audience: ThreadAudience = (THREAD_AUDIENCES as readonly string[]).includes(wanted) ? (wanted as ThreadAudience) : 'category';
  try {
    const scope = await threadScope(user, category.scope, audience, url.searchParams.getAll('agencies').slice(0, 40));
    return json(await mentionCandidates(user, { scope, authorId: user.id, hidden: false }, q));
  } catch (error) {
    // A scope that is not allowed yet (no agency chosen, wider than the category): no suggestions.
    if (error instanceof DomainError) return json([]);
    throw error;
  }
};
