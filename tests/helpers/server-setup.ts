import type { TestProject } from 'vitest/node';
import { startServer, TEST_PASSWORD } from './start-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    filesDir: string;
    demoPassword: string;
  }
}

/** One server per test project, shared by its files (they run one after another). */
export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide('baseUrl', server.baseUrl);
  project.provide('databaseUrl', server.databaseUrl);
  project.provide('filesDir', server.filesDir);
  project.provide('demoPassword', TEST_PASSWORD);
  return server.stop;
}
