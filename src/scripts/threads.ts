/**
 * Enhancements of the forum pages; without JavaScript everything works through links and forms.
 *
 * - Mention completion: typing "@" and letters in a post offers the members who may see the thread
 *   (the server decides: /…/foros/menciones.json); arrow keys move, Enter or Tab inserts, Escape
 *   closes; the count is announced to screen readers.
 * - Quote the selection: select words in a post and press "Quote the selection": they go into the
 *   reply as a quotation naming the author (the plain "Quote" link quotes the whole post).
 */

const MENTION_BEFORE_CARET = /(?:^|[^\p{L}\p{N}_.@-])@([a-z0-9._-]{0,40})$/u;

interface Candidate {
  handle: string;
  name: string;
  agencyCode: string;
}

function enhanceMentions(area: HTMLTextAreaElement): void {
  const source = area.dataset.mentionSource;
  const list = area.dataset.mentionList ? document.getElementById(area.dataset.mentionList) : null;
  const status = area.closest('.portal-mention-box')?.querySelector<HTMLElement>('[data-mention-status]') ?? null;
  if (!source || !(list instanceof HTMLUListElement)) return;
  area.setAttribute('aria-controls', list.id);
  area.setAttribute('aria-autocomplete', 'list');
  let candidates: Candidate[] = [];
  let active = -1;
  let controller: AbortController | null = null;
  let timer: number | undefined;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    candidates = [];
    active = -1;
    area.removeAttribute('aria-activedescendant');
  };

  const prefixAtCaret = (): string | null => {
    if (area.selectionStart !== area.selectionEnd) return null;
    const m = MENTION_BEFORE_CARET.exec(area.value.slice(0, area.selectionStart));
    return m ? (m[1] ?? '') : null;
  };

  const choose = (index: number) => {
    const c = candidates[index];
    if (!c) return;
    const caret = area.selectionStart;
    const before = area.value.slice(0, caret).replace(/@[a-z0-9._-]*$/u, `@${c.handle} `);
    area.value = before + area.value.slice(caret);
    area.setSelectionRange(before.length, before.length);
    close();
    area.focus();
  };

  const highlight = (index: number) => {
    active = index;
    list.querySelectorAll('[role=option]').forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) area.setAttribute('aria-activedescendant', `${list.id}-${index}`);
    else area.removeAttribute('aria-activedescendant');
  };

  const query = (prefix: string): string => {
    const url = new URL(source, location.href);
    url.searchParams.set('q', prefix);
    const form = area.form;
    if (form?.hasAttribute('data-mention-scope')) {
      const data = new FormData(form);
      const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');
      url.searchParams.set('categoryId', text(data.get('categoryId')));
      url.searchParams.set('audience', text(data.get('audience')) || 'category');
      for (const agency of data.getAll('agencies')) url.searchParams.append('agencies', text(agency));
    }
    return url.toString();
  };

  const lookUp = async (prefix: string) => {
    controller?.abort();
    controller = new AbortController();
    try {
      const res = await fetch(query(prefix), { signal: controller.signal, headers: { Accept: 'application/json' } });
      if (!res.ok) return close();
      candidates = (await res.json()) as Candidate[];
    } catch {
      return;
    }
    list.replaceChildren(
      ...candidates.map((c, i) => {
        const li = document.createElement('li');
        li.id = `${list.id}-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = `@${c.handle} — ${c.name}`;
        li.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(i);
        });
        return li;
      }),
    );
    list.hidden = candidates.length === 0;
    active = -1;
    if (status)
      status.textContent = candidates.length
        ? (area.dataset.mentionCount ?? '').replace('{count}', String(candidates.length))
        : (area.dataset.mentionNone ?? '');
  };

  area.addEventListener('input', () => {
    const prefix = prefixAtCaret();
    window.clearTimeout(timer);
    if (prefix === null) return close();
    timer = window.setTimeout(() => void lookUp(prefix), 150);
  });
  area.addEventListener('keydown', (event) => {
    if (list.hidden || !candidates.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      highlight((active + step + candidates.length) % candidates.length);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  area.addEventListener('blur', () => window.setTimeout(close, 150));
}

function quoteText(text: string, author: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .slice(0, 40)
    .map((l) => `> ${l}`);
  return `> **${author.replace(/[*_`[\]<>]/g, '')}:**\n${lines.join('\n')}\n\n`;
}

function enhanceQuoteSelection(): void {
  const reply = document.querySelector<HTMLTextAreaElement>('#reply-text');
  const form = reply?.form;
  if (!reply || !form) return;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-quote-selection]')) {
    button.hidden = false;
    button.addEventListener('click', () => {
      const postId = button.dataset.quoteSelection ?? '';
      const body = document.querySelector(`#post-${postId} .portal-post__body`);
      const selection = window.getSelection();
      const inside = selection && selection.rangeCount > 0 && body?.contains(selection.getRangeAt(0).commonAncestorContainer);
      const text = inside ? selection.toString() : (body?.textContent ?? '');
      if (!text.trim()) return;
      reply.value = `${reply.value}${reply.value && !reply.value.endsWith('\n') ? '\n\n' : ''}${quoteText(text, button.dataset.quoteAuthor ?? '')}`;
      let quoted = form.querySelector<HTMLInputElement>('input[name=quoted]');
      if (!quoted) {
        quoted = document.createElement('input');
        quoted.type = 'hidden';
        quoted.name = 'quoted';
        form.prepend(quoted);
      }
      quoted.value = postId;
      reply.focus();
      reply.setSelectionRange(reply.value.length, reply.value.length);
      reply.scrollIntoView({ block: 'center' });
    });
  }
}

export function enhanceThreadPage(): void {
  document.querySelectorAll<HTMLTextAreaElement>('textarea[data-mention-source]').forEach(enhanceMentions);
  enhanceQuoteSelection();
}
