/**
 * Spanish and English Snowball stemming, folded into one key per word: the shorter of the two
 * stems. "pistola", "pistolas" and "pistol" share the key "pistol"; "borrada" and "borrado"
 * share "borr"; "fusiles" and "fusil" share "fusil". One key per word keeps one token per
 * position in the index, so phrases of keys still work, and a reader need not say which
 * language a query is in. Words with digits are codes (calibres, models, serials): not stemmed.
 */
import snowball from 'snowball-stemmers';

const spanish = snowball.newStemmer('spanish');
const english = snowball.newStemmer('english');

// Stemming costs ~30 µs a word; vocabularies are small and repetitive, so a cache makes it ~free.
const cache = new Map<string, string>();
const CACHE_LIMIT = 200_000;

/** The stem key of a folded token. */
export function stemKey(folded: string): string {
  let key = cache.get(folded);
  if (key === undefined) {
    if (folded.length < 3 || /\p{N}/u.test(folded)) return folded;
    const es = spanish.stem(folded);
    const en = english.stem(folded);
    key = (es.length <= en.length ? es : en) || folded;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(folded, key);
  }
  return key;
}
