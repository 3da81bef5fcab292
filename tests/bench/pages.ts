// npm run bench:pages — Lighthouse 12 (mobile: simulated slow 4G and 4x CPU slowdown, its default)
// on the main pages of the built server with the demo data, beside the bare /healthz page of the
// same run. DESIGN budget: performance >= 95 and accessibility 100 on each page.
// `npm run bench:pages -- --runs 5` takes the median of five runs per page (default 3).
import { loadavg } from 'node:os';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { CHROMIUM } from '#tests/helpers/browser.ts';
import { HttpClient } from '#tests/helpers/http.ts';
import { startServer, TEST_PASSWORD } from '#tests/helpers/start-server.ts';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;

interface Score {
  performance: number;
  accessibility: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  bytes: number;
  failed: string[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

ensureBuild();
const server = await startServer();
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const client = new HttpClient(server.baseUrl, server.databaseUrl);
  await client.signIn('analyst.fgr@demo.test', TEST_PASSWORD);
  // The member's session goes into Chromium's own cookie store (Lighthouse keeps cookies between
  // runs). A Cookie header through Lighthouse's extraHeaders was dropped once a page set a cookie of
  // its own (the reader's time zone), and the member pages then ended at the sign-in form.
  let memberCookieSet = false;
  const useMemberSession = async () => {
    if (memberCookieSet) return;
    const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
    const [context] = cdp.contexts();
    if (!context) throw new Error('Chromium has no default browser context');
    await context.addCookies([{ name: 'ac_session', value: client.cookies.get('ac_session') ?? '', url: server.baseUrl }]);
    await cdp.close();
    memberCookieSet = true;
  };
  const pages: { label: string; path: string; member: boolean }[] = [
    { label: 'bare page /healthz', path: '/healthz', member: false },
    { label: 'home /es/', path: '/es/', member: false },
    { label: 'bulletin /es/bulletins/…', path: '/es/bulletins/declaracion-de-principios-fiscales', member: false },
    { label: 'glossary /en/glossary', path: '/en/glossary', member: false },
    { label: 'seizure search /es/seizures', path: '/es/seizures', member: true },
    { label: 'dashboard /es/seizures/dashboard', path: '/es/seizures/dashboard', member: true },
  ];
  console.log(
    `Lighthouse mobile, median of ${runs} run(s) per page; load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('page'.padEnd(36), 'perf', ' a11y', '   FCP ms', '   LCP ms', ' TBT ms', '  CLS', '   bytes');
  let allOk = true;
  // Visitor pages come first in the list: once the member's cookie is set, every page is signed in.
  for (const { label, path, member } of pages) {
    if (member) await useMemberSession();
    const scores: Score[] = [];
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(`${server.baseUrl}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
      // A member page that redirected to the sign-in form would measure the wrong page.
      if (new URL(result.lhr.finalDisplayedUrl).pathname !== new URL(path, server.baseUrl).pathname)
        throw new Error(`${path} ended at ${result.lhr.finalDisplayedUrl}`);
      const { categories, audits } = result.lhr;
      const numeric = (id: string) => audits[id]?.numericValue ?? Number.NaN;
      scores.push({
        performance: Math.round((categories.performance?.score ?? 0) * 100),
        accessibility: Math.round((categories.accessibility?.score ?? 0) * 100),
        fcp: numeric('first-contentful-paint'),
        lcp: numeric('largest-contentful-paint'),
        tbt: numeric('total-blocking-time'),
        cls: numeric('cumulative-layout-shift'),
        bytes: numeric('total-byte-weight'),
        failed: Object.values(audits)
          .filter((a) => a.score === 0 && (categories.accessibility?.auditRefs ?? []).some((r) => r.id === a.id))
          .map((a) => a.id),
      });
    }
    const perf = median(scores.map((s) => s.performance));
    const a11y = median(scores.map((s) => s.accessibility));
    const isBaseline = path === '/healthz';
    const ok = isBaseline || (perf >= 95 && a11y === 100);
    if (!ok) allOk = false;
    console.log(
      label.padEnd(36),
      String(perf).padStart(4),
      String(a11y).padStart(5),
      median(scores.map((s) => s.fcp))
        .toFixed(0)
        .padStart(9),
      median(scores.map((s) => s.lcp))
        .toFixed(0)
        .padStart(9),
      median(scores.map((s) => s.tbt))
        .toFixed(0)
        .padStart(7),
      median(scores.map((s) => s.cls))
        .toFixed(3)
        .padStart(6),
      median(scores.map((s) => s.bytes))
        .toFixed(0)
        .padStart(8),
      isBaseline ? '(baseline)' : ok ? 'OK' : 'UNDER BUDGET',
      [...new Set(scores.flatMap((s) => s.failed))].join(' '),
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(allOk ? 'all pages within budget (performance >= 95, accessibility 100)' : 'some pages are under budget');
} finally {
  chrome.kill();
  await server.stop();
}
