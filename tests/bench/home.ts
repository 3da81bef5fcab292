// npm run bench:home — a quick load test of the home page (visitor and signed-in member) on the
// built server with the demo data, 20 concurrent keep-alive clients for 5 s each.
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { startServer, TEST_PASSWORD } from '#tests/helpers/start-server.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { load, printLoad } from './load.ts';

ensureBuild();
const server = await startServer();
try {
  const client = new HttpClient(server.baseUrl);
  await client.signIn('analyst.fgr@demo.test', TEST_PASSWORD);
  const cookie = `ac_session=${client.cookies.get('ac_session')}`;
  // Warm-up so the first-request cost (module loading) is not in the figures.
  await load(`${server.baseUrl}/es/`, { concurrency: 4, seconds: 1 });
  printLoad('home /es/ (visitor)', await load(`${server.baseUrl}/es/`, { concurrency: 20, seconds: 5 }));
  printLoad('home /es/ (signed-in member)', await load(`${server.baseUrl}/es/`, { concurrency: 20, seconds: 5, headers: { cookie } }));
} finally {
  await server.stop();
}
