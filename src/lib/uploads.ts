/**
 * The web side of uploads. Forms that carry files post multipart to their own page, which
 * streams the body through src/server/documents/intake.ts (Astro Actions would parse the whole
 * form into memory). Without JavaScript the page answers with a redirect or the form and its
 * errors; the upload script asks for JSON (`Accept: application/json`) to show progress.
 */
import { z } from 'zod';
import { ACCEPT, DOCUMENT_LANGUAGES, DOCUMENT_TYPES, MAX_FILES_PER_UPLOAD, VERSION_POLICIES } from '#src/domain/documents.ts';
import { COUNTRIES } from '#src/domain/agencies.ts';
import { HANDLING_CODES } from '#src/domain/requests.ts';
import { isMessageKey, type MessageKey, type Translate } from '#src/i18n/index.ts';
import { parseLocalDate, type Lang } from '#src/i18n/locale.ts';
import { AccessDenied, type Reader } from '#src/server/access.ts';
import { allowedExtensions, receiveUpload, type FileProblem, type Intake, type StagedFile } from '#src/server/documents/intake.ts';
import { config } from '#src/server/config.ts';
import { parseLinks } from '#src/server/documents/links.ts';
import type { DocumentMeta } from '#src/server/documents/service.ts';
import type { ScopeChoice } from '#src/server/documents/scope.ts';
import { DomainError } from '#src/server/errors.ts';
import type { FormErrors } from './forms.ts';
import { findItem } from './content.ts';

export type FieldReader = (name: string) => string[];

export function wantsJson(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('application/json');
}

function label(field: string, t: Translate): string {
  const key = `field.${field}`;
  return isMessageKey(key) ? t(key) : field;
}

export function emptyErrors(): FormErrors {
  return { summary: [], fields: {} };
}

export function addError(errors: FormErrors, field: string | undefined, text: string): void {
  errors.summary.push(text);
  if (field && !errors.fields[field]) errors.fields[field] = text;
}

/** A DomainError (or a refusal) as a translated message beside its field. */
export function addException(errors: FormErrors, error: unknown, t: Translate): void {
  if (error instanceof DomainError) {
    const key = `error.${error.code}`;
    const params = { ...error.params, ...(error.field ? { field: label(error.field, t) } : {}) };
    addError(errors, error.field, isMessageKey(key) ? t(key, params) : t('error.generic'));
    return;
  }
  if (error instanceof AccessDenied) {
    addError(errors, undefined, t('error.forbidden'));
    return;
  }
  throw error;
}

export function addProblems(errors: FormErrors, problems: readonly FileProblem[], t: Translate): void {
  for (const p of problems) addError(errors, p.field, t(`error.${p.code}` as MessageKey, p.params));
}

/** zod issues (messages are translation keys) as translated messages beside their fields. */
export function addIssues(errors: FormErrors, issues: readonly { path: PropertyKey[]; message: string }[], t: Translate): void {
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    const key = isMessageKey(issue.message) ? issue.message : 'validation.invalid';
    addError(errors, field, t(key, { field: label(field, t) }));
  }
}

export function hasErrors(errors: FormErrors): boolean {
  return errors.summary.length > 0;
}

/** The JSON answer to the upload script. */
/**
 * The answer to the upload script (src/scripts/upload.ts): where to go, or the errors to show; a
 * forum post also says when to offer "post anyway" (mentions that would notify nobody).
 */
export function jsonAnswer(body: { redirect: string } | { errors: FormErrors; mentionsUnseen?: boolean }, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

const optional = (max: number) => z.string().trim().max(max, 'validation.too_long').optional();
const metaSchema = z.object({
  titleEs: optional(300),
  titleEn: optional(300),
  descriptionEs: optional(10_000),
  descriptionEn: optional(10_000),
  language: z.enum(DOCUMENT_LANGUAGES, { error: 'validation.required' }),
  documentType: z.enum(DOCUMENT_TYPES, { error: 'validation.required' }),
  handlingCode: z.enum(HANDLING_CODES, { error: 'validation.required' }),
  handlingNote: optional(2000),
  tags: optional(2000),
  links: optional(5000),
  scope: z.enum(['members', 'country', 'agencies', 'users'], { error: 'validation.required' }),
  scopeCountry: z.enum(COUNTRIES).optional().or(z.literal('')),
  scopeMembers: optional(5000),
  // Typed in the page language's order; read with parseLocalDate below, which knows the language.
  shareExpiresAt: optional(20),
  versionPolicy: z.enum(VERSION_POLICIES).optional(),
});

async function checkContentLinks(reader: Reader, lang: Lang, meta: DocumentMeta, errors: FormErrors, t: Translate) {
  for (const link of meta.links ?? []) {
    if (link.kind !== 'content') continue;
    const [kind, slug = ''] = link.target.split('/');
    const collection = kind === 'training' ? 'trainingModules' : kind === 'protocols' ? 'protocols' : 'bulletins';
    const found = await findItem(collection, lang, slug, reader);
    if (!found.item && !found.translation)
      addError(errors, 'links', t('error.document_link_not_found', { link: `/${lang}/${link.target}` }));
  }
}

/**
 * The description, access and links of the document form. `fixedScope` (attachments) replaces
 * the scope fields; errors are added to `errors` with the field they concern.
 */
export async function parseDocumentMeta(
  get: FieldReader,
  reader: Reader,
  lang: Lang,
  t: Translate,
  errors: FormErrors,
  fixedScope?: ScopeChoice,
): Promise<DocumentMeta | null> {
  const one = (name: string) => get(name)[0];
  const parsed = metaSchema.safeParse({
    titleEs: one('titleEs'),
    titleEn: one('titleEn'),
    descriptionEs: one('descriptionEs'),
    descriptionEn: one('descriptionEn'),
    language: one('language'),
    documentType: one('documentType'),
    handlingCode: one('handlingCode'),
    handlingNote: one('handlingNote'),
    tags: one('tags'),
    links: one('links'),
    scope: fixedScope ? 'members' : one('scope'),
    scopeCountry: one('scopeCountry') ?? '',
    scopeMembers: one('scopeMembers'),
    shareExpiresAt: one('shareExpiresAt') ?? '',
    versionPolicy: one('versionPolicy') ?? 'owner',
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const key = isMessageKey(issue.message) ? issue.message : 'validation.invalid';
      addError(errors, field, t(key, { field: label(field === 'documentType' ? 'documentType' : field, t) }));
    }
    return null;
  }
  const v = parsed.data;
  // A date that cannot be read is named at its field in the page's language (and saves nothing).
  const expiryDay = v.shareExpiresAt ? parseLocalDate(v.shareExpiresAt, lang) : null;
  if (v.shareExpiresAt && !expiryDay) addError(errors, 'shareExpiresAt', t('error.date_invalid', { field: label('shareExpiresAt', t) }));
  let scope: ScopeChoice = fixedScope ?? { kind: 'members' };
  if (!fixedScope) {
    if (v.scope === 'country') scope = { kind: 'country', country: v.scopeCountry ?? '' };
    else if (v.scope === 'agencies') scope = { kind: 'agencies', agencies: get('scopeAgencies') };
    else if (v.scope === 'users') scope = { kind: 'users', emails: (v.scopeMembers ?? '').split(/[\s,;]+/) };
  }
  let links: DocumentMeta['links'] = [];
  try {
    links = await parseLinks(reader, v.links ? [v.links] : []);
  } catch (error) {
    addException(errors, error, t);
  }
  const meta: DocumentMeta = {
    titleEs: v.titleEs ?? null,
    titleEn: v.titleEn ?? null,
    descriptionEs: v.descriptionEs ?? null,
    descriptionEn: v.descriptionEn ?? null,
    language: v.language,
    type: v.documentType,
    handlingCode: v.handlingCode,
    handlingNote: v.handlingNote ?? null,
    tags: v.tags ? [v.tags] : [],
    links,
    scope,
    // Shared through the whole of the day chosen: it ends at the start of the next (UTC).
    shareExpiresAt: expiryDay ? new Date(Date.parse(`${expiryDay}T00:00:00Z`) + 86_400_000) : null,
    versionPolicy: v.versionPolicy ?? 'owner',
  };
  await checkContentLinks(reader, lang, meta, errors, t);
  return meta;
}

/** The largest file accepted, in whole megabytes, as hints and messages name it. */
export function uploadMaxMb(): number {
  return Math.round(config.uploadMaxBytes / 1024 / 1024);
}

/**
 * The data-* attributes of a form the upload script enhances (src/scripts/upload.ts): the words it
 * shows while sending and on failure, in the page's language. Spread on the form element.
 */
export function uploadFormAttributes(t: Translate): Record<string, string | true> {
  return {
    'data-upload-form': true,
    'data-msg-uploading': t('documents.new.uploading'),
    'data-msg-progress': t('documents.new.progress'),
    'data-msg-done': t('documents.new.done'),
    'data-msg-network': t('documents.new.networkError'),
    'data-msg-too-large': t('documents.new.tooLargeClient', { max: uploadMaxMb() }),
    'data-msg-summary': t('common.errorSummary'),
  };
}

/** The optional attachments field (FileDrop's props) of a new request, a reply, a new thread or a forum post. */
export function attachmentsField(t: Translate, hint: 'attachments.addHint' | 'threads.attachments.hint', error: string | undefined) {
  return {
    name: 'attachments',
    label: `${t('attachments.add')} (${t('common.optional')})`,
    hint: t(hint, { count: MAX_FILES_PER_UPLOAD, max: uploadMaxMb(), allowed: allowedExtensions() }),
    error,
    maxBytes: config.uploadMaxBytes,
    accept: ACCEPT,
  };
}

export type UploadFormOutcome =
  | { redirect: string }
  | {
      errors: FormErrors;
      /** What was typed, to show the form again. */
      get: FieldReader;
      /** A forum post: the server pointed out mentions that reach nobody, so offer "post anyway". */
      mentionsUnseen: boolean;
    };

/**
 * A form with files posted to its own page (a new request, a reply, a forum post): reads the body
 * as a stream (src/server/documents/intake.ts), names each refused file, lets `check` name what is
 * wrong with the typed fields, and only when nothing is wrong lets `write` store the item with its
 * files in one transaction; `write` answers the address to go to, or throws a DomainError, shown
 * beside its field. The temp files always go, and so do the stored objects of a refused write.
 */
export async function receiveUploadForm(
  request: Request,
  t: Translate,
  write: (get: FieldReader, files: readonly StagedFile[]) => Promise<string>,
  check?: (get: FieldReader, errors: FormErrors) => void,
): Promise<UploadFormOutcome> {
  const errors = emptyErrors();
  let get: FieldReader = () => [];
  let mentionsUnseen = false;
  let intake: Intake | null = null;
  try {
    intake = await receiveUpload(request.headers, request.body, { fileFields: ['attachments'] });
  } catch (error) {
    addException(errors, error, t);
  }
  if (intake) {
    const fields = intake.fields;
    get = (name) => fields.get(name) ?? [];
    try {
      addProblems(errors, intake.problems, t);
      check?.(get, errors);
      if (!hasErrors(errors)) {
        try {
          return { redirect: await write(get, intake.files) };
        } catch (error) {
          mentionsUnseen = error instanceof DomainError && error.code === 'thread_mentions_unseen';
          addException(errors, error, t);
        }
      }
    } finally {
      await intake.discard();
    }
  }
  return { errors, get, mentionsUnseen };
}

/** A multipart post of a form to its own page (not an Astro Action's form post). */
export function isUploadPost(request: Request, url: URL): boolean {
  return (
    request.method === 'POST' &&
    !url.searchParams.has('_action') &&
    (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')
  );
}
