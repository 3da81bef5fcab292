/**
 * Form plumbing shared by actions and pages: a failed action carries a translation key, the field
 * it concerns and parameters; the page turns that (or zod's field errors) into translated text.
 */
import { ActionError, isInputError } from 'astro:actions';
import { isMessageKey, type MessageKey, type Translate } from '#src/i18n/index.ts';
import { DomainError } from '#src/server/errors.ts';
import { AccessDenied } from '#src/server/access.ts';

interface Failure {
  key: string;
  field?: string;
  params?: Record<string, string | number>;
}

export function failWith(
  key: string,
  field?: string,
  params?: Record<string, string | number>,
  code: ActionError['code'] = 'BAD_REQUEST',
): never {
  throw new ActionError({ code, message: JSON.stringify({ key, field, params } satisfies Failure) });
}

/** Maps what server functions throw to an ActionError the page can translate. */
export function rethrow(error: unknown): never {
  if (error instanceof DomainError) failWith(`error.${error.code}`, error.field, error.params);
  if (error instanceof AccessDenied) failWith('error.forbidden', undefined, undefined, 'FORBIDDEN');
  throw error;
}

export async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    rethrow(error);
  }
}

export interface FormErrors {
  /** Every message, in order, for the summary at the top of the form. */
  summary: string[];
  /** The message for each field, shown beside it. */
  fields: Record<string, string>;
}

function parseFailure(message: string): Failure | null {
  try {
    const parsed = JSON.parse(message) as unknown;
    if (parsed && typeof parsed === 'object' && 'key' in parsed && typeof parsed.key === 'string') return parsed as Failure;
  } catch {
    /* not one of ours */
  }
  return null;
}

/** Translated errors of an action result, or null when it succeeded or did not run. */
export function formErrors(result: { error?: unknown } | undefined, t: Translate): FormErrors | null {
  const error = result?.error;
  if (!error) return null;
  const label = (field: string) => {
    const key = `field.${field}`;
    return isMessageKey(key) ? t(key) : field;
  };
  if (isInputError(error)) {
    const fields: Record<string, string> = {};
    for (const [field, messages] of Object.entries(error.fields)) {
      const raw = messages?.[0] ?? 'validation.invalid';
      const key: MessageKey = isMessageKey(raw) ? raw : 'validation.invalid';
      fields[field] = t(key, { field: label(field) });
    }
    return { summary: Object.values(fields), fields };
  }
  if (error instanceof ActionError) {
    const failure = parseFailure(error.message);
    if (failure && isMessageKey(failure.key)) {
      const text = t(failure.key, { ...failure.params, ...(failure.field ? { field: label(failure.field) } : {}) });
      return { summary: [text], fields: failure.field ? { [failure.field]: text } : {} };
    }
    if (error.code === 'FORBIDDEN' || error.code === 'UNAUTHORIZED') return { summary: [t('error.forbidden')], fields: {} };
  }
  return { summary: [t('error.generic')], fields: {} };
}

/** The translation key of a failed action (e.g. to offer a confirmation for that very failure), or null. */
export function failureKey(result: { error?: unknown } | undefined): string | null {
  const error = result?.error;
  if (!(error instanceof ActionError) || isInputError(error)) return null;
  return parseFailure(error.message)?.key ?? null;
}
