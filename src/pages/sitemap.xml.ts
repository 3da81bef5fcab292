import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { LANGS } from '#src/i18n/locale.ts';
import { isPublic, itemPath, lessonParts, splitId, visibleItems, type ItemCollection } from '#src/lib/content.ts';
import { config } from '#src/server/config.ts';
import { escapeHtml } from '#src/server/html.ts';

/** Public pages only, in both languages. */
export const GET: APIRoute = async (context) => {
  const site = config.publicOrigin ?? context.url.origin;
  const paths: string[] = [];
  for (const lang of LANGS) {
    paths.push(`/${lang}/`, `/${lang}/bulletins`, `/${lang}/protocols`, `/${lang}/training`, `/${lang}/glossary`);
    for (const collection of ['bulletins', 'protocols', 'trainingModules'] as ItemCollection[]) {
      for (const item of await visibleItems(collection, lang, null)) paths.push(itemPath(collection, lang, splitId(item.id).slug));
    }
  }
  const modules = await getCollection('trainingModules');
  const publicModules = new Set(modules.filter(isPublic).map((m) => m.id));
  for (const lesson of await getCollection('trainingLessons')) {
    const p = lessonParts(lesson.id);
    if (publicModules.has(`${p.lang}/${p.module}`)) paths.push(`${itemPath('trainingModules', p.lang, p.module)}/${p.slug}`);
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${paths.map((p) => `  <url><loc>${escapeHtml(site + p)}</loc></url>`).join('\n')}\n</urlset>\n`;
  return new Response(body, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
};
