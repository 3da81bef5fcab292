/** "Name (AGENCY)", unless the display name already ends with its agency in parentheses. */
export const withAgency = (name: string | null, code: string): string =>
  name ? (/\([^()]+\)$/.test(name.trim()) ? name : `${name} (${code})`) : code;
