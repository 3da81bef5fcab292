// node scripts/serve.ts — serves the built portal on a database that is already migrated
// (npm start migrates first). Also the script each worker process of the cluster runs.
import { checkConfigOrExit } from './lib/check-config.ts';
import { serve } from './lib/serve.ts';

checkConfigOrExit();
await serve();
