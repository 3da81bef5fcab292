import { parseHTML } from 'linkedom';

/**
 * What in an HTML fragment could run script: elements that execute or embed (script, iframe,
 * object, embed, svg, img with handlers…), any on* attribute, and javascript:/data: URLs. Text that
 * merely spells such markup (escaped) is inert and not reported.
 */
export function activeContent(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body><div id="root">${html}</div></body></html>`);
  const found: string[] = [];
  for (const el of document.querySelectorAll('#root *')) {
    const tag = el.tagName.toLowerCase();
    // The portal's own scripts are bundled files (/_astro/…) with no inline text (CSP: script-src 'self').
    const ownScript = tag === 'script' && /^\/_astro\/[\w.-]+\.js$/.test(el.getAttribute('src') ?? '') && !el.textContent.trim();
    if (
      !ownScript &&
      ['script', 'iframe', 'object', 'embed', 'svg', 'math', 'img', 'video', 'audio', 'style', 'link', 'meta', 'base'].includes(tag)
    )
      found.push(`<${tag}>`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${tag}[${name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name) && /^\s*(javascript|data|vbscript):/i.test(attr.value))
        found.push(`${tag}[${name}=${attr.value}]`);
      if (name === 'style') found.push(`${tag}[style]`);
    }
  }
  return found;
}
