/**
 * An expected failure of a domain operation. `code` names a translation (`error.<code>` in the
 * dictionaries) and `field` the form field it concerns, so pages can show it beside the field.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly params: Record<string, string | number> | undefined;

  constructor(code: string, field?: string, params?: Record<string, string | number>) {
    super(code);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
    this.params = params;
  }
}
