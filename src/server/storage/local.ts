/**
 * The local file store: `<root>/sha256/ab/cd/<hex>`. A put hard-links (or copies) the finished
 * temp file next to its destination, fsyncs it unless its writer already did, renames it into
 * place and fsyncs the folder (and any folder it had to make), so a crash leaves either no object
 * or the whole one, and once put resolves the object outlives a crash.
 */
import { copyFile, link, mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileStore, StoredObject } from './types.ts';

const SAFE_KEY = /^[a-z0-9]+\/[a-f0-9]{64}$/;

function pathOf(root: string, key: string): string {
  if (!SAFE_KEY.test(key)) throw new Error(`invalid store key: ${key}`);
  const [space, hex] = key.split('/') as [string, string];
  return join(root, space, hex.slice(0, 2), hex.slice(2, 4), hex);
}

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function localStore(root: string): FileStore {
  return {
    kind: 'local',
    async put(key, sourcePath, options) {
      const target = pathOf(root, key);
      const folder = dirname(target);
      const made = await mkdir(folder, { recursive: true });
      const staging = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.put`;
      try {
        // A hard link, not a rename: the caller keeps its temp file until its database
        // transaction has committed. Another file system (EXDEV) falls back to a copy.
        let copied = false;
        try {
          await link(sourcePath, staging);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EXDEV' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
          await copyFile(sourcePath, staging);
          copied = true;
        }
        // The bytes must be on disk before the name is: a link shares the source's data, which a
        // synced source already has there; a copy (or an unsynced source) is synced here.
        if (copied || !options?.synced) await fsyncPath(staging, 'r+');
        await rename(staging, target);
      } catch (error) {
        await rm(staging, { force: true });
        throw error;
      }
      // The name must be on disk before a database row points at it: the object's folder, and the
      // parents of any folder mkdir just made (their names are entries in their parents).
      const folders = [folder];
      if (made) for (let f = folder; f !== dirname(made) && f !== dirname(f);) folders.push((f = dirname(f)));
      await Promise.all(folders.map((f) => fsyncPath(f).catch(() => undefined)));
    },
    async get(key) {
      const path = pathOf(root, key);
      try {
        const handle = await open(path, 'r');
        return handle.createReadStream({ highWaterMark: 256 * 1024 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async stat(key) {
      try {
        const s = await stat(pathOf(root, key));
        return { key, size: s.size, modifiedAt: s.mtime };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(root, key), { force: true });
    },
    async *list(prefix) {
      const space = prefix.split('/')[0] ?? '';
      if (!/^[a-z0-9]*$/.test(space)) return;
      const spaces = space ? [space] : [];
      if (!space) {
        try {
          for await (const entry of await opendir(root)) if (entry.isDirectory() && entry.name !== 'tmp') spaces.push(entry.name);
        } catch {
          return;
        }
      }
      for (const name of spaces) yield* walk(root, join(root, name), prefix);
    },
  };
}

async function* walk(root: string, dir: string, prefix: string): AsyncGenerator<StoredObject> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch {
    return;
  }
  for await (const entry of handle) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(root, full, prefix);
    else if (entry.isFile() && /^[a-f0-9]{64}$/.test(entry.name)) {
      const space = relative(root, full).split(sep)[0] ?? '';
      const key = `${space}/${entry.name}`;
      if (!key.startsWith(prefix)) continue;
      const s = await stat(full).catch(() => null);
      if (s) yield { key, size: s.size, modifiedAt: s.mtime };
    }
  }
}

/** For the backup: the path of an object of a local store. */
export function localObjectPath(root: string, key: string): string {
  return pathOf(root, key);
}
