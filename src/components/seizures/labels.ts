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
