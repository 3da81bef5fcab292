import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { reloadConfig } from '#src/server/config.ts';

/**
 * Points the server code at a fresh libSQL file with every migration applied (and FILES_DIR at an
 * empty file store beside it).
 * Call in beforeAll; the returned function removes it (call in afterAll).
 */
export async function useTempDatabase(): Promise<{ url: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'armas-test-'));
  closeDb();
  const url = `file:${join(dir, 'test.db')}`;
  process.env.DATABASE_URL = url;
  // Demo documents and uploads go to a file store beside the database, not to the worktree's data/.
  process.env.FILES_DIR = join(dir, 'files');
  reloadConfig();
  await applyMigrations();
  return {
    url,
    cleanup: () => {
      closeDb();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
