// npm run bench:documents — the document exchange over HTTP against the built server (one process,
// local disk store): upload throughput for 1 MB and 50 MB files with the server's peak RSS during
// each upload, download throughput, and the library page with 50,000 documents, each beside the
// bare /healthz page of the same run and the machine's load.
// Budgets (DESIGN.md): uploads and downloads >= 100 MB/s; server RSS grows < 64 MB during a 50 MB
// upload; library page p95 <= 50 ms.
//   BENCH_DOCUMENTS=5000 BENCH_LARGE_MB=10 npm run bench:documents     (a smaller run on a busy machine)
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { launchServer, seedTestDatabase, TEST_PASSWORD } from '#tests/helpers/start-server.ts';
import { load, percentile, printLoad } from './load.ts';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 50_000);
const LARGE_MB = Number(process.env.BENCH_LARGE_MB ?? 50);
const SMALL_UPLOADS = Number(process.env.BENCH_SMALL_UPLOADS ?? 20);
const LARGE_UPLOADS = Number(process.env.BENCH_LARGE_UPLOADS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** `library`, `transfers` or both (default): one part alone when profiling or comparing it. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'library,transfers').split(','));
/** When set, the server writes a V8 CPU profile there on exit (open it in Chrome DevTools). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const MB = 1024 * 1024;

const loadNow = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const verdict = (ok: boolean) => (ok ? 'OK' : 'OVER BUDGET');

// ---- 50,000 documents, written straight into the seeded database before the server starts ----

const TYPES = ['trace_result', 'ballistic_report', 'court_order', 'photo', 'seizure_list', 'presentation', 'other'];
const WORDS = [
  'rastreo',
  'fusiles',
  'Reynosa',
  'Culiacán',
  'AK-47',
  'cartuchos',
  'balística',
  'aduana',
  'Petén',
  'Nogales',
  'AR-15',
  'Tijuana',
];
const TAGS = ['rastreo', 'balística', 'aseguramientos', 'southbound', 'trimestral', 'serie limada', 'etrace', 'tijuana'];

async function addDocuments(databaseUrl: string, count: number): Promise<void> {
  const db = createClient({ url: databaseUrl });
  try {
    const users = (
      await db.execute('SELECT u.id, a.code FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.disabled = 0 ORDER BY u.email')
    ).rows.map((r) => ({ id: String(r.id), agency: String(r.code) }));
    // A few scope sets, as real shares look: the portal, a country, agency pairs, one person.
    const scopes: string[] = ['members', 'country:MX', 'country:US', 'agency:ATF agency:FGR', 'agency:CBP agency:FGR', 'agency:SEDENA'];
    scopes.push(`user:${users[0]!.id}`);
    const scopeIds: number[] = [];
    for (const tokens of scopes) {
      await db.execute({ sql: 'INSERT OR IGNORE INTO scope_sets (tokens) VALUES (?)', args: [tokens] });
      const id = Number((await db.execute({ sql: 'SELECT id FROM scope_sets WHERE tokens = ?', args: [tokens] })).rows[0]!.id);
      await db.execute({
        sql: 'INSERT OR IGNORE INTO scope_set_tokens (scope_set_id, token) SELECT ?, value FROM json_each(?)',
        args: [id, JSON.stringify(tokens.split(' '))],
      });
      scopeIds.push(id);
    }
    const sha = createHash('sha256').update('bench-documents').digest('hex');
    const now = Date.now();
    await db.execute({
      sql: "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at, last_used_at, text_state, has_thumbnail) VALUES (?, 1024, 'application/pdf', ?, ?, 'none', 0)",
      args: [sha, now, now],
    });
    const first = Number((await db.execute('SELECT coalesce(max(id), 0) AS n FROM documents')).rows[0]!.n) + 1;
    const tx = await db.transaction('write');
    const chunk = 500;
    for (let start = 0; start < count; start += chunk) {
      const docs: (string | number | null)[] = [];
      const versions: (string | number | null)[] = [];
      const tags: (string | number)[] = [];
      const n = Math.min(chunk, count - start);
      for (let k = 0; k < n; k++) {
        const i = start + k;
        const id = first + i;
        const owner = users[i % users.length]!;
        const at = now - (i % 720) * 3_600_000 - i;
        const words = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`;
        docs.push(
          id,
          owner.id,
          owner.agency,
          i % 3 ? `Documento ${i}: ${words}` : null,
          i % 3 === 1 ? null : `Document ${i}: ${words}`,
          i % 2 ? 'es' : 'en',
          TYPES[i % TYPES.length]!,
          `H${i % 3}`,
          i % 7 === 6 ? 'users' : i % 3 ? 'agencies' : 'members',
          scopeIds[i % scopeIds.length]!,
          at,
          at,
        );
        versions.push(id, sha, `documento-${i}.pdf`, owner.id, owner.agency, at);
        tags.push(id, TAGS[i % TAGS.length]!, id, TAGS[(i + 3) % TAGS.length]!);
      }
      await tx.execute({
        sql: `INSERT INTO documents (id, owner_id, owner_agency_code, title_es, title_en, language, type, handling_code, scope_kind, scope_set_id, created_at, updated_at)
              VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        args: docs,
      });
      await tx.execute({
        sql: `INSERT INTO document_versions (document_id, number, sha256, size, mime, file_name, uploaded_by, uploaded_by_agency, created_at)
              VALUES ${Array.from({ length: n }, () => "(?, 1, ?, 1024, 'application/pdf', ?, ?, ?, ?)").join(', ')}`,
        args: versions,
      });
      await tx.execute({
        sql: `INSERT OR IGNORE INTO document_tags (document_id, tag) VALUES ${Array.from({ length: n * 2 }, () => '(?, ?)').join(', ')}`,
        args: tags,
      });
    }
    await tx.execute({
      sql: `INSERT INTO document_fts (rowid, title, description, tags, names, body)
            SELECT d.id, concat_ws(' ', d.title_es, d.title_en), '', (SELECT group_concat(t.tag, ' ') FROM document_tags t WHERE t.document_id = d.id),
              (SELECT group_concat(v.file_name, ' ') FROM document_versions v WHERE v.document_id = d.id), NULL
            FROM documents d WHERE d.id >= ?`,
      args: [first],
    });
    await tx.commit();
    await db.execute('ANALYZE');
  } finally {
    db.close();
  }
}

// ---- uploads and downloads over HTTP ----

/** A PDF of `bytes` bytes (an image-like binary stream), different each time so nothing is deduplicated. */
function pdfOfSize(path: string, bytes: number): void {
  const head = Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n3 0 obj\n<< /Length ${bytes} >>\nstream\n`,
    'latin1',
  );
  const tail = Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
  const body = Buffer.alloc(Math.max(0, bytes - head.length - tail.length), 0x20);
  // Random blocks spread through the body: realistic for the hash, no two files alike.
  for (let at = 0; at + 4096 <= body.length; at += 64 * 1024) randomBytes(4096).copy(body, at);
  writeFileSync(path, Buffer.concat([head, body, tail]));
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU time the server process has used so far (all its threads), in milliseconds. */
function cpuMsOf(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): user and system time in clock ticks (100 per second).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Transfer {
  seconds: number;
  bytes: number;
  peakRssGrowth: number;
}

/**
 * Waits until the server has finished what the transfers left it to do after answering (text
 * extraction of uploads, in its worker thread at low priority): until no stored file waits for its
 * text, and then its CPU time stands still for 300 ms.
 */
async function settle(pid: number): Promise<void> {
  const db = createClient({ url: seeded.databaseUrl });
  try {
    while (Number((await db.execute("SELECT count(*) AS n FROM blobs WHERE text_state = 'pending'")).rows[0]?.n ?? 0) > 0)
      await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    db.close();
  }
  for (let last = cpuMsOf(pid); ;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = cpuMsOf(pid);
    if (now - last <= 10) return;
    last = now;
  }
}

/**
 * Runs a series of transfers and the server CPU they cost: a figure the machine's load changes far
 * less than time. `cpuMs` counts each transfer until it is answered; `totalCpuMs` also what the
 * series left behind (text extraction), counted until the server is idle again.
 */
async function series<T extends Transfer>(
  pid: number,
  count: number,
  one: (i: number) => Promise<T>,
): Promise<{ runs: T[]; cpuMs: number; totalCpuMs: number }> {
  const runs: T[] = [];
  let cpu = 0;
  await settle(pid);
  const start = cpuMsOf(pid);
  for (let i = 0; i < count; i++) {
    const before = cpuMsOf(pid);
    runs.push(await one(i));
    cpu += cpuMsOf(pid) - before;
  }
  await settle(pid);
  return { runs, cpuMs: cpu / count, totalCpuMs: (cpuMsOf(pid) - start) / count };
}

/** One upload of `path` through the library form, streamed from disk; samples the server's RSS meanwhile. */
async function upload(baseUrl: string, cookie: string, pid: number, path: string, size: number): Promise<Transfer & { id: number }> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const fields = {
    language: 'es',
    documentType: 'trace_result',
    handlingCode: 'H1',
    scope: 'agencies',
    scopeAgencies: 'FGR',
    versionPolicy: 'owner',
  };
  const head = Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL('/es/documents/new', baseUrl);
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 5);
  const t0 = performance.now();
  const location = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          cookie,
          origin: baseUrl,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 303 ? resolve(res.headers.location ?? '') : reject(new Error(`upload answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path, { highWaterMark: 256 * 1024 });
    file.on('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(pid));
  const id = Number(/\/documents\/(\d+)/.exec(location)?.[1]);
  if (!id) throw new Error(`upload redirected to ${location}`);
  return { id, seconds, bytes: size, peakRssGrowth: peak - before };
}

async function download(baseUrl: string, cookie: string, pid: number, id: number): Promise<Transfer> {
  const before = rssOf(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 5);
  const t0 = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    http
      .get(new URL(`/es/documents/${id}/download`, baseUrl), { headers: { cookie } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  return { seconds, bytes, peakRssGrowth: Math.max(peak, rssOf(pid)) - before };
}

function summarise(
  label: string,
  { runs, cpuMs, totalCpuMs }: { runs: Transfer[]; cpuMs: number; totalCpuMs: number },
  budgetMbPerS: number,
  rssBudget?: number,
): boolean {
  const rates = runs.map((r) => r.bytes / MB / r.seconds).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  const rss = Math.max(...runs.map((r) => r.peakRssGrowth)) / MB;
  const okRate = median >= budgetMbPerS;
  const okRss = rssBudget === undefined || rss < rssBudget;
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(0).padStart(5)} MB/s  (min ${rates[0]!.toFixed(0)}, max ${rates.at(-1)!.toFixed(0)}; ${runs.length} runs)` +
      `  server RSS +${rss.toFixed(1)} MB at peak, CPU ${cpuMs.toFixed(0)} ms each (${totalCpuMs.toFixed(0)} ms with the work left after answering)   ${verdict(okRate && okRss)}`,
  );
  return okRate && okRss;
}

// ---- the run ----

ensureBuild();
console.log(`Load average at start: ${loadNow()} (${cpus().length} cores)`);
const work = mkdtempSync(join(tmpdir(), 'armas-bench-docs-'));
const seeded = await seedTestDatabase({ DEMO_SEIZURES: '200', UPLOAD_MAX_MB: String(Math.max(LARGE_MB + 1, 50)) });
const t0 = performance.now();
await addDocuments(seeded.databaseUrl, DOCUMENTS);
console.log(`${DOCUMENTS.toLocaleString('en-US')} documents written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const serverEnv = PROFILE_DIR ? { ...seeded.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : seeded.env;
const server = await launchServer(serverEnv, { readyPath: '/es/', readyStatus: (s) => s === 200, cleanup: seeded.cleanup });
let allOk = true;
try {
  const pid = server.child.pid!;
  const fgr = new HttpClient(server.baseUrl);
  await fgr.signIn('analyst.fgr@demo.test', TEST_PASSWORD);
  const fgrCookie = `ac_session=${fgr.cookies.get('ac_session')}`;
  const atf = new HttpClient(server.baseUrl);
  await atf.signIn('agent.atf@demo.test', TEST_PASSWORD);
  const atfCookie = `ac_session=${atf.cookies.get('ac_session')}`;

  // Library pages: one reader at a time (latency, the budget) and 10 at once (throughput).
  const pages = [
    { label: 'library, shared with me', path: '/es/documents?tab=shared' },
    { label: 'library, filtered by type', path: '/es/documents?tab=shared&type=seizure_list' },
    { label: 'library, page 40', path: '/es/documents?tab=shared&page=40' },
    { label: 'library, words "rastreo"', path: '/es/documents?tab=shared&q=rastreo' },
  ];
  for (const concurrency of PARTS.has('library') ? [1, 10] : []) {
    console.log(`\n${concurrency} connection(s), ${SECONDS} s each, as FGR (load ${loadNow()}):`);
    const base = await load(`${server.baseUrl}/healthz`, { concurrency, seconds: SECONDS });
    printLoad('bare page /healthz (baseline)', base);
    for (const p of pages) {
      // Warm the page (and check it answers) before measuring.
      const warm = await fgr.get(p.path);
      if (warm.status !== 200) throw new Error(`${p.path} answered ${warm.status}`);
      await warm.text();
      const r = await load(`${server.baseUrl}${p.path}`, { concurrency, seconds: SECONDS, headers: { cookie: fgrCookie } });
      printLoad(p.label, r);
      const ok = r.errors === 0 && (concurrency > 1 || r.p95 <= 50);
      if (concurrency === 1)
        console.log(
          `${''.padEnd(34)} p95 budget 50 ms: ${verdict(ok)}   (${((r.rps / base.rps) * 100).toFixed(1)} % of /healthz throughput)`,
        );
      if (!ok) allOk = false;
    }
  }

  if (PARTS.has('transfers')) {
    console.log(`\nUploads and downloads as ATF, local disk store (load ${loadNow()}):`);
    // The same run's baseline: what a bare request costs on this machine right now.
    printLoad('bare page /healthz (baseline)', await load(`${server.baseUrl}/healthz`, { concurrency: 1, seconds: Math.min(SECONDS, 3) }));
    const small = join(work, 'small.pdf');
    const large = join(work, 'large.pdf');
    // A warm-up upload: the first one loads code the others do not.
    pdfOfSize(small, MB);
    await upload(server.baseUrl, atfCookie, pid, small, MB);
    const smallUps = await series(pid, SMALL_UPLOADS, () => {
      pdfOfSize(small, MB);
      return upload(server.baseUrl, atfCookie, pid, small, MB);
    });
    allOk = summarise('upload 1 MB', smallUps, 100) && allOk;
    const largeUps = await series(pid, LARGE_UPLOADS, () => {
      pdfOfSize(large, LARGE_MB * MB);
      return upload(server.baseUrl, atfCookie, pid, large, LARGE_MB * MB);
    });
    allOk = summarise(`upload ${LARGE_MB} MB`, largeUps, 100, 64) && allOk;
    const smallDowns = await series(pid, smallUps.runs.length, (i) => download(server.baseUrl, fgrCookie, pid, smallUps.runs[i]!.id));
    allOk = summarise('download 1 MB', smallDowns, 100) && allOk;
    const largeDowns = await series(pid, largeUps.runs.length, (i) => download(server.baseUrl, fgrCookie, pid, largeUps.runs[i]!.id));
    allOk = summarise(`download ${LARGE_MB} MB`, largeDowns, 100, 64) && allOk;
    const uploadTimes = smallUps.runs.map((u) => u.seconds * 1000).sort((a, b) => a - b);
    console.log(`upload 1 MB latency: p50 ${percentile(uploadTimes, 50).toFixed(1)} ms, p95 ${percentile(uploadTimes, 95).toFixed(1)} ms`);
    const downloadTimes = smallDowns.runs.map((d) => d.seconds * 1000).sort((a, b) => a - b);
    console.log(
      `download 1 MB latency: p50 ${percentile(downloadTimes, 50).toFixed(1)} ms, p95 ${percentile(downloadTimes, 95).toFixed(1)} ms`,
    );
  }
  console.log(`\nLoad average at end: ${loadNow()}`);
  console.log(allOk ? 'all figures within budget' : 'some figures are over budget (see above; a busy machine slows every figure)');
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
