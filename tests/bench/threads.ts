/**
 * Forum benchmark (npm run bench:threads). Builds a temporary database with 20,000 threads and
 * 400,000 posts (deterministic: seeded generator; one thread has 500 posts), fills the search index
 * with the text analysis, then measures on the built server over HTTP, signed in, beside the bare
 * /healthz page of the same run: the thread list page and a page of the 500-post thread (req/s,
 * p50/p95 at 20 connections); in process: thread search p50/p95 over a fixed mix of queries and
 * readers (repeated texts, then each as the first search after a change of the index), and posting throughput (replies through the real writer: checks, index, notifications).
 * Budgets (DESIGN.md): list and thread pages p95 <= 50 ms at 20 connections; search p95 <= 50 ms.
 *   THREADS=2000 POSTS=40000 node tests/bench/threads.ts   (a smaller run)
 *   BENCH_PROCESSES=1 …                                    (one server process; default: one per core, as npm start)
 *   KEEP_DB=1 …                                            (keep the database and print its path, for profiling)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { launchServer } from '#tests/helpers/start-server.ts';
import { load, percentile, printLoad } from './load.ts';

const THREADS = Number(process.env.THREADS ?? 20_000);
const POSTS = Number(process.env.POSTS ?? 400_000);
const BIG = 500;
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? availableParallelism());
const PASSWORD = 'bench-passphrase-2026';

const dir = mkdtempSync(join(tmpdir(), 'armas-bench-threads-'));
const file = join(dir, 'bench.db');
process.env.DATABASE_URL = `file:${file}`;
// The posting measurement writes hundreds of replies a minute as a handful of members.
process.env.THREAD_POST_LIMIT = '1000000';
delete process.env.MEILISEARCH_URL;
delete process.env.SMTP_URL;

const { applyMigrations } = await import('#src/server/migrate.ts');
const { db, closeDb } = await import('#src/server/db.ts');
const { seedBaseData, seedDemoUsers } = await import('#src/server/seed.ts');
const { mulberry32 } = await import('#db/seed/seizures.ts');
const { scopeSetIdFor } = await import('#src/server/scopes.ts');
const { rebuildThreadIndex } = await import('#src/server/search/threads-fts5-index.ts');
const { searchThreads } = await import('#src/server/search/threads.ts');
const { clearThreadSearchCaches } = await import('#src/server/search/threads-fts5.ts');
const { clearMatchCache } = await import('#src/server/search/fts5-match-cache.ts');
const { replyToThread } = await import('#src/server/threads/posting.ts');
const { agencies, users, threadCategories } = await import('#db/schema/index.ts');
const { eq } = await import('drizzle-orm');
type ThreadActor = import('#src/server/threads/store.ts').ThreadActor;

ensureBuild();
console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await applyMigrations();
await seedBaseData();
await seedDemoUsers(PASSWORD);

// ---------------------------------------------------------------------------------------------
// Deterministic data

const rng = mulberry32(20_000);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const WORDS_ES =
  'arma armas fusil fusiles pistola pistolas rifle cartuchos calibre serie número rastreo aseguramiento aseguramientos frontera aduana cruce vehículo camioneta bodega carretera laboratorio dictamen balística casquillos cargador cargadores compra compras tienda importador importación exportación red caso investigación fiscalía análisis informe reunión capacitación curso taller agencia contraparte solicitud resultado pendiente confirmar revisar enviar compartir datos registro marca modelo origen destino ruta puerto garita tamaulipas sonora chihuahua michoacán jalisco guerrero chiapas reynosa nogales matamoros tijuana juárez laredo houston phoenix tucson'.split(
    ' ',
  );
const WORDS_EN =
  'firearm firearms rifle rifles pistol pistols rounds caliber serial number trace tracing seizure seizures border customs crossing vehicle truck warehouse highway lab report ballistics casings magazine magazines purchase purchases store importer import export network case investigation analysis meeting training course workshop agency counterpart request result pending confirm review send share data record make model origin destination route port texas arizona straw purchaser dealer shipment'.split(
    ' ',
  );
const RARE = ['zumbador', 'quetzalcoatl', 'ocelote', 'hurricane', 'bluebonnet', 'mezquite', 'tlaloc', 'sidewinder'];
const sentence = (lang: 'es' | 'en', n: number) => {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng() < 0.002 ? pick(RARE) : pick(lang === 'es' ? WORDS_ES : WORDS_EN));
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const people = await db()
  .select({ id: users.id, email: users.email, agency: agencies.code, country: agencies.country, role: users.role, name: users.displayName })
  .from(users)
  .innerJoin(agencies, eq(agencies.id, users.agencyId));
const categories = await db().select().from(threadCategories);
const general = categories.filter((c) => c.slug !== 'frontera-sur');
const border = categories.find((c) => c.slug === 'frontera-sur')!;
const restrictedScopes = await db().transaction(async (tx) => [
  await scopeSetIdFor(tx, ['agency:ATF', 'agency:FGR']),
  await scopeSetIdFor(tx, ['agency:CBP', 'agency:SSPC']),
  await scopeSetIdFor(tx, ['agency:FGR', 'agency:ICE-HSI', 'agency:SEDENA']),
  await scopeSetIdFor(tx, ['country:MX']),
]);
const gen = performance.now();
const sqlite = new Database(file);
sqlite.exec('PRAGMA journal_mode = WAL');
const insertThread = sqlite.prepare(
  `INSERT INTO threads (id, category_id, title, lang, handling_code, scope_set_id, author_id, author_agency_code, tags, created_at, last_seq, last_visible_seq, post_count, last_post_at)
   VALUES (?, ?, ?, ?, 'H0', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertPost = sqlite.prepare(
  `INSERT INTO thread_posts (thread_id, seq, author_id, author_agency_code, lang, body, body_html, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertTag = sqlite.prepare('INSERT OR IGNORE INTO thread_tags (thread_id, tag) VALUES (?, ?)');
const insertRead = sqlite.prepare('INSERT OR IGNORE INTO thread_reads (user_id, thread_id, last_read_seq, read_at) VALUES (?, ?, ?, ?)');
const start = Date.UTC(2024, 0, 1);
const span = 2 * 365 * 86_400_000;
const reader = people.find((p) => p.email === 'analyst.fgr@demo.test')!;
let remaining = POSTS;
sqlite.exec('BEGIN');
for (let t = 1; t <= THREADS; t++) {
  const left = THREADS - t;
  const posts =
    t === 1
      ? BIG
      : left === 0
        ? Math.max(1, remaining)
        : Math.max(1, Math.min(remaining - left, Math.round(1 + rng() * 2 * ((remaining - left) / (left + 1)))));
  remaining -= posts;
  const restricted = rng() < 0.15;
  const inBorder = !restricted && rng() < 0.1;
  const category = inBorder ? border : pick(general);
  const scope = t === 1 ? category.scopeSetId : restricted ? pick(restrictedScopes) : category.scopeSetId;
  const lang = rng() < 0.6 ? 'es' : 'en';
  const author = pick(people);
  const created = start + Math.floor((t / THREADS) * span * 0.9);
  const last = created + posts * 3_600_000;
  insertThread.run(
    t,
    category.id,
    sentence(lang, 4 + Math.floor(rng() * 6)),
    lang,
    scope,
    author.id,
    author.agency,
    `${pick(WORDS_ES)} ${pick(WORDS_EN)}`,
    created,
    posts,
    posts,
    posts,
    last,
  );
  for (let s = 1; s <= posts; s++) {
    const by = s === 1 ? author : pick(people);
    const postLang = rng() < 0.6 ? 'es' : 'en';
    const body = sentence(postLang, 15 + Math.floor(rng() * 45));
    insertPost.run(t, s, by.id, by.agency, postLang, body, `<p>${escape(body)}</p>`, created + s * 3_600_000);
  }
  insertTag.run(t, pick(WORDS_ES));
  if (rng() < 0.3) insertRead.run(reader.id, t, Math.max(1, Math.floor(posts / 2)), last);
}
sqlite.exec('COMMIT');
sqlite.close();
const genSeconds = (performance.now() - gen) / 1000;
console.log(
  `data: ${THREADS.toLocaleString('en-US')} threads, ${POSTS.toLocaleString('en-US')} posts (one of ${BIG}) in ${genSeconds.toFixed(1)} s`,
);
const idx = performance.now();
await db().transaction((tx) => rebuildThreadIndex(tx));
console.log(`search index (text analysis + FTS5 rebuild): ${((performance.now() - idx) / 1000).toFixed(1)} s`);

// ---------------------------------------------------------------------------------------------
// Search, in process

const readers: ThreadActor[] = ['analyst.fgr@demo.test', 'agent.atf@demo.test', 'analyst.sedena@demo.test', 'admin@demo.test'].map(
  (email) => {
    const p = people.find((x) => x.email === email)!;
    return { id: p.id, email: p.email, displayName: p.name, role: p.role, agencyCode: p.agency, agencyCountry: p.country, ip: null };
  },
);
const queries = [
  'rastreo',
  'fusiles',
  'firearm',
  'zumbador',
  'ocelote reynosa',
  'serial number',
  'armas tamaulipas',
  '"casquillos balística"',
  'bluebonnet',
  'laboratorio dictamen',
];
for (const q of queries) await searchThreads({ text: q }, readers[0]!);
const times: number[] = [];
const perQuery = new Map<string, number[]>();
for (let round = 0; round < 10; round++)
  for (const q of queries)
    for (const r of readers) {
      const t0 = performance.now();
      await searchThreads({ text: q }, r);
      const ms = performance.now() - t0;
      times.push(ms);
      perQuery.set(q, [...(perQuery.get(q) ?? []), ms]);
    }
times.sort((a, b) => a - b);
console.log(
  `thread search: ${times.length} queries, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (budget p95 <= 50 ms; texts searched before at this index version)`,
);
for (const [q, list] of perQuery) {
  list.sort((a, b) => a - b);
  const sample = await searchThreads({ text: q }, readers[0]!);
  console.log(
    `  ${q.padEnd(24)} p95 ${percentile(list, 95).toFixed(1).padStart(6)} ms   ${sample.total} hits${sample.capped ? ' (capped)' : ''}`,
  );
}

// The same texts as the first search after a change of the index (a reply, an edit): FTS5's answer
// and the snippets are kept per index version, so each of these pays bm25's set-up again.
const cold: number[] = [];
const coldCpu: number[] = [];
for (let round = 0; round < 2; round++)
  for (const q of queries)
    for (const r of readers) {
      clearMatchCache();
      clearThreadSearchCaches();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await searchThreads({ text: q }, r);
      cold.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      coldCpu.push((c.user + c.system) / 1000);
    }
cold.sort((a, b) => a - b);
coldCpu.sort((a, b) => a - b);
console.log(
  `  first search of a text after a change of the index: ${cold.length} queries, p50 ${percentile(cold, 50).toFixed(1)} ms, p95 ${percentile(cold, 95).toFixed(1)} ms (CPU p50 ${percentile(coldCpu, 50).toFixed(1)} ms, p95 ${percentile(coldCpu, 95).toFixed(1)} ms)`,
);

// ---------------------------------------------------------------------------------------------
// Posting throughput, in process (one writer: SQLite takes one write at a time)

const writers = readers.slice(0, 3);
const open = (
  await db().all<{ id: number }>(
    // Threads every writer may see.
    (await import('drizzle-orm'))
      .sql`SELECT t.id FROM threads t JOIN scope_sets s ON s.id = t.scope_set_id WHERE s.tokens = 'members' ORDER BY t.id DESC LIMIT 50`,
  )
).map((r) => r.id);
const N = 400;
const p0 = performance.now();
for (let i = 0; i < N; i++) {
  const who = writers[i % writers.length]!;
  await replyToThread(who, open[i % open.length]!, { body: `${sentence(i % 2 ? 'en' : 'es', 30)} (${i})`, lang: i % 2 ? 'en' : 'es' });
}
const postSeconds = (performance.now() - p0) / 1000;
console.log(
  `posting: ${N} replies in ${postSeconds.toFixed(2)} s = ${(N / postSeconds).toFixed(0)} posts/s (validation, counters, search index, follows, notifications; one transaction each)`,
);
closeDb();

// ---------------------------------------------------------------------------------------------
// Pages over HTTP, on the built server

const server = await launchServer({ DATABASE_URL: `file:${file}`, WEB_CONCURRENCY: String(PROCESSES), SIGNIN_IP_FAILURE_LIMIT: '1000' });
try {
  const client = new HttpClient(server.baseUrl);
  const signedIn = await client.signIn('analyst.fgr@demo.test', PASSWORD, 'es');
  if (signedIn.status !== 303) throw new Error(`sign-in failed: ${signedIn.status}`);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const headers = { cookie };
  const url = (p: string) => `${server.baseUrl}${p}`;
  const bigPage = Math.ceil(BIG / 30 / 2);
  const pages = {
    list: '/es/foros/recientes',
    listPage50: '/es/foros/recientes?page=50',
    category: '/es/foros/categoria/rastreo',
    thread: `/es/foros/hilos/1?page=${bigPage}`,
    threadLast: `/es/foros/hilos/1?page=${Math.ceil(BIG / 30)}`,
  };
  for (const p of Object.values(pages)) {
    const res = await fetch(url(p), { headers });
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
  }
  console.log(`server: ${PROCESSES} process(es); 20 connections, 10 s each`);
  // CPU time of the server's processes (the primary and its workers; Linux /proc), so each page's
  // cost per request reads the same on a busy machine as on a quiet one (p95 ≈ connections × CPU
  // per request / cores once the cores are saturated).
  const serverCpuMs = (): number => {
    const pids = [server.child.pid!];
    try {
      pids.push(...readFileSync(`/proc/${pids[0]}/task/${pids[0]}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return NaN;
    }
    let ticks = 0;
    for (const pid of pids) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // A worker that just exited.
      }
    }
    return ticks * 10;
  };
  const measured = async (path: string, headers?: Record<string, string>) => {
    const c0 = serverCpuMs();
    const r = await load(url(path), { concurrency: 20, seconds: 10, headers });
    return { ...r, cpuPerRequest: (serverCpuMs() - c0) / r.requests };
  };
  await load(url('/healthz'), { concurrency: 4, seconds: 2 });
  const bare = await measured('/healthz');
  printLoad('bare /healthz (baseline)', bare);
  const results: [string, Awaited<ReturnType<typeof measured>>][] = [];
  for (const [label, path] of [
    ['thread list (latest)', pages.list],
    ['thread list, page 50', pages.listPage50],
    ['category page', pages.category],
    [`500-post thread, page ${bigPage}`, pages.thread],
    ['500-post thread, last page', pages.threadLast],
  ] as const) {
    await load(url(path), { concurrency: 4, seconds: 2, headers });
    const r = await measured(path, headers);
    printLoad(label, r);
    results.push([label, r]);
  }
  for (const [label, r] of results)
    console.log(
      `${label.padEnd(34)} ${((r.rps / bare.rps) * 100).toFixed(0).padStart(4)} % of /healthz throughput; p95 ${r.p95.toFixed(1)} ms ${r.p95 <= 50 ? 'OK' : 'OVER BUDGET (50 ms)'}; server CPU ${r.cpuPerRequest.toFixed(2)} ms/request (/healthz ${bare.cpuPerRequest.toFixed(2)})`,
    );
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await server.stop();
  if (process.env.KEEP_DB) console.log(`database kept: ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
