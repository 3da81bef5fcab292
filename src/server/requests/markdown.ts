/** Requests render member Markdown with the shared sanitised renderer (src/server/markdown.ts). */
export { quoteMarkdown, renderMarkdown } from '#src/server/markdown.ts';
