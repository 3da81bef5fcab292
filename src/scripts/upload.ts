/**
 * Enhances upload forms (form[data-upload-form]): drag-and-drop onto the file input, a size
 * check before anything is sent, and a progress bar per file while the form goes up by XHR (fetch
 * cannot report upload progress). The server answers JSON to this script; without JavaScript the
 * same form posts normally. A file's progress is worked out from where its bytes sit in the body.
 */
interface Answer {
  redirect?: string;
  errors?: { summary: string[] };
  /** A forum post refused for mentions that notify nobody: offer "post anyway", as the page does without JavaScript. */
  mentionsUnseen?: boolean;
}

/** Puts the "post anyway" box (PostEditor's template) into the form, once. */
function offerConfirmMentions(form: HTMLFormElement): void {
  if (form.querySelector('[data-confirm-mentions]')) return;
  const template = form.querySelector<HTMLTemplateElement>('template[data-confirm-mentions-template]');
  if (template) template.replaceWith(template.content.cloneNode(true));
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function showErrors(form: HTMLFormElement, messages: string[]): void {
  const region = document.querySelector<HTMLElement>('[data-upload-errors]');
  if (!region) return;
  region.replaceChildren();
  // The same summary the server renders after a post without JavaScript (FormErrorSummary.astro):
  // a labelled region that takes the focus, so a screen reader reads it and the keyboard starts there.
  const alert = document.createElement('div');
  alert.className = 'usa-alert usa-alert--error portal-error-summary';
  alert.id = 'upload-error-summary';
  alert.tabIndex = -1;
  alert.setAttribute('role', 'region');
  alert.setAttribute('aria-labelledby', 'upload-error-summary-h');
  alert.dataset.testid = 'form-error';
  const body = document.createElement('div');
  body.className = 'usa-alert__body';
  const heading = document.createElement('h2');
  heading.className = 'usa-alert__heading';
  heading.id = 'upload-error-summary-h';
  heading.textContent = form.dataset.msgSummary ?? '';
  const list = document.createElement('ul');
  list.className = 'usa-list';
  for (const m of messages) {
    const li = document.createElement('li');
    li.textContent = m;
    list.append(li);
  }
  body.append(heading, list);
  alert.append(body);
  region.append(alert);
  alert.scrollIntoView({ block: 'start' });
  alert.focus({ preventScroll: true });
}

function listFiles(zone: HTMLElement, input: HTMLInputElement): Map<File, HTMLProgressElement> {
  const list = zone.querySelector<HTMLElement>('[data-file-list]');
  const bars = new Map<File, HTMLProgressElement>();
  if (!list) return bars;
  list.replaceChildren();
  for (const file of Array.from(input.files ?? [])) {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    li.append(label, bar);
    list.append(li);
    bars.set(file, bar);
  }
  return bars;
}

function enhanceDrop(zone: HTMLElement): void {
  const input = zone.querySelector<HTMLInputElement>('input[type=file]');
  const area = zone.querySelector<HTMLElement>('[data-drop-zone]');
  if (!input || !area) return;
  zone.querySelector<HTMLElement>('[data-drop-text]')?.removeAttribute('hidden');
  input.addEventListener('change', () => listFiles(zone, input));
  area.addEventListener('dragover', (event) => {
    event.preventDefault();
    area.classList.add('is-over');
  });
  area.addEventListener('dragleave', () => area.classList.remove('is-over'));
  area.addEventListener('drop', (event) => {
    event.preventDefault();
    area.classList.remove('is-over');
    const dropped = Array.from(event.dataTransfer?.files ?? []);
    if (!dropped.length) return;
    const all = new DataTransfer();
    if (input.multiple) for (const f of Array.from(input.files ?? [])) all.items.add(f);
    for (const f of input.multiple ? dropped : dropped.slice(0, 1)) all.items.add(f);
    input.files = all.files;
    listFiles(zone, input);
  });
}

function enhanceForm(form: HTMLFormElement): void {
  form.addEventListener('submit', (event) => {
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
    const zones = Array.from(form.querySelectorAll<HTMLElement>('[data-file-drop]'));
    // Forms where files are optional (forum posts) go up as plain forms without files: the page
    // answers as it would without JavaScript (e.g. the "post anyway" choice after a mention).
    const optional = form.dataset.filesOptional !== undefined;
    if (optional && zones.every((zone) => !zone.querySelector<HTMLInputElement>('input[type=file]')?.files?.length)) return;
    event.preventDefault();
    const files: File[] = [];
    const tooLarge: string[] = [];
    const bars = new Map<File, HTMLProgressElement>();
    for (const zone of zones) {
      const input = zone.querySelector<HTMLInputElement>('input[type=file]');
      const max = Number(zone.dataset.maxBytes ?? Infinity);
      if (!input) continue;
      for (const [file, bar] of listFiles(zone, input)) {
        files.push(file);
        bars.set(file, bar);
        if (file.size > max) tooLarge.push(fill(form.dataset.msgTooLarge ?? '', { name: file.name }));
      }
    }
    if (tooLarge.length) {
      showErrors(form, tooLarge);
      return;
    }
    const body = new FormData(form);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    if (submit) {
      submit.disabled = true;
      submit.dataset.label = submit.textContent ?? '';
      submit.textContent = form.dataset.msgUploading ?? submit.textContent;
    }
    // Where each file's bytes start in the body: parts follow form order, each with ~150 bytes of headers.
    const starts = new Map<File, number>();
    let position = 0;
    for (const [, value] of body) {
      position += 150;
      if (value instanceof File) {
        starts.set(value, position);
        position += value.size;
      } else position += new TextEncoder().encode(value).length;
    }
    xhr.upload.addEventListener('progress', (e) => {
      const scale = position > 0 && e.total > 0 ? e.total / position : 1;
      for (const file of files) {
        const bar = bars.get(file);
        const start = (starts.get(file) ?? 0) * scale;
        const part = file.size ? Math.min(1, Math.max(0, (e.loaded - start) / (file.size * scale))) : 1;
        if (bar) bar.value = Math.round(part * 100);
        bar?.setAttribute('aria-valuetext', fill(form.dataset.msgProgress ?? '', { name: file.name, percent: Math.round(part * 100) }));
      }
    });
    const restore = () => {
      if (submit) {
        submit.disabled = false;
        submit.textContent = submit.dataset.label ?? submit.textContent;
      }
    };
    xhr.addEventListener('load', () => {
      const answer = (xhr.response ?? {}) as Answer;
      if (answer.redirect) {
        const target = new URL(answer.redirect, window.location.href);
        if (target.pathname === window.location.pathname && target.search === window.location.search) {
          // A reply on this same page differs only by #post-N: assigning it would scroll, not show the new post.
          window.history.replaceState(null, '', target.href);
          window.location.reload();
        } else {
          window.location.assign(target.href);
        }
        return;
      }
      restore();
      if (answer.mentionsUnseen) offerConfirmMentions(form);
      showErrors(form, answer.errors?.summary?.length ? answer.errors.summary : [form.dataset.msgNetwork ?? '']);
    });
    xhr.addEventListener('error', () => {
      restore();
      showErrors(form, [form.dataset.msgNetwork ?? '']);
    });
    xhr.send(body);
  });
}

export function enhanceUploads(): void {
  for (const zone of Array.from(document.querySelectorAll<HTMLElement>('[data-file-drop]'))) enhanceDrop(zone);
  for (const form of Array.from(document.querySelectorAll<HTMLFormElement>('form[data-upload-form]'))) enhanceForm(form);
}
