// npm run db:migrate — applies db/migrations to DATABASE_URL and seeds the participating agencies.
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedBaseData } from '#src/server/seed.ts';
import { config } from '#src/server/config.ts';

await applyMigrations();
await seedBaseData();
closeDb();
console.log(`Migrations applied to ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
