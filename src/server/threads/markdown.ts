/**
 * Thread posts: member Markdown rendered once, when written, to sanitised HTML that is stored
 * with the post. Two things in it depend on the reader and are settled when a page is shown:
 *
 * - References (`SOL-2026-000123`, a seizure reference, `boletin:slug`, `protocolo:slug`, or a
 *   link to a portal page of those kinds, a thread or a post) are stored as
 *   `<span class="portal-ref" data-ref="kind:key">text</span>`; `applyReferenceLinks` turns each into
 *   a link when the reader may see the target and into plain text otherwise, so the page reveals
 *   nothing about targets the reader cannot see, not even that they exist.
 * - Mentions of known members (`@kevin.alvarado`) are marked as mentions.
 *
 * Raw HTML in a post is shown as text (never passed on), so a member cannot forge either marker.
 */
import { Marked, type Tokens, type TokenizerAndRendererExtension } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { config } from '#src/server/config.ts';
import { MEMBER_MARKDOWN_TAGS } from '#src/server/markdown.ts';

export const REFERENCE_KINDS = ['request', 'requestId', 'seizure', 'seizureId', 'bulletin', 'protocol', 'thread', 'post'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** `@handle`: lower-case letters, digits and dots, as member_handles stores them. */
export const MENTION_RE = /^@([a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?)/;

const REQUEST_RE = /^SOL-\d{4}-\d{6}(?![\p{L}\p{N}])/u;
const SEIZURE_RE = /^(?:[A-Z][A-Z0-9]{1,9}-){1,2}\d{4}-\d{4,7}(?![\p{L}\p{N}])/u;
const CONTENT_RE = /^(bolet[ií]n|bulletin|protocolo|protocol):([a-z0-9][a-z0-9-]{0,120})(?![\p{L}\p{N}-])/u;
/** Where a reference may start: after a space, punctuation or the start of the text. */
const REF_START_RE = /(?:^|[^\p{L}\p{N}_@-])(?=SOL-\d|(?:[A-Z][A-Z0-9]{1,9}-){1,2}\d{4}-|bolet[ií]n:|bulletin:|protocolo?:)/u;
const MENTION_START_RE = /(?:^|[^\p{L}\p{N}_.@-])(?=@[a-z0-9])/u;

interface RefToken extends Tokens.Generic {
  type: 'portalRef';
  raw: string;
  kind: ReferenceKind;
  key: string;
  text: string;
}

interface MentionToken extends Tokens.Generic {
  type: 'portalMention';
  raw: string;
  handle: string;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function startOf(src: string, re: RegExp): number | undefined {
  const m = re.exec(src);
  if (!m) return undefined;
  return m.index + m[0].length;
}

/**
 * A portal address of a kind whose visibility depends on the reader: /es/requests/12,
 * /en/seizures/5, /es/bulletins/slug, /en/protocols/slug, /es/foros/hilos/3, /en/forums/posts/9
 * (also with the portal's own origin in front). Other addresses are ordinary links.
 */
export function referenceOfHref(href: string): { kind: ReferenceKind; key: string } | null {
  let path = href.trim();
  const origin = config.publicOrigin;
  if (origin && path.toLowerCase().startsWith(origin.toLowerCase())) path = path.slice(origin.length);
  const m = /^\/(?:es|en)\/([a-z]+)\/([^/?#]+)(?:\/([^/?#]+))?(?:[?#].*)?$/.exec(path);
  if (!m) return null;
  const [, section, first, second] = m;
  if (!first) return null;
  if (section === 'requests' && /^\d{1,12}$/.test(first)) return { kind: 'requestId', key: first };
  if (section === 'seizures' && /^\d{1,12}$/.test(first)) return { kind: 'seizureId', key: first };
  if (section === 'bulletins' && /^[a-z0-9-]+$/.test(first)) return { kind: 'bulletin', key: first };
  if (section === 'protocols' && /^[a-z0-9-]+$/.test(first)) return { kind: 'protocol', key: first };
  if ((section === 'foros' || section === 'forums') && second && /^\d{1,12}$/.test(second)) {
    if (first === 'hilos' || first === 'threads') return { kind: 'thread', key: second };
    if (first === 'mensajes' || first === 'posts') return { kind: 'post', key: second };
  }
  return null;
}

function refSpan(kind: ReferenceKind, key: string, text: string): string {
  return `<span class="portal-ref" data-ref="${kind}:${escapeHtml(key)}">${escapeHtml(text)}</span>`;
}

/** Set for the duration of one (synchronous) render: the handles that name members. */
let knownHandles: ReadonlySet<string> = new Set();
let seenMentions: Set<string> = new Set();

const referenceExtension: TokenizerAndRendererExtension = {
  name: 'portalRef',
  level: 'inline',
  start: (src) => startOf(src, REF_START_RE),
  tokenizer(src): RefToken | undefined {
    const request = REQUEST_RE.exec(src);
    if (request) return { type: 'portalRef', raw: request[0], kind: 'request', key: request[0], text: request[0] };
    const content = CONTENT_RE.exec(src);
    if (content) {
      const kind: ReferenceKind = content[1]!.startsWith('prot') ? 'protocol' : 'bulletin';
      return { type: 'portalRef', raw: content[0], kind, key: content[2]!, text: content[0] };
    }
    const seizure = SEIZURE_RE.exec(src);
    if (seizure) return { type: 'portalRef', raw: seizure[0], kind: 'seizure', key: seizure[0], text: seizure[0] };
    return undefined;
  },
  renderer: (token) => refSpan((token as RefToken).kind, (token as RefToken).key, (token as RefToken).text),
};

const mentionExtension: TokenizerAndRendererExtension = {
  name: 'portalMention',
  level: 'inline',
  start: (src) => startOf(src, MENTION_START_RE),
  tokenizer(src): MentionToken | undefined {
    const m = MENTION_RE.exec(src);
    if (!m) return undefined;
    // "@ana.perez." at the end of a sentence: the dot is punctuation, not part of the handle.
    const handle = m[1]!.replace(/[._-]+$/, '');
    return { type: 'portalMention', raw: `@${handle}`, handle };
  },
  renderer(token) {
    const { handle } = token as MentionToken;
    if (!knownHandles.has(handle)) return escapeHtml(`@${handle}`);
    seenMentions.add(handle);
    return `<span class="portal-mention">@${escapeHtml(handle)}</span>`;
  },
};

const postMarked = new Marked({
  gfm: true,
  breaks: true,
  extensions: [referenceExtension, mentionExtension],
  renderer: {
    // Raw HTML typed in a post is shown as the text it is.
    html: ({ text }) => escapeHtml(text),
    link(token) {
      const ref = referenceOfHref(token.href);
      if (ref) return refSpan(ref.kind, ref.key, token.text);
      return false;
    },
    // Images would load from anywhere (and the CSP forbids them): show the text instead.
    image: ({ text }) => escapeHtml(text),
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...MEMBER_MARKDOWN_TAGS, 'span'],
  allowedAttributes: { a: ['href', 'rel'], span: ['class', 'data-ref'], ol: ['start'] },
  allowedClasses: { span: ['portal-ref', 'portal-mention'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};

export interface RenderedPost {
  html: string;
  /** Handles of known members the post mentions (outside code), in order of first mention. */
  mentions: string[];
}

/** Handles written in a post (outside code), known or not: to look up members before rendering. */
export function mentionedHandles(source: string): string[] {
  const found = new Set<string>();
  // walkTokens returns the callbacks' results (promises only for async callbacks; this one is synchronous).
  void postMarked.walkTokens(postMarked.lexer(source), (token) => {
    if (token.type === 'portalMention') found.add((token as MentionToken).handle);
  });
  return [...found];
}

/** Renders a post; `handles` are the mention handles that name members. */
export function renderPost(source: string, handles: ReadonlySet<string>): RenderedPost {
  knownHandles = handles;
  seenMentions = new Set();
  try {
    const html = postMarked.parse(source, { async: false });
    return { html: sanitizeHtml(html, SANITIZE), mentions: [...seenMentions] };
  } finally {
    knownHandles = new Set();
    seenMentions = new Set();
  }
}

const REF_SPAN_RE = /<span class="portal-ref" data-ref="([A-Za-z]+):([^"]*)">([^<]*)<\/span>/g;

/** The references (`kind:key`) in rendered posts, for one look-up of what the reader may see. */
export function referencesIn(htmls: readonly string[]): { kind: ReferenceKind; key: string }[] {
  const out = new Map<string, { kind: ReferenceKind; key: string }>();
  for (const html of htmls)
    for (const m of html.matchAll(REF_SPAN_RE)) {
      const kind = m[1] as ReferenceKind;
      if (!(REFERENCE_KINDS as readonly string[]).includes(kind)) continue;
      const key = unescapeHtml(m[2]!);
      out.set(`${kind}:${key}`, { kind, key });
    }
  return [...out.values()];
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Settles the reference markers of a rendered post for one reader: `targets` maps `kind:key` to
 * the address of a target the reader may see; every other marker becomes its plain text.
 */
export function applyReferenceLinks(html: string, targets: ReadonlyMap<string, string>): string {
  return html.replace(REF_SPAN_RE, (_, kind: string, key: string, text: string) => {
    const href = targets.get(`${kind}:${unescapeHtml(key)}`);
    return href ? `<a href="${escapeHtml(href)}" class="portal-ref">${text}</a>` : text;
  });
}

/**
 * The text a search index keeps of a post: the Markdown without quoted lines (a reply that
 * quotes another post is not a second hit for the quoted words) and without Markdown syntax.
 */
export function searchableText(source: string): string {
  return source
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .replace(/[*_`#>~|[\]()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of a post as a Markdown quotation naming its author (a reply that quotes it). */
export function quotePost(source: string, author: string): string {
  const lines = source
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .slice(0, 40);
  while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
  return `> **${author.replace(/[*_`[\]<>]/g, '')}:**\n${lines.map((l) => `> ${l}`).join('\n')}\n\n`;
}
