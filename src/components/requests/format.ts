/** "Name (AGENCY)", without repeating the agency when the display name already carries it. */
export const withAgency = (name: string | null, code: string): string => (name ? (name.includes(`(${code})`) ? name : `${name} (${code})`) : code);
