/** A small closed-loop HTTP load generator (keep-alive, N concurrent clients, fixed duration). */
import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function load(
  url: string,
  opts: { concurrency: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + opts.seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get(url, { agent, headers: opts.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

export function printLoad(label: string, r: LoadResult): void {
  console.log(
    `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(1)} ms   p95 ${r.p95.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   (${r.requests} requests, ${r.errors} errors)`,
  );
}

export interface Scenario {
  label: string;
  path: string;
  /** Sign in as this demo account first and send its session cookie. */
  as?: string;
}

/**
 * The same scenarios against the same database served by one process and by one per core
 * (WEB_CONCURRENCY), each beside the bare /healthz page of the same run, printed side by side.
 */
export async function compareProcesses(scenarios: Scenario[], { concurrency = 20, seconds = 5, extraEnv = {} } = {}) {
  const { seedTestDatabase, launchServer, TEST_PASSWORD } = await import('#tests/helpers/start-server.ts');
  const { HttpClient } = await import('#tests/helpers/http.ts');
  const { availableParallelism, loadavg } = await import('node:os');
  const cores = availableParallelism();
  const database = await seedTestDatabase(extraEnv);
  const rows: { label: string; results: LoadResult[] }[] = [
    { label: 'bare SSR page /healthz', results: [] },
    ...scenarios.map((s) => ({ label: s.label, results: [] as LoadResult[] })),
  ];
  try {
    for (const workers of [1, cores]) {
      const server = await launchServer(
        { ...database.env, WEB_CONCURRENCY: String(workers), LOG_LEVEL: 'warn' },
        { readyPath: '/es/', readyStatus: (s) => s === 200 },
      );
      try {
        const cookies = new Map<string, string>();
        for (const s of scenarios) {
          if (!s.as || cookies.has(s.as)) continue;
          const client = new HttpClient(server.baseUrl, database.databaseUrl);
          await client.signIn(s.as, TEST_PASSWORD);
          cookies.set(s.as, `ac_session=${client.cookies.get('ac_session')}`);
        }
        // Warm-up: every process loads its modules before the figures start.
        await load(`${server.baseUrl}/es/`, { concurrency: workers * 4, seconds: 2 });
        rows[0]?.results.push(await load(`${server.baseUrl}/healthz`, { concurrency, seconds }));
        for (const [i, s] of scenarios.entries()) {
          const cookie = s.as ? cookies.get(s.as) : undefined;
          rows[i + 1]?.results.push(await load(`${server.baseUrl}${s.path}`, { concurrency, seconds, headers: cookie ? { cookie } : {} }));
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    database.cleanup();
  }
  const cell = (r: LoadResult | undefined) =>
    r ? `${r.rps.toFixed(0).padStart(5)} req/s p50 ${r.p50.toFixed(0).padStart(4)} p99 ${r.p99.toFixed(0).padStart(5)} ms` : '';
  console.log(
    `\n${concurrency} keep-alive connections, ${seconds} s each; ${cores} cores; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`${''.padEnd(34)} ${'1 process'.padEnd(36)} ${cores} processes (WEB_CONCURRENCY)`);
  for (const row of rows) {
    const [one, many] = row.results;
    const gain = one && many ? `  x${(many.rps / one.rps).toFixed(2)}` : '';
    const errors = row.results.reduce((n, r) => n + r.errors, 0);
    console.log(`${row.label.padEnd(34)} ${cell(one).padEnd(36)} ${cell(many)}${gain}${errors ? `  (${errors} errors)` : ''}`);
  }
}
