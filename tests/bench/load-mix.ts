// npm run bench:load — the portal under a crowd of signed-in members of several agencies.
//
// Starts the built portal on a temporary demo database (INTERNAL_METRICS on), signs in members of
// six agencies, and drives a fixed mix of pages (home, bulletins, seizure searches with and without
// facets, dashboard, requests, a request, glossary, protocols, notifications, a seizure, a CSV
// export) at 10, 50 and 100 connections with autocannon on loopback. Per level it prints
// requests/s, p50/p95/p99/max, errors, the server's RSS before / peak / 30 s after (from /proc,
// every server process), and the event-loop delay p99 measured inside the server
// (perf_hooks.monitorEventLoopDelay via /internal/metrics.json), beside the bare /healthz
// throughput of the same run and the machine's load average.
//
//   npm run bench:load [-- --seconds 20 --levels 10,50,100 --settle 30 --seizures 3000 --processes N --pages]
//   DATABASE_URL=file:… npm run bench:load -- --url http://127.0.0.1:4408 [--password …]
//     (a server already running with INTERNAL_METRICS=1; DATABASE_URL is its database, read for the
//     editor's second factor)
import type { EventEmitter } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { startServer, TEST_PASSWORD } from '#tests/helpers/start-server.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { percentile } from './load.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    levels: { type: 'string', default: '10,50,100' },
    settle: { type: 'string', default: '30' },
    seizures: { type: 'string', default: '3000' },
    processes: { type: 'string' },
    pages: { type: 'boolean', default: false },
    // Server CPU per request of each page of the mix, one request at a time (then the levels as usual).
    'page-cpu': { type: 'string' },
    // With --page-cpu: only the pages whose name contains this (to profile one page).
    only: { type: 'string' },
    // Drive a server that is already running (for profiling): its demo accounts' password.
    url: { type: 'string' },
    password: { type: 'string', default: TEST_PASSWORD },
  },
});
const SECONDS = Math.min(300, Math.max(3, Number(args.seconds)));
// Bounded: loopback only, at most 200 connections.
const LEVELS = args.levels
  .split(',')
  .map(Number)
  .filter((n) => n > 0 && n <= 200);
// (--levels 0 with --page-cpu: no levels, see below)
const SETTLE = Math.min(120, Math.max(0, Number(args.settle)));

/** Members of several agencies, each in their own language. */
const USERS = [
  { email: 'analyst.fgr@demo.test', lang: 'es' },
  { email: 'agent.atf@demo.test', lang: 'en' },
  { email: 'analyst.sedena@demo.test', lang: 'es' },
  { email: 'agent.hsi@demo.test', lang: 'en' },
  { email: 'fiscal.gt@demo.test', lang: 'es' },
  { email: 'editor.sspc@demo.test', lang: 'es' },
  { email: 'moderator.cbp@demo.test', lang: 'en' },
] as const;

/** The server under load: its address and the pid at the top of its processes. */
interface Target {
  baseUrl: string;
  /** Its database: signing in a demo account with a second factor reads the last TOTP step used. */
  databaseUrl: string | undefined;
  pid: number;
  stop: () => Promise<unknown>;
}

interface Page {
  name: string;
  path: string;
}

// ---------------------------------------------------------------- server process figures

/** The server's pid and every process below it (a process per core). */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of parents.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Rss {
  total: number;
  /** The largest single process (the per-process budget). */
  largest: number;
  processes: number;
}

function serverRss(root: number): Rss {
  const list = processTree(root).map(rssMb);
  return { total: list.reduce((a, b) => a + b, 0), largest: Math.max(0, ...list), processes: list.length };
}

/** Samples the server's RSS every 200 ms until stopped; returns the peak. */
function rssSampler(root: number): { stop: () => Rss } {
  let peak: Rss = serverRss(root);
  const timer = setInterval(() => {
    const now = serverRss(root);
    peak = { total: Math.max(peak.total, now.total), largest: Math.max(peak.largest, now.largest), processes: now.processes };
  }, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/**
 * CPU time (user + system, ms) used so far by the server's processes: per request it is the figure
 * a busy shared machine distorts least (wall-clock latencies count time the server waited for a core).
 */
function serverCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat (the 12th and 13th after the name), in 1/100 s.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks * 10;
}

interface ProcessMetrics {
  pid: number;
  eventLoopDelay: { p50: number; p99: number; max: number } | null;
  eventLoopCpuBlock?: { p99: number; max: number } | null;
}

/**
 * Reads /internal/metrics.json from every server process: a fresh connection each time, so with a
 * process per core the connections are spread over the workers until each one has answered.
 */
async function metricsOfAll(server: Target, reset: boolean): Promise<ProcessMetrics[]> {
  const pids = processTree(server.pid);
  const expected = Math.max(1, pids.length - (pids.length > 1 ? 1 : 0));
  const seen = new Map<number, ProcessMetrics>();
  for (let attempt = 0; attempt < expected * 12 && seen.size < expected; attempt++) {
    const res = await fetch(`${server.baseUrl}/internal/metrics.json${reset ? '?reset=1' : ''}`, { headers: { connection: 'close' } });
    if (!res.ok) throw new Error(`/internal/metrics.json answered ${res.status}: is INTERNAL_METRICS on?`);
    const m = (await res.json()) as ProcessMetrics;
    if (!seen.has(m.pid)) seen.set(m.pid, m);
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------- load

interface LevelResult {
  connections: number;
  rps: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  byPage: Map<string, number[]>;
}

async function drive(
  baseUrl: string,
  connections: number,
  seconds: number,
  mixes: { cookie: string; pages: Page[] }[],
): Promise<LevelResult> {
  const latencies: number[] = [];
  const byPage = new Map<string, number[]>();
  let errors = 0;
  let next = 0;
  const first = mixes[0]!;
  // Without a callback autocannon returns its instance, an event emitter that is also a promise of the result.
  const instance = autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    timeout: 30,
    // Each connection is one signed-in member going round the whole mix in their language.
    requests: first.pages.map((p) => ({ method: 'GET', path: p.path, headers: { cookie: first.cookie } })),
    setupClient: (client) => {
      const n = next++;
      const mix = mixes[n % mixes.length]!;
      // Each connection starts at another page of the mix, so a short run still covers every page.
      const start = (n * 5) % mix.pages.length;
      const pages = [...mix.pages.slice(start), ...mix.pages.slice(0, start)];
      // As a browser asks: the server compresses pages (Brotli or gzip), which is part of their cost.
      const headers = { cookie: mix.cookie, 'accept-encoding': 'gzip, deflate, br' };
      client.setRequests(pages.map((p) => ({ method: 'GET', path: p.path, headers, name: p.name })));
    },
  }) as unknown as EventEmitter & Promise<autocannon.Result>;
  const events: EventEmitter = instance;
  events.on('response', (client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (status >= 400) errors++;
    const name = (client as { requestIterator?: { currentRequest?: { name?: string } } }).requestIterator?.currentRequest?.name;
    if (name) byPage.set(name, [...(byPage.get(name) ?? []), ms]);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  for (const list of byPage.values()) list.sort((a, b) => a - b);
  return {
    connections,
    rps: latencies.length / seconds,
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    errors: errors + result.errors + result.timeouts,
    byPage,
  };
}

async function single(baseUrl: string, path: string, connections: number, seconds: number, cookie?: string) {
  const r = await autocannon({ url: `${baseUrl}${path}`, connections, duration: seconds, headers: cookie ? { cookie } : {} });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

// ---------------------------------------------------------------- the run

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function existingServer(baseUrl: string): Promise<Target> {
  const res = await fetch(`${baseUrl}/internal/metrics.json`);
  if (!res.ok) throw new Error(`${baseUrl}/internal/metrics.json answered ${res.status}: start the server with INTERNAL_METRICS=1`);
  const { pid } = (await res.json()) as { pid: number };
  // With a process per core the answering worker's parent is the server.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  const parentCmd = readFileSync(`/proc/${ppid}/cmdline`, 'utf8');
  const root = parentCmd.includes('serve.ts') || parentCmd.includes('entry.mjs') ? ppid : pid;
  return { baseUrl, databaseUrl: process.env.DATABASE_URL, pid: root, stop: async () => {} };
}

const processes = args.processes;
if (!args.url) ensureBuild();
async function startedServer(): Promise<Target> {
  const started = await startServer({
    INTERNAL_METRICS: '1',
    DEMO_SEIZURES: args.seizures,
    ...(processes ? { WEB_CONCURRENCY: processes } : {}),
  });
  return { baseUrl: started.baseUrl, databaseUrl: started.databaseUrl, pid: started.child.pid ?? 0, stop: started.stop };
}
const server = args.url ? await existingServer(args.url.replace(/\/$/, '')) : await startedServer();
try {
  const base = server.baseUrl;
  console.log(
    `bench:load — ${cpus().length} cores, load average ${load()}, ${args.seizures} demo seizures, ` +
      `${serverRss(server.pid).processes} server process(es), ${SECONDS} s per level, ${SETTLE} s settle`,
  );

  // Sign in, and find a seizure and a request each member may open.
  const mixes: { cookie: string; pages: Page[] }[] = [];
  for (const user of USERS) {
    const client = new HttpClient(base, server.databaseUrl);
    const res = await client.signIn(user.email, args.password, user.lang);
    if (res.status !== 303 && res.status !== 302) throw new Error(`sign-in of ${user.email} answered ${res.status}`);
    const cookie = `ac_session=${client.cookies.get('ac_session')}`;
    const l = user.lang;
    const seizureHtml = await (await client.get(`/${l}/seizures?state=MX-JAL`)).text();
    const seizureId = new RegExp(`/${l}/seizures/(\\d+)`).exec(seizureHtml)?.[1];
    const requestHtml = await (await client.get(`/${l}/requests`)).text();
    const requestId = new RegExp(`/${l}/requests/(\\d+)`).exec(requestHtml)?.[1];
    const pages: Page[] = [
      { name: 'home', path: `/${l}/` },
      { name: 'bulletins', path: `/${l}/bulletins` },
      { name: 'bulletin', path: `/${l}/bulletins/declaracion-de-principios-fiscales` },
      { name: 'seizures', path: `/${l}/seizures` },
      { name: 'seizures ?q', path: `/${l}/seizures?q=${l === 'es' ? 'fusil' : 'rifle'}` },
      { name: 'seizures ?q+facets', path: `/${l}/seizures?q=${l === 'es' ? 'pistola' : 'pistol'}&state=MX-TAM&type=pistol&calibre=9mm` },
      { name: 'dashboard', path: `/${l}/seizures/dashboard` },
      { name: 'requests', path: `/${l}/requests` },
      ...(requestId ? [{ name: 'request', path: `/${l}/requests/${requestId}` }] : []),
      { name: 'glossary', path: `/${l}/glossary` },
      { name: 'protocols', path: `/${l}/protocols` },
      { name: 'notifications', path: `/${l}/notifications` },
      ...(seizureId ? [{ name: 'seizure', path: `/${l}/seizures/${seizureId}` }] : []),
      { name: 'export.csv', path: `/${l}/seizures/export.csv?state=MX-JAL` },
    ];
    // Every page of the mix must answer 200 for this member before it counts.
    for (const p of pages) {
      const r = await client.get(p.path);
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${user.email}: ${p.path} answered ${r.status}`);
    }
    mixes.push({ cookie, pages });
  }
  console.log(`signed in: ${USERS.map((u) => u.email.split('@')[0]).join(', ')}`);

  if (args['page-cpu']) {
    const rounds = Math.max(1, Number(args['page-cpu']));
    console.log(`server CPU per request, one at a time, ${rounds} rounds of every page for two members (es, en):`);
    const rows: [string, number, number][] = [];
    for (const [i, page] of mixes[0]!.pages.entries()) {
      if (args.only && !page.name.includes(args.only)) continue;
      let cpu = 0;
      let bytes = 0;
      for (const mix of [mixes[0]!, mixes[1]!]) {
        const path = mix.pages[i]!.path;
        const get = async () =>
          (await fetch(`${base}${path}`, { headers: { cookie: mix.cookie, 'accept-encoding': 'gzip, deflate, br' } })).arrayBuffer();
        bytes += (await get()).byteLength / 2;
        const before = serverCpuMs(server.pid);
        for (let r = 0; r < rounds; r++) await get();
        cpu += serverCpuMs(server.pid) - before;
      }
      rows.push([page.name, cpu / (2 * rounds), bytes]);
    }
    for (const [name, ms, kb] of rows.sort((a, b) => b[1] - a[1]))
      console.log(`        ${name.padEnd(20)} ${fmt(ms, 1).padStart(6)} ms  (${fmt(kb / 1024)} KB uncompressed)`);
    console.log(`        mean of the mix      ${fmt(rows.reduce((a, r) => a + r[1], 0) / rows.length, 1).padStart(6)} ms\n`);
    // --levels 0: the page figures only (a profile of the pages alone).
    if (!LEVELS.length) {
      await server.stop();
      process.exit(0);
    }
  }

  // Warm-up (module loading, first queries) before the idle figure.
  await drive(base, 4, 3, mixes);
  await sleep(2000);
  const idle = serverRss(server.pid);

  // The bare page of the same run.
  const bare = await single(base, '/healthz', 50, 5);
  console.log(`bare /healthz (50 connections, 5 s): ${fmt(bare.rps)} req/s, p99 ${fmt(bare.p99)} ms, ${bare.errors} errors`);
  console.log(`server RSS idle after warm-up: ${fmt(idle.total)} MB (largest process ${fmt(idle.largest)} MB)\n`);

  console.log(
    'conns   req/s  %bare    p50    p95    p99     max  errors | RSS MB before  peak  +30s | ELD p99/max ms | loop CPU p99/max | CPU ms/req | load',
  );
  const results: {
    level: LevelResult;
    before: Rss;
    peak: Rss;
    after: Rss;
    eld: { p99: number; max: number; cpuP99: number; cpuMax: number };
  }[] = [];
  for (const connections of LEVELS) {
    const before = serverRss(server.pid);
    await metricsOfAll(server, true);
    const sampler = rssSampler(server.pid);
    const cpuBefore = serverCpuMs(server.pid);
    const level = await drive(base, connections, SECONDS, mixes);
    const cpuPerRequest = (serverCpuMs(server.pid) - cpuBefore) / Math.max(1, level.requests);
    const peak = sampler.stop();
    const metrics = await metricsOfAll(server, true);
    const eld = {
      p99: Math.max(0, ...metrics.map((m) => m.eventLoopDelay?.p99 ?? 0)),
      max: Math.max(0, ...metrics.map((m) => m.eventLoopDelay?.max ?? 0)),
      cpuP99: Math.max(0, ...metrics.map((m) => m.eventLoopCpuBlock?.p99 ?? 0)),
      cpuMax: Math.max(0, ...metrics.map((m) => m.eventLoopCpuBlock?.max ?? 0)),
    };
    const loadNow = load();
    await sleep(SETTLE * 1000);
    const after = serverRss(server.pid);
    results.push({ level, before, peak, after, eld });
    console.log(
      [
        fmt(connections).padStart(5),
        fmt(level.rps).padStart(7),
        `${fmt((level.rps / bare.rps) * 100)}%`.padStart(6),
        fmt(level.p50).padStart(6),
        fmt(level.p95).padStart(6),
        fmt(level.p99).padStart(6),
        fmt(level.max).padStart(7),
        fmt(level.errors).padStart(7),
        '|',
        fmt(before.largest).padStart(12),
        fmt(peak.largest).padStart(5),
        fmt(after.largest).padStart(5),
        '|',
        `${fmt(eld.p99)}/${fmt(eld.max)}`.padStart(14),
        '|',
        `${fmt(eld.cpuP99)}/${fmt(eld.cpuMax)}`.padStart(16),
        '|',
        fmt(cpuPerRequest, 1).padStart(10),
        '|',
        loadNow,
      ].join(' '),
    );
    if (args.pages || connections === 50) {
      for (const [name, list] of [...level.byPage].sort((a, b) => percentile(b[1], 95) - percentile(a[1], 95))) {
        console.log(
          `        ${name.padEnd(20)} n=${String(list.length).padStart(5)}  p50 ${fmt(percentile(list, 50)).padStart(5)}  p95 ${fmt(percentile(list, 95)).padStart(5)}  p99 ${fmt(percentile(list, 99)).padStart(5)}  max ${fmt(list.at(-1) ?? 0).padStart(5)} ms`,
        );
      }
    }
  }
  if (results.some((r) => r.before.processes > 1))
    console.log(
      `(RSS columns: the largest process; totals over ${results[0]?.before.processes} processes: ${results.map((r) => `${fmt(r.peak.total)} MB peak at ${r.level.connections}`).join(', ')})`,
    );

  // Content pages against the bare page, same run (DESIGN: bulletin >= 70 % aim).
  const homeCookie = mixes[0]!.cookie;
  const bare20 = await single(base, '/healthz', 20, 5);
  const bulletin = await single(base, '/es/bulletins/declaracion-de-principios-fiscales', 20, 5);
  const home = await single(base, '/es/', 20, 5, homeCookie);
  console.log(
    `\ncontent pages, 20 connections, 5 s: /healthz ${fmt(bare20.rps)} req/s; bulletin ${fmt(bulletin.rps)} req/s = ${fmt((bulletin.rps / bare20.rps) * 100)} % of bare; ` +
      `signed-in home ${fmt(home.rps)} req/s = ${fmt((home.rps / bare20.rps) * 100)} % of bare`,
  );

  // The budgets of issue 15, judged at 50 connections.
  const at50 = results.find((r) => r.level.connections === 50);
  if (at50) {
    const check = (ok: boolean) => (ok ? 'ok' : 'OVER');
    console.log('\nbudgets at 50 connections:');
    console.log(`  RSS peak per process ${fmt(at50.peak.largest)} MB <= 250 MB: ${check(at50.peak.largest <= 250)}`);
    console.log(
      `  RSS 30 s after ${fmt(at50.after.largest)} MB within 20 % of idle ${fmt(idle.largest)} MB: ${check(at50.after.largest <= idle.largest * 1.2)}`,
    );
    console.log(
      `  event-loop delay p99 ${fmt(at50.eld.p99)} ms <= 50 ms: ${check(at50.eld.p99 <= 50)} (main-thread CPU between 10 ms ticks, p99: ${fmt(at50.eld.cpuP99)} ms)`,
    );
    console.log(
      `  p99 ${fmt(at50.level.p99)} ms <= 500 ms: ${check(at50.level.p99 <= 500)}; max ${fmt(at50.level.max)} ms <= 2000 ms: ${check(at50.level.max <= 2000)}`,
    );
    console.log(`  errors: ${at50.level.errors}`);
  }
  console.log(`  bulletin / bare ${fmt((bulletin.rps / bare20.rps) * 100)} % >= 70 %: ${bulletin.rps / bare20.rps >= 0.7 ? 'ok' : 'OVER'}`);
  console.log(`load average at the end: ${load()}`);
} finally {
  await server.stop();
}
