// npm run bench:content — DESIGN budget: a bulletin page served at >= 50 % of the throughput of a
// bare Astro SSR page (/healthz: no database, no layout), measured in the same run.
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { startServer } from '#tests/helpers/start-server.ts';
import { load, printLoad } from './load.ts';

ensureBuild();
const server = await startServer();
try {
  const url = (p: string) => `${server.baseUrl}${p}`;
  await load(url('/es/bulletins/declaracion-de-principios-fiscales'), { concurrency: 4, seconds: 1 });
  const bare = await load(url('/healthz'), { concurrency: 20, seconds: 5 });
  printLoad('bare SSR page /healthz', bare);
  const bulletin = await load(url('/es/bulletins/declaracion-de-principios-fiscales'), { concurrency: 20, seconds: 5 });
  printLoad('bulletin page (es)', bulletin);
  const protocol = await load(url('/en/protocols/rastreo-armas-v2'), { concurrency: 20, seconds: 5 });
  printLoad('long protocol page (en)', protocol);
  const list = await load(url('/es/bulletins'), { concurrency: 20, seconds: 5 });
  printLoad('bulletin index (es)', list);
  const ratio = bulletin.rps / bare.rps;
  console.log(`bulletin / bare throughput: ${(ratio * 100).toFixed(0)} % (budget >= 50 %) ${ratio >= 0.5 ? 'OK' : 'OVER BUDGET'}`);
} finally {
  await server.stop();
}
