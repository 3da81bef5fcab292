// npm run bench:home — load test of the home page (visitor and signed-in member) and a signed-in
// seizure search on the built server with the demo data, served by one process and by one per
// core, side by side with the bare /healthz page of the same run.
import { ensureBuild } from '#scripts/lib/ensure-build.ts';
import { compareProcesses } from './load.ts';

ensureBuild();
await compareProcesses([
  { label: 'home /es/ (visitor)', path: '/es/' },
  { label: 'home /es/ (signed-in member)', path: '/es/', as: 'analyst.fgr@demo.test' },
  { label: 'seizure search (signed-in)', path: '/es/seizures?q=fusil&state=MX-TAM', as: 'analyst.fgr@demo.test' },
]);
