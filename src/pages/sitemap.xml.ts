import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { LANGS, type Lang } from '#src/i18n/locale.ts';
import { isPublic, itemPath, lessonParts, splitId, visibleItems, type ItemCollection } from '#src/lib/content.ts';
import { config } from '#src/server/config.ts';
import { escapeHtml } from '#src/server/html.ts';

/** One page in its languages: each version is listed, with the others (and x-default) as alternates. */
interface Entry {
  paths: Partial<Record<Lang, string>>;
  lastmod?: Date | undefined;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const newest = (dates: Date[]) => (dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined);

/** Public pages only, in both languages (sitemaps.org with xhtml:link alternates, as search engines read them). */
export const GET: APIRoute = async (context) => {
  const site = config.publicOrigin ?? context.url.origin;
  const entries: Entry[] = [];
  const collections: ItemCollection[] = ['bulletins', 'protocols', 'trainingModules'];
  const latest: Date[] = [];
  for (const collection of collections) {
    const bySlug = new Map<string, Entry>();
    const dates: Date[] = [];
    for (const lang of LANGS) {
      for (const item of await visibleItems(collection, lang, null)) {
        const slug = splitId(item.id).slug;
        const entry = bySlug.get(slug) ?? { paths: {} };
        entry.paths[lang] = itemPath(collection, lang, slug);
        const changed = item.data.updated ?? item.data.published;
        entry.lastmod = newest([changed, ...(entry.lastmod ? [entry.lastmod] : [])]);
        dates.push(changed);
        bySlug.set(slug, entry);
      }
    }
    const base = collection === 'trainingModules' ? 'training' : collection;
    entries.push({ paths: Object.fromEntries(LANGS.map((l) => [l, `/${l}/${base}`])), lastmod: newest(dates) });
    entries.push(...bySlug.values());
    latest.push(...dates);
  }
  entries.unshift({ paths: Object.fromEntries(LANGS.map((l) => [l, `/${l}/`])), lastmod: newest(latest) });
  entries.push({ paths: Object.fromEntries(LANGS.map((l) => [l, `/${l}/glossary`])) });

  const modules = await getCollection('trainingModules');
  const publicModules = new Map(modules.filter(isPublic).map((m) => [m.id, m]));
  const lessons = new Map<string, Entry>();
  for (const lesson of await getCollection('trainingLessons')) {
    const p = lessonParts(lesson.id);
    const module = publicModules.get(`${p.lang}/${p.module}`);
    if (!module) continue;
    const entry = lessons.get(`${p.module}/${p.slug}`) ?? { paths: {}, lastmod: module.data.updated ?? module.data.published };
    entry.paths[p.lang] = `${itemPath('trainingModules', p.lang, p.module)}/${p.slug}`;
    lessons.set(`${p.module}/${p.slug}`, entry);
  }
  entries.push(...lessons.values());

  const urls = entries.flatMap((entry) => {
    const versions = LANGS.filter((l) => entry.paths[l]);
    const links =
      versions.length > 1
        ? [
            ...versions.map((l) => `    <xhtml:link rel="alternate" hreflang="${l}" href="${escapeHtml(site + entry.paths[l])}"/>`),
            `    <xhtml:link rel="alternate" hreflang="x-default" href="${escapeHtml(site + (entry.paths.es ?? entry.paths.en))}"/>`,
          ]
        : [];
    return versions.map((l) =>
      [
        '  <url>',
        `    <loc>${escapeHtml(site + entry.paths[l])}</loc>`,
        ...(entry.lastmod ? [`    <lastmod>${day(entry.lastmod)}</lastmod>`] : []),
        ...links,
        '  </url>',
      ].join('\n'),
    );
  });
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join('\n')}\n</urlset>\n`;
  return new Response(body, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
};
