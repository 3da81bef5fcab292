/**
 * One contract for every file store: local disk, an S3-compatible server started here on
 * loopback (s3rver), and a real endpoint when S3_ENDPOINT / S3_BUCKET are set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobKey, localStore, s3Store, thumbnailKey, type FileStore } from '#src/server/storage/index.ts';
import { startS3rver, S3RVER_CREDENTIALS, type RunningS3 } from '#tests/helpers/s3rver.ts';
import type { Readable } from 'node:stream';

async function bytesOf(stream: Readable | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Backend {
  name: string;
  enabled: boolean;
  open: () => Promise<{ store: FileStore; close: () => Promise<void> }>;
}

const work = mkdtempSync(join(tmpdir(), 'armas-store-contract-'));
let s3: RunningS3 | undefined;

const backends: Backend[] = [
  {
    name: 'local disk',
    enabled: true,
    open: () => {
      const root = mkdtempSync(join(work, 'local-'));
      return Promise.resolve({ store: localStore(root), close: () => Promise.resolve(rmSync(root, { recursive: true, force: true })) });
    },
  },
  {
    name: 's3rver on loopback',
    enabled: true,
    open: async () => {
      s3 = await startS3rver();
      const store = s3Store({ endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', forcePathStyle: true, ...S3RVER_CREDENTIALS });
      return { store, close: async () => s3?.stop() };
    },
  },
  {
    name: 'S3_ENDPOINT',
    enabled: Boolean(process.env.S3_ENDPOINT && process.env.S3_BUCKET),
    open: () => {
      const store = s3Store({
        endpoint: process.env.S3_ENDPOINT ?? '',
        bucket: process.env.S3_BUCKET ?? '',
        region: process.env.S3_REGION || 'us-east-1',
        forcePathStyle: process.env.S3_FORCE_PATH_STYLE !== '0',
        ...(process.env.S3_ACCESS_KEY_ID
          ? { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? '' }
          : {}),
      });
      return Promise.resolve({ store, close: () => Promise.resolve() });
    },
  },
];

afterAll(() => rmSync(work, { recursive: true, force: true }));

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`file store contract: ${backend.name}`, () => {
    let store: FileStore;
    let close: () => Promise<void>;
    // A run against a real bucket must not meet objects of an earlier run.
    const salt = randomBytes(8).toString('hex');
    const file = (name: string, bytes: Buffer) => {
      const path = join(work, `${salt}-${name}`);
      writeFileSync(path, bytes);
      return path;
    };
    const written: string[] = [];

    beforeAll(async () => {
      ({ store, close } = await backend.open());
    });
    afterAll(async () => {
      for (const key of written) await store.delete(key);
      await close();
    });

    it('gives back exactly the bytes it was given, under a content address', async () => {
      const bytes = Buffer.concat([Buffer.from(`contract ${salt}\n`), randomBytes(300_000)]);
      const key = blobKey(sha(bytes));
      written.push(key);
      await store.put(key, file('a.bin', bytes));
      const back = await bytesOf(await store.get(key));
      expect(back && sha(back)).toBe(sha(bytes));
      expect((await store.stat(key))?.size).toBe(bytes.length);
    });

    it('answers null for an object that does not exist, and deleting it is no error', async () => {
      const key = blobKey(sha(Buffer.from(`missing ${salt}`)));
      expect(await store.get(key)).toBeNull();
      expect(await store.stat(key)).toBeNull();
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it('keeps the source file (the caller removes it after its transaction) and replaces an object whole', async () => {
      const first = Buffer.from(`first ${salt}`);
      const second = Buffer.from(`second, longer ${salt}`);
      const key = thumbnailKey(sha(first));
      written.push(key);
      const source = file('b.bin', first);
      await store.put(key, source);
      expect(readdirSync(work)).toContain(`${salt}-b.bin`);
      await store.put(key, file('c.bin', second));
      expect((await bytesOf(await store.get(key)))?.toString()).toBe(second.toString());
    });

    it('lists objects by prefix and forgets deleted ones', async () => {
      const bytes = Buffer.from(`listed ${salt}`);
      const key = blobKey(sha(bytes));
      await store.put(key, file('d.bin', bytes));
      const keys: string[] = [];
      for await (const o of store.list('sha256/')) keys.push(o.key);
      expect(keys).toContain(key);
      const thumbs: string[] = [];
      for await (const o of store.list('thumb/')) thumbs.push(o.key);
      expect(thumbs).not.toContain(key);
      await store.delete(key);
      expect(await store.stat(key)).toBeNull();
      const after: string[] = [];
      for await (const o of store.list('sha256/')) after.push(o.key);
      expect(after).not.toContain(key);
    });

    it('streams a large object without holding it whole', async () => {
      const bytes = randomBytes(8 * 1024 * 1024);
      const key = blobKey(sha(bytes));
      written.push(key);
      await store.put(key, file('e.bin', bytes));
      const stream = await store.get(key);
      expect(stream).not.toBeNull();
      let largest = 0;
      const hash = createHash('sha256');
      for await (const chunk of stream!) {
        largest = Math.max(largest, (chunk as Buffer).length);
        hash.update(chunk as Buffer);
      }
      expect(hash.digest('hex')).toBe(sha(bytes));
      expect(largest).toBeLessThan(bytes.length);
    });
  });
}
