/**
 * Content checks that file-type's sniffing does not make: active content in PDFs, ZIP bombs and
 * macros in Office/OpenDocument files (which are ZIP archives), and plain-text detection.
 */
import { inflateSync } from 'node:zlib';
import yauzl from 'yauzl';

const ACTIVE_PDF_NAMES = new Set(['JavaScript', 'JS', 'Launch']);
// A PDF name token; "#xx" escapes are decoded before the comparison (/J#53 is /JS).
const NAME = /\/([^\s/<>[\]()%{}]{1,127})/g;
const STREAM_START = /(?<!end)stream(?:\r\n|\n|\r)/g;
const ENDSTREAM = Buffer.from('endstream', 'latin1');
const LOOKBACK = 2048;
/** Object streams larger than this (compressed) are not inflated; their names are not seen. */
const MAX_OBJECT_STREAM = 32 * 1024 * 1024;

function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function activeNameIn(text: string, end = text.length): string | null {
  NAME.lastIndex = 0;
  for (let m = NAME.exec(text); m && m.index < end; m = NAME.exec(text)) {
    const name = decodeName(m[1] ?? '');
    if (ACTIVE_PDF_NAMES.has(name)) return name;
  }
  return null;
}

/**
 * Streaming check for PDF actions that run code (/JavaScript, /JS, /Launch): fed chunk by
 * chunk while the upload is written, so a 50 MB file is never held whole. Names are read from
 * the PDF's objects, not from inside content streams (binary data), except compressed object
 * streams (/Type /ObjStm), which hold objects and are inflated to be read.
 */
export class PdfActiveContentScanner {
  found: string | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private history = '';
  private stream: { objectStream: boolean; parts: Buffer[]; size: number } | null = null;

  push(chunk: Buffer): void {
    if (this.found) return;
    if (this.passOver(chunk)) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.process(false);
  }

  /**
   * Inside a content stream only "endstream" matters: a chunk without it (also not across the seam
   * with the bytes kept from the last one) is passed over without being copied or made into a
   * string. Measured on a 50 MB PDF: copying every chunk let the copies pile up outside the heap
   * (+50 MB RSS) until a garbage collection freed them.
   */
  private passOver(chunk: Buffer): boolean {
    const s = this.stream;
    if (!s || s.objectStream || this.pending.length > ENDSTREAM.length || chunk.length <= LOOKBACK + ENDSTREAM.length) return false;
    if (Buffer.concat([this.pending, chunk.subarray(0, ENDSTREAM.length)]).includes(ENDSTREAM) || chunk.includes(ENDSTREAM)) return false;
    // As consume() leaves it: the last bytes read kept as history, the last few kept for the next seam.
    const end = chunk.length - ENDSTREAM.length;
    this.history = chunk.toString('latin1', end - LOOKBACK, end);
    this.pending = Buffer.from(chunk.subarray(end));
    return true;
  }

  end(): string | null {
    if (!this.found) this.process(true);
    return this.found;
  }

  private consume(n: number): void {
    this.history = (this.history + this.pending.subarray(0, n).toString('latin1')).slice(-LOOKBACK);
    this.pending = this.pending.subarray(n);
  }

  private collect(part: Buffer): void {
    const s = this.stream;
    if (!s?.objectStream || s.size > MAX_OBJECT_STREAM) return;
    s.parts.push(Buffer.from(part));
    s.size += part.length;
  }

  private closeStream(): void {
    const s = this.stream;
    this.stream = null;
    if (!s?.objectStream || s.size > MAX_OBJECT_STREAM) return;
    try {
      const inflated = inflateSync(Buffer.concat(s.parts), { maxOutputLength: 256 * 1024 * 1024 });
      this.found = activeNameIn(inflated.toString('latin1'));
    } catch {
      // Not deflate data after all (or damaged): nothing to read in it.
    }
  }

  private process(final: boolean): void {
    while (!this.found) {
      if (this.stream) {
        const end = this.pending.indexOf(ENDSTREAM);
        if (end < 0) {
          // Keep a few bytes: "endstream" may be cut between two chunks.
          const take = final ? this.pending.length : Math.max(0, this.pending.length - ENDSTREAM.length);
          this.collect(this.pending.subarray(0, take));
          this.consume(take);
          if (final) this.closeStream();
          return;
        }
        this.collect(this.pending.subarray(0, end));
        this.closeStream();
        this.consume(end + ENDSTREAM.length);
        continue;
      }
      // Leave the last bytes for the next chunk so that no name or keyword is cut in two.
      const limit = final ? this.pending.length : this.pending.length - LOOKBACK;
      if (limit <= 0) return;
      const text = this.pending.toString('latin1');
      STREAM_START.lastIndex = 0;
      const start = STREAM_START.exec(text);
      const upTo = start && start.index < limit ? start.index : limit;
      this.found = activeNameIn(text, upTo);
      if (this.found) return;
      if (start && start.index < limit) {
        const dictionary = (this.history + text.slice(0, start.index))
          .slice(-LOOKBACK)
          .replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        const lastObject = dictionary.slice(Math.max(0, dictionary.lastIndexOf(' obj')));
        this.stream = { objectStream: /\/Type\s*\/ObjStm/.test(lastObject) && /\/FlateDecode/.test(lastObject), parts: [], size: 0 };
        this.consume(start.index + start[0].length);
        continue;
      }
      this.consume(limit);
      return;
    }
  }
}

/** Bytes that never appear in a text file (NUL and most C0 controls; tab, line breaks, form feed and ESC allowed). */
export class TextDetector {
  isText = true;
  push(chunk: Buffer): void {
    if (!this.isText) return;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) {
        this.isText = false;
        return;
      }
    }
  }
}

export type ZipProblem = 'zip_bomb' | 'zip_macros' | 'zip_encrypted' | 'zip_invalid';

export interface ZipLimits {
  /** Refuse when the archive expands to more than this many bytes in all. */
  maxExpandedBytes: number;
  /** …or more than this many times its own size (and over 10 MB). */
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxExpandedBytes: 512 * 1024 * 1024, maxRatio: 100, maxEntries: 10_000 };

/**
 * Checks an Office/OpenDocument file (a ZIP archive): every entry is inflated and counted (yauzl
 * checks the real sizes against the declared ones), so a bomb is refused whether or not its
 * directory tells the truth; macros (vbaProject.bin, Basic/, Scripts/) are active content.
 */
export function inspectZip(path: string, fileSize: number, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipProblem | null> {
  const cap = Math.min(limits.maxExpandedBytes, Math.max(10 * 1024 * 1024, fileSize * limits.maxRatio));
  return new Promise((resolve) => {
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, autoClose: true }, (openError, zip) => {
      if (openError || !zip) return resolve('zip_invalid');
      let settled = false;
      const finish = (result: ZipProblem | null) => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(result);
      };
      if (zip.entryCount > limits.maxEntries) return finish('zip_bomb');
      let expanded = 0;
      let declared = 0;
      zip.on('error', () => finish('zip_invalid'));
      zip.on('end', () => finish(null));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (settled) return;
        const name = entry.fileName;
        if (/(^|\/)vbaProject\.bin$/i.test(name) || /^(Basic|Scripts)\//.test(name) || /\/activeX\//i.test(name))
          return finish('zip_macros');
        if (entry.generalPurposeBitFlag & 0x1) return finish('zip_encrypted');
        declared += entry.uncompressedSize;
        if (declared > cap) return finish('zip_bomb');
        if (name.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return finish('zip_invalid');
          stream.on('data', (chunk: Buffer) => {
            expanded += chunk.length;
            if (expanded > cap) {
              stream.destroy();
              finish('zip_bomb');
            }
          });
          // yauzl reports an entry that inflates to more than it declared as an error.
          stream.on('error', (e: Error) => finish(/too many|size/i.test(e.message) ? 'zip_bomb' : 'zip_invalid'));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}
