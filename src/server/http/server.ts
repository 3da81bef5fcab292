/**
 * The portal's HTTP server: plain node:http around the handler that `astro build` produces
 * (@astrojs/node in middleware mode). It adds what the adapter's standalone server lacks
 * (STACK-NOTES #17): static files with long-lived caching for fingerprinted assets and their
 * precompressed copies, compression of pages, the security headers on everything it writes
 * itself, a request id and one log line per request, and a graceful stop.
 */
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import compression from 'compression';
import sirv from 'sirv';
import { config } from '../config.ts';
import { runShutdownHooks } from '../lifecycle.ts';
import { log, loggablePath } from '../log.ts';
import { securityHeaderLines, securityHeaders } from './security-headers.ts';
import { BUSY_HEADERS, busyPageHtml, requestLang } from './busy-page.ts';

/** The request handler exported by dist/server/entry.mjs. */
export type AstroHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void, locals?: object) => Promise<void>;

export interface PortalServer {
  server: Server;
  /** Stops accepting connections, lets requests in flight finish (up to the configured timeout), then runs the shutdown hooks. */
  shutdown: () => Promise<void>;
}

/** Vite puts every fingerprinted build asset here; their names change whenever their content does. */
const FINGERPRINTED = '/_astro/';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** favicon, robots.txt: not fingerprinted, so a short life. */
const UNVERSIONED = 'public, max-age=3600';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

function isSecure(req: IncomingMessage): boolean {
  return ('encrypted' in req.socket && req.socket.encrypted === true) || (config.publicOrigin ?? '').startsWith('https:');
}

/** A proxy we trust may pass its own request id, so one id follows a request through both logs. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return config.trustProxy && typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export function createPortalServer({ handler, clientDir }: { handler: AstroHandler; clientDir: string }): PortalServer {
  const statics = sirv(clientDir, {
    etag: true,
    // `astro build` writes .br and .gz beside each text asset (src/server/http/precompress.ts).
    brotli: true,
    gzip: true,
    setHeaders: (res, pathname) => res.setHeader('Cache-Control', pathname.startsWith(FINGERPRINTED) ? IMMUTABLE : UNVERSIONED),
  });
  // Pages and exports: Brotli (quality 4, cheap enough per request) or gzip, as the client accepts.
  const compress = compression();
  let stopping: Promise<void> | undefined;
  const inFlight = new Set<ServerResponse>();
  // Requests handed to Astro and not yet answered, working or waiting their turn (static files
  // are not counted: sirv serves them cheaply).
  let inFlightPages = 0;
  const maxInFlight = config.maxRequestsInFlight;
  const turns = renderTurns(config.renderConcurrency);
  const pagesInFlight = () => inFlightPages;

  const server = createServer((req, res) => {
    // The request time limit counts from here (src/lib/time-limit.ts reads it as locals.arrivedAt).
    const started = performance.now();
    // Refused because too many requests are in flight (set below, read when the response closes).
    let shed = false;
    const requestId = requestIdOf(req);
    const secure = isSecure(req);
    for (const [name, value] of Object.entries(securityHeaders(secure))) res.setHeader(name, value);
    res.setHeader('X-Request-Id', requestId);
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    log.debug({ reqId: requestId, method: req.method, path: loggablePath(req.url ?? '') }, 'request started');
    res.once('close', () => {
      inFlight.delete(res);
      const fields = {
        reqId: requestId,
        method: req.method,
        path: loggablePath(req.url ?? ''),
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) log.warn({ ...fields, aborted: true }, 'request aborted');
      else if (shed) log.warn(fields, 'request refused: too many in flight');
      else if (res.statusCode >= 500) log.error(fields, 'request failed');
      else log.info(fields, 'request');
      // While stopping, a keep-alive connection closes as soon as its last response is out.
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });

    try {
      decodeURI(req.url ?? '/');
    } catch {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Bad request');
      return;
    }
    const render = () => {
      // A crowd beyond what this process can work through in time gets the busy page at once, in
      // the reader's language, rather than a place in a queue (and its memory). The metrics
      // endpoint still answers: the load benchmark reads it however busy we are.
      const internal = (req.url ?? '').startsWith('/internal/');
      if (maxInFlight > 0 && inFlightPages >= maxInFlight && !internal) {
        shed = true;
        const lang = requestLang(req.url ?? '/', req.headers.cookie, req.headers['accept-language']);
        res.writeHead(503, BUSY_HEADERS);
        res.end(req.method === 'HEAD' ? undefined : busyPageHtml(lang, req.url ?? '/'));
        return;
      }
      // The metrics endpoint is not counted either: it reports the count (the load benchmark and
      // the cap's test read it) and must not change it.
      if (!internal) {
        inFlightPages++;
        res.once('close', () => inFlightPages--);
      }
      const work = (): void => {
        handler(req, res, undefined, { requestId, arrivedAt: started, pagesInFlight }).catch((error: unknown) => {
          log.error({ reqId: requestId, err: error }, 'render failed');
          if (!res.headersSent) {
            res.statusCode = 500;
            res.end('Internal server error');
          } else res.destroy();
        });
      };
      // Reads take turns; form posts start at once (an upload's body may take long to arrive).
      if (internal || (req.method !== 'GET' && req.method !== 'HEAD')) work();
      else turns.take(res, work);
    };
    compress(req as Parameters<typeof compress>[0], res as Parameters<typeof compress>[1], () => {
      if (req.method === 'GET' || req.method === 'HEAD') statics(req, res, render);
      else render();
    });
  });

  // Requests Node itself refuses before any handler runs (malformed, headers too large, too slow)
  // get the same security headers as everything else.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way on this socket, or a peer that is gone: nothing to say.
    const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = STATUS_CODES[status] ?? 'Bad request';
    const secure = 'encrypted' in socket && socket.encrypted === true;
    socket.end(
      `HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${securityHeaderLines(secure || (config.publicOrigin ?? '').startsWith('https:'))}\r\n${body}`,
    );
  });

  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      log.info({ inFlight: inFlight.size }, 'stopping: letting requests in flight finish');
      // Their connections close once the answer is out, so clients reconnect to a live process.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests still running after the grace period lose their connection; the database closes anyway.
      const force = setTimeout(() => {
        log.warn('requests still running at the end of the grace period: closing their connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      force.unref();
      await closed;
      clearTimeout(force);
      await runShutdownHooks((error) => log.error({ err: error }, 'shutdown hook failed'));
      log.info('stopped: requests finished, database closed');
    })();
    return stopping;
  };

  return { server, shutdown };
}

/**
 * Pages rendered at once by this process. The embedded database answers synchronously, so a page
 * is mostly one stretch of CPU work; fifty of them started together would each finish late and
 * keep timers and every other socket waiting meanwhile (event-loop delay). A few at a time, the
 * rest waiting their turn in arrival order, finishes each sooner for the same throughput, and
 * holds fewer pages in memory. A turn ends when an HTML page is written (its body is rendered as it
 * streams), when any other response's headers are out (a long download then holds no turn), after
 * a second of a slow reader, or when the connection closes; the next page starts in a later turn of
 * the event loop, so timers and I/O run in between. 0: no limit.
 */
export function renderTurns(concurrency: number) {
  /** The longest an HTML page's body holds its turn after its headers (a slow reader). */
  const BODY_TURN_MS = 1_000;
  let working = 0;
  const waiting: { res: ServerResponse; start: () => void; gone: boolean }[] = [];
  const next = () => {
    while (working < concurrency && waiting.length) {
      const turn = waiting.shift();
      // A reader who left while waiting needs no page.
      if (turn && !turn.gone) begin(turn.res, turn.start);
    }
  };
  const begin = (res: ServerResponse, start: () => void) => {
    working++;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      working--;
      setImmediate(next);
    };
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((...args: Parameters<ServerResponse['writeHead']>) => {
      const sent = writeHead(...args);
      // An HTML page's body is still being rendered by this process as it streams (a page of 100 KB
      // goes out in many pieces, each written when the compressor has taken the last): its turn
      // lasts until it is written, or BODY_TURN_MS at most (a slow reader). Anything else (a
      // download, an export) is I/O from here on: its turn ends with its headers.
      const type = typeof res.getHeader === 'function' ? String(res.getHeader('content-type') ?? '') : '';
      if (!/^text\/html/i.test(type)) end();
      else {
        const slow = setTimeout(end, BODY_TURN_MS);
        slow.unref();
        res.once('finish', () => {
          clearTimeout(slow);
          end();
        });
      }
      return sent;
    }) as ServerResponse['writeHead'];
    res.once('close', end);
    start();
  };
  return {
    take(res: ServerResponse, start: () => void): void {
      if (concurrency <= 0 || (working < concurrency && !waiting.length)) begin(res, start);
      else {
        const turn = { res, start, gone: false };
        res.once('close', () => (turn.gone = true));
        waiting.push(turn);
      }
    },
    get working() {
      return working;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
