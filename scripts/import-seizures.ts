// npm run import:seizures -- FILE.csv|FILE.json [--as editor@agency.gov] [--lang es|en]
// Validates the whole file and imports it in one transaction, or imports nothing and prints
// the errors (and writes FILE.errors.csv), in the language of --lang. Without --as, the import is
// recorded as the command-line operator's.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { AccessDenied, type Reader } from '#src/server/access.ts';
import type { Role } from '#db/schema/index.ts';
import { closeDb, rawClient } from '#src/server/db.ts';
import { applyMigrations } from '#src/server/migrate.ts';
import { seedAgencies } from '#src/server/seed.ts';
import { config } from '#src/server/config.ts';
import { drainAll } from '#src/server/search/sync.ts';
import { errorMessage, errorsToCsv, importSeizures, readingNotice, type ImportBy, type ImportResult } from '#src/server/seizures/import.ts';
import { translate } from '#src/i18n/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { as: { type: 'string' }, lang: { type: 'string', default: 'es' } },
});
const file = positionals[0];
const lang = values.lang === 'en' ? 'en' : 'es';
if (!file) {
  console.error('usage: npm run import:seizures -- FILE.csv|FILE.json [--as EMAIL] [--lang es|en]');
  process.exit(2);
}

await applyMigrations();
await seedAgencies();

let by: ImportBy = { system: true, actor: { email: `cli:${process.env.USER ?? 'operator'}` } };
if (values.as) {
  const r = await rawClient().execute({
    sql: `SELECT u.id, u.email, u.role, a.code, a.country FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.email_normalized = ? AND u.disabled = 0`,
    args: [values.as.trim().toLowerCase()],
  });
  const u = r.rows[0];
  if (!u) {
    console.error(translate(lang, 'import.cli.noUser', { email: values.as }));
    closeDb();
    process.exit(2);
  }
  const reader = { id: String(u.id), role: String(u.role) as Role, agencyCode: String(u.code), agencyCountry: String(u.country) } as Reader;
  by = { reader, actor: { userId: reader.id, email: String(u.email), agencyCode: reader.agencyCode } };
}

const content = readFileSync(file);
const bars = new cliProgress.MultiBar({ hideCursor: true }, cliProgress.Presets.shades_classic);
const phaseBars = new Map<string, cliProgress.SingleBar>();
const started = performance.now();
let result: ImportResult;
try {
  result = await importSeizures({ fileName: basename(file), content }, by, {
    onProgress: (phase, done, total) => {
      let bar = phaseBars.get(phase);
      if (!bar) {
        bar = bars.create(
          total,
          0,
          {},
          { format: `${phase === 'validate' ? 'Validating rows ' : 'Writing seizures'} [{bar}] {value}/{total}` },
        );
        phaseBars.set(phase, bar);
      }
      bar.setTotal(total);
      bar.update(done);
    },
  });
} catch (e) {
  bars.stop();
  // A refused import (a member, not an editor) is a message for the operator, not a stack trace.
  if (e instanceof AccessDenied) {
    console.error(translate(lang, 'import.cli.refused', { email: values.as ?? '' }));
    closeDb();
    process.exit(1);
  }
  throw e;
}
bars.stop();

const seconds = (performance.now() - started) / 1000;
const notice = readingNotice(result.reading, lang);
if (notice) console.log(notice);
if (result.ok) {
  const s = result.summary;
  if (config.meilisearch && result.changedSeizureIds.length) {
    // The import is committed whatever happens here: what cannot be pushed now stays in the outbox.
    const sync = await drainAll();
    console.log(
      sync.pending === 0
        ? `Meilisearch: up to date (${sync.pushed} pushed)`
        : `Meilisearch: ${sync.pending} change(s) pending (${sync.errors[0] ?? 'not pushed yet'}); the server pushes them when it can, or run npm run search:sync`,
    );
  }
  console.log(
    `\n${translate(lang, 'import.success', { rows: result.rows, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged })} ${basename(file)} · ${seconds.toFixed(1)} s · ${Math.round(result.rows / seconds)} rows/s`,
  );
} else {
  const report = `${file}.errors.csv`;
  writeFileSync(report, errorsToCsv(result.errors, lang));
  console.error(
    `\n${translate(lang, 'import.failed', { count: result.errors.length })} ${translate(lang, 'import.cli.report', { file: report })}`,
  );
  for (const e of result.errors.slice(0, 20)) console.error(`  ${e.row}${e.column ? ` [${e.column}]` : ''}: ${errorMessage(e, lang)}`);
  if (result.errors.length > 20) console.error(`  ${translate(lang, 'import.cli.more', { count: result.errors.length - 20 })}`);
  process.exitCode = 1;
}
closeDb();
