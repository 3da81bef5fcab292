// npm start — production: migrations (and the agency list), then the server. No demo data.
import { ensureBuild } from './lib/ensure-build.ts';
import { checkConfigOrExit } from './lib/check-config.ts';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedBaseData } from '#src/server/seed.ts';

checkConfigOrExit();
const entry = ensureBuild();
await applyMigrations();
await seedBaseData();
closeDb();
await import(new URL(`../${entry}`, import.meta.url).href);
