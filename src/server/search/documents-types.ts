/** The document library's query, shared by the SQL lists and both search engines. */
import type { DocumentLanguage, DocumentType, LinkKind } from '#src/domain/documents.ts';
import { isoDateOrUndefined } from '#src/domain/patterns.ts';

export const LIBRARY_TABS = ['shared', 'agency', 'mine'] as const;
export type LibraryTab = (typeof LIBRARY_TABS)[number];
export const LIBRARY_SORTS = ['relevance', 'updated_desc', 'created_desc', 'created_asc', 'title_asc'] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

export interface LibraryQuery {
  tab?: LibraryTab;
  text?: string;
  type?: DocumentType[];
  /** Owner agency codes. */
  agency?: string[];
  language?: DocumentLanguage[];
  tag?: string;
  linked?: { kind: LinkKind; target: string } | null;
  /** YYYY-MM-DD, inclusive, on the last change. */
  dateFrom?: string;
  dateTo?: string;
  sort?: LibrarySort;
  page?: number;
  pageSize?: number;
  lang?: 'es' | 'en';
  now?: Date;
}

export type NormalizedLibraryQuery = Required<Omit<LibraryQuery, 'dateFrom' | 'dateTo' | 'tag' | 'linked'>> &
  Pick<LibraryQuery, 'dateFrom' | 'dateTo' | 'tag' | 'linked'>;

export function normalizeLibraryQuery(q: LibraryQuery): NormalizedLibraryQuery {
  const text = (q.text ?? '').trim().slice(0, 200);
  const sort = q.sort ?? (text ? 'relevance' : 'updated_desc');
  return {
    tab: q.tab ?? 'shared',
    text,
    type: q.type ?? [],
    agency: q.agency ?? [],
    language: q.language ?? [],
    tag: q.tag?.trim().toLowerCase() || undefined,
    linked: q.linked ?? null,
    dateFrom: isoDateOrUndefined(q.dateFrom),
    dateTo: isoDateOrUndefined(q.dateTo),
    sort: sort === 'relevance' && !text ? 'updated_desc' : sort,
    page: Math.max(1, Math.min(10_000, Math.floor(q.page ?? 1))),
    pageSize: Math.min(100, Math.max(1, Math.floor(q.pageSize ?? 20))),
    lang: q.lang ?? 'es',
    now: q.now ?? new Date(),
  };
}

/** Ranked ids of the visible documents that match a text query, with HTML-safe snippets. */
export interface DocumentTextResult {
  total: number;
  ids: number[];
  snippets: Map<number, string>;
}

export interface DocumentSearchEngine {
  readonly name: 'fts5' | 'meilisearch';
  search(query: LibraryQuery, reader: import('#src/server/access.ts').Reader): Promise<DocumentTextResult>;
  index(ids: readonly number[]): Promise<void>;
  reindex(progress?: (done: number, total: number) => void): Promise<void>;
}
