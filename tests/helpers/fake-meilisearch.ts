/**
 * A local stand-in for a Meilisearch server, for the failure paths a healthy server cannot be
 * made to show (failed task, timeout, server down during an import, crash mid-rebuild). It speaks
 * the part of Meilisearch's HTTP API the portal uses, with the request and response shapes of
 * Meilisearch v1.x (as meilisearch-js 0.62 sends and reads them), processes tasks asynchronously
 * in order (enqueued -> processing -> succeeded/failed), and refuses what a real server refuses:
 * unknown settings, filters or sorts on attributes not declared filterable or sortable, a swap
 * with a missing index, a missing or wrong API key.
 *
 * Its search is deliberately simple (exact words and phrases, every term required, no typos, no
 * prefixes: the settings the portal asks for), enough to see which documents an index holds.
 * Parity with real Meilisearch relevance is the contract suite's job, against a live server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Doc = Record<string, unknown> & { id: string | number };
type Settings = Record<string, unknown>;

interface Index {
  uid: string;
  primaryKey: string | null;
  createdAt: string;
  updatedAt: string;
  settings: Settings;
  docs: Map<string, Doc>;
}

export interface FakeTask {
  uid: number;
  batchUid: number | null;
  indexUid: string | null;
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  type: string;
  canceledBy: null;
  details: Record<string, unknown>;
  error: { message: string; code: string; type: string; link: string } | null;
  duration: string | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  body: unknown;
  /** The bearer key the request carried. */
  key: string | null;
}

const DEFAULT_SETTINGS: Settings = {
  displayedAttributes: ['*'],
  searchableAttributes: ['*'],
  filterableAttributes: [],
  sortableAttributes: [],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  stopWords: [],
  nonSeparatorTokens: [],
  separatorTokens: [],
  dictionary: [],
  synonyms: {},
  distinctAttribute: null,
  proximityPrecision: 'byWord',
  typoTolerance: {
    enabled: true,
    minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    disableOnWords: [],
    disableOnAttributes: [],
    disableOnNumbers: false,
  },
  faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'alpha' } },
  pagination: { maxTotalHits: 1000 },
  searchCutoffMs: null,
  localizedAttributes: null,
  facetSearch: true,
  prefixSearch: 'indexingTime',
};

const LINK = 'https://docs.meilisearch.com/errors#';
function apiError(code: string, message: string, type = 'invalid_request') {
  return { message, code, type, link: `${LINK}${code}` };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (s: string) =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** A JSON value as text: strings as they are, numbers and booleans printed, anything else as JSON. */
function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  return str(value);
}

/** Parses `q`: "phrases" and words (a leading - excludes, as in Meilisearch). */
function parseQuery(q: string): { phrase: string[]; negative: boolean }[] {
  const out: { phrase: string[]; negative: boolean }[] = [];
  const re = /(-?)"([^"]*)"|(\S+)/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    if (m[2] !== undefined) {
      const t = tokens(m[2]);
      if (t.length) out.push({ phrase: t, negative: m[1] === '-' });
    } else {
      const word = m[3] ?? '';
      const negative = word.startsWith('-') && word.length > 1;
      for (const t of tokens(negative ? word.slice(1) : word)) out.push({ phrase: [t], negative });
    }
  }
  return out;
}

function containsPhrase(haystack: string[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= haystack.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (haystack[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

class BadRequest extends Error {
  readonly status: number;
  readonly body: ReturnType<typeof apiError>;
  constructor(status: number, body: ReturnType<typeof apiError>) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

/** Splits at top-level ` OR ` (outside quotes and brackets). */
/** `expr` split at `separator` (" OR ", " AND ") where it is outside quotes, brackets and parentheses. */
function splitTop(expr: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (depth === 0 && expr.startsWith(separator, i)) {
      parts.push(expr.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts;
}

/** The inside of an expression wholly in parentheses, else the expression. */
function unwrap(expr: string): string {
  const e = expr.trim();
  if (!e.startsWith('(') || !e.endsWith(')')) return e;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0 && i < e.length - 1) return e;
  }
  return unwrap(e.slice(1, -1));
}

/** The values of an `IN [..]` list: quoted strings, or bare numbers (`id NOT IN [3, 41]`). */
const listValues = (list: string) => {
  const values: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)/g;
  for (let m = re.exec(list); m; m = re.exec(list)) values.push(m[2] ?? (m[1] ?? '').replace(/\\(.)/g, '$1'));
  return values;
};

/**
 * One filter expression as the portal writes them: conditions `attr IN [..]`, `attr NOT IN [..]`,
 * `attr = ".."`, `attr != ".."`, `attr >= n` (and the other comparisons), `NOT` before a condition,
 * conditions joined by `AND` and `OR` (AND binds tighter) and grouped in parentheses. Like
 * Meilisearch, string equality is case-insensitive, and an array field matches when one of its
 * values does.
 */
function compileFilter(expr: string, filterable: Set<string>): (doc: Doc) => boolean {
  const alternatives = splitTop(unwrap(expr), ' OR ').map((alternative) => {
    const all = splitTop(alternative, ' AND ').map((part) => compileCondition(part, filterable));
    return (doc: Doc) => all.every((matches) => matches(doc));
  });
  return (doc) => alternatives.some((matches) => matches(doc));
}

function compileCondition(expr: string, filterable: Set<string>): (doc: Doc) => boolean {
  if (expr.trim().startsWith('(')) return compileFilter(expr, filterable);
  const not = /^\s*NOT\s+(.*)$/s.exec(expr);
  if (not) {
    const inner = compileCondition(not[1] ?? '', filterable);
    return (doc) => !inner(doc);
  }
  const inList = /^\s*(\w+)\s+(NOT\s+)?IN\s+\[(.*)\]\s*$/s.exec(expr);
  const equals = /^\s*(\w+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*")\s*$/s.exec(expr);
  const cmp = /^\s*(\w+)\s*(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expr);
  const attr = inList?.[1] ?? equals?.[1] ?? cmp?.[1];
  if (!attr) throw new BadRequest(400, apiError('invalid_search_filter', `Was expecting an operation at \`${expr}\`.`));
  if (!filterable.has(attr))
    throw new BadRequest(
      400,
      apiError(
        'invalid_search_filter',
        `Attribute \`${attr}\` is not filterable. Available filterable attributes are: \`${[...filterable].join(', ')}\`.`,
      ),
    );
  if (inList || equals) {
    const wanted = new Set(listValues(inList?.[3] ?? equals?.[3] ?? '').map((v) => v.toLowerCase()));
    const negated = Boolean(inList?.[2]) || equals?.[2] === '!=';
    return (doc) => {
      const v = doc[attr];
      const found = Array.isArray(v) ? v.some((x) => wanted.has(str(x).toLowerCase())) : wanted.has(str(v).toLowerCase());
      return found !== negated;
    };
  }
  const n = Number(cmp?.[3]);
  const op = cmp?.[2];
  return (doc) => {
    const v = Number(doc[attr]);
    return op === '>=' ? v >= n : op === '<=' ? v <= n : op === '>' ? v > n : op === '<' ? v < n : op === '!=' ? v !== n : v === n;
  };
}

const KNOWN_SETTINGS = new Set(Object.keys(DEFAULT_SETTINGS).concat(['embedders', 'foreignKeys']));
const KNOWN_SEARCH = new Set([
  'q',
  'filter',
  'facets',
  'sort',
  'page',
  'hitsPerPage',
  'offset',
  'limit',
  'matchingStrategy',
  'attributesToRetrieve',
  'attributesToCrop',
  'cropLength',
  'cropMarker',
  'attributesToHighlight',
  'highlightPreTag',
  'highlightPostTag',
  'showMatchesPosition',
  'attributesToSearchOn',
]);

export class FakeMeilisearch {
  readonly indexes = new Map<string, Index>();
  readonly tasks: FakeTask[] = [];
  readonly requests: RequestLogEntry[] = [];
  /** Tasks matching this fail with the given error instead of running. */
  failTasks: ((task: FakeTask) => { code: string; message: string } | null) | null = null;
  /** While true, tasks stay enqueued (a busy server). */
  holdTasks = false;
  /** Keys that may only search (POST /indexes/:uid/search), like a key with actions ["search"]. */
  readonly searchKeys = new Set<string>();
  /** Requests whose path matches never get an answer (a hung server). */
  hang: RegExp | null = null;
  private server: Server;
  private sockets = new Set<Socket>();
  private hung: ServerResponse[] = [];
  private port = 0;
  private processing = false;
  private batch = 0;

  readonly apiKey: string | null;

  constructor(apiKey: string | null = null) {
    this.apiKey = apiKey;
    this.server = this.makeServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops answering: open connections are cut and new ones refused (ECONNREFUSED). */
  async down(): Promise<void> {
    for (const res of this.hung.splice(0)) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers again, on the same port, with the same data. */
  async up(): Promise<void> {
    this.server = this.makeServer();
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.server.listening) await this.down();
  }

  docs(uid: string): Doc[] {
    return [...(this.indexes.get(uid)?.docs.values() ?? [])];
  }

  private makeServer(): Server {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown = undefined;
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    try {
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new BadRequest(400, apiError('malformed_payload', 'The json payload provided is malformed.'));
        }
      }
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, body, key });
      if (this.hang?.test(url.pathname)) {
        this.hung.push(res);
        return;
      }
      if (this.apiKey && url.pathname !== '/health') {
        const auth = req.headers.authorization;
        if (!auth) throw new BadRequest(401, apiError('missing_authorization_header', 'The Authorization header is missing.', 'auth'));
        const searching = req.method === 'POST' && (/^\/indexes\/[^/]+\/search$/.test(url.pathname) || url.pathname === '/multi-search');
        const allowed = auth === `Bearer ${this.apiKey}` || (searching && key !== null && this.searchKeys.has(key));
        if (!allowed) throw new BadRequest(403, apiError('invalid_api_key', 'The provided API key is invalid.', 'auth'));
      }
      const [status, payload] = this.route(req.method ?? 'GET', url, body);
      send(status, payload);
    } catch (e) {
      if (e instanceof BadRequest) send(e.status, e.body);
      else send(500, apiError('internal', String(e), 'internal'));
    }
  }

  private route(method: string, url: URL, body: unknown): [number, unknown] {
    const p = url.pathname.split('/').filter(Boolean);
    if (method === 'GET' && p[0] === 'health') return [200, { status: 'available' }];
    if (method === 'GET' && p[0] === 'version') return [200, { pkgVersion: '1.15.0-fake', commitSha: 'fake', commitDate: '2025-06-09' }];
    if (p[0] === 'tasks' && method === 'GET' && p[1]) {
      const task = this.tasks[Number(p[1])];
      if (!task) throw new BadRequest(404, apiError('task_not_found', `Task \`${p[1]}\` not found.`));
      return [200, task];
    }
    if (p[0] === 'swap-indexes' && method === 'POST') {
      if (!Array.isArray(body)) throw new BadRequest(400, apiError('bad_request', 'Invalid value type: expected an array'));
      for (const swap of body as Record<string, unknown>[]) {
        const extra = Object.keys(swap).filter((k) => k !== 'indexes' && k !== 'rename');
        if (extra.length)
          throw new BadRequest(400, apiError('bad_request', `Unknown field \`${extra[0]}\`: expected one of \`indexes\`, \`rename\``));
        if (!Array.isArray(swap.indexes) || swap.indexes.length !== 2)
          throw new BadRequest(400, apiError('invalid_swap_indexes', 'Two indexes must be given for each swap.'));
      }
      return this.enqueue('indexSwap', null, { swaps: body });
    }
    if (p[0] === 'multi-search' && method === 'POST') return [200, this.multiSearch(body)];
    if (p[0] !== 'indexes') throw new BadRequest(404, apiError('not_found', 'Not found'));
    if (p.length === 1 && method === 'POST') {
      const { uid, primaryKey } = body as { uid: string; primaryKey?: string };
      if (!/^[A-Za-z0-9_-]{1,400}$/.test(uid ?? ''))
        throw new BadRequest(400, apiError('invalid_index_uid', `\`${uid}\` is not a valid index uid.`));
      return this.enqueue('indexCreation', uid, { primaryKey: primaryKey ?? null });
    }
    const uid = p[1] ?? '';
    const index = this.indexes.get(uid);
    const missing = () => new BadRequest(404, apiError('index_not_found', `Index \`${uid}\` not found.`));
    if (p.length === 2) {
      if (method === 'GET') {
        if (!index) throw missing();
        return [200, { uid, primaryKey: index.primaryKey, createdAt: index.createdAt, updatedAt: index.updatedAt }];
      }
      if (method === 'DELETE') return this.enqueue('indexDeletion', uid, { deletedDocuments: index?.docs.size ?? 0 });
    }
    const sub = p.slice(2).join('/');
    if (sub === 'settings') {
      if (method === 'GET') {
        if (!index) throw missing();
        return [200, index.settings];
      }
      if (method === 'PATCH') {
        const unknown = Object.keys(body as object).filter((k) => !KNOWN_SETTINGS.has(k));
        if (unknown.length) throw new BadRequest(400, apiError('bad_request', `Unknown field \`${unknown[0]}\` inside \`.\``));
        return this.enqueue('settingsUpdate', uid, body as Record<string, unknown>);
      }
    }
    if (sub === 'stats' && method === 'GET') {
      if (!index) throw missing();
      return [
        200,
        {
          numberOfDocuments: index.docs.size,
          isIndexing: this.tasks.some((t) => t.indexUid === uid && t.status !== 'succeeded' && t.status !== 'failed'),
          fieldDistribution: {},
        },
      ];
    }
    if (sub === 'documents' && method === 'POST') {
      if (!Array.isArray(body))
        throw new BadRequest(400, apiError('malformed_payload', 'The json payload provided is malformed. expected an array'));
      return this.enqueue('documentAdditionOrUpdate', uid, {
        receivedDocuments: body.length,
        indexedDocuments: null,
        documents: body,
        primaryKey: url.searchParams.get('primaryKey'),
      });
    }
    if (sub === 'documents/delete-batch' && method === 'POST') {
      if (!Array.isArray(body)) throw new BadRequest(400, apiError('bad_request', 'expected an array of document ids'));
      return this.enqueue('documentDeletion', uid, { providedIds: body.length, deletedDocuments: null, ids: body });
    }
    if (sub === 'documents' && method === 'DELETE')
      return this.enqueue('documentDeletion', uid, { providedIds: 0, deletedDocuments: null, ids: null });
    if (sub === 'search' && method === 'POST') {
      if (!index) throw missing();
      return [200, this.search(index, body as Record<string, unknown>)];
    }
    throw new BadRequest(404, apiError('not_found', `${method} ${url.pathname} is not handled by the fake`));
  }

  private enqueue(type: string, indexUid: string | null, details: Record<string, unknown>): [number, unknown] {
    const task: FakeTask = {
      uid: this.tasks.length,
      batchUid: null,
      indexUid,
      status: 'enqueued',
      type,
      canceledBy: null,
      details,
      error: null,
      duration: null,
      enqueuedAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.tasks.push(task);
    setImmediate(() => this.process());
    return [202, { taskUid: task.uid, indexUid, status: 'enqueued', type, enqueuedAt: task.enqueuedAt }];
  }

  /** Runs enqueued tasks one after another, in order, as Meilisearch's queue does. */
  process(): void {
    if (this.processing || this.holdTasks) return;
    this.processing = true;
    try {
      for (const task of this.tasks) {
        if (task.status !== 'enqueued') continue;
        if (this.holdTasks) break;
        task.status = 'processing';
        task.startedAt = new Date().toISOString();
        task.batchUid = this.batch++;
        const injected = this.failTasks?.(task) ?? null;
        try {
          if (injected) throw new BadRequest(400, apiError(injected.code, injected.message));
          this.apply(task);
          task.status = 'succeeded';
        } catch (e) {
          task.status = 'failed';
          task.error = e instanceof BadRequest ? e.body : apiError('internal', String(e), 'internal');
        }
        // Documents were only needed to apply the task; GET /tasks does not return them.
        delete task.details.documents;
        delete task.details.ids;
        task.finishedAt = new Date().toISOString();
        task.duration = 'PT0.001S';
      }
    } finally {
      this.processing = false;
    }
  }

  private ensureIndex(uid: string, primaryKey: string | null = null): Index {
    let index = this.indexes.get(uid);
    if (!index) {
      const now = new Date().toISOString();
      index = { uid, primaryKey, createdAt: now, updatedAt: now, settings: structuredClone(DEFAULT_SETTINGS), docs: new Map() };
      this.indexes.set(uid, index);
    }
    return index;
  }

  private apply(task: FakeTask): void {
    const uid = task.indexUid ?? '';
    const notFound = (name: string) => new BadRequest(404, apiError('index_not_found', `Index \`${name}\` not found.`));
    switch (task.type) {
      case 'indexCreation':
        if (this.indexes.has(uid)) throw new BadRequest(409, apiError('index_already_exists', `Index \`${uid}\` already exists.`));
        this.ensureIndex(uid, task.details.primaryKey as string | null);
        return;
      case 'indexDeletion':
        if (!this.indexes.delete(uid)) throw notFound(uid);
        return;
      case 'settingsUpdate': {
        // Settings on a missing index create it, as Meilisearch does.
        const index = this.ensureIndex(uid);
        const merge = (base: Record<string, unknown>, patch: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(patch)) {
            if (
              v &&
              typeof v === 'object' &&
              !Array.isArray(v) &&
              base[k] &&
              typeof base[k] === 'object' &&
              k !== 'synonyms' &&
              k !== 'sortFacetValuesBy'
            )
              merge(base[k] as Record<string, unknown>, v as Record<string, unknown>);
            else base[k] = v === null ? structuredClone(DEFAULT_SETTINGS[k]) : structuredClone(v);
          }
        };
        merge(index.settings, task.details);
        for (const key of ['filterableAttributes', 'sortableAttributes']) (index.settings[key] as string[]).sort();
        return;
      }
      case 'documentAdditionOrUpdate': {
        const index = this.ensureIndex(uid, (task.details.primaryKey as string | null) ?? 'id');
        const pk = index.primaryKey ?? 'id';
        for (const doc of task.details.documents as Doc[]) {
          if (doc[pk] === undefined)
            throw new BadRequest(400, apiError('missing_document_id', `Document doesn't have a \`${pk}\` attribute`));
          index.docs.set(str(doc[pk]), doc);
        }
        task.details.indexedDocuments = (task.details.documents as Doc[]).length;
        return;
      }
      case 'documentDeletion': {
        const index = this.indexes.get(uid);
        if (!index) throw notFound(uid);
        let deleted = 0;
        // No ids: every document (DELETE /indexes/:uid/documents).
        if (task.details.ids === null) {
          deleted = index.docs.size;
          index.docs.clear();
        }
        for (const id of (task.details.ids ?? []) as (string | number)[]) if (index.docs.delete(String(id))) deleted++;
        task.details.deletedDocuments = deleted;
        return;
      }
      case 'indexSwap': {
        for (const { indexes } of task.details.swaps as { indexes: [string, string] }[]) {
          const [a, b] = indexes;
          const ia = this.indexes.get(a);
          const ib = this.indexes.get(b);
          if (!ia) throw notFound(a);
          if (!ib) throw notFound(b);
          this.indexes.set(a, { ...ib, uid: a });
          this.indexes.set(b, { ...ia, uid: b });
        }
        return;
      }
      default:
        throw new Error(`unknown task type ${task.type}`);
    }
  }

  /** POST /multi-search without federation: one result per query, in order, each naming its index. */
  private multiSearch(body: unknown): unknown {
    const { queries, federation, ...rest } = (body ?? {}) as { queries?: unknown; federation?: unknown };
    const extra = Object.keys(rest);
    if (extra.length)
      throw new BadRequest(400, apiError('bad_request', `Unknown field \`${extra[0]}\`: expected one of \`queries\`, \`federation\``));
    if (federation !== undefined && federation !== null)
      throw new BadRequest(501, apiError('not_implemented', 'federated search is not handled by the fake', 'internal'));
    if (!Array.isArray(queries)) throw new BadRequest(400, apiError('bad_request', 'Missing field `queries`'));
    return {
      results: (queries as Record<string, unknown>[]).map((query, i) => {
        const { indexUid, ...params } = query;
        const uid = str(indexUid);
        const index = this.indexes.get(uid);
        if (!index) throw new BadRequest(404, apiError('index_not_found', `Inside \`.queries[${i}]\`: Index \`${uid}\` not found.`));
        return { indexUid: uid, ...(this.search(index, params) as Record<string, unknown>) };
      }),
    };
  }

  private search(index: Index, body: Record<string, unknown>): unknown {
    const unknown = Object.keys(body).filter((k) => !KNOWN_SEARCH.has(k));
    if (unknown.length) throw new BadRequest(400, apiError('bad_request', `Unknown field \`${unknown[0]}\``));
    const s = index.settings;
    const filterable = new Set(s.filterableAttributes as string[]);
    const sortable = new Set(s.sortableAttributes as string[]);
    const declared = (s.searchableAttributes as string[])[0] === '*' ? null : (s.searchableAttributes as string[]);
    const on = body.attributesToSearchOn as string[] | undefined;
    const notSearchable = on?.find((a) => declared && !declared.includes(a));
    if (notSearchable)
      throw new BadRequest(400, apiError('invalid_search_attributes_to_search_on', `Attribute \`${notSearchable}\` is not searchable.`));
    const searchable = on ?? declared;
    const filters = (body.filter as string[] | string | undefined) ?? [];
    const predicates = (typeof filters === 'string' ? [filters] : filters).map((f) => compileFilter(f, filterable));
    const terms = parseQuery(str(body.q));
    const sort = (body.sort as string[] | undefined) ?? [];
    for (const rule of sort) {
      const attr = rule.split(':')[0] ?? '';
      if (!sortable.has(attr))
        throw new BadRequest(
          400,
          apiError(
            'invalid_search_sort',
            `Attribute \`${attr}\` is not sortable. Available sortable attributes are: \`${[...sortable].join(', ')}\`.`,
          ),
        );
    }
    if (sort.length && !(s.rankingRules as string[]).includes('sort'))
      throw new BadRequest(
        400,
        apiError(
          'invalid_search_sort',
          'The sort ranking rule must be specified in the ranking rules settings to use the sort parameter at search time.',
        ),
      );

    const docText = (doc: Doc) => tokens((searchable ?? Object.keys(doc)).map((a) => textOf(doc[a])).join(' \u0000 '));
    const matched = [...index.docs.values()].filter((doc) => {
      if (!predicates.every((p) => p(doc))) return false;
      const t = docText(doc);
      return terms.every((term) => containsPhrase(t, term.phrase) !== term.negative);
    });
    // Sort rules, then the custom ranking rules of the settings (e.g. dateNum:desc), as tie-breaks.
    const custom = (s.rankingRules as string[]).filter((r) => r.includes(':'));
    const order = [...sort, ...custom].map((r) => {
      const [attr = '', dir] = r.split(':');
      return { attr, sign: dir === 'desc' ? -1 : 1 };
    });
    matched.sort((a, b) => {
      for (const { attr, sign } of order) {
        const x = a[attr] as number | string;
        const y = b[attr] as number | string;
        if (x < y) return -sign;
        if (x > y) return sign;
      }
      return 0;
    });
    const maxTotal = (s.pagination as { maxTotalHits: number }).maxTotalHits;
    const capped = matched.slice(0, maxTotal);
    const facetNames = (body.facets as string[] | undefined) ?? [];
    const faceting = s.faceting as { maxValuesPerFacet: number; sortFacetValuesBy: Record<string, string> };
    const facetDistribution: Record<string, Record<string, number>> = {};
    for (const name of facetNames) {
      if (!filterable.has(name)) throw new BadRequest(400, apiError('invalid_search_facets', `Attribute \`${name}\` is not filterable.`));
      const counts = new Map<string, number>();
      for (const doc of matched) {
        const v = doc[name];
        for (const x of new Set(Array.isArray(v) ? v.map(str) : v === null || v === undefined ? [] : [str(v)]))
          counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      const byCount = (faceting.sortFacetValuesBy[name] ?? faceting.sortFacetValuesBy['*']) === 'count';
      const entries = [...counts].sort(byCount ? (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]) : (a, b) => a[0].localeCompare(b[0]));
      facetDistribution[name] = Object.fromEntries(entries.slice(0, faceting.maxValuesPerFacet));
    }
    const hitsPerPage = Number(body.hitsPerPage ?? 20);
    const page = Number(body.page ?? 1);
    const slice = capped.slice((page - 1) * hitsPerPage, page * hitsPerPage);
    const retrieve = body.attributesToRetrieve as string[] | undefined;
    const highlight = new Set((body.attributesToHighlight as string[] | undefined) ?? []);
    const pre = str(body.highlightPreTag ?? '<em>');
    const post = str(body.highlightPostTag ?? '</em>');
    const words = new Set(terms.filter((t) => !t.negative).flatMap((t) => t.phrase));
    const hits = slice.map((doc) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(doc)) if (!retrieve || retrieve.includes('*') || retrieve.includes(k)) out[k] = v;
      if (highlight.size) {
        const formatted: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(doc)) {
          formatted[k] =
            highlight.has(k) && typeof v === 'string'
              ? v.replace(/[\p{L}\p{N}]+/gu, (w) => (words.has(fold(w)) ? `${pre}${w}${post}` : w))
              : typeof v === 'number'
                ? String(v)
                : v;
        }
        out._formatted = formatted;
      }
      return out;
    });
    return {
      hits,
      query: str(body.q),
      processingTimeMs: 0,
      hitsPerPage,
      page,
      // hitsPerPage 0: no documents, the exhaustive total, totalPages 0 (as Meilisearch documents it).
      totalPages: hitsPerPage ? Math.ceil(capped.length / hitsPerPage) : 0,
      totalHits: capped.length,
      facetDistribution,
      facetStats: {},
    };
  }
}

/** Starts a fake on a free loopback port. */
export async function startFakeMeilisearch(apiKey: string | null = null): Promise<FakeMeilisearch> {
  return new FakeMeilisearch(apiKey).start();
}
