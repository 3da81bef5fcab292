import { desc, eq } from 'drizzle-orm';
import { importBatches, users } from '#db/schema/index.ts';
import { db } from '#src/server/db.ts';
import { requireRole, type Reader } from '#src/server/access.ts';

/** Recent imports, newest first, for the import page (editors and admins). */
export async function listImportBatches(reader: Reader | null, limit = 20) {
  requireRole(reader, 'editor');
  return db()
    .select({
      id: importBatches.id,
      fileName: importBatches.fileName,
      rows: importBatches.rows,
      inserted: importBatches.seizuresInserted,
      updated: importBatches.seizuresUpdated,
      by: users.email,
      at: importBatches.createdAt,
    })
    .from(importBatches)
    .leftJoin(users, eq(users.id, importBatches.createdBy))
    .orderBy(desc(importBatches.id))
    .limit(limit);
}
