/**
 * Content checker: validates everything under content/ without Astro (getCollection does
 * not run under vitest or a plain Node script). Per-file checks reuse the frontmatter
 * schemas; cross-file rules (links, attachments, superseded protocols, translation pairs)
 * live here because a per-entry schema cannot see the other entries.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { AGENCIES } from '#db/seed/agencies.ts';
import {
  LANGS,
  LESSON_FILE_RE,
  SLUG_RE,
  bulletinSchema,
  glossarySchema,
  protocolSchema,
  trainingLessonSchema,
  trainingModuleSchema,
  type Attachment,
  type Audience,
  type Bulletin,
  type GlossaryEntry,
  type Lang,
  type Protocol,
  type TrainingLesson,
  type TrainingModule,
} from '#src/content/schemas.ts';

export interface Problem {
  /** Path relative to the content root, with forward slashes. */
  file: string;
  message: string;
}

interface Entry<T> {
  file: string;
  lang: Lang;
  /** File name without `.md`; the translation key within its collection. */
  key: string;
  data: T | null;
  body: string;
}

interface Loaded {
  bulletins: Entry<Bulletin>[];
  protocols: Entry<Protocol>[];
  modules: Entry<TrainingModule>[];
  /** key = `<module>/<NN>-<slug>` */
  lessons: Entry<TrainingLesson>[];
  /** null when the glossary is missing or invalid (reported once; anchors are then not checked). */
  glossary: GlossaryEntry[] | null;
}

export const GLOSSARY_FILE = 'glossary/terms.yaml';

export async function checkContent(rootDir: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const report = (file: string, message: string): void => {
    problems.push({ file, message });
  };
  const root = path.resolve(rootDir);
  const loaded = await load(root, report);

  await checkAttachments(root, loaded, report);
  checkLessons(loaded, report);
  checkSuperseded(loaded, report);
  checkLinks(loaded, report);
  checkTranslationPairs(loaded, report);

  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.message.localeCompare(b.message));
}

// ---------------------------------------------------------------------------- loading

type Report = (file: string, message: string) => void;

async function load(root: string, report: Report): Promise<Loaded> {
  const loaded: Loaded = { bulletins: [], protocols: [], modules: [], lessons: [], glossary: null };

  loaded.bulletins = await loadFlat(root, 'bulletins', bulletinSchema, report);
  loaded.protocols = await loadFlat(root, 'protocols', protocolSchema, report);

  for (const { lang, name, isDir } of await langDirEntries(root, 'training', report)) {
    const rel = `training/${lang}/${name}`;
    if (!isDir) {
      if (!name.endsWith('.md')) {
        report(rel, 'unexpected file: training holds <lang>/<module>.md and <lang>/<module>/<NN>-<slug>.md');
        continue;
      }
      const key = name.slice(0, -3);
      if (!SLUG_RE.test(key)) report(rel, 'file name must be a lowercase slug (a-z, 0-9, hyphens)');
      loaded.modules.push(await loadMarkdown(root, rel, lang, key, trainingModuleSchema, report));
      continue;
    }
    for (const lesson of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const lessonRel = `${rel}/${lesson.name}`;
      if (!lesson.isFile() || !LESSON_FILE_RE.test(lesson.name)) {
        report(lessonRel, 'lesson files must be named <NN>-<slug>.md (e.g. 01-introduccion.md)');
        continue;
      }
      const key = `${name}/${lesson.name.slice(0, -3)}`;
      loaded.lessons.push(await loadMarkdown(root, lessonRel, lang, key, trainingLessonSchema, report));
    }
  }

  let glossaryText: string | null = null;
  try {
    glossaryText = await readFile(path.join(root, GLOSSARY_FILE), 'utf8');
  } catch {
    report(GLOSSARY_FILE, 'glossary file is missing');
  }
  if (glossaryText !== null) {
    let raw: unknown;
    let parsed = true;
    try {
      raw = parseYaml(glossaryText);
    } catch (e) {
      parsed = false;
      report(GLOSSARY_FILE, `invalid YAML: ${errorText(e)}`);
    }
    if (parsed) {
      const result = glossarySchema.safeParse(raw ?? null);
      if (result.success) loaded.glossary = result.data;
      else for (const msg of issueMessages(result.error)) report(GLOSSARY_FILE, msg);
    }
  }

  return loaded;
}

/** Loads a collection laid out as `<dir>/<lang>/<slug>.md`. */
async function loadFlat<T>(root: string, dir: string, schema: z.ZodType<T>, report: Report): Promise<Entry<T>[]> {
  const list: Entry<T>[] = [];
  for (const { lang, name, isDir } of await langDirEntries(root, dir, report)) {
    const rel = `${dir}/${lang}/${name}`;
    if (isDir || !name.endsWith('.md')) {
      report(rel, `unexpected ${isDir ? 'folder' : 'file'}: ${dir} holds only <lang>/<slug>.md files`);
      continue;
    }
    const key = name.slice(0, -3);
    if (!SLUG_RE.test(key)) report(rel, 'file name must be a lowercase slug (a-z, 0-9, hyphens)');
    list.push(await loadMarkdown(root, rel, lang, key, schema, report));
  }
  return list;
}

/** Lists `<dir>/<lang>/*`; anything beside the language folders is reported. */
async function langDirEntries(
  root: string,
  dir: string,
  report: Report,
): Promise<{ lang: Lang; name: string; isDir: boolean }[]> {
  const out: { lang: Lang; name: string; isDir: boolean }[] = [];
  let top;
  try {
    top = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch {
    return out; // An absent collection is empty, not broken.
  }
  for (const d of top) {
    const lang = LANGS.find((l) => l === d.name);
    if (!lang || !d.isDirectory()) {
      report(`${dir}/${d.name}`, `unexpected entry: ${dir} holds only the language folders ${LANGS.join(', ')}`);
      continue;
    }
    for (const e of await readdir(path.join(root, dir, lang), { withFileTypes: true })) {
      out.push({ lang, name: e.name, isDir: e.isDirectory() });
    }
  }
  return out.sort((a, b) => a.lang.localeCompare(b.lang) || a.name.localeCompare(b.name));
}

async function loadMarkdown<T>(
  root: string,
  rel: string,
  lang: Lang,
  key: string,
  schema: z.ZodType<T>,
  report: Report,
): Promise<Entry<T>> {
  const source = await readFile(path.join(root, rel), 'utf8');
  const entry: Entry<T> = { file: rel, lang, key, data: null, body: '' };
  const split = splitFrontmatter(source);
  if (!split) {
    report(rel, 'missing frontmatter (the file must start with a --- block)');
    entry.body = source;
    return entry;
  }
  entry.body = split.body;
  let raw: unknown;
  try {
    raw = parseYaml(split.frontmatter);
  } catch (e) {
    report(rel, `invalid frontmatter YAML: ${errorText(e)}`);
    return entry;
  }
  const result = schema.safeParse(raw ?? {});
  if (result.success) entry.data = result.data;
  else for (const msg of issueMessages(result.error)) report(rel, msg);
  return entry;
}

export function splitFrontmatter(source: string): { frontmatter: string; body: string } | null {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(source);
  if (!m) return null;
  return { frontmatter: m[1] ?? '', body: source.slice(m[0].length) };
}

function issueMessages(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

// ---------------------------------------------------------------------------- rules

async function checkAttachments(root: string, loaded: Loaded, report: Report): Promise<void> {
  const withAttachments: Entry<{ attachments?: Attachment[] | undefined }>[] = [
    ...loaded.bulletins,
    ...loaded.protocols,
    ...loaded.modules,
  ];
  for (const entry of withAttachments) {
    for (const att of entry.data?.attachments ?? []) {
      const ok = await stat(path.join(root, att.file)).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!ok) report(entry.file, `attachment file not found: ${att.file}`);
    }
  }
}

function checkLessons(loaded: Loaded, report: Report): void {
  const modules = new Set(loaded.modules.map((m) => `${m.lang}/${m.key}`));
  const seenSlug = new Map<string, string>();
  const seenOrder = new Map<string, string>();
  for (const lesson of loaded.lessons) {
    const [moduleSlug = '', fileName = ''] = lesson.key.split('/');
    if (!modules.has(`${lesson.lang}/${moduleSlug}`)) {
      report(lesson.file, `lesson folder has no module file training/${lesson.lang}/${moduleSlug}.md`);
    }
    const m = LESSON_FILE_RE.exec(`${fileName}.md`);
    if (!m) continue;
    const slugKey = `${lesson.lang}/${moduleSlug}/${m[2]}`;
    const other = seenSlug.get(slugKey);
    if (other) report(lesson.file, `lesson slug "${m[2]}" is also used by ${other} (URLs drop the NN- prefix)`);
    seenSlug.set(slugKey, lesson.file);
    if (lesson.data) {
      if (lesson.data.order !== Number(m[1])) {
        report(lesson.file, `order ${lesson.data.order} does not match the file prefix ${m[1]}`);
      }
      const orderKey = `${lesson.lang}/${moduleSlug}#${lesson.data.order}`;
      const dup = seenOrder.get(orderKey);
      if (dup) report(lesson.file, `order ${lesson.data.order} is also used by ${dup}`);
      seenOrder.set(orderKey, lesson.file);
    }
  }
}

function checkSuperseded(loaded: Loaded, report: Report): void {
  const slugs = new Set(loaded.protocols.map((p) => `${p.lang}/${p.key}`));
  for (const p of loaded.protocols) {
    const by = p.data?.status === 'superseded' ? p.data.supersededBy : undefined;
    if (!by) continue; // A missing supersededBy is already a schema problem.
    if (by === p.key) report(p.file, 'supersededBy points to the protocol itself');
    else if (!slugs.has(`${p.lang}/${by}`)) {
      report(p.file, `supersededBy "${by}" is not an existing protocol in ${p.lang} (protocols/${p.lang}/${by}.md)`);
    }
  }
}

/** Sections whose URLs name content items; other paths belong to pages and are not checked here. */
const CONTENT_SECTIONS = new Set(['bulletins', 'protocols', 'training', 'glossary']);

function checkLinks(loaded: Loaded, report: Report): void {
  // URL -> audience of the item (null when its frontmatter is invalid: reported already).
  const known = new Map<string, Audience | null>();
  const moduleAudience = new Map<string, Audience | null>();
  for (const b of loaded.bulletins) known.set(`/${b.lang}/bulletins/${b.key}`, b.data?.audience ?? null);
  for (const p of loaded.protocols) known.set(`/${p.lang}/protocols/${p.key}`, p.data?.audience ?? null);
  for (const m of loaded.modules) {
    known.set(`/${m.lang}/training/${m.key}`, m.data?.audience ?? null);
    moduleAudience.set(`${m.lang}/${m.key}`, m.data?.audience ?? null);
  }
  const lessonAudience = (l: Entry<TrainingLesson>): Audience | null =>
    moduleAudience.get(`${l.lang}/${l.key.split('/')[0] ?? ''}`) ?? null;
  for (const l of loaded.lessons) {
    const [moduleSlug = '', fileName = ''] = l.key.split('/');
    known.set(`/${l.lang}/training/${moduleSlug}/${fileName.replace(/^\d{2}-/, '')}`, lessonAudience(l));
  }
  const glossaryIds = loaded.glossary ? new Set(loaded.glossary.map((g) => g.id)) : null;

  const sources: { entry: Entry<unknown>; audience: Audience | null }[] = [
    ...[...loaded.bulletins, ...loaded.protocols, ...loaded.modules].map((e) => ({ entry: e, audience: e.data?.audience ?? null })),
    ...loaded.lessons.map((l) => ({ entry: l, audience: lessonAudience(l) })),
  ];
  for (const { entry, audience } of sources) {
    for (const href of extractLinks(entry.body)) {
      const problem = linkProblem(href, known, glossaryIds);
      if (typeof problem === 'string') {
        report(entry.file, problem);
      } else if (problem && audience && problem.audience && !audienceCovers(problem.audience, audience)) {
        // A reader of this item would follow the link into a 404 (the portal hides what one may not see).
        report(
          entry.file,
          `link "${href}" points to an item with a narrower audience (${describeAudience(problem.audience)}) than this one (${describeAudience(audience)})`,
        );
      }
    }
  }
}

/** A problem message, the audience of the linked content item, or null (not a content item). */
function linkProblem(
  href: string,
  known: Map<string, Audience | null>,
  glossaryIds: Set<string> | null,
): string | { audience: Audience | null } | null {
  if (/^(?:[a-z][a-z0-9+.-]*:|#)/i.test(href) || href.startsWith('//')) return null; // external or in-page
  if (!href.startsWith('/')) return `relative link "${href}": link to /<lang>/… paths instead`;
  const hashAt = href.indexOf('#');
  const fragment = hashAt >= 0 ? decodeURIComponent(href.slice(hashAt + 1)) : '';
  const pathname = href.slice(0, hashAt >= 0 ? hashAt : undefined).split('?')[0] ?? '';
  const segments = pathname.split('/').filter(Boolean);
  const [first = '', section = ''] = segments;
  if (!(LANGS as readonly string[]).includes(first)) {
    return CONTENT_SECTIONS.has(first) ? `link "${href}" lacks the language prefix (/es/… or /en/…)` : null;
  }
  if (!CONTENT_SECTIONS.has(section) || (segments.length === 2 && section !== 'glossary')) return null;
  if (section === 'glossary') {
    if (segments.length > 2) return `broken link "${href}": the glossary is a single page`;
    if (fragment && glossaryIds && !glossaryIds.has(fragment)) return `broken link "${href}": no glossary term with id "${fragment}"`;
    return null;
  }
  const target = `/${segments.join('/')}`;
  return known.has(target) ? { audience: known.get(target) ?? null } : `broken link "${href}": no such ${section} item in ${first}`;
}

const AGENCY_COUNTRY = new Map<string, string>(AGENCIES.map((a) => [a.code, a.country]));

/** Whether everyone who may read an item with audience `reader` may also read one with `target`. */
export function audienceCovers(target: Audience, reader: Audience): boolean {
  if (target === 'public') return true;
  if (target === 'members') return reader !== 'public';
  if (!Array.isArray(reader)) return false;
  // Each code of the reader's list (an agency or a whole country) must be inside the target's list.
  return reader.every((code) => target.includes(code) || target.includes(AGENCY_COUNTRY.get(code) ?? '\0'));
}

function describeAudience(a: Audience): string {
  return Array.isArray(a) ? `[${a.join(', ')}]` : a;
}

/** Link targets of Markdown inline links, reference definitions and raw HTML hrefs, code excluded. */
export function extractLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  for (const m of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) out.push(m[1] ?? '');
  for (const m of withoutCode.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push(m[1] ?? '');
  for (const m of withoutCode.matchAll(/\bhref\s*=\s*["']([^"']+)["']/g)) out.push(m[1] ?? '');
  return out.filter(Boolean);
}

// ---------------------------------------------------------------------------- translations

/** Values that must be identical in both languages; everything else is translatable text. */
function commonFields(d: Bulletin): Record<string, unknown> {
  return {
    published: d.published,
    updated: d.updated,
    agency: d.agency,
    tags: [...d.tags].sort(), // order of tags is presentation, not meaning
    audience: Array.isArray(d.audience) ? [...d.audience].sort() : d.audience,
    marking: d.marking,
  };
}

function checkTranslationPairs(loaded: Loaded, report: Report): void {
  comparePairs(loaded.bulletins, commonFields, report);
  comparePairs(
    loaded.protocols,
    (d) => ({
      ...commonFields(d),
      version: d.version,
      status: d.status,
      supersededBy: d.supersededBy,
      effective: d.effective,
      'meeting.start': d.meeting.start,
      'meeting.end': d.meeting.end,
    }),
    report,
  );
  comparePairs(
    loaded.modules,
    (d) => ({ ...commonFields(d), level: d.level, durationMinutes: d.durationMinutes }),
    report,
  );
  comparePairs(loaded.lessons, (d) => ({ order: d.order, durationMinutes: d.durationMinutes }), report);
}

function comparePairs<T>(entries: Entry<T>[], fields: (data: T) => Record<string, unknown>, report: Report): void {
  const es = new Map(entries.filter((e) => e.lang === 'es').map((e) => [e.key, e]));
  for (const en of entries.filter((e) => e.lang === 'en')) {
    const other = es.get(en.key);
    // A missing translation is allowed (pages show a notice); an invalid file is reported already.
    if (!other?.data || !en.data) continue;
    const a = fields(other.data);
    const b = fields(en.data);
    for (const name of Object.keys(a)) {
      const va = canonical(a[name]);
      const vb = canonical(b[name]);
      if (va !== vb) {
        report(en.file, `${name} disagrees with its translation ${other.file}: ${vb ?? '(none)'} vs ${va ?? '(none)'}`);
      }
    }
  }
}

function canonical(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return JSON.stringify(value);
}
