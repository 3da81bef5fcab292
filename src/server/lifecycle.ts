/**
 * What runs when a server process stops: close the database, flush logs. The HTTP server
 * (src/server/http/server.ts) runs the hooks after the last request has finished.
 *
 * The registry lives on globalThis under a well-known symbol because a server process holds two
 * copies of src/server: the one bundled into dist/server by `astro build` (which opens the
 * database the pages use) and the one the wrapper loads from source. Both must reach one list.
 */

type Hook = () => void | Promise<void>;

const KEY = Symbol.for('armas-cruzadas.shutdown-hooks');

function hooks(): Set<Hook> {
  const holder = globalThis as unknown as Record<symbol, Set<Hook> | undefined>;
  return (holder[KEY] ??= new Set());
}

/** Registers something to do at shutdown (the same function twice counts once). */
export function onShutdown(hook: Hook): void {
  hooks().add(hook);
}

/** Runs every hook once, in registration order; a failing hook does not stop the others. */
export async function runShutdownHooks(report: (error: unknown) => void = () => {}): Promise<void> {
  const all = [...hooks()];
  hooks().clear();
  for (const hook of all) {
    try {
      await hook();
    } catch (error) {
      report(error);
    }
  }
}
