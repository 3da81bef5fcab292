/** Document exchange: plain constants shared by the schema and the web layer. */
export const DOCUMENT_TYPES = [
  'trace_result',
  'ballistic_report',
  'court_order',
  'photo',
  'seizure_list',
  'presentation',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The language a document is written in (filterable in the library). */
export const DOCUMENT_LANGUAGES = ['es', 'en', 'both', 'other'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/**
 * How a document's visibility was chosen (the scope tokens themselves live in scope_sets):
 * the whole portal, one country's agencies, a list of agencies, named members, or the scope of
 * the request or thread it is attached to.
 */
export const SCOPE_KINDS = ['members', 'country', 'agencies', 'users', 'request', 'thread'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** Who may upload new versions: the owner (and managers) only, or everyone it is shared with. */
export const VERSION_POLICIES = ['owner', 'shared'] as const;
export type VersionPolicy = (typeof VERSION_POLICIES)[number];

/** What an item a document is linked to can be. */
export const LINK_KINDS = ['seizure', 'request', 'thread', 'content'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** Where a document was uploaded: the library, or as an attachment of a request or thread post. */
export const DOCUMENT_ORIGINS = ['library', 'request', 'thread'] as const;
export type DocumentOrigin = (typeof DOCUMENT_ORIGINS)[number];

/** Text extraction state of a stored file (PDF, DOCX, TXT, CSV feed search). */
export const TEXT_STATES = ['pending', 'done', 'none', 'failed'] as const;
export type TextState = (typeof TEXT_STATES)[number];

/** The file kinds the exchange accepts: sniffed type -> extensions a name may end with. */
export const ALLOWED_FILE_KINDS = {
  pdf: { mime: 'application/pdf', extensions: ['pdf'] },
  png: { mime: 'image/png', extensions: ['png'] },
  jpeg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  webp: { mime: 'image/webp', extensions: ['webp'] },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'] },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] },
  pptx: { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'] },
  odt: { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'] },
  csv: { mime: 'text/csv', extensions: ['csv'] },
  txt: { mime: 'text/plain', extensions: ['txt'] },
} as const;
export type FileKind = keyof typeof ALLOWED_FILE_KINDS;
export const FILE_KINDS = Object.keys(ALLOWED_FILE_KINDS) as FileKind[];

/** At most this many files in one upload form. */
export const MAX_FILES_PER_UPLOAD = 10;

/** The `accept` attribute of file inputs: the allowed types and extensions. */
export const ACCEPT = FILE_KINDS.flatMap((k) => [ALLOWED_FILE_KINDS[k].mime, ...ALLOWED_FILE_KINDS[k].extensions.map((e) => `.${e}`)]).join(
  ',',
);
