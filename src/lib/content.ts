/**
 * Curated content as a reader may see it. Every list, page, feed and download of content/ goes
 * through `visible…` here, which asks the one access check (src/server/access.ts).
 */
import { getCollection, getEntry, type CollectionEntry } from 'astro:content';
import { audienceToScope, canSee, type Reader } from '#src/server/access.ts';
import type { Lang } from '#src/i18n/locale.ts';

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

/** Items of one language the reader may see, newest first. */
export async function visibleItems<C extends ItemCollection>(collection: C, lang: Lang, reader: Reader | null): Promise<Item<C>[]> {
  const all: Item<C>[] = await getCollection(collection);
  return all
    .filter((e) => splitId(e.id).lang === lang && isVisible(reader, e))
    .sort((a, b) => b.data.published.getTime() - a.data.published.getTime() || a.id.localeCompare(b.id));
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
  const [item, translation] = (await Promise.all([getEntry(collection, `${lang}/${slug}`), getEntry(collection, `${other}/${slug}`)])) as (
    Item<C> | undefined
  )[];
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
  const all = await getCollection('trainingLessons');
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
