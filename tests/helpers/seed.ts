import { seedDemoSeizures } from '#db/seed/seizures.ts';
import { seedDemoRequests } from '#src/server/requests/demo.ts';
import { seedBaseData, seedDemoUsers } from '#src/server/seed.ts';

/**
 * The demo data a unit test needs and no more: agencies, places and the demo accounts always;
 * the first `seizures` generated demo seizures (the same ones `npm run demo` starts with: the
 * generator is deterministic and each seizure depends only on those before it) and the demo
 * requests only when asked. The full 3,000 seizures are for the demo, the HTTP and browser tests
 * and the benchmarks.
 */
export async function seedForTest(password: string, what: { seizures?: number; requests?: boolean } = {}): Promise<void> {
  await seedBaseData();
  await seedDemoUsers(password);
  if (what.seizures) await seedDemoSeizures(what.seizures);
  if (what.requests) await seedDemoRequests();
}
