/**
 * The file store of this process: local disk under FILES_DIR (default `data/files`), or
 * S3-compatible object storage when S3_ENDPOINT and S3_BUCKET are set. Upload temp files are
 * always local, under `<FILES_DIR>/tmp`.
 */
import { join, resolve } from 'node:path';
import { config } from '#src/server/config.ts';
import { localStore } from './local.ts';
import type { S3Settings } from './s3.ts';
import type { FileStore } from './types.ts';

export * from './types.ts';
export { localStore } from './local.ts';
export type { S3Settings } from './s3.ts';

/**
 * The S3 store (./s3.ts), with @aws-sdk/client-s3 loaded on first use: the SDK costs ~25 MB of
 * every server process, also of those that keep their files on local disk.
 */
export function s3Store(settings: S3Settings): FileStore {
  let store: Promise<FileStore> | undefined;
  const real = () => (store ??= import('./s3.ts').then((m) => m.s3Store(settings)));
  return {
    kind: 's3',
    put: async (key, sourcePath, options) => (await real()).put(key, sourcePath, options),
    get: async (key) => (await real()).get(key),
    stat: async (key) => (await real()).stat(key),
    delete: async (key) => (await real()).delete(key),
    async *list(prefix) {
      yield* (await real()).list(prefix);
    },
  };
}

let current: { key: string; store: FileStore } | undefined;

export function fileStore(): FileStore {
  const s3 = config.s3;
  const key = s3 ? `s3\u0000${s3.endpoint}\u0000${s3.bucket}` : `local\u0000${resolve(config.filesDir)}`;
  if (current?.key !== key) current = { key, store: s3 ? s3Store(s3) : localStore(resolve(config.filesDir)) };
  return current.store;
}

/** Where uploads are written while they stream in (the same file system as the local store). */
export function tempDir(): string {
  return join(resolve(config.filesDir), 'tmp');
}
