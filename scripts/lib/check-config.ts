// Validates the environment before anything starts: a bad variable stops here, named, without a stack trace.
import { ConfigError, loadConfig } from '#src/server/config.ts';

export function checkConfigOrExit(): void {
  try {
    loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
