/**
 * Attachments of information requests (at creation and in replies) go through the exchange:
 * each file becomes a document with the request's scope (its requesting and addressed
 * agencies), its handling code, and a link to the request, written in the request's own
 * transaction. Thread posts use the same path with `kind: 'thread'` (the thread's scope and
 * handling code, written in the post's transaction).
 */
import { requestScope } from '#src/server/access.ts';
import type { RequestAttachHook } from '#src/server/requests/service.ts';
import { getRequest } from '#src/server/requests/service.ts';
import type { HandlingCode } from '#src/domain/requests.ts';
import { DomainError } from '#src/server/errors.ts';
import type { PostAttachHook } from '#src/server/threads/posting.ts';
import type { StagedFile } from './intake.ts';
import { finishDocuments, insertDocuments, prepareDocuments, type DocumentActor, type PreparedDocuments } from './service.ts';

export interface PreparedAttachments {
  hook: RequestAttachHook;
  /** After the request's transaction committed. */
  finish: () => Promise<void>;
}

async function prepare(
  actor: DocumentActor,
  files: readonly StagedFile[],
  tokens: string[],
  meta: AttachmentMeta,
): Promise<PreparedAttachments | null> {
  if (!files.length) return null;
  const prepared: PreparedDocuments = await prepareDocuments(actor, {
    files,
    language: meta.language,
    type: 'other',
    handlingCode: meta.handlingCode,
    handlingNote: meta.handlingNote,
    scope: { kind: 'request', tokens },
  });
  let ids: number[] = [];
  return {
    hook: async (raw, tx, requestId, messageId) => {
      ids = await insertDocuments(raw, tx, prepared, { kind: 'request', id: requestId, itemId: messageId });
    },
    finish: () => finishDocuments(prepared, ids),
  };
}

export interface AttachmentMeta {
  language: 'es' | 'en';
  handlingCode: HandlingCode;
  handlingNote: string | null;
}

/** Attachments of a new request: visible to the requesting agency and the addressed ones. */
export function prepareNewRequestAttachments(
  actor: DocumentActor,
  files: readonly StagedFile[],
  addressed: readonly string[],
  meta: AttachmentMeta,
): Promise<PreparedAttachments | null> {
  const others = addressed.filter((c) => c && c !== actor.agencyCode);
  return prepare(actor, files, requestScope(actor.agencyCode, others), meta);
}

/** Attachments of a reply: the scope of the request the reader may see (else it does not exist). */
export async function prepareReplyAttachments(
  actor: DocumentActor,
  requestId: number,
  files: readonly StagedFile[],
): Promise<PreparedAttachments | null> {
  if (!files.length) return null;
  const request = await getRequest(requestId, actor);
  if (!request) throw new DomainError('request_not_found');
  return prepare(actor, files, requestScope(request.requesterAgencyCode, request.recipients), {
    language: request.lang,
    handlingCode: request.handlingCode,
    handlingNote: request.handlingNote,
  });
}

export interface PreparedPostAttachments {
  hook: PostAttachHook;
  /** After the post's transaction committed. */
  finish: () => Promise<void>;
}

/**
 * Attachments of a thread post (a new thread's first post or a reply). The caller has checked
 * that the member may post there before calling (the files are put in the store here). The
 * documents take the thread's scope and handling code, which for a new thread are only settled
 * inside its transaction: until then the scope is the narrowest one (the author alone), and the
 * hook replaces it with the thread's.
 */
export async function preparePostAttachments(
  actor: DocumentActor,
  files: readonly StagedFile[],
  language: 'es' | 'en',
): Promise<PreparedPostAttachments | null> {
  if (!files.length) return null;
  const prepared = await prepareDocuments(actor, {
    files,
    language,
    type: 'other',
    handlingCode: 'H0',
    scope: { kind: 'thread', tokens: [`user:${actor.id}`] },
  });
  let settled: PreparedDocuments = prepared;
  let ids: number[] = [];
  return {
    hook: async (raw, tx, target) => {
      settled = {
        ...prepared,
        input: { ...prepared.input, handlingCode: target.handlingCode, handlingNote: target.handlingNote },
        scope: { kind: 'thread', tokens: [...new Set(target.scope)] },
      };
      ids = await insertDocuments(raw, tx, settled, { kind: 'thread', id: target.threadId, itemId: target.postId });
    },
    finish: () => finishDocuments(settled, ids),
  };
}
