/**
 * A small crawler of the portal's own pages, for the checks that must cover every page type
 * (HTML validation, axe): it follows same-origin links under /es and /en breadth first and keeps
 * a few pages of each *type*, where a type is the path with ids and slugs folded
 * (/es/requests/12 and /es/requests/13 are one type) plus the names of its query parameters.
 * New pages that other rooms add are found through their links, without being listed here.
 */
import { parseHTML } from 'linkedom';
import type { HttpClient } from './http.ts';

export interface CrawledPage {
  path: string;
  status: number;
  html: string;
}

/** Downloads, state-changing or non-HTML addresses that are not pages to check. */
const SKIP = [/\/sign-out\b/, /\.(csv|xml|json|txt|pdf|zip|svg|png|jpg)(\?|$)/, /\/attachments\//, /[?&]_action=/, /\/download\b/];

/** `/es/requests/12/print?box=in&page=2` -> `/es/requests/:x/print?box&page` */
export function pageType(pathWithQuery: string): string {
  const url = new URL(pathWithQuery, 'http://x');
  const segments = url.pathname.split('/').map((segment, index) =>
    // index 0 is '', 1 the language, 2 the room: a room name with a hyphen (sign-in) is no slug.
    /\d/.test(segment) || (index > 2 && segment.includes('-')) ? ':x' : segment,
  );
  const keys = [...new Set([...url.searchParams.keys()])].sort();
  return segments.join('/') + (keys.length ? `?${keys.join('&')}` : '');
}

export async function crawl(
  client: HttpClient,
  starts: string[],
  options: { perType?: number; maxPages?: number } = {},
): Promise<CrawledPage[]> {
  const perType = options.perType ?? 2;
  const maxPages = options.maxPages ?? 400;
  const seen = new Set<string>();
  const typeCount = new Map<string, number>();
  const queue = [...starts];
  const pages: CrawledPage[] = [];
  while (queue.length > 0 && pages.length < maxPages) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const type = pageType(path);
    if ((typeCount.get(type) ?? 0) >= perType) continue;
    typeCount.set(type, (typeCount.get(type) ?? 0) + 1);
    const res = await client.get(path);
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (location) queue.unshift(new URL(location, client.baseUrl).pathname + new URL(location, client.baseUrl).search);
      continue;
    }
    if (!(res.headers.get('content-type') ?? '').includes('text/html')) continue;
    const html = await res.text();
    pages.push({ path, status: res.status, html });
    const { document } = parseHTML(html);
    for (const a of document.querySelectorAll('a[href]')) {
      const href = a.getAttribute('href') ?? '';
      if (!href || href.startsWith('#') || a.hasAttribute('download')) continue;
      const url = new URL(href, new URL(path, client.baseUrl));
      if (url.origin !== new URL(client.baseUrl).origin) continue;
      if (!/^\/(es|en)(\/|$)/.test(url.pathname)) continue;
      const next = url.pathname + url.search;
      if (SKIP.some((re) => re.test(next)) || seen.has(next)) continue;
      queue.push(next);
    }
  }
  return pages;
}
