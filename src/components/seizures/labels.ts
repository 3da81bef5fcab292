/** Display labels for facet values: codes become translated names. */
import { EXPLOSIVE_KINDS } from '#src/domain/seizures.ts';
import { isMessageKey, translate as translateIn, type Translate } from '#src/i18n/index.ts';
import type { FacetBucket, FacetField } from '#src/server/search/types.ts';

export function facetValueLabel(t: Translate, field: FacetField, bucket: Pick<FacetBucket, 'value' | 'label'>): string {
  const key =
    field === 'firearmType'
      ? `seizures.firearmType.${bucket.value}`
      : field === 'traceStatus'
        ? `seizures.traceStatus.${bucket.value}`
        : field === 'country'
          ? `country.${bucket.value}`
          : null;
  return key && isMessageKey(key) ? t(key) : bucket.label || bucket.value;
}

/**
 * Valid, stable ids for a facet's checkboxes: ".38 Super" -> "f-calibre-38-Super" (HTML ids may not
 * contain spaces). Values that fold to the same id get a numeric suffix, in the order given.
 */
export function facetInputIds(field: FacetField, values: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const value of values) {
    if (ids.has(value)) continue;
    const slug =
      value
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/[^A-Za-z0-9_]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'x';
    let id = `f-${field}-${slug}`;
    for (let n = 2; used.has(id); n++) id = `f-${field}-${slug}-${n}`;
    used.add(id);
    ids.set(value, id);
  }
  return ids;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * An explosive's description in the page's language when it is one of the known kinds (written in
 * either language: "granada de fragmentación" reads "fragmentation grenade" on an English page);
 * otherwise the text as the seizing agency wrote it (`known: false`, so the page marks its language).
 */
export function explosiveLabel(t: Translate, description: string): { text: string; known: boolean } {
  const wanted = fold(description);
  for (const kind of EXPLOSIVE_KINDS) {
    const key = `explosive.${kind}` as const;
    if (fold(translateIn('es', key)) === wanted || fold(translateIn('en', key)) === wanted) return { text: t(key), known: true };
  }
  return { text: description, known: false };
}
