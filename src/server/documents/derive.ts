/**
 * What is derived from a stored file after the upload has answered: its text (PDF with unpdf,
 * DOCX with mammoth, TXT and CSV as they are) for search, and a small WebP thumbnail of images
 * (sharp). One file at a time in the background, so an upload never waits for it; a file left
 * `pending` by a restart is picked up again by processPendingDerivatives(). Text is extracted in a
 * worker thread with a memory limit and a time limit: parsing a PDF costs ~40 ms of CPU per MB,
 * which on the server's own thread would hold up every request meanwhile (measured: 1 MB uploads
 * back to back at half speed), and a hostile but valid file can only exhaust the worker.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { rawClient } from '#src/server/db.ts';
import { allRows, col, runRaw, writeTransaction } from '#src/server/sql.ts';
import { TEXT_STATES } from '#src/domain/documents.ts';
import { blobKey, fileStore, tempDir, thumbnailKey } from '#src/server/storage/index.ts';
import { indexDocumentsFts } from '#src/server/search/documents-fts5.ts';
import { afterDocumentsChanged } from '#src/server/search/documents.ts';
import type { ExtractAnswer, ExtractJob, ExtractorStarted } from './extract-text.ts';

/** Larger files are stored and downloadable but not read for text (parsing holds them in memory). */
export const EXTRACT_MAX_BYTES = 25 * 1024 * 1024;
/** Extracted text kept for search, in characters. */
export const TEXT_MAX_CHARS = 400_000;

const TEXT_MIMES = new Set([
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/plain',
  'text/csv',
]);
const IMAGE_MIMES = new Set(['image/png', 'image/jpeg', 'image/webp']);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A file whose text takes more CPU time than this is given up ('failed'); the worker is replaced.
 * CPU time, not time waited: the worker runs at a lower priority (extract-text.ts) and on a busy
 * machine may wait long for the CPU without doing anything wrong. Where the system does not tell
 * a thread's CPU time, the time waited counts.
 */
const EXTRACT_TIME_LIMIT_MS = 60_000;
/** …and one that has not finished after this long is given up anyway. */
const EXTRACT_WAIT_LIMIT_MS = 10 * 60_000;
const EXTRACT_HEAP_MB = 512;

let extractor: Worker | null = null;
let nextJob = 0;
const osThreadIds = new WeakMap<Worker, number>();

/** CPU time (user + system) a thread of this process has used, in ms, from /proc (Linux); null elsewhere. */
function threadCpuMs(osThreadId: number | undefined): number | null {
  if (!osThreadId) return null;
  try {
    // Fields 14 and 15 of the stat line (after the parenthesised name), in clock ticks of 10 ms.
    const fields = readFileSync(`/proc/self/task/${osThreadId}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * extractText() (./extract-text.ts) in the worker thread, started on first use and replaced after
 * a crash or a timeout. The bytes are moved to the worker, not copied: `bytes` is unusable afterwards.
 */
export async function extractTextInWorker(mime: string, bytes: Buffer): Promise<string> {
  if (!extractor) {
    const { EXTRACTOR_MODULE, EXTRACTOR_ROLE } = await import('./extract-text.ts');
    if (!extractor) {
      const worker = new Worker(new URL(EXTRACTOR_MODULE), {
        workerData: { role: EXTRACTOR_ROLE },
        resourceLimits: { maxOldGenerationSizeMb: EXTRACT_HEAP_MB },
      });
      // Never what keeps a process (a script, a stopping server) alive.
      worker.unref();
      worker.on('exit', () => {
        if (extractor === worker) extractor = null;
      });
      worker.on('message', (message: ExtractAnswer | ExtractorStarted) => {
        if ('osThreadId' in message) osThreadIds.set(worker, message.osThreadId);
      });
      extractor = worker;
    }
  }
  const worker = extractor;
  const id = ++nextJob;
  return new Promise<string>((resolve, reject) => {
    const done = () => {
      worker.unref();
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (answer: ExtractAnswer | ExtractorStarted) => {
      if (!('id' in answer) || answer.id !== id) return;
      done();
      if ('text' in answer) resolve(answer.text);
      else reject(new Error(answer.error));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`text extraction worker stopped (exit code ${code})`));
    };
    const startedAt = Date.now();
    // A worker that has not said its thread id yet has used next to nothing.
    const cpuAtStart = threadCpuMs(osThreadIds.get(worker)) ?? 0;
    const check = () => {
      const waited = Date.now() - startedAt;
      const cpu = threadCpuMs(osThreadIds.get(worker));
      const used = cpu === null ? waited : cpu - cpuAtStart;
      if (used < EXTRACT_TIME_LIMIT_MS && waited < EXTRACT_WAIT_LIMIT_MS) {
        timer = setTimeout(check, Math.max(1000, EXTRACT_TIME_LIMIT_MS - used));
        return;
      }
      done();
      if (extractor === worker) extractor = null;
      void worker.terminate();
      reject(new Error(`text extraction gave up after ${Math.round(used / 1000)} s of CPU time, ${Math.round(waited / 1000)} s in all`));
    };
    let timer = setTimeout(check, EXTRACT_TIME_LIMIT_MS);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    // Kept alive while it works: a script waiting for derivativesIdle() must not end meanwhile.
    worker.ref();
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // A buffer of its own (not a slice of Node's shared pool) is moved; anything else is copied.
    const movable = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    worker.postMessage({ id, mime, bytes: view } satisfies ExtractJob, movable ? [bytes.buffer] : []);
  });
}

/** Text and thumbnail of one stored file; updates the blob row and reindexes its documents. */
export async function deriveBlob(sha256: string): Promise<void> {
  const ex = rawClient();
  const [blob] = await allRows(
    ex,
    { mime: col.text, size: col.int, text_state: col.oneOf(TEXT_STATES) },
    'SELECT mime, size, text_state FROM blobs WHERE sha256 = ?',
    [sha256],
  );
  if (!blob || blob.text_state !== 'pending') return;
  const store = fileStore();
  let text: string | null = null;
  let state: 'done' | 'none' | 'failed' = 'none';
  let thumbnail = false;
  const wantsText = TEXT_MIMES.has(blob.mime) && Number(blob.size) <= EXTRACT_MAX_BYTES;
  const wantsThumb = IMAGE_MIMES.has(blob.mime);
  if (wantsText || wantsThumb) {
    const stream = await store.get(blobKey(sha256));
    if (!stream) state = 'failed';
    else if (wantsText) {
      try {
        const raw = await extractTextInWorker(blob.mime, await readAll(stream));
        text = raw.replace(/\s+/g, ' ').trim().slice(0, TEXT_MAX_CHARS) || null;
        state = text ? 'done' : 'none';
      } catch (error) {
        console.error(`text extraction failed for ${sha256}: ${error instanceof Error ? error.message : String(error)}`);
        state = 'failed';
      }
    } else {
      stream.destroy();
      const dir = tempDir();
      await mkdir(dir, { recursive: true });
      const out = join(dir, `${process.pid}-${Date.now()}-${randomBytes(6).toString('hex')}.thumb`);
      try {
        const { default: sharp } = await import('sharp');
        const source = await store.get(blobKey(sha256));
        if (source) {
          const pipeline = sharp({ limitInputPixels: 120_000_000 })
            .rotate()
            .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
            .webp({ quality: 72 });
          source.pipe(pipeline);
          await pipeline.toFile(out);
          await store.put(thumbnailKey(sha256), out);
          thumbnail = true;
        }
      } catch (error) {
        console.error(`thumbnail failed for ${sha256}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await rm(out, { force: true });
      }
    }
  }
  const ids = await writeTransaction(async (tx) => {
    await runRaw(tx, 'UPDATE blobs SET text = ?, text_state = ?, has_thumbnail = ? WHERE sha256 = ?', [
      text,
      state,
      thumbnail ? 1 : 0,
      sha256,
    ]);
    const docs = await allRows(
      tx,
      { id: col.int },
      `SELECT d.id FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version
       WHERE v.sha256 = ? AND d.deleted_at IS NULL`,
      [sha256],
    );
    const ids = docs.map((d) => d.id);
    if (text && ids.length) await indexDocumentsFts(tx, ids);
    return ids;
  });
  if (text && ids.length) afterDocumentsChanged(ids);
}

const queue = new Set<string>();
let running: Promise<void> | null = null;

/**
 * Queues files for derivation (in this process, one at a time). The work starts on a later turn of
 * the event loop: an upload schedules its files just before it answers, and the answer goes first.
 */
export function scheduleDerivatives(shas: readonly string[]): void {
  for (const s of shas) queue.add(s);
  // `finally` runs after the assignment, even when there was nothing to do.
  if (!running && queue.size)
    running = new Promise<void>((resolve) => setImmediate(resolve)).then(drain).finally(() => {
      running = null;
      if (queue.size) scheduleDerivatives([]);
    });
}

async function drain(): Promise<void> {
  for (let next = queue.values().next(); !next.done; next = queue.values().next()) {
    queue.delete(next.value);
    await deriveBlob(next.value).catch((error: unknown) => console.error(`derivation failed: ${String(error)}`));
  }
}

/** Resolves when everything queued so far is done (scripts and tests). */
export async function derivativesIdle(): Promise<void> {
  while (running) await running;
}

let lastPendingCheck = 0;
/** Picks up files left pending (a restart during derivation); at most once a minute. */
export async function processPendingDerivatives(force = false): Promise<void> {
  if (!force && Date.now() - lastPendingCheck < 60_000) return;
  lastPendingCheck = Date.now();
  const rows = await allRows(rawClient(), { sha256: col.text }, "SELECT sha256 FROM blobs WHERE text_state = 'pending' LIMIT 50");
  scheduleDerivatives(rows.map((r) => r.sha256));
}
