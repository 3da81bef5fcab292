/** Member-written Markdown (request bodies and replies, thread posts) rendered to sanitised HTML. */
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const ALLOWED = {
  allowedTags: [
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
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  // Headings inside a request sit below the page's own h1/h2.
  transformTags: {
    h1: 'h3',
    h2: 'h4',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
} satisfies sanitizeHtml.IOptions;

export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true, breaks: true });
  return sanitizeHtml(html, { ...ALLOWED, allowedAttributes: { a: ['href', 'rel'] } });
}

/** The text of a message as a Markdown quotation, for a reply that quotes it. */
export function quoteMarkdown(source: string, author: string): string {
  const lines = source.split(/\r?\n/).slice(0, 40);
  return `> **${author.replace(/[*_`[\]]/g, '')}:**\n${lines.map((l) => `> ${l}`).join('\n')}\n\n`;
}
