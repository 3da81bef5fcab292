/**
 * Addresses of the discussion forum in each language: /es/foros/hilos/12 and /en/forums/threads/12
 * are the same page. astro.config.mjs injects every route in both spellings (one page file each,
 * under src/pages/_forum/); pages, the language switch, notifications and e-mails build links here.
 */
import type { Lang } from '#src/domain/auth.ts';

export const FORUM_ROUTES = {
  home: { es: 'foros', en: 'forums' },
  latest: { es: 'foros/recientes', en: 'forums/latest' },
  category: { es: 'foros/categoria/[slug]', en: 'forums/category/[slug]' },
  newThread: { es: 'foros/nuevo', en: 'forums/new' },
  thread: { es: 'foros/hilos/[id]', en: 'forums/threads/[id]' },
  moveThread: { es: 'foros/hilos/[id]/mover', en: 'forums/threads/[id]/move' },
  post: { es: 'foros/mensajes/[id]', en: 'forums/posts/[id]' },
  editPost: { es: 'foros/mensajes/[id]/editar', en: 'forums/posts/[id]/edit' },
  revisions: { es: 'foros/mensajes/[id]/versiones', en: 'forums/posts/[id]/revisions' },
  search: { es: 'foros/buscar', en: 'forums/search' },
  moderation: { es: 'foros/moderacion', en: 'forums/moderation' },
  categories: { es: 'foros/categorias', en: 'forums/categories' },
  mentions: { es: 'foros/menciones.json', en: 'forums/mentions.json' },
} as const satisfies Record<string, Record<Lang, string>>;

export type ForumRoute = keyof typeof FORUM_ROUTES;

/** The path of a forum page in a language: forumPath('en', 'thread', { id: 12 }) -> /en/forums/threads/12. */
export function forumPath(
  lang: Lang,
  route: ForumRoute,
  params: Record<string, string | number> = {},
  query?: URLSearchParams | string,
): string {
  const path = FORUM_ROUTES[route][lang].replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
  const q = typeof query === 'string' ? query : query?.toString();
  return `/${lang}/${path}${q ? `?${q}` : ''}`;
}

/** Which language's spelling a route pattern (Astro.routePattern) is written in. */
export function forumRouteLang(routePattern: string): Lang {
  return /\/forums(\/|$)/.test(routePattern) ? 'en' : 'es';
}
