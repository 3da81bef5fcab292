import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { labelOr, translate } from '#src/i18n/index.ts';
import { isLang } from '#src/i18n/locale.ts';
import { itemPath, splitId, visibleItems } from '#src/lib/content.ts';
import { config } from '#src/server/config.ts';

/** RSS of public bulletins in one language: a feed has no reader, so only what a visitor may see. */
export const GET: APIRoute = async (context) => {
  const lang = context.params.lang;
  if (!isLang(lang)) return new Response(null, { status: 404 });
  const items = await visibleItems('bulletins', lang, null);
  const site = config.publicOrigin ?? context.url.origin;
  const response = await rss({
    title: translate(lang, 'content.feed.title'),
    description: translate(lang, 'bulletins.intro'),
    site,
    items: items.map((b) => ({
      title: b.data.title,
      description: b.data.summary,
      pubDate: b.data.published,
      link: itemPath('bulletins', lang, splitId(b.id).slug),
      categories: b.data.tags.map((tag) => labelOr(lang, 'tag.', tag)),
    })),
    trailingSlash: false,
    customData: `<language>${lang === 'es' ? 'es-MX' : 'en-US'}</language>`,
  });
  response.headers.set('Content-Type', 'application/rss+xml; charset=utf-8');
  return response;
};
