import type { TestProject } from 'vitest/node';
import { templateFor, TEST_PASSWORD } from './start-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    filesDir: string;
    demoPassword: string;
  }
}

/**
 * Global setup of the integration and e2e projects: seeds the demo data once into a template
 * (tests/helpers/start-server.ts `templateFor`; reused by later runs until the seeding code
 * changes), before the workers start. Each test file then gets its own server on a copy of it
 * (tests/helpers/file-server.ts), which provides `baseUrl`, `databaseUrl` and `filesDir`.
 */
export default async function setup(project: TestProject) {
  await templateFor('3000');
  project.provide('demoPassword', TEST_PASSWORD);
}
