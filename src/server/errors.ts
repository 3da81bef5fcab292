/**
 * An expected failure of a domain operation. `code` names a translation (`error.<code>` in the
 * dictionaries) and `field` the form field it concerns, so pages can show it beside the field.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly field?: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(code);
    this.name = 'DomainError';
  }
}
