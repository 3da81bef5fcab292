/**
 * What runs when a server process stops: close the database, flush logs. The HTTP server
 * (src/server/http/server.ts) runs the hooks after the last request has finished.
 *
 * The registry lives on globalThis under a well-known symbol because a server process holds two
 * copies of src/server: the one bundled into dist/server by `astro build` (which opens the
 * database the pages use) and the one the wrapper loads from source. Both must reach one list.
 */

type Hook = () => void | Promise<void>;
/** `drain` hooks (finish background work: e-mail) run before `close` hooks (the database). */
type Phase = 'drain' | 'close';

const KEY = Symbol.for('armas-cruzadas.shutdown-hooks');

function hooks(): Map<Hook, Phase> {
  const holder = globalThis as unknown as Record<symbol, Map<Hook, Phase> | undefined>;
  return (holder[KEY] ??= new Map<Hook, Phase>());
}

/** Registers something to do at shutdown (the same function twice counts once). */
export function onShutdown(hook: Hook, phase: Phase = 'drain'): void {
  hooks().set(hook, phase);
}

/** Runs every hook once, drain before close, in registration order; a failing hook does not stop the others. */
export async function runShutdownHooks(report: (error: unknown) => void = () => {}): Promise<void> {
  const all = [...hooks()].sort(([, a], [, b]) => (a === b ? 0 : a === 'drain' ? -1 : 1)).map(([hook]) => hook);
  hooks().clear();
  for (const hook of all) {
    try {
      await hook();
    } catch (error) {
      report(error);
    }
  }
}
