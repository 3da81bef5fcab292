/**
 * Text extraction (PDF with unpdf, DOCX with mammoth, TXT and CSV as they are), and the script of
 * the worker thread that runs it (derive.ts starts it). Imports nothing of the portal: the worker
 * loads this module alone (its own chunk in the build, imported only dynamically), not the
 * documents code with the database and schema around it (measured: ~0.4 s of CPU and tens of MB
 * per worker when it loaded derive.ts's chunk).
 */
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

// In the extraction worker this module only answers jobs.
if (!isMainThread && (workerData as { role?: unknown } | null)?.role === EXTRACTOR_ROLE) {
  parentPort?.on('message', (job: ExtractJob) => {
    extractText(job.mime, job.bytes).then(
      (text) => parentPort?.postMessage({ id: job.id, text } satisfies ExtractAnswer),
      (error: unknown) => parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
