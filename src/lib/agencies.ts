/**
 * How an agency is named in lists and menus: "FGR — Fiscalía General de la República". Names
 * often end with their own abbreviation in parentheses ("… (FGR)", "… (CENAPI, FGR)"); the code
 * shown in front is not repeated there, and what else the parentheses say stays ("(FGR)").
 */
export function agencyLabel(code: string, name: string | null | undefined): string {
  if (!name) return code;
  const parts = new Set([code, ...code.split('-')].map((p) => p.toUpperCase()));
  const match = /\s*\(([^()]*)\)\s*$/.exec(name);
  if (!match) return `${code} — ${name}`;
  const kept = (match[1] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && !parts.has(p.toUpperCase()));
  const base = name.slice(0, match.index);
  return `${code} — ${base}${kept.length ? ` (${kept.join(', ')})` : ''}`;
}

/**
 * A member's name with their agency, unless the display name already ends with it in parentheses:
 * "Dana Whitfield (ATF)", "Ana Lucía Pérez (MP Guatemala)" (agencies write their own short names).
 */
export function withAgency(name: string | null, code: string): string {
  if (!name) return code;
  return name.includes(`(${code})`) || /\([^()]+\)\s*$/.test(name) ? name : `${name} (${code})`;
}
