// npm run demo — migrations, the agencies, demo accounts (password DEMO_PASSWORD) and demo data,
// then the portal on http://localhost:4321 with the embedded database under data/.
import { ensureBuild } from './lib/ensure-build.ts';
import { checkConfigOrExit } from './lib/check-config.ts';
import { serve } from './lib/serve.ts';
import { config } from '#src/server/config.ts';
import { closeDb } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedDemoData } from '#src/server/demo.ts';
import { DEFAULT_DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '#db/seed/demo-users.ts';
import { meiliConnection } from '#src/server/search/meili-client.ts';
import { rebuildIndex } from '#src/server/search/remote-index.ts';
import { searchSources } from '#src/server/search/sources.ts';
import { drainAll } from '#src/server/search/sync.ts';

checkConfigOrExit();
ensureBuild();
await applyMigrations();
const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
await seedDemoData(password);
const meili = meiliConnection();
if (meili) {
  // With MEILISEARCH_URL set the demo runs on Meilisearch: build its index from the demo data.
  try {
    for (const source of searchSources()) {
      const r = await rebuildIndex(meili, source);
      console.log(`Meilisearch: ${r.documents} ${source.kind} documents in "${source.indexUid}".`);
    }
    await drainAll();
  } catch (e) {
    console.warn(
      `Meilisearch index not built (${e instanceof Error ? e.message : String(e)}): searches use FTS5 until npm run search:reindex.`,
    );
  }
}
closeDb();
console.log(
  `Demo accounts ready (admin@demo.test, agent.atf@demo.test, analyst.fgr@demo.test, …) with password ${process.env.DEMO_PASSWORD ? 'from DEMO_PASSWORD' : `"${DEFAULT_DEMO_PASSWORD}"`}.`,
);
console.log(
  'Second factor (authenticator app, TOTP) of the demo accounts that need one; add the secret to any app or run `oathtool --totp -b SECRET`:',
);
for (const [email, secret] of Object.entries(DEMO_TOTP_SECRETS)) console.log(`  ${email.padEnd(24)} ${secret}`);
console.log(`Portal: http://localhost:${config.port}/ (stop with Ctrl+C; run npm test in a second terminal)`);
await serve();
