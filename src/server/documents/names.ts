/**
 * File names as users send them are display text only (storage is content-addressed): they are
 * normalised, checked, and refused when they try to disguise what a file is.
 */

/** Bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks): "informe\u202Efdp.exe" shows as "informeexe.pdf". */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** C0 and C1 controls, NUL included. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
export const MAX_NAME_LENGTH = 255;

export type NameProblem = 'name_empty' | 'name_control' | 'name_bidi' | 'name_path' | 'name_too_long' | 'name_no_extension';

export type NameCheck = { ok: true; name: string; extension: string } | { ok: false; problem: NameProblem; shown: string };

/** A harmless rendering of a refused name for the error message (controls shown as �, capped). */
export function displayableName(raw: string): string {
  const shown = raw.replace(new RegExp(`${CONTROL.source}|${BIDI.source}`, 'gu'), '\uFFFD');
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
}

export function checkFileName(raw: string): NameCheck {
  const shown = displayableName(raw);
  const name = raw.normalize('NFC').trim();
  if (!name) return { ok: false, problem: 'name_empty', shown };
  if (CONTROL.test(name)) return { ok: false, problem: 'name_control', shown };
  if (BIDI.test(name)) return { ok: false, problem: 'name_bidi', shown };
  // Browsers send the bare name; a path (../, C:\…) is a crafted request.
  if (/[/\\]/.test(name) || name === '.' || name === '..') return { ok: false, problem: 'name_path', shown };
  if ([...name].length > MAX_NAME_LENGTH) return { ok: false, problem: 'name_too_long', shown };
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!extension) return { ok: false, problem: 'name_no_extension', shown };
  // Characters Windows refuses in names become "_" so the download's name works everywhere.
  return { ok: true, name: name.replace(/[<>:"|?*]/g, '_').replace(/\s+/g, ' '), extension };
}

/** The title a document gets from its file name when none is typed: the name without its extension. */
export function titleFromFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).replace(/[_]+/g, ' ').trim() || name;
}

/**
 * Content-Disposition for a download: `attachment`, an ASCII fallback and the UTF-8 name
 * (RFC 6266 / RFC 5987), so "Informe balístico.pdf" keeps its accent in every browser.
 */
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7E]/g, '_')
    .replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
