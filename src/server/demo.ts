/** Everything `npm run demo` (and the test servers) put into an empty database. */
import { seedBaseData, seedDemoUsers } from './seed.ts';
import { seedDemoSeizures } from '#db/seed/seizures.ts';
import { seedDemoRequests } from './requests/demo.ts';
import { seedDemoDocuments } from './documents/demo.ts';
import { seedDemoThreads } from './threads/demo.ts';
import { config } from './config.ts';

export async function seedDemoData(password: string): Promise<void> {
  await seedBaseData();
  await seedDemoUsers(password);
  // A few thousand generated seizures (deterministic); DEMO_SEIZURES changes how many.
  await seedDemoSeizures(config.demoSeizures);
  await seedDemoRequests();
  await seedDemoThreads();
  // Documents last: some are attachments of the demo requests.
  await seedDemoDocuments();
}
