/**
 * Streaming intake of a multipart form (uploads): every file part is written to a temp file
 * while it is hashed (SHA-256), measured against UPLOAD_MAX_MB and scanned, never held whole in
 * memory; then its type is sniffed from its bytes (file-type) and checked against the
 * allow-list and its name. Plain fields are collected. Nothing reaches the store here: the
 * caller commits the staged files (store.ts) or discards them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { ALLOWED_FILE_KINDS, FILE_KINDS, MAX_FILES_PER_UPLOAD, type FileKind } from '#src/domain/documents.ts';
import { config } from '#src/server/config.ts';
import { DomainError } from '#src/server/errors.ts';
import { tempDir } from '#src/server/storage/index.ts';
import { inspectZip, PdfActiveContentScanner, TextDetector } from './inspect.ts';
import { checkFileName } from './names.ts';
import { releaseStagedFiles } from './store.ts';

export interface StagedFile {
  field: string;
  tempPath: string;
  sha256: string;
  size: number;
  kind: FileKind;
  mime: string;
  /** Sanitised, for display and the download's name. */
  fileName: string;
}

export type FileProblemCode =
  | 'file_empty'
  | 'file_too_large'
  | 'file_type_not_allowed'
  | 'file_extension_mismatch'
  | 'file_pdf_active'
  | 'file_zip_bomb'
  | 'file_zip_macros'
  | 'file_zip_encrypted'
  | 'file_zip_invalid'
  | 'file_image_invalid'
  | 'file_too_many'
  | 'name_empty'
  | 'name_control'
  | 'name_bidi'
  | 'name_path'
  | 'name_too_long'
  | 'name_no_extension';

export interface FileProblem {
  field: string;
  /** The name as sent, made harmless for display. */
  fileName: string;
  code: FileProblemCode;
  params: Record<string, string | number>;
}

export interface Intake {
  fields: Map<string, string[]>;
  files: StagedFile[];
  problems: FileProblem[];
  /**
   * Removes the temp files (after a refusal, or once the store and database hold them), and the
   * store objects this upload put there that no row refers to (a write refused after storing).
   */
  discard(): Promise<void>;
}

export interface IntakeOptions {
  /** Form fields that carry files; file parts under any other name are ignored. */
  fileFields: readonly string[];
  maxFileBytes?: number;
  maxFiles?: number;
}

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 500;
const SNIFFED: Partial<Record<string, FileKind>> = {
  pdf: 'pdf',
  png: 'png',
  jpg: 'jpeg',
  webp: 'webp',
  docx: 'docx',
  xlsx: 'xlsx',
  pptx: 'pptx',
  odt: 'odt',
  ods: 'ods',
};
const ZIP_KINDS = new Set<FileKind>(['docx', 'xlsx', 'pptx', 'odt', 'ods']);
const IMAGE_KINDS = new Set<FileKind>(['png', 'jpeg', 'webp']);
/** The first bytes of each file, kept while it streams in: enough for file-type to recognise a PDF without opening the file again. */
const HEAD_BYTES = 8192;
/**
 * Kinds whose sniffing the first bytes settle exactly as reading the file would: file-type tells a
 * PDF by its first four bytes. Anything else (ZIP containers, images, unknown bytes) is sniffed
 * from the file, where file-type may read further.
 */
const SETTLED_BY_HEAD = new Set(['pdf']);
/** Images above this many pixels are refused: decoding them (thumbnails, viewers) would take gigabytes. */
const MAX_IMAGE_PIXELS = 120_000_000;

export const allowedExtensions = (): string => FILE_KINDS.flatMap((k) => ALLOWED_FILE_KINDS[k].extensions.map((e) => `.${e}`)).join(', ');

function tempName(): string {
  return `${process.pid}-${Date.now()}-${randomBytes(6).toString('hex')}.part`;
}

/** Reads a multipart body as a stream; throws DomainError('upload_*') when the body itself is unusable. */
export async function receiveUpload(
  headers: Headers,
  body: ReadableStream<Uint8Array> | Readable | null,
  options: IntakeOptions,
): Promise<Intake> {
  const maxFileBytes = options.maxFileBytes ?? config.uploadMaxBytes;
  const maxFiles = options.maxFiles ?? MAX_FILES_PER_UPLOAD;
  const contentType = headers.get('content-type') ?? '';
  if (!body || !/^multipart\/form-data/i.test(contentType)) throw new DomainError('upload_not_multipart', 'files');
  // A body that cannot fit the limits is refused before a byte of it is read.
  const declaredLength = Number(headers.get('content-length') ?? NaN);
  if (Number.isFinite(declaredLength) && declaredLength > maxFiles * maxFileBytes + 1024 * 1024)
    throw new DomainError('file_too_large', 'files', { name: '', max: Math.round(maxFileBytes / 1024 / 1024) });

  const dir = tempDir();
  await mkdir(dir, { recursive: true });
  const fields = new Map<string, string[]>();
  const files: StagedFile[] = [];
  const problems: FileProblem[] = [];
  const temps = new Set<string>();
  const tasks: Promise<void>[] = [];
  let fileCount = 0;

  const discard = async () => {
    // The store first: a put-back (confirmStored) needs the temp file until the object's fate is settled.
    await releaseStagedFiles(files);
    await Promise.all([...temps].map((p) => rm(p, { force: true })));
    temps.clear();
  };

  const source = body instanceof Readable ? body : Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]);
  const parser = busboy({
    headers: { 'content-type': contentType },
    // Browsers send UTF-8 names; keep any path a crafted request sends, so that it is refused.
    defParamCharset: 'utf8',
    preservePath: true,
    limits: {
      fileSize: maxFileBytes,
      fieldSize: MAX_FIELD_BYTES,
      fields: MAX_FIELDS,
      files: maxFiles * 3,
      parts: MAX_FIELDS + maxFiles * 3,
    },
  });

  const handleFile = async (field: string, stream: Readable, rawName: string): Promise<void> => {
    if (!options.fileFields.includes(field) || rawName === '') {
      // An empty file input sends a part with no name and no bytes.
      stream.resume();
      return;
    }
    const problem = (code: FileProblemCode, params: Record<string, string | number> = {}, shown = rawName) =>
      problems.push({ field, fileName: shown, code, params: { name: shown, ...params } });
    fileCount++;
    if (fileCount > maxFiles) {
      stream.resume();
      if (fileCount === maxFiles + 1) problem('file_too_many', { max: maxFiles });
      return;
    }
    const name = checkFileName(rawName);
    if (!name.ok) {
      stream.resume();
      problem(name.problem, {}, name.shown);
      return;
    }
    const tempPath = join(dir, tempName());
    temps.add(tempPath);
    const hash = createHash('sha256');
    let size = 0;
    const headParts: Buffer[] = [];
    let headSize = 0;
    let pdf: PdfActiveContentScanner | null = null;
    const text = new TextDetector();
    let tooLarge = false;
    stream.on('limit', () => {
      tooLarge = true;
    });
    const inspector = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (headSize < HEAD_BYTES) {
          // Copied: the chunk's memory may be reused once it is written.
          const part = Buffer.from(chunk.subarray(0, HEAD_BYTES - headSize));
          if (headSize === 0 && part.toString('latin1', 0, 5) === '%PDF-') pdf = new PdfActiveContentScanner();
          headParts.push(part);
          headSize += part.length;
        }
        hash.update(chunk);
        size += chunk.length;
        pdf?.push(chunk);
        text.push(chunk);
        done(null, chunk);
      },
    });
    // flush: the data is on disk (fsync) before the stream reports it has finished.
    await pipeline(stream, inspector, createWriteStream(tempPath, { flags: 'wx', flush: true, highWaterMark: 1024 * 1024 }));
    const refuse = async (code: FileProblemCode, params: Record<string, string | number> = {}) => {
      temps.delete(tempPath);
      await rm(tempPath, { force: true });
      problem(code, params, name.name);
    };
    if (tooLarge) return refuse('file_too_large', { max: Math.round(maxFileBytes / 1024 / 1024) });
    if (size === 0) return refuse('file_empty');
    const fromHead = await fileTypeFromBuffer(Buffer.concat(headParts, headSize)).catch(() => undefined);
    const sniffed = fromHead && SETTLED_BY_HEAD.has(fromHead.ext) ? fromHead : await fileTypeFromFile(tempPath).catch(() => undefined);
    let kind: FileKind | undefined = sniffed ? SNIFFED[sniffed.ext] : undefined;
    if (!sniffed && text.isText) kind = name.extension === 'csv' ? 'csv' : 'txt';
    if (!kind) return refuse('file_type_not_allowed', { detected: sniffed?.ext ?? '?', allowed: allowedExtensions() });
    const expected = ALLOWED_FILE_KINDS[kind].extensions as readonly string[];
    if (!expected.includes(name.extension))
      return refuse('file_extension_mismatch', {
        extension: `.${name.extension}`,
        detected: kind.toUpperCase(),
        expected: `.${expected[0]}`,
      });
    if (kind === 'pdf') {
      const active = (pdf as PdfActiveContentScanner | null)?.end();
      if (active) return refuse('file_pdf_active', { what: `/${active}` });
    }
    if (ZIP_KINDS.has(kind)) {
      const zipProblem = await inspectZip(tempPath, size);
      if (zipProblem) return refuse(`file_${zipProblem}`);
    }
    if (IMAGE_KINDS.has(kind)) {
      const { default: sharp } = await import('sharp');
      const meta = await sharp(tempPath, { limitInputPixels: MAX_IMAGE_PIXELS })
        .metadata()
        .catch(() => null);
      if (!meta?.width || !meta.height || meta.width * meta.height > MAX_IMAGE_PIXELS) return refuse('file_image_invalid');
    }
    files.push({ field, tempPath, sha256: hash.digest('hex'), size, kind, mime: ALLOWED_FILE_KINDS[kind].mime, fileName: name.name });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('field', (name, value, info) => {
        if (info.valueTruncated) {
          reject(new DomainError('upload_field_too_long', name));
          return;
        }
        const list = fields.get(name);
        if (list) list.push(value);
        else fields.set(name, [value]);
      });
      parser.on('file', (field, stream, info) => {
        const task = handleFile(field, stream, info.filename ?? '');
        // A failed file (cut-off body) fails the whole upload once the parser reports it.
        task.catch(() => undefined);
        tasks.push(task);
      });
      parser.on('partsLimit', () => reject(new DomainError('upload_too_many_parts', 'files')));
      parser.on('fieldsLimit', () => reject(new DomainError('upload_too_many_parts', 'files')));
      parser.on('error', (error: Error) =>
        // busboy refuses part headers with control characters (a NUL in a file name) as malformed.
        reject(new DomainError(/malformed/i.test(error.message) ? 'upload_malformed' : 'upload_truncated', 'files')),
      );
      parser.on('close', () => resolve());
      source.on('error', (error: Error) => {
        parser.destroy(error);
        reject(new DomainError('upload_truncated', 'files'));
      });
      source.pipe(parser);
    });
    const results = await Promise.allSettled(tasks);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw new DomainError('upload_truncated', 'files');
  } catch (error) {
    source.unpipe(parser);
    source.resume();
    await Promise.allSettled(tasks);
    await discard();
    throw error;
  }
  return { fields, files, problems, discard };
}
