/** Everything `npm run demo` (and the test servers) put into an empty database. */
import { seedAgencies, seedDemoUsers } from './seed.ts';
import { seedDemoRequests } from './requests/demo.ts';

export async function seedDemoData(password: string): Promise<void> {
  await seedAgencies();
  await seedDemoUsers(password);
  await seedDemoRequests();
}
