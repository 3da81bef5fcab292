/**
 * The content-addressed store and refused writes (src/server/documents/store.ts): an upload whose
 * write is refused after its files were stored leaves no object behind, but never takes away an
 * object that a row uses, that was there before it, or that another upload of the same bytes in
 * flight still counts on.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient } from '#src/server/db.ts';
import type { StagedFile } from '#src/server/documents/intake.ts';
import { releaseStagedFiles, storeStagedFiles } from '#src/server/documents/store.ts';
import { runRaw } from '#src/server/sql.ts';
import { blobKey, fileStore, tempDir } from '#src/server/storage/index.ts';
import { useTempDatabase } from '#tests/helpers/temp-db.ts';

let cleanup: () => void;
beforeAll(async () => {
  ({ cleanup } = await useTempDatabase());
  mkdirSync(tempDir(), { recursive: true });
});
afterAll(() => cleanup());

let n = 0;
/** A staged upload of `text` (its own temp file, as the intake leaves it). */
function staged(text: string): StagedFile {
  const bytes = Buffer.from(text);
  const tempPath = join(tempDir(), `${process.pid}-test-${n++}.part`);
  writeFileSync(tempPath, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { field: 'files', tempPath, sha256, size: bytes.length, kind: 'txt', mime: 'text/plain', fileName: 'nota.txt' };
}
const stored = async (f: StagedFile) => (await fileStore().stat(blobKey(f.sha256))) !== null;
const addBlobRow = (f: StagedFile) =>
  runRaw(
    rawClient(),
    "INSERT INTO blobs (sha256, size, mime, created_at, last_used_at, text_state, has_thumbnail) VALUES (?, ?, ?, 0, 0, 'none', 0)",
    [f.sha256, f.size, f.mime],
  );

describe('stored objects of a refused write', () => {
  it('are removed when the upload lets go and no row refers to them', async () => {
    const f = staged('refused once');
    await storeStagedFiles([f]);
    expect(await stored(f)).toBe(true);
    await releaseStagedFiles([f]);
    expect(await stored(f)).toBe(false);
    // Letting go twice changes nothing.
    await releaseStagedFiles([f]);
  });

  it('stay when the write committed (a blobs row refers to them)', async () => {
    const f = staged('written');
    await storeStagedFiles([f]);
    await addBlobRow(f);
    await releaseStagedFiles([f]);
    expect(await stored(f)).toBe(true);
  });

  it('stay when they were in the store before this upload', async () => {
    const earlier = staged('there before');
    await storeStagedFiles([earlier]);
    await addBlobRow(earlier);
    await releaseStagedFiles([earlier]);
    const again = staged('there before');
    await storeStagedFiles([again]);
    await releaseStagedFiles([again]);
    expect(await stored(again)).toBe(true);
  });

  it('stay while another upload of the same bytes is in flight, and go with the last one refused', async () => {
    const first = staged('the same bytes twice');
    const second = staged('the same bytes twice');
    await storeStagedFiles([first]);
    // The second finds the object there and reuses it.
    await storeStagedFiles([second]);
    await releaseStagedFiles([first]);
    expect(await stored(second)).toBe(true);
    await releaseStagedFiles([second]);
    expect(await stored(second)).toBe(false);
  });

  it('stay when the other upload of the same bytes commits after the first was refused', async () => {
    const refused = staged('one refused, one written');
    const written = staged('one refused, one written');
    await storeStagedFiles([refused]);
    await storeStagedFiles([written]);
    await releaseStagedFiles([refused]);
    await addBlobRow(written);
    await releaseStagedFiles([written]);
    expect(await stored(written)).toBe(true);
  });
});
