// npm start — production: migrations (and the agency list), then the server (a process per core).
// No demo data.
import { ensureBuild } from './lib/ensure-build.ts';
import { checkConfigOrExit } from './lib/check-config.ts';
import { serve } from './lib/serve.ts';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedBaseData } from '#src/server/seed.ts';

checkConfigOrExit();
ensureBuild();
await applyMigrations();
await seedBaseData();
closeDb();
await serve();
