/**
 * Web-layer helpers of the forum pages: the address guard (each page answers under its own
 * language's spelling), the language switch's address, and settling the references in posts for
 * the reader (requests, seizures, threads through src/server; bulletins and protocols through the
 * content access check of src/lib/content.ts).
 */
import { forumPath, forumRouteLang, type ForumRoute } from '#src/i18n/forum-paths.ts';
import { otherLang, type Lang } from '#src/i18n/locale.ts';
import type { Reader } from '#src/server/access.ts';
import { applyReferenceLinks, referencesIn } from '#src/server/threads/markdown.ts';
import { openReportCount } from '#src/server/threads/moderation.ts';
import { resolveReferences } from '#src/server/threads/references.ts';
import { findItem } from './content.ts';

interface PageContext {
  routePattern: string;
  url: URL;
  locals: { lang: Lang };
}

/**
 * A forum page reached under the other language's spelling (/en/foros/…) redirects to its own
 * (/en/forums/…), keeping the query; null when the address is right.
 */
export function forumRedirect(ctx: PageContext, route: ForumRoute, params: Record<string, string | number> = {}): string | null {
  if (forumRouteLang(ctx.routePattern) === ctx.locals.lang) return null;
  const query = new URLSearchParams(ctx.url.search);
  query.delete('_action');
  return forumPath(ctx.locals.lang, route, params, query);
}

/** The same forum page in the other language (for the header's language switch). */
export function forumSwitch(ctx: PageContext, route: ForumRoute, params: Record<string, string | number> = {}): string {
  const query = new URLSearchParams(ctx.url.search);
  query.delete('_action');
  return forumPath(otherLang(ctx.locals.lang), route, params, query);
}

/** A positive integer from a path or query parameter, or 0. */
export function idParam(value: string | null | undefined): number {
  return value && /^\d{1,12}$/.test(value) ? Number(value) : 0;
}

/**
 * The stored HTML of posts with each reference settled for the reader: a link where the reader
 * may see the target, the plain text typed everywhere else.
 */
export async function settleReferences(htmls: readonly string[], reader: Reader, lang: Lang): Promise<string[]> {
  const refs = referencesIn(htmls);
  if (!refs.length) return [...htmls];
  const targets = await resolveReferences(reader, refs, lang);
  for (const ref of refs) {
    if (ref.kind !== 'bulletin' && ref.kind !== 'protocol') continue;
    const collection = ref.kind === 'bulletin' ? 'bulletins' : 'protocols';
    const found = await findItem(collection, lang, ref.key, reader);
    if (found.item || found.translation) targets.set(`${ref.kind}:${ref.key}`, `/${lang}/${collection}/${ref.key}`);
  }
  return htmls.map((html) => applyReferenceLinks(html, targets));
}

/**
 * What the forum navigation counts: open reports, for moderators. (The number of threads with news
 * is the "Unread" list's own total: counting it on every page would scan every visible thread.)
 */
export async function forumCounts(reader: Reader): Promise<{ reports: number }> {
  return { reports: await openReportCount(reader) };
}
