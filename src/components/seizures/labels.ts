/** Display labels for facet values: codes become translated names. */
import { isMessageKey, type Translate } from '#src/i18n/index.ts';
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
