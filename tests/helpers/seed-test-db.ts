// Child process of start-server.ts: migrations and demo data into DATABASE_URL.
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedDemoData } from '#src/server/demo.ts';

await applyMigrations();
await seedDemoData(process.env.DEMO_PASSWORD ?? '');
closeDb();
