import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PdfActiveContentScanner } from '#src/server/documents/inspect.ts';

/** A PDF whose large content stream (binary data) comes before the object that runs code. */
function pdfWithActionAfterStream(streamBytes: number, action: string): Buffer {
  const data = randomBytes(streamBytes);
  // Random data could hold "endstream" by chance only with negligible odds; make sure.
  expect(data.includes('endstream')).toBe(false);
  return Buffer.concat([
    Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Length ${streamBytes} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from(`\nendstream\nendobj\n2 0 obj\n<< /Type /Catalog ${action} >>\nendobj\ntrailer\n<< /Root 2 0 R >>\n%%EOF\n`, 'latin1'),
  ]);
}

function scan(bytes: Buffer, chunkSizes: number[]): string | null {
  const scanner = new PdfActiveContentScanner();
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    scanner.push(bytes.subarray(at, at + size));
    at += size;
  }
  return scanner.end();
}

describe('PdfActiveContentScanner', () => {
  // Chunk sizes as the network gives them, and ones that cut "endstream" and the names in two.
  const splits = [[65_536], [16_384, 7], [3, 65_533, 10_000], [1_000_003]];

  it.each(splits)('finds /JS after a 300 KB content stream (chunks of %s bytes)', (...sizes) => {
    expect(scan(pdfWithActionAfterStream(300_000, '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>'), sizes)).toBe('JavaScript');
  });

  it.each(splits)('finds /Launch written with a #-escape after a content stream (chunks of %s bytes)', (...sizes) => {
    expect(scan(pdfWithActionAfterStream(200_000, '/OpenAction << /S /L#61unch /F (calc.exe) >>'), sizes)).toBe('Launch');
  });

  it.each(splits)('passes a PDF with no action (chunks of %s bytes), even with names inside its binary stream', (...sizes) => {
    // Names inside a content stream are data, not PDF objects.
    const pdf = pdfWithActionAfterStream(150_000, '/Pages 3 0 R');
    const withNameInData = Buffer.from(pdf);
    withNameInData.write('/JavaScript', 60_000, 'latin1');
    expect(scan(withNameInData, sizes)).toBeNull();
  });
});
