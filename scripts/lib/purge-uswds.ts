/**
 * USWDS ships one 520 KB stylesheet; the portal uses a small part of it. This PostCSS step (build
 * only, on @uswds/uswds's file alone) keeps the rules whose classes, elements and attributes
 * appear in our pages and components.
 * New pages are scanned as they are added; classes built at run time are listed below.
 */
import purgeCSSPlugin from '@fullhuman/postcss-purgecss';

// The little of PostCSS's plugin API used here (postcss comes with Vite).
interface Root {
  source?: { input: { file?: string } };
}
type Helpers = unknown;
interface Plugin {
  postcssPlugin: string;
  OnceExit: (root: Root, helpers: Helpers) => Promise<void>;
}

/** Class names put together in code (`usa-alert--${kind}`) or written by Markdown and Plot. */
const DYNAMIC = [/^usa-alert--/, /^usa-button--/, /^usa-tag/, /^usa-table/, /^usa-prose/, /^usa-current/, /^usa-sr-only/];
/** Elements that rendered Markdown (bulletins, protocols, messages) may contain. */
const MARKDOWN_ELEMENTS = [
  'html',
  'body',
  'a',
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'pre',
  'code',
  'kbd',
  'hr',
  'img',
  'figure',
  'figcaption',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'strong',
  'em',
  'sup',
  'sub',
  'abbr',
  'mark',
];

export function purgeUswds(): Plugin {
  const purge = purgeCSSPlugin({
    content: ['./src/**/*.{astro,ts}', './content/**/*.{md,mdx,yaml}'],
    // "desktop:grid-col-3" is one class: keep the colon in words.
    defaultExtractor: (text: string) => text.match(/[\w:-]+/g) ?? [],
    safelist: { standard: [...MARKDOWN_ELEMENTS, ...DYNAMIC], greedy: [/^usa-prose/] },
    // @font-face rules stay: a face is downloaded only when a rule uses it, and rules in our own
    // stylesheets (Roboto Mono for serial numbers) are not visible to this pass.
    fontFace: false,
    keyframes: true,
  }) as unknown as { OnceExit: (root: Root, helpers: Helpers) => Promise<void> };
  return {
    postcssPlugin: 'armas-cruzadas:purge-uswds',
    async OnceExit(root: Root, helpers: Helpers) {
      if (!(root.source?.input.file ?? '').includes('@uswds/uswds')) return;
      await purge.OnceExit(root, helpers);
    },
  };
}
