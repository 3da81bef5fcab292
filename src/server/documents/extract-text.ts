/**
 * Text extraction (PDF with unpdf, DOCX with mammoth, TXT and CSV as they are), and the script of
 * the worker thread that runs it (derive.ts starts it). Imports nothing of the portal: the worker
 * loads this module alone (its own chunk in the build, imported only dynamically), not the
 * documents code with the database and schema around it (measured: ~0.4 s of CPU and tens of MB
 * per worker when it loaded derive.ts's chunk).
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Where the worker finds this module: in the build, this chunk's own file. */
export const EXTRACTOR_MODULE = import.meta.url;
export const EXTRACTOR_ROLE = 'armas-cruzadas:extract-text';

export interface ExtractJob {
  id: number;
  mime: string;
  bytes: Uint8Array;
}
export type ExtractAnswer = { id: number; text: string } | { id: number; error: string };
/** The worker's first message: its thread's id in the system (Linux), for its CPU time in /proc. */
export interface ExtractorStarted {
  osThreadId: number;
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    // Excel and Notepad on Windows still write Windows-1252 (STACK-NOTES #21).
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export async function extractText(mime: string, bytes: Uint8Array): Promise<string> {
  if (mime === 'application/pdf') {
    const { extractText: pdfText, getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(bytes);
    try {
      const { text } = await pdfText(pdf, { mergePages: true });
      return text;
    } finally {
      await pdf.cleanup();
    }
  }
  if (mime === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') {
    const mammoth = await import('mammoth');
    return (await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
  }
  return decodeText(bytes);
}

/**
 * Extraction is background work: this thread takes a lower CPU priority (nice 10: about a tenth of
 * the CPU against one busy thread of the server), so that uploads and pages go first (on 2 cores,
 * parsing the previous 1 MB PDF, ~15 ms of CPU, competed with the next upload). Not the lowest
 * (19): on a machine shared with other busy processes that starved it for minutes. Linux takes a
 * thread's id where a process id is asked for; elsewhere the worker keeps the process's priority.
 */
function lowerThreadPriority(): number | null {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(threadId) || threadId <= 0) return null;
    setPriority(threadId, constants.priority.PRIORITY_BELOW_NORMAL);
    return threadId;
  } catch {
    // Not Linux, or not allowed: extraction runs at the process's priority.
    return null;
  }
}

// In the extraction worker this module only answers jobs.
if (!isMainThread && (workerData as { role?: unknown } | null)?.role === EXTRACTOR_ROLE) {
  const osThreadId = lowerThreadPriority();
  if (osThreadId) parentPort?.postMessage({ osThreadId } satisfies ExtractorStarted);
  parentPort?.on('message', (job: ExtractJob) => {
    extractText(job.mime, job.bytes).then(
      (text) => parentPort?.postMessage({ id: job.id, text } satisfies ExtractAnswer),
      (error: unknown) => parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
