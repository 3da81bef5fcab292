import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { renderTurns } from '#src/server/http/server.ts';

/** Enough of a ServerResponse for the turns: writeHead, its content type, and finish and close events. */
function response(contentType?: string) {
  const res = new EventEmitter() as EventEmitter & { writeHead: () => unknown; getHeader?: (name: string) => string | undefined };
  res.writeHead = () => res;
  if (contentType) res.getHeader = (name) => (name.toLowerCase() === 'content-type' ? contentType : undefined);
  return res as unknown as ServerResponse & EventEmitter;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('pages take turns', () => {
  it('renders a few at once, starts the next in arrival order once a page has sent its headers, in a later turn of the event loop', async () => {
    const turns = renderTurns(2);
    const started: string[] = [];
    const [a, b, c, d] = [response(), response(), response(), response()];
    turns.take(a, () => started.push('a'));
    turns.take(b, () => started.push('b'));
    turns.take(c, () => started.push('c'));
    turns.take(d, () => started.push('d'));
    expect(started).toEqual(['a', 'b']);
    expect(turns.waiting).toBe(2);

    a.writeHead(200);
    // Not at once: timers and other sockets get the event loop first.
    expect(started).toEqual(['a', 'b']);
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c']);

    // A connection that closes (the reader left, or the page failed) ends its turn too.
    b.emit('close');
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(turns.working).toBe(2);
    expect(turns.waiting).toBe(0);
  });

  it('skips a reader who left while waiting, and ends a turn once however it ends', async () => {
    const turns = renderTurns(1);
    const started: string[] = [];
    const [a, b, c] = [response(), response(), response()];
    turns.take(a, () => started.push('a'));
    turns.take(b, () => started.push('b'));
    turns.take(c, () => started.push('c'));
    b.emit('close');
    a.writeHead(200);
    a.emit('close');
    await nextTurn();
    expect(started).toEqual(['a', 'c']);
    expect(turns.working).toBe(1);
  });

  it('lets an HTML page keep its turn until its body is written, and an export only until its headers', async () => {
    const turns = renderTurns(1);
    const started: string[] = [];
    const [page, csv, last] = [response('text/html; charset=utf-8'), response('text/csv; charset=utf-8'), response('text/html')];
    turns.take(page, () => started.push('page'));
    turns.take(csv, () => started.push('csv'));
    turns.take(last, () => started.push('last'));
    page.writeHead(200);
    await nextTurn();
    // The page's body is still being rendered as it streams: nothing else starts yet.
    expect(started).toEqual(['page']);
    page.emit('finish');
    await nextTurn();
    expect(started).toEqual(['page', 'csv']);
    // The export streams rows read as it goes; once its headers are out the next page may start.
    csv.writeHead(200);
    await nextTurn();
    expect(started).toEqual(['page', 'csv', 'last']);
    // finish and close of the same response end its turn once.
    page.emit('close');
    expect(turns.working).toBe(1);
  });

  it('does not hold anything back when the limit is 0', () => {
    const turns = renderTurns(0);
    let started = 0;
    for (let i = 0; i < 10; i++) turns.take(response(), () => started++);
    expect(started).toBe(10);
  });
});
