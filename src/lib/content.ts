/**
 * Curated content as a reader may see it. Every list, page, feed and download of content/ goes
 * through `visible…` here, which asks the one access check (src/server/access.ts).
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import { audienceToScope, canSee, type Reader } from '#src/server/access.ts';
import { collator, type Lang } from '#src/i18n/locale.ts';
import { pageParam } from './query-params.ts';

export type ItemCollection = 'bulletins' | 'protocols' | 'trainingModules';
export type Item<C extends ItemCollection = ItemCollection> = CollectionEntry<C>;

/** `es/slug` -> { lang, slug } */
export function splitId(id: string): { lang: Lang; slug: string } {
  const [lang, ...rest] = id.split('/');
  return { lang: lang === 'en' ? 'en' : 'es', slug: rest.join('/') };
}

export function isVisible(reader: Reader | null, item: { data: { audience: 'public' | 'members' | string[] } }): boolean {
  return canSee(reader, audienceToScope(item.data.audience));
}

export function isPublic(item: { data: { audience: 'public' | 'members' | string[] } }): boolean {
  return isVisible(null, item);
}

// Curated content is fixed when the portal is built: in production each list is read, split by
// language and sorted once per process (getCollection copies every entry on each call). The dev
// server re-reads it, so edits show at once.
const cacheContent = import.meta.env.PROD;
const listCache = new Map<string, Promise<unknown>>();

function memo<T>(key: string, load: () => Promise<T>): Promise<T> {
  if (!cacheContent) return load();
  let value = listCache.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    listCache.set(key, value);
    value.catch(() => listCache.delete(key));
  }
  return value;
}

/** Every item of one language, newest first (before the access check). */
function itemsOfLang<C extends ItemCollection>(collection: C, lang: Lang): Promise<Item<C>[]> {
  return memo(`list\u0000${collection}\u0000${lang}`, async () => {
    const all: Item<C>[] = await getCollection(collection);
    return all
      .filter((e) => splitId(e.id).lang === lang)
      .sort((a, b) => b.data.published.getTime() - a.data.published.getTime() || a.id.localeCompare(b.id));
  });
}

/** Items of one language the reader may see, newest first. */
export async function visibleItems<C extends ItemCollection>(collection: C, lang: Lang, reader: Reader | null): Promise<Item<C>[]> {
  return (await itemsOfLang(collection, lang)).filter((e) => isVisible(reader, e));
}

const LEVELS = ['basic', 'intermediate', 'advanced'];

/**
 * What the home page lists, in one pass over the cached lists: the four newest bulletins, the
 * protocols in force and three training modules to start with (easiest first).
 */
export async function homeLists(lang: Lang, reader: Reader | null) {
  const [bulletins, protocols, training] = await Promise.all([
    itemsOfLang('bulletins', lang),
    itemsOfLang('protocols', lang),
    itemsOfLang('trainingModules', lang),
  ]);
  const firstVisible = <T extends Item>(list: T[], limit: number, keep: (item: T) => boolean = () => true): T[] => {
    const out: T[] = [];
    for (const item of list) {
      if (out.length >= limit) break;
      if (keep(item) && isVisible(reader, item)) out.push(item);
    }
    return out;
  };
  return {
    bulletins: firstVisible(bulletins, 4),
    protocols: firstVisible(protocols, Infinity, (p) => p.data.status === 'in-force'),
    training: firstVisible(
      [...training].sort((a, b) => LEVELS.indexOf(a.data.level) - LEVELS.indexOf(b.data.level)),
      3,
    ),
  };
}

function itemsById<C extends ItemCollection>(collection: C): Promise<Map<string, Item<C>>> {
  return memo(`ids\u0000${collection}`, async () => {
    const all: Item<C>[] = await getCollection(collection);
    return new Map(all.map((e) => [e.id, e]));
  });
}

export interface ItemLookup<C extends ItemCollection> {
  /** The item in the requested language, if it exists and the reader may see it. */
  item: Item<C> | null;
  /** The same item in the other language, if it exists and the reader may see it. */
  translation: Item<C> | null;
}

/** Finds an item and its translation; both through the access check. */
export async function findItem<C extends ItemCollection>(
  collection: C,
  lang: Lang,
  slug: string,
  reader: Reader | null,
): Promise<ItemLookup<C>> {
  if (!/^[a-z0-9-]+$/.test(slug)) return { item: null, translation: null };
  const other: Lang = lang === 'es' ? 'en' : 'es';
  const byId = await itemsById(collection);
  const item = byId.get(`${lang}/${slug}`);
  const translation = byId.get(`${other}/${slug}`);
  return {
    item: item && isVisible(reader, item) ? item : null,
    translation: translation && isVisible(reader, translation) ? translation : null,
  };
}

export type Lesson = CollectionEntry<'trainingLessons'>;

/** `es/module/01-slug` -> { module, order, slug } */
export function lessonParts(id: string): { lang: Lang; module: string; slug: string } {
  const { lang, slug: rest } = splitId(id);
  const [module = '', file = ''] = rest.split('/');
  return { lang, module, slug: file.replace(/^\d{2}-/, '') };
}

/** The lessons of a module in order (the module's visibility covers its lessons). */
export async function lessonsOf(lang: Lang, module: string): Promise<Lesson[]> {
  const all = await memo('lessons', () => getCollection('trainingLessons'));
  return all
    .filter((l) => {
      const p = lessonParts(l.id);
      return p.lang === lang && p.module === module;
    })
    .sort((a, b) => a.data.order - b.data.order);
}

export interface ListFilter {
  tag?: string | undefined;
  agency?: string | undefined;
  year?: number | undefined;
}

export function applyFilter<T extends Item>(items: T[], filter: ListFilter): T[] {
  return items.filter(
    (i) =>
      (!filter.tag || (i.data.tags as string[]).includes(filter.tag)) &&
      (!filter.agency || i.data.agency === filter.agency) &&
      (!filter.year || i.data.published.getUTCFullYear() === filter.year),
  );
}

/** Options for the filter form: only values present among the visible items. */
export function filterOptions(items: Item[]): { tags: string[]; agencies: string[]; years: number[] } {
  const tags = new Set<string>();
  const agencies = new Set<string>();
  const years = new Set<number>();
  for (const i of items) {
    for (const t of i.data.tags) tags.add(t);
    agencies.add(i.data.agency);
    years.add(i.data.published.getUTCFullYear());
  }
  return { tags: [...tags].sort(), agencies: [...agencies].sort(), years: [...years].sort((a, b) => b - a) };
}

export function itemPath(collection: ItemCollection, lang: Lang, slug: string): string {
  const base = collection === 'trainingModules' ? 'training' : collection;
  return `/${lang}/${base}/${slug}`;
}

export type GlossaryEntry = CollectionEntry<'glossary'>['data'];

/** The glossary sorted the way the language sorts (collation), with an accent- and case-folded search text per entry. */
export function glossaryEntries(lang: Lang): Promise<{ entry: GlossaryEntry; folded: string }[]> {
  return memo(`glossary\u0000${lang}`, async () => {
    const order = collator(lang);
    return (await getCollection('glossary'))
      .map((e) => e.data)
      .sort((a, b) => order.compare(a[lang], b[lang]))
      .map((entry) => ({ entry, folded: foldText([entry.es, entry.en, entry.definitionEs, entry.definitionEn].join(' ')) }));
  });
}

/** Accent- and case-insensitive form: "numero de serie" matches "Número de serie". */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface Listing<C extends ItemCollection = ItemCollection> {
  options: { tags: string[]; agencies: string[]; years: number[] };
  filter: { tag: string; agency: string; year: number | null };
  total: number;
  page: number;
  pages: number;
  shown: Item<C>[];
}

const PAGE_SIZE = 10;

/** One page of a collection's index for the reader, filtered by the query string. Pages call this; ContentIndex renders it. */
export async function loadListing<C extends ItemCollection>(
  collection: C,
  lang: Lang,
  reader: Reader | null,
  params: URLSearchParams,
): Promise<Listing<C>> {
  const items = await visibleItems(collection, lang, reader);
  const tag = params.get('tag') ?? '';
  const agency = params.get('agency') ?? '';
  const year = Number.parseInt(params.get('year') ?? '', 10);
  const filtered = applyFilter(items, {
    tag: tag || undefined,
    agency: agency || undefined,
    year: Number.isFinite(year) ? year : undefined,
  });
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const page = Math.min(pages, pageParam(params));
  return {
    options: filterOptions(items),
    filter: { tag, agency, year: Number.isFinite(year) ? year : null },
    total: filtered.length,
    page,
    pages,
    shown: filtered.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
  };
}
