/**
 * Forum posts with attachments: the new-thread and reply forms post multipart to their own page,
 * streamed through the document intake (src/server/documents/intake.ts) as request attachments
 * are. A refused file (named in the message) or a refused post stores nothing; the page shows the
 * form again with what was typed.
 */
import type { Translate } from '#src/i18n/index.ts';
import type { StagedFile } from '#src/server/documents/intake.ts';
import { receiveUpload, type Intake } from '#src/server/documents/intake.ts';
import { DomainError } from '#src/server/errors.ts';
import type { FormErrors } from './forms.ts';
import { addException, addProblems, emptyErrors, hasErrors, type FieldReader } from './uploads.ts';

export type PostUploadOutcome =
  | { redirect: string }
  | {
      errors: FormErrors;
      get: FieldReader;
      /** The server pointed out mentions that reach nobody: offer "post anyway". */
      mentionsUnseen: boolean;
    };

/**
 * Reads the form, refuses bad files, then lets `write` check the fields and write the post with its
 * files in one transaction; `write` answers the address to go to.
 */
export async function receivePostUpload(
  request: Request,
  t: Translate,
  write: (get: FieldReader, files: readonly StagedFile[]) => Promise<string>,
): Promise<PostUploadOutcome> {
  const errors = emptyErrors();
  let get: FieldReader = () => [];
  let mentionsUnseen = false;
  let intake: Intake | null = null;
  try {
    intake = await receiveUpload(request.headers, request.body, { fileFields: ['attachments'] });
  } catch (error) {
    addException(errors, error, t);
  }
  if (intake) {
    const fields = intake.fields;
    get = (name) => fields.get(name) ?? [];
    try {
      addProblems(errors, intake.problems, t);
      if (!hasErrors(errors)) {
        try {
          return { redirect: await write(get, intake.files) };
        } catch (error) {
          mentionsUnseen = error instanceof DomainError && error.code === 'thread_mentions_unseen';
          addException(errors, error, t);
        }
      }
    } finally {
      await intake.discard();
    }
  }
  return { errors, get, mentionsUnseen };
}

/** A request that posts the forum's multipart form to the page itself (not an action's form). */
export function isPostUpload(request: Request, url: URL): boolean {
  return (
    request.method === 'POST' &&
    !url.searchParams.has('_action') &&
    (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')
  );
}
