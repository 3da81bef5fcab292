/** Member-written Markdown (request bodies and replies, thread posts) rendered to sanitised HTML. */
import { createHash } from 'node:crypto';
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { LruCache } from '#src/server/cache.ts';

/** Tags member-written Markdown may produce (threads add their reference and mention spans). */
export const MEMBER_MARKDOWN_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'hr',
];

const ALLOWED = {
  allowedTags: MEMBER_MARKDOWN_TAGS,
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  // Headings inside a request sit below the page's own h1/h2.
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
} satisfies sanitizeHtml.IOptions;

// A message is written once and read many times (every view of its request or thread): parsing and
// sanitising a long text costs milliseconds of event loop, so the HTML is kept by the text's hash.
const rendered = new LruCache<string>(500);

export function renderMarkdown(source: string): string {
  const key = createHash('sha256').update(source).digest('base64url');
  let html = rendered.get(key);
  if (html === undefined) {
    html = sanitizeHtml(marked.parse(source, { async: false, gfm: true, breaks: true }), {
      ...ALLOWED,
      allowedAttributes: { a: ['href', 'rel'] },
    });
    rendered.set(key, html);
  }
  return html;
}

/** The text of a message as a Markdown quotation, for a reply that quotes it. */
export function quoteMarkdown(source: string, author: string): string {
  const lines = source.split(/\r?\n/).slice(0, 40);
  return `> **${author.replace(/[*_`[\]]/g, '')}:**\n${lines.map((l) => `> ${l}`).join('\n')}\n\n`;
}
